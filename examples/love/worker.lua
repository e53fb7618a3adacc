-- The love.thread of examples/love/main.lua (`love examples/love --thread`):
-- a Lua state of its own, so it can make the blocking calls. Every text
-- delta goes back to the game through a love.thread channel as a string; the
-- end goes as a table {stop_reason = ...} or {error = ...}.
-- luacheck: globals love
local path, cpath, channel_name, api_key, base_url, model, prompt, ca_file = ...
require("love.thread")
local out = love.thread.getChannel(channel_name)

-- A thread starts with fresh package paths: use the ones the game set.
package.path, package.cpath = path, cpath

local ok, err = pcall(function()
  local anthropic = require("anthropic")
  local client = anthropic.new({ api_key = api_key, base_url = base_url ~= "" and base_url or nil,
                                 ca_file = ca_file ~= "" and ca_file or nil })
  local stream, serr = client.messages.stream({
    model = model, max_tokens = 300, messages = { { role = "user", content = prompt } },
  })
  if not stream then error(tostring(serr), 0) end
  for delta in stream:text() do out:push(delta) end
  local message, ferr = stream:final_message()
  if not message then error(tostring(ferr), 0) end
  out:push({ stop_reason = message.stop_reason })
  client:close()
end)
if not ok then out:push({ error = tostring(err) }) end
