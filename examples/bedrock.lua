-- Claude on Amazon Bedrock: the same client surface as anthropic.new, each
-- request rewritten for Bedrock and signed with SigV4 for every attempt.
-- With AWS credentials in the environment (AWS_ACCESS_KEY_ID / a profile /
-- AWS_BEARER_TOKEN_BEDROCK) it talks to Bedrock in AWS_REGION; otherwise to
-- the local fake server bundled with the tests, with example keys, and says which.
--   LUA_PATH="lua/?.lua;lua/?/init.lua;spec/?.lua;;" LUA_CPATH="./?.so;;" lua5.4 examples/bedrock.lua
local anthropic = require("anthropic")

local model = os.getenv("ANTHROPIC_MODEL") or "anthropic.claude-sonnet-4-5-20250929-v1:0"
local real = os.getenv("AWS_ACCESS_KEY_ID") or os.getenv("AWS_PROFILE") or os.getenv("AWS_BEARER_TOKEN_BEDROCK")
local client, server
if real then
  client = anthropic.bedrock()
  io.stderr:write("[talking to Amazon Bedrock at ", client.base_url, "]\n")
else
  server = require("support.fake").start()
  client = anthropic.bedrock({ base_url = server.url, aws_region = "us-west-2", aws_access_key = "AKIDEXAMPLE",
                               aws_secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" })
  io.stderr:write("[no AWS credentials: talking to the bundled local fake server at ", server.url, "]\n")
  server:script({ json = { id = "msg_bedrock", type = "message", role = "assistant", model = model,
                           content = { { type = "text", text = "Hello from Bedrock (the fake one)" } },
                           stop_reason = "end_turn", usage = { input_tokens = 9, output_tokens = 7 } } })
end

local msg, err = client.messages.create({
  model = model, max_tokens = 256,
  messages = { { role = "user", content = "Hello, Claude" } },
})
if not msg then
  print("request failed: " .. tostring(err))
  if server then server:stop() end
  os.exit(1)
end
print("Claude: " .. anthropic.text(msg))
if server then
  local req = server:last_request()
  print(("sent %s %s, signed: %s"):format(req.method, req.path, req.headers.authorization:match("^(%S+)")))
  server:stop()
end
