-- make demo: one request, one multi-turn conversation, one prefill.
-- Talks to the real API when ANTHROPIC_API_KEY is set, otherwise to the
-- local fake server bundled with the tests, and says which.
local anthropic = require("anthropic")

local client, server
if os.getenv("ANTHROPIC_API_KEY") then
  client = anthropic.new()
  print("Talking to the real Anthropic API at " .. client.base_url)
else
  server = require("support.fake").start()
  client = anthropic.new({ api_key = "sk-demo", base_url = server.url })
  print("ANTHROPIC_API_KEY is not set: talking to the bundled local fake server at " .. server.url)
end

local model = os.getenv("ANTHROPIC_MODEL") or "claude-sonnet-4-5"

local msg, err = client.messages.create({
  model = model,
  max_tokens = 1024,
  messages = { { role = "user", content = "Hello, Claude" } },
})
if not msg then
  print("request failed: " .. tostring(err))
  if server then server:stop() end
  os.exit(1)
end
print("Claude: " .. anthropic.text(msg))
print(("(%d input tokens, %d output tokens, request %s)"):format(
  msg.usage.input_tokens, msg.usage.output_tokens, tostring(anthropic.response_of(msg).request_id)))

local chat = anthropic.conversation({ client = client, model = model, max_tokens = 200 })
local reply = assert(chat:send("Describe LLMs in one sentence."))
print("Claude: " .. reply)
reply = assert(chat:send("And in three words?"))
print("Claude: " .. reply)

if server then server:stop() end
