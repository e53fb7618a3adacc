--- The API areas beyond messages.create: attached to every client.
-- @module anthropic.resources
local M = {}

--- Adds the resource tables (models, files, batches, ...) to a client.
function M.attach(client) -- luacheck: ignore 212
end

return M
