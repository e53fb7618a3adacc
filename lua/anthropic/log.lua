--- Logging to stderr, switched on by the environment as in the official SDKs:
-- `ANTHROPIC_LOG` is `off`, `error`, `warn` (the default), `info` or
-- `debug`. `info` logs each request, response and retry; `debug` adds the
-- request headers, with the credentials redacted. A secret is never written.
-- @module anthropic.log
local M = {}

--- The levels, quietest first.
M.LEVELS = { off = 0, error = 1, warn = 2, info = 3, debug = 4 }

local level = M.LEVELS[(os.getenv("ANTHROPIC_LOG") or ""):lower()] or M.LEVELS.warn
M.info = level >= M.LEVELS.info
M.debug = level >= M.LEVELS.debug

--- The headers whose values are never logged.
M.SECRET = {
  ["x-api-key"] = true, ["authorization"] = true, ["proxy-authorization"] = true, ["cookie"] = true,
  ["set-cookie"] = true, ["x-amz-security-token"] = true, ["x-goog-api-key"] = true,
}
local SECRET = M.SECRET

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

--- Logs the start of an attempt; `lines`: its header lines when
-- `spec.headers` is a shared set rather than a list.
function M.request(spec, attempt, lines)
  M.write("%s %s (attempt %d)", spec.method or "GET", spec.url, attempt + 1)
  if M.debug then
    for _, h in ipairs(M.redacted(lines or spec.headers)) do M.write("  > %s", h) end
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
