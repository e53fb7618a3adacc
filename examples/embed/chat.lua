-- Run by examples/embed/host, a C program with anthropic.core linked into
-- it: sends a message, then streams a reply, writing each text delta through
-- host.emit as it arrives.
--
--   host --root . examples/embed/chat.lua [BASE_URL]
--
-- Without BASE_URL: $ANTHROPIC_BASE_URL, else the real API (needs
-- ANTHROPIC_API_KEY). With `host --threads N`, state number host.id sends to
-- BASE_URL/t<id> (so the local fake server can give every thread its own
-- answer) and reports when its first and last deltas arrived.
-- luacheck: globals host
local anthropic = require("anthropic")
local core = require("anthropic.core")

local base_url = arg[1] or os.getenv("ANTHROPIC_BASE_URL")
if base_url and host.threads > 0 then base_url = base_url .. "/t" .. host.id end
local client = anthropic.new({
  api_key = os.getenv("ANTHROPIC_API_KEY") or "sk-embed-demo",
  base_url = base_url,
})
local model = os.getenv("ANTHROPIC_MODEL") or "claude-sonnet-4-5"

if host.threads == 0 then
  -- Where the core came from: the host's package.preload, not a .so file.
  host.emit(("anthropic.core %s from %s (package.cpath = %q)\n"):format(
    core.version, package.preload["anthropic.core"] and "package.preload" or "?", package.cpath))
  local message, err = client.messages.create({
    model = model, max_tokens = 64,
    messages = { { role = "user", content = "Hello, Claude" } },
  })
  if not message then error("create failed: " .. tostring(err), 0) end
  host.emit("create: " .. anthropic.text(message) .. "\n")
  host.emit("stream: ")
end

local params = {
  model = model, max_tokens = 256,
  messages = { { role = "user", content = "Tell me a short story, thread " .. host.id .. "." } },
}
local first, last, deltas
local function take(delta)
  last = host.now()
  first = first or last
  deltas = (deltas or 0) + 1
  host.emit(delta)
end
local message, ferr
if host.threads > 0 then
  -- As a game loop would: stream_async and client:poll, so each state's
  -- session runs its network thread (ThreadSanitizer watches them all).
  local done = false
  client.messages.stream_async(params, {
    on_text = take,
    on_done = function(m, e) message, ferr, done = m, e, true end,
  })
  while not done do client:poll(10) end
else
  -- Blocking: the session drives libcurl on this thread as it waits.
  local stream, err = client.messages.stream(params)
  if not stream then error("stream failed: " .. tostring(err), 0) end
  for delta in stream:text() do take(delta) end
  message, ferr = stream:final_message()
end
if not message then error("stream failed: " .. tostring(ferr), 0) end
host.emit(("\n[stop_reason=%s output_tokens=%s deltas=%d]"):format(
  tostring(message.stop_reason), tostring(message.usage.output_tokens), deltas or 0))
if host.threads > 0 then
  host.emit(("\n@stream %.3f %.3f"):format(first or 0, last or 0))
else
  host.emit("\n")
end
client:close()
