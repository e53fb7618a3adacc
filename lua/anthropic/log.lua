--- Logging to stderr, switched on by the environment as in the official SDKs:
-- `ANTHROPIC_LOG=info` logs each request, response and retry;
-- `ANTHROPIC_LOG=debug` adds the request headers, with the credentials
-- redacted. The key is never written.
-- @module anthropic.log
local M = {}

local level = os.getenv("ANTHROPIC_LOG")
M.info = level == "info" or level == "debug"
M.debug = level == "debug"

local SECRET = { ["x-api-key"] = true, ["authorization"] = true, ["proxy-authorization"] = true }

--- A header list ("name: value" strings) with the secret values replaced.
function M.redacted(list)
  local out = {}
  for i, h in ipairs(list) do
    local name = h:match("^([^:]*):")
    out[i] = (name and SECRET[name:lower()]) and (name .. ": <redacted>") or h
  end
  return out
end

--- Writes one line: `[anthropic] ...`.
function M.write(fmt, ...)
  io.stderr:write("[anthropic] ", fmt:format(...), "\n")
end

--- Logs the start of an attempt.
function M.request(spec, attempt)
  M.write("%s %s (attempt %d)", spec.method or "GET", spec.url, attempt + 1)
  if M.debug then
    for _, h in ipairs(M.redacted(spec.headers)) do M.write("  > %s", h) end
  end
end

--- Logs an answer (status and request id) or a failure.
function M.response(status, request_id, err)
  if err then
    M.write("failed: %s", tostring(err))
  else
    M.write("%d [request_id %s]", status, tostring(request_id))
  end
end

return M
