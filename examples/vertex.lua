-- Claude on Google Vertex AI: the same client surface as anthropic.new, with
-- a Google access token (Application Default Credentials: a service
-- account's key or gcloud's user credentials, refreshed before they expire).
-- With GOOGLE_APPLICATION_CREDENTIALS or ANTHROPIC_VERTEX_PROJECT_ID set it
-- talks to Vertex AI in CLOUD_ML_REGION; otherwise to the local fake server
-- bundled with the tests, with a fixed token, and says which.
--   LUA_PATH="lua/?.lua;lua/?/init.lua;spec/?.lua;;" LUA_CPATH="./?.so;;" lua5.4 examples/vertex.lua
local anthropic = require("anthropic")

local model = os.getenv("ANTHROPIC_MODEL") or "claude-sonnet-4-5@20250929"
local real = os.getenv("GOOGLE_APPLICATION_CREDENTIALS") or os.getenv("ANTHROPIC_VERTEX_PROJECT_ID")
local client, server
if real then
  client = anthropic.vertex({ region = os.getenv("CLOUD_ML_REGION") or "global" })
  io.stderr:write("[talking to Vertex AI at ", client.base_url, "]\n")
else
  server = require("support.fake").start()
  client = anthropic.vertex({ base_url = server.url, region = "us-east5", project_id = "demo-project",
                              access_token = "ya29.demo-token" })
  io.stderr:write("[no Google credentials: talking to the bundled local fake server at ", server.url, "]\n")
  server:script({ json = { input_tokens = 12 } })
  server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" },
                  sse_raw = require("support.streams").text })
end

local count, cerr = client.messages.count_tokens({ model = model, messages = { { role = "user", content = "Hi" } } })
if not count then
  print("count_tokens failed: " .. tostring(cerr))
  os.exit(1)
end
print(("the prompt is %d tokens"):format(count.input_tokens))

local s, err = client.messages.stream({ model = model, max_tokens = 256,
                                        messages = { { role = "user", content = "Hello, Claude" } } })
if not s then
  print("stream failed: " .. tostring(err))
  os.exit(1)
end
io.write("Claude: ")
for delta in s:text() do io.write(delta) end
io.write("\n")
if server then
  print("sent to " .. server:last_request().path)
  server:stop()
end
