-- Shared by the examples: a client for the real API when ANTHROPIC_API_KEY
-- is set, otherwise for the local fake server bundled with the tests (run
-- from the repository root; `make demo` sets the paths). Says which.
local anthropic = require("anthropic")

local env = { model = os.getenv("ANTHROPIC_MODEL") or "claude-sonnet-4-5" }

if os.getenv("ANTHROPIC_API_KEY") then
  env.client = anthropic.new()
  env.real = true
  io.stderr:write("[talking to the real Anthropic API at ", env.client.base_url, "]\n")
else
  env.server = require("support.fake").start()
  env.client = anthropic.new({ api_key = "sk-demo", base_url = env.server.url })
  io.stderr:write("[ANTHROPIC_API_KEY is not set: talking to the bundled local fake server at ",
                  env.server.url, "]\n")
end

-- Against the fake server, queue a streamed answer made of `text` word by word.
function env.script_stream(text, delay_ms)
  if env.real then return end
  local fake = require("support.fake")
  local events = {
    { event = "message_start", data = { type = "message_start", message = {
      id = "msg_demo", type = "message", role = "assistant", model = env.model, content = fake.array({}),
      usage = { input_tokens = 10, output_tokens = 1 } } } },
    { event = "content_block_start", data = { type = "content_block_start", index = 0,
                                              content_block = { type = "text", text = "" } } },
  }
  for word in text:gmatch("%S+%s*") do
    events[#events + 1] = { event = "content_block_delta", data = { type = "content_block_delta", index = 0,
                                                                    delta = { type = "text_delta", text = word } } }
  end
  events[#events + 1] = { event = "content_block_stop", data = { type = "content_block_stop", index = 0 } }
  events[#events + 1] = { event = "message_delta", data = { type = "message_delta",
                          delta = { stop_reason = "end_turn" }, usage = { output_tokens = 30 } } }
  events[#events + 1] = { event = "message_stop", data = { type = "message_stop" } }
  env.server:script({ sse = events, chunk_delay_ms = delay_ms or 30 })
end

function env.finish()
  if env.server then env.server:stop() end
end

return env
