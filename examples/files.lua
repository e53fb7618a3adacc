-- The Files API: upload a document once, refer to it by id in
-- messages, list the files, delete it.
-- Talks to the real API when ANTHROPIC_API_KEY is set, otherwise to the
-- local fake server bundled with the tests.
local anthropic = require("anthropic")

local env = dofile("examples/env.lua")
local client, server = env.client, env.server
if server then
  local meta = { id = "file_demo", type = "file", filename = "notes.txt", mime_type = "text/plain",
                 size_bytes = 120, created_at = "2025-04-14T12:00:00Z" }
  server:script({
    { match = { method = "POST", path = "/v1/files" }, json = meta },
    { match = { method = "POST", path = "/v1/messages" }, json = { id = "msg_1", type = "message",
      role = "assistant", model = "claude-sonnet-4-5", stop_reason = "end_turn",
      content = { { type = "text", text = "The notes say that ants are remarkably strong." } },
      usage = { input_tokens = 60, output_tokens = 12 } } },
    { match = { method = "GET", path = "/v1/files" },
      json = { data = { meta }, has_more = false, first_id = "file_demo", last_id = "file_demo" } },
    { match = { method = "DELETE", path = "/v1/files/file_demo" }, json = { id = "file_demo", type = "file_deleted" } },
  })
end

-- A small document to upload (streamed from disk by libcurl; any size works).
local path = os.tmpname() .. ".txt"
local f = assert(io.open(path, "w"))
f:write("Field notes: ants can carry between 10 and 50 times their own body weight.\n")
f:close()

local file, err = client.files.upload(path)
os.remove(path)
if not file then
  print("upload failed: " .. tostring(err))
  os.exit(1)
end
print(("uploaded %s as %s (%s)"):format(file.filename, file.id, file.mime_type))

local msg = assert(client.messages.create({
  model = os.getenv("ANTHROPIC_MODEL") or "claude-sonnet-4-5",
  max_tokens = 200,
  messages = { { role = "user", content = {
    anthropic.document.file_id(file.id),
    { type = "text", text = "Summarise these notes in one sentence." },
  } } },
}))
print("Claude: " .. anthropic.text(msg))

for item in assert(client.files.list({ limit = 20 })):each() do
  print(("  file %s  %s  %d bytes"):format(item.id, item.filename, item.size_bytes))
end

assert(client.files.delete(file.id))
print("deleted " .. file.id)
-- Files the API created (code execution, skills) can be saved with
-- client.files.download(id, "out.bin"), streamed to disk.

if server then server:stop() end
