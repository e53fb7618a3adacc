-- Streaming in a plain script: print the text as it arrives.
local anthropic = require("anthropic")
local env = dofile("examples/env.lua")

env.script_stream("Large language models are neural networks trained on vast amounts of text to predict "
  .. "the next token; scaled up, that simple objective yields fluent writing, reasoning and coding.")
local s, err = env.client.messages.stream({
  model = env.model, max_tokens = 300,
  messages = { { role = "user", content = "Describe LLMs in two sentences." } },
})
if not s then error(tostring(err)) end
for delta in s:text() do io.write(delta); io.flush() end
io.write("\n")
local msg, ferr = s:final_message()
if not msg then print("stream failed: " .. tostring(ferr)) else
  print(("[%s, %d output tokens]"):format(msg.stop_reason, msg.usage.output_tokens))
end
assert(anthropic.text(msg) ~= "")
env.finish()
