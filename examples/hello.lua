-- make demo: one request, one multi-turn conversation, one prefill.
-- Talks to the real API when ANTHROPIC_API_KEY is set, otherwise to the
-- local fake server bundled with the tests, and says which.
local anthropic = require("anthropic")

local env = dofile("examples/env.lua")
local client, server = env.client, env.server

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

-- Putting words in Claude's mouth: the answer continues "The answer is (".
if server then
  server:script({ json = { type = "message", role = "assistant", model = model, stop_reason = "max_tokens",
                           content = { { type = "text", text = "C" } },
                           usage = { input_tokens = 42, output_tokens = 1 } } })
end
local quiz = anthropic.conversation({ client = client, model = model, max_tokens = 1 })
local answer, qerr = quiz:send("What is latin for Ant? (A) Apoidea, (B) Rhopalocera, (C) Formicidae",
                               { prefill = "The answer is (" })
-- Models that do not accept a prefill (the guide names Opus 4.6 and Sonnet 4.6) answer 400.
print(answer and ("Claude: " .. answer) or ("prefill refused: " .. tostring(qerr)))

env.finish()
