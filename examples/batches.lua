-- Message Batches: create a batch of two requests, wait for it to end, then
-- walk its results (read line by line, in constant memory).
-- Talks to the real API when ANTHROPIC_API_KEY is set (a batch may take
-- minutes to end), otherwise to the local fake server bundled with the tests.
local anthropic = require("anthropic")

local client, server
if os.getenv("ANTHROPIC_API_KEY") then
  client = anthropic.new()
  print("Talking to the real Anthropic API at " .. client.base_url)
else
  local fake = require("support.fake")
  server = fake.start()
  client = anthropic.new({ api_key = "sk-demo", base_url = server.url })
  print("ANTHROPIC_API_KEY is not set: talking to the bundled local fake server at " .. server.url)
  local function batch(status, results_url)
    return { id = "msgbatch_demo", type = "message_batch", processing_status = status,
             request_counts = { processing = 0, succeeded = 2, errored = 0, canceled = 0, expired = 0 },
             results_url = results_url or fake.null }
  end
  local function line(id, text)
    return fake.json_encode({ custom_id = id, result = { type = "succeeded", message = {
      id = "msg_" .. id, type = "message", role = "assistant", model = "claude-sonnet-4-5",
      content = { { type = "text", text = text } }, stop_reason = "end_turn",
      usage = { input_tokens = 10, output_tokens = 5 } } } })
  end
  server:script({
    { match = { method = "POST", path = "/v1/messages/batches" }, json = batch("in_progress") },
    { match = { path = "/v1/messages/batches/msgbatch_demo" }, json = batch("in_progress") },
    { match = { path = "/v1/messages/batches/msgbatch_demo" }, times = 0,
      json = batch("ended", server.url .. "/v1/messages/batches/msgbatch_demo/results") },
    { match = { path = "/v1/messages/batches/msgbatch_demo/results" },
      body = line("greeting", "Hello!") .. "\n" .. line("farewell", "Goodbye!") .. "\n" },
  })
end

local model = os.getenv("ANTHROPIC_MODEL") or "claude-sonnet-4-5"
local function ask(text)
  return { model = model, max_tokens = 100, messages = { { role = "user", content = text } } }
end

local b, err = client.messages.batches.create({ requests = {
  { custom_id = "greeting", params = ask("Say hello in one word.") },
  { custom_id = "farewell", params = ask("Say goodbye in one word.") },
} })
if not b then
  print("create failed: " .. tostring(err))
  os.exit(1)
end
print(("batch %s created: %s"):format(b.id, b.processing_status))

b, err = client.messages.batches.wait(b.id, { interval = server and 0.05 or 10 })
if not b then
  print("wait failed: " .. tostring(err))
  os.exit(1)
end
print(("batch ended: %d succeeded, %d errored"):format(b.request_counts.succeeded, b.request_counts.errored))

local results = assert(client.messages.batches.results(b.id))
for r in results do
  if r.result.type == "succeeded" then
    print(("  %s: %s"):format(r.custom_id, anthropic.text(r.result.message)))
  else
    print(("  %s: %s"):format(r.custom_id, r.result.type))
  end
end
if results.error then print("reading the results failed: " .. tostring(results.error)) end

if server then server:stop() end
