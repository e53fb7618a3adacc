-- Run by codec_spec inside `nvim --headless`: the SDK with json = vim.json
-- against the fake server; writes "ok" or the failure to $ANTH_OUT.
package.cpath = "build/luajit/?.so;" .. package.cpath
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path

local function run()
  local anthropic = require("anthropic")
  local client = anthropic.new({ api_key = "sk-nvim", base_url = os.getenv("ANTH_FAKE_URL"),
                                 max_retries = 0, json = vim.json })
  local msg, err = client.messages.create({ model = "m", max_tokens = 5,
    messages = { { role = "user", content = "hi from nvim" } } })
  if not msg then return tostring(err) end
  if msg.stop_sequence ~= nil then return "stop_sequence should be absent" end
  if tostring(msg.usage.input_tokens) ~= "12" then return "input_tokens " .. tostring(msg.usage.input_tokens) end
  local ok, e = client.messages.create({
    model = "m", max_tokens = 5, stop_sequences = {},
    messages = { { role = "user", content = "hi" }, { role = "assistant", content = msg.content } },
    metadata = { a = vim.NIL, b = vim.empty_dict() },
    tools = { { name = "t", input_schema = { type = "object", properties = vim.empty_dict() } } },
  })
  if not ok then return tostring(e) end
  return "ok"
end

local ok, result = pcall(run)
local f = assert(io.open(os.getenv("ANTH_OUT"), "wb"))
f:write(ok and result or ("error: " .. tostring(result)))
f:close()
