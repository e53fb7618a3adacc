--- Response records: what an answer was (status, request id, headers,
-- attempts), kept beside the decoded body rather than in it, so the body
-- stays exactly the API's JSON.
-- @module anthropic.response
local core = require("anthropic.core")

local M = {}

-- decoded body -> its record, weakly, so records go when their bodies go.
local records = setmetatable({}, { __mode = "k" })

-- Records parse their header block only when `headers` is first read.
local Record = {
  __index = function(r, k)
    if k ~= "headers" then return nil end
    local headers = core.parse_headers(r.head)
    rawset(r, "headers", headers)
    return headers
  end,
}

--- The record of transfer `t`, answered with `status` after `attempts`
-- attempts: `status`, `request_id`, `attempts`, `head` (the raw header
-- block) and `headers` (parsed on first use). The request id is the
-- `request-id` header, else the header `id_header` names (a platform's own).
function M.record(status, t, attempts, id_header)
  local id = t:header("request-id")
  if id == nil and id_header then id = t:header(id_header) end
  return setmetatable({ status = status, request_id = id, head = t:head(), attempts = attempts }, Record)
end

--- The record of a value an API call returned, or nil.
function M.of(value)
  return records[value]
end

--- Files `record` as the record of `value` (a decoded body or a message
-- built from a stream).
function M.remember(value, record)
  records[value] = record
end

return M
