--- Errors returned (never raised) by API calls: `nil, err`, where err is a
-- table with `type`, `status`, `message`, `request_id`, `body`, `retryable`,
-- `attempts`, and for API errors that carry them `error_code` and `details`
-- (the body's `error.details`), readable with `tostring`.
-- @module anthropic.errors
local core = require("anthropic.core")

local M = {}

local Error = {}
Error.__index = Error
M.Error = Error

--- The `type` an HTTP status maps to when the body does not name one.
M.type_of_status = {
  [400] = "invalid_request_error",
  [401] = "authentication_error",
  [402] = "billing_error",
  [403] = "permission_error",
  [404] = "not_found_error",
  [408] = "timeout_error",
  [409] = "conflict_error",
  [413] = "request_too_large",
  [422] = "unprocessable_entity_error",
  [429] = "rate_limit_error",
  [500] = "api_error",
  [504] = "timeout_error",
  [529] = "overloaded_error",
}

local function one_line(s, limit)
  s = tostring(s):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  if #s > limit then s = s:sub(1, limit) .. "..." end
  return s
end

-- The details besides error_code, as one short line of JSON; nil when none.
local function details_line(details)
  if type(details) ~= "table" then return nil end
  local rest, any = {}, false
  for k, v in pairs(details) do
    if k ~= "error_code" then rest[k], any = v, true end
  end
  if not any then return nil end
  local ok, text = pcall(core.encode, rest)
  return ok and one_line(text, 200) or nil
end

function Error:__tostring()
  local parts = { "anthropic: ", self.type or "error" }
  local code = type(self.error_code) == "string" and self.error_code or nil
  if self.status and self.status > 0 then
    parts[#parts + 1] = " (" .. self.status .. (code and " " .. code or "") .. ")"
  elseif code then
    parts[#parts + 1] = " (" .. code .. ")"
  end
  if self.message and self.message ~= "" then parts[#parts + 1] = ": " .. self.message end
  local details = details_line(self.details)
  if details then parts[#parts + 1] = " " .. details end
  if self.request_id then parts[#parts + 1] = " [request_id " .. self.request_id .. "]" end
  if self.attempts and self.attempts > 1 then parts[#parts + 1] = " after " .. self.attempts .. " attempts" end
  return table.concat(parts)
end

--- Makes an error table from its fields. When `body` is an API error body
-- (`{error = {details = {error_code = ...}}}`, an HTTP answer's or an SSE
-- `error` event's), `details` and `error_code` (only when a string) come from it.
-- @tparam table fields at least `type` and `message`
-- @treturn table the error
function M.new(fields)
  fields.status = fields.status or 0
  local body = fields.body
  local e = type(body) == "table" and body.error
  if fields.details == nil and type(e) == "table" and type(e.details) == "table" then
    fields.details = e.details
    if fields.error_code == nil and type(e.details.error_code) == "string" then
      fields.error_code = e.details.error_code
    end
  end
  return setmetatable(fields, Error)
end

--- True when `v` is an error made by this module.
function M.is_error(v)
  return getmetatable(v) == Error
end

--- The error for an HTTP answer that was not a success.
-- @tparam number status the HTTP status
-- @tparam table headers lower-cased response headers
-- @tparam string raw the body as received
-- @param decoded the body decoded as JSON, or nil when it is not JSON
function M.from_response(status, headers, raw, decoded)
  local body, etype, message = raw, nil, nil
  if type(decoded) == "table" then
    body = decoded
    local e = decoded.error
    if type(e) == "table" then
      etype = type(e.type) == "string" and e.type or nil
      message = type(e.message) == "string" and e.message or nil
    elseif type(decoded.message) == "string" then
      message = decoded.message
    end
  end
  if not message then
    if raw == nil or raw == "" then
      message = "HTTP " .. status .. " with an empty body"
    else
      local ctype = headers["content-type"] or "unknown content type"
      message = "HTTP " .. status .. " (" .. ctype .. "): " .. one_line(raw, 200)
    end
  end
  return M.new({
    type = etype or M.type_of_status[status] or (status >= 500 and "api_error" or "invalid_request_error"),
    status = status,
    message = message,
    request_id = headers["request-id"] or headers["x-request-id"],
    headers = headers,
    body = body,
  })
end

--- The error for a transfer that got no complete answer.
-- @tparam string kind what the core reported: "connection", "timeout", "idle_timeout", ...
-- @tparam string message libcurl's description
function M.from_transport(kind, message)
  local etype = (kind == "timeout" or kind == "idle_timeout") and "timeout_error" or "connection_error"
  return M.new({ type = etype, message = message, reason = kind })
end

return M
