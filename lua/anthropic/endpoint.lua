--- What every API area builds its functions from: both call styles
-- (`api.f(x)` and `api:f(x)`), checked ids and per-request options, and the
-- request table a call runs (see `anthropic.call`).
-- @module anthropic.endpoint
local options = require("anthropic.options")
local raise = require("anthropic.misuse").raise

local M = {}

--- The arguments of a function called as `api.f(a, b, c)` or `api:f(a, b, c)`.
function M.args(api, a, b, c, d)
  if rawequal(a, api) then return b, c, d end
  return a, b, c
end

--- Raises unless `params` is a table.
function M.check_params(where, params)
  if type(params) ~= "table" then
    raise(("%s: params must be a table, got %s"):format(where, type(params)))
  end
  return params
end

--- A checked, URL-encoded id for a path.
function M.id(where, what, id)
  if type(id) ~= "string" or id == "" then
    raise(("%s: %s must be a non-empty string, got %s"):format(where, what, type(id)))
  end
  return options.urlencode(id)
end

--- An API function `api.f(id [, opts])` (or `api:f(...)`) that sends
-- `method` to `base .. "/" .. id .. suffix` (`what` names the id in errors):
-- the decoded answer, or nil, err.
function M.by_id(client, api, where, method, base, what, suffix)
  return function(a, b, c)
    local id, opts = M.args(api, a, b, c)
    local path = base .. "/" .. M.id(where, what, id) .. (suffix or "")
    return client:request(M.request(client, where, opts, { method = method, path = path }))
  end
end

--- Params the official SDKs send as headers, not in the body.
M.HEADER_PARAMS = { workspace_id = "anthropic-workspace-id", user_profile_id = "anthropic-user-profile-id" }

--- Moves the header params of `params` (see `HEADER_PARAMS`) into
-- `req.headers`: returns the body to send, a copy without them when there
-- were any (the caller's table is left alone).
function M.lift_headers(where, params, req)
  local body = params
  for param, header in pairs(M.HEADER_PARAMS) do
    local v = params[param]
    if v ~= nil then
      if type(v) ~= "string" or v:find("[%z\r\n]") then
        raise(("%s: params.%s must be a string without CR, LF or NUL"):format(where, param))
      end
      if body == params then
        body = {}
        for k, x in pairs(params) do body[k] = x end
      end
      body[param] = nil
      req.headers = req.headers or {}
      if req.headers[header] == nil then req.headers[header] = v end
    end
  end
  return body
end

--- The request of an API call: `fields` (method, path, query, body...) plus
-- the per-request options `opts` (checked here: headers, betas, timeout,
-- max_retries), with the client's timeout unless one is given.
function M.request(client, where, opts, fields)
  local o = options.request(where, opts)
  local req = {
    headers = o.headers, betas = o.betas, timeout = o.timeout or client.timeout, max_retries = o.max_retries,
  }
  for k, v in pairs(fields) do req[k] = v end
  return req
end

return M
