-- Streaming with callbacks (run from the SDK's own loop, never from inside libcurl).
local env = dofile("examples/env.lua")

env.script_stream("Callbacks get every text delta and the message so far.")
local s = assert(env.client.messages.stream({
  model = env.model, max_tokens = 200,
  messages = { { role = "user", content = "Say something about callbacks." } },
}, {
  on_text = function(delta) io.write(delta); io.flush() end,
  on_event = function(event) if event.type == "message_stop" then io.write("\n[message_stop]\n") end end,
}))
local msg = assert(s:final_message())
print(("[%d content block(s)]"):format(#msg.content))
env.finish()
