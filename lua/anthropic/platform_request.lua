--- What the Bedrock and Vertex helpers share: which API paths a
-- platform serves, path-segment encoding and the body copy with the
-- platform's `anthropic_version`. Pure functions; the user's tables are never
-- changed.
-- @module anthropic.platform_request
local M = {}

--- v when it is a non-empty string, else nil (options and environment
-- variables set to "" count as unset).
-- @param v any value
-- @treturn string v, or nil
function M.nonempty(v)
  if type(v) == "string" and v ~= "" then return v end
  return nil
end

--- Percent-encodes one path segment: every byte except `A-Za-z0-9-._~` and
-- the extra safe characters given (as Python's `quote(s, safe=...)`).
-- @tparam string s the segment
-- @tparam[opt] string safe characters kept as they are, e.g. ":"
-- @treturn string the encoded segment
function M.encode_segment(s, safe)
  local keep = "[^%w%-%._~" .. (safe or ""):gsub("%W", "%%%0") .. "]"
  return (s:gsub(keep, function(c) return ("%%%02X"):format(c:byte()) end))
end

--- Which operation an Anthropic API path is, for the platform rewrites:
-- "messages" (`/v1/messages`, with or without `?beta=true`), "count_tokens",
-- "batches", "complete", or nil for anything else.
-- @tparam string path the API path, with its query
-- @treturn string the operation, or nil
function M.operation(path)
  local route = path:match("^[^?]*")
  if route == "/v1/messages" then return "messages" end
  if route == "/v1/messages/count_tokens" then return "count_tokens" end
  if route:match("^/v1/messages/batches") then return "batches" end
  if route == "/v1/complete" then return "complete" end
  return nil
end

--- A shallow copy of a request body (its metatable kept, so JSON markers
-- stay) with `anthropic_version` defaulted and the given keys removed.
-- @tparam table body the request parameters
-- @tparam string version the platform's default `anthropic_version`
-- @tparam[opt] table remove keys to drop, e.g. {"model", "stream"}
-- @treturn table the new body
function M.copy_body(body, version, remove)
  local out = {}
  for k, v in pairs(body) do out[k] = v end
  setmetatable(out, getmetatable(body))
  if out.anthropic_version == nil then out.anthropic_version = version end
  for _, k in ipairs(remove or {}) do out[k] = nil end
  return out
end

--- A header's value from a table of headers, whatever the case of its name.
-- @tparam table headers name -> value
-- @tparam string name the lower-case name
-- @treturn string the value, or nil
function M.header(headers, name)
  if not headers then return nil end
  for k, v in pairs(headers) do
    if type(k) == "string" and k:lower() == name then return v end
  end
  return nil
end

return M
