--- The default client: built from the environment on first use, shared by
-- the module-level shortcuts (`anthropic.messages.create`...) and by
-- conversations made without a client.
-- @module anthropic.default
local client = require("anthropic.client")

local M = {}

local default

--- The default client (made on first use).
function M.client()
  if default == nil then default = client.new() end
  return default
end

return M
