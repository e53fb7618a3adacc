--- What a cloud platform (`anthropic.bedrock`, `anthropic.vertex`) plugs
-- into a client: the hooks `anthropic.wire` calls. `prepare` rewrites a
-- request once per call (before its body is encoded); `authorize` adds the
-- headers of one attempt (a signature, a token); `response_error` and
-- `stream_error` read the platform's own errors. A request the platform
-- does not serve raises a clear error naming it, and nothing is sent.
-- @module anthropic.platform
local raise = require("anthropic.misuse").raise

local M = {}

--- Splits the options of a platform client: its own (`own`, name -> Lua
-- type, checked here) and the client's (checked by `anthropic.new`);
-- `refused` lists client options the platform has no use for.
function M.split_options(where, opts, own, refused)
  if opts == nil then opts = {} end
  if type(opts) ~= "table" then raise(("%s: options must be a table, got %s"):format(where, type(opts))) end
  local mine, rest = {}, {}
  for k, v in pairs(opts) do
    if own[k] then
      if type(v) ~= own[k] and not (own[k]:find(" or ", 1, true) and own[k]:find(type(v), 1, true)) then
        raise(("%s: option '%s' must be a %s, got %s"):format(where, k, own[k], type(v)))
      end
      mine[k] = v
    else
      rest[k] = v
    end
  end
  for _, k in ipairs(refused or {}) do
    if rest[k] ~= nil then raise(("%s: option '%s' does not apply here"):format(where, k)) end
  end
  return mine, rest
end

-- The headers of a transfer spec as name -> value (names lower-cased).
local function header_table(list)
  local t = {}
  for _, h in ipairs(list) do
    local name, value = h:match("^([^:;]+)[:;]%s*(.*)$")
    if name then t[name:lower()] = value end
  end
  return t
end

--- A platform from its parts: `name`; `prepare(req)` -> the fields of the
-- request to change (`path`, `body`, `betas = false` to drop them...), or
-- nil and why it cannot be sent; `authorize(spec, headers)` -> name ->
-- value of the headers to add to this attempt, or nil and an error;
-- optional `response_error(status, headers, raw, decoded)`,
-- `stream_error(event)`, `request_id_header` (the header that carries the
-- request id where the platform's answers have no `request-id`) and
-- `refresh_credentials()` (after a 401: drops cached credentials; true when
-- the next attempt may authorize differently).
function M.new(parts)
  local p = { name = parts.name, response_error = parts.response_error, stream_error = parts.stream_error,
              request_id_header = parts.request_id_header, refresh_credentials = parts.refresh_credentials }

  --- The hook of `anthropic.wire.prepare`: the request as this platform sends it.
  function p.prepare(_, req)
    local changes, why = parts.prepare(req)
    if not changes then raise(("anthropic.%s: %s"):format(parts.name:lower(), why)) end
    local out = {}
    for k, v in pairs(req) do out[k] = v end
    for k, v in pairs(changes) do
      if v == false then out[k] = nil else out[k] = v end
    end
    return out
  end

  --- The hook of `anthropic.wire.spec`: adds this attempt's credential headers.
  function p.authorize(_, spec)
    local add, err = parts.authorize(spec, header_table(spec.headers))
    if not add then return nil, err end
    local list = spec.headers
    for name, value in pairs(add) do list[#list + 1] = name .. ": " .. value end
    return spec
  end

  return p
end

return M
