--- The wire: how a request of a client becomes one libcurl transfer (URL,
-- headers, credentials, the transfer spec of csrc/transfer.c) and how a
-- finished transfer becomes a value or an error. Credentials are kept here,
-- out of every table a user can print or serialise.
-- @module anthropic.wire
local core = require("anthropic.core")
local errors = require("anthropic.errors")
local options = require("anthropic.options")
local response = require("anthropic.response")
local log = require("anthropic.log")
local async = require("anthropic.async")
local raise = require("anthropic.misuse").raise

local M = {}

local unpack = table.unpack or unpack ---@diagnostic disable-line: deprecated

-- client -> { api_key, auth_token, headers = cached header lists, shared =
-- cached header sets, fixed = the credentials are strings (or none) }, weakly.
local secrets = setmetatable({}, { __mode = "k" })

local function lua_name()
  local jit = rawget(_G, "jit")
  if type(jit) == "table" and jit.version then return jit.version end
  return _VERSION
end

--- The User-Agent every request sends.
M.user_agent = ("lua-anthropic/%s (%s; libcurl/%s)"):format(require("anthropic.version"), lua_name(),
                                                             core.curl_version())

--- Gives `client` its credentials (`api_key`, `auth_token`).
function M.set_credentials(client, creds)
  secrets[client] = { api_key = creds.api_key, auth_token = creds.auth_token, headers = {}, shared = {},
                      fixed = type(creds.api_key) ~= "function" and type(creds.auth_token) ~= "function" }
end

-- A credential's value for this attempt: a string, or what its function
-- returns (called before every attempt, so keys can rotate and short-lived
-- tokens stay fresh); nil and an error when the function fails.
local function resolve(name, value)
  if type(value) ~= "function" then return value end
  local ok, got = pcall(value)
  local why
  if not ok then
    why = "raised an error: " .. tostring(got)
  elseif type(got) ~= "string" or got == "" then
    why = "returned " .. (got == "" and "an empty string" or type(got))
  elseif got:find("[%z\r\n]") then
    why = "returned a value with CR, LF or NUL"
  end
  if why then
    return nil, errors.new({ type = "authentication_error", reason = "credentials",
                             message = ("the %s function %s; nothing was sent"):format(name, why) })
  end
  return got
end

-- How Anthropic's own API is authorised: appends the credential headers to
-- the spec's list as the official SDKs send them (x-api-key for an API key,
-- a bearer authorization for an auth token, both when both are set), unless
-- the caller set either header. Nil, err when a credential function fails.
local function anthropic_authorize(_, spec, caller_auth, s)
  if caller_auth then return spec end
  local list = spec.headers
  if not s.api_key and not s.auth_token then
    raise("anthropic: no credentials: set ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN, " ..
          "or pass api_key or auth_token to anthropic.new")
  end
  local key, token = s.api_key, s.auth_token
  local err
  if type(key) == "function" then
    key, err = resolve("api_key", key)
    if err then return nil, err end
  end
  if type(token) == "function" then
    token, err = resolve("auth_token", token)
    if err then return nil, err end
  end
  -- (The header lines of string credentials are made once per client.)
  if key then
    local line = key == s.api_key and s.key_line or "x-api-key: " .. key
    if key == s.api_key then s.key_line = line end
    list[#list + 1] = line
  end
  if token then
    local line = token == s.auth_token and s.token_line or "authorization: Bearer " .. token
    if token == s.auth_token then s.token_line = line end
    list[#list + 1] = line
  end
  return spec
end

--- Resolves a credential option (a string, or a function called now):
-- the value, or nil and an `authentication_error`. For platforms' authorize.
M.resolve = resolve

local RETRY_COUNT = "x-stainless-retry-count"

-- The retry-count header line of attempt `retries + 1`, each made once (a
-- create would otherwise make the same string anew every time).
local retry_lines = {}
local function retry_line(retries)
  local line = retry_lines[retries]
  if not line then
    line = RETRY_COUNT .. ": " .. retries
    retry_lines[retries] = line
  end
  return line
end

-- The header list of a request without its credentials, whether the
-- credentials are to be added (not when the caller set x-api-key or
-- authorization), and whether the retry count is (not when the caller set it).
local function build_headers(client, req)
  local h = {
    ["anthropic-version"] = client.anthropic_version,
    ["content-type"] = req.body ~= nil and "application/json" or nil,
    ["accept"] = req.accept or "application/json",
    ["user-agent"] = M.user_agent,
  }
  for name, value in pairs(client.default_headers) do h[name] = value end
  if req.betas then h["anthropic-beta"] = table.concat(req.betas, ",") end
  if req.headers then for name, value in pairs(req.headers) do h[name] = value end end
  local list = {}
  for name, value in pairs(h) do
    -- (libcurl drops "name:" with nothing after it; "name;" sends it empty.)
    if value then list[#list + 1] = value == "" and name .. ";" or name .. ": " .. value end
  end
  return list, h["x-api-key"] == nil and h["authorization"] == nil, h[RETRY_COUNT] == nil
end

-- The header list for one attempt: defaults, then the client's, then the
-- request's (a value of false removes a header), then the retry count; and
-- whether the caller set the credential headers. The lists of requests
-- without headers or betas of their own are built once per client.
local function header_list(client, req, retries)
  local entry
  if req.headers or req.betas then
    entry = { build_headers(client, req) }
  else
    local cache = secrets[client].headers
    local key = (req.accept or "") .. (req.body ~= nil and "+" or "-")
    entry = cache[key]
    if not entry then
      entry = { build_headers(client, req) }
      cache[key] = entry
    end
  end
  local list = { unpack(entry[1]) }
  if entry[3] then list[#list + 1] = retry_line(retries) end
  return list, not entry[2]
end

-- The header set of attempt `retries + 1` of a request with no headers or
-- betas of its own, to the Anthropic API with string credentials (nearly
-- every request): its lines, credentials and retry count included, checked
-- and built into libcurl's list once per client and kind, then shared by
-- the transfers (`sess:headers`, csrc/headers.h). Nil when the request's
-- lines are its own. `{ set =, lines = }`: the lines for the log.
local function shared_headers(client, req, retries, s)
  if client.platform or req.headers or req.betas or not s.fixed then return nil end
  -- (by accept, then retries and whether there is a body: no key string made per request)
  local accept = req.accept or false
  local kinds = s.shared[accept]
  if not kinds then
    kinds = {}
    s.shared[accept] = kinds
  end
  local slot = retries * 2 + (req.body ~= nil and 2 or 1)
  local entry = kinds[slot]
  if not entry then
    local lines, caller_auth = header_list(client, req, retries)
    anthropic_authorize(client, { headers = lines }, caller_auth, s) -- (string credentials: cannot fail)
    entry = { set = client.session:headers(lines), lines = lines }
    kinds[slot] = entry
  end
  return entry
end

local function url_of(client, req)
  local url = client.base_url .. req.path
  if req.query then
    -- Keys sorted (a stable URL); a list value as k[]=a&k[]=b, in its order.
    local keys, parts = {}, {}
    for k in pairs(req.query) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local v = req.query[k]
      if type(v) == "table" then
        for _, item in ipairs(v) do
          parts[#parts + 1] = options.urlencode(k) .. "%5B%5D=" .. options.urlencode(tostring(item))
        end
      else
        parts[#parts + 1] = options.urlencode(k) .. "=" .. options.urlencode(tostring(v))
      end
    end
    if #parts > 0 then url = url .. "?" .. table.concat(parts, "&") end
  end
  return url
end

local function origin(url)
  local o = url:match("^(%a[%w+.-]*://[^/?#]+)")
  return o and o:lower()
end

-- An absolute URL given by the API (a batch's results_url) gets the
-- credentials only on the client's own origin.
local function checked_url(client, url)
  if origin(url) ~= origin(client.base_url) then
    raise(("anthropic: refusing to send credentials to %s (not %s)"):format(
      tostring(origin(url)), origin(client.base_url)))
  end
  return url
end

--- The transfer spec (see csrc/transfer.c) of attempt `retries + 1` of
-- request `req`, whose body is already encoded as `body`, authorised for
-- this attempt (credentials resolved, or the request signed, by the
-- client's platform); logged when ANTHROPIC_LOG asks for it. Nil and an
-- error when the credentials cannot be had.
function M.spec(client, req, body, retries)
  local url = req.url and checked_url(client, req.url) or url_of(client, req) -- req.url: a batch's results_url
  local s = secrets[client]
  local shared = shared_headers(client, req, retries, s)
  local spec = { method = req.method, url = url, headers = shared and shared.set, body = body, timeout = req.timeout }
  -- The other fields only when set: the table is made at its size for every attempt.
  if req.idle_timeout then spec.idle_timeout = req.idle_timeout end
  if req.stream then spec.stream = true end
  if req.lines then spec.lines = true end              -- a JSONL body, one decoded line per t:next_event()
  if req.output then spec.output = req.output end      -- a path: a 2xx body is written there
  if req.multipart then spec.multipart = req.multipart end -- a list of parts (see csrc/upload.c)
  if client.connect_timeout then spec.connect_timeout = client.connect_timeout end
  if client.proxy then spec.proxy = client.proxy end
  if client.ca_file then spec.ca_file = client.ca_file end
  if client.ca_path then spec.ca_path = client.ca_path end
  if client.insecure_skip_tls_verify then spec.insecure_skip_tls_verify = true end
  if not shared then
    local headers, caller_auth = header_list(client, req, retries)
    spec.headers = headers
    local platform = client.platform
    local ok, err = (platform and platform.authorize or anthropic_authorize)(client, spec, caller_auth, s)
    if not ok then return nil, err end
  end
  if log.info then log.request(spec, retries, shared and shared.lines) end
  return spec
end

--- POSTs a form (`application/x-www-form-urlencoded`) to `url` through the
-- client's session (its proxy, CA and timeouts), with no credentials of the
-- client: for a platform's token endpoint. Blocks, or yields in a task.
-- Returns the status and the body, or nil and a message.
function M.post_form(client, url, form)
  local t = client.session:request({
    method = "POST", url = url, body = form,
    headers = { "content-type: application/x-www-form-urlencoded", "accept: application/json",
                "user-agent: " .. M.user_agent },
    timeout = client.timeout, connect_timeout = client.connect_timeout, proxy = client.proxy,
    ca_file = client.ca_file, ca_path = client.ca_path, insecure_skip_tls_verify = client.insecure_skip_tls_verify,
  })
  async.wait(client, t, "done")
  local kind, message = t:error()
  local status, body = t:status(), t:body()
  t:close()
  if kind then return nil, message end
  return status, body
end

--- Encodes a request body once; misuse raises with the path of the bad value.
function M.encode(client, value)
  return core.json_body(value, client.codec.marks)
end

--- The response record of transfer `t`, answered with `status` after
-- `attempts` attempts, its request id read where the client's platform
-- puts it.
function M.record(client, status, t, attempts)
  local platform = client.platform
  return response.record(status, t, attempts, platform and platform.request_id_header)
end

-- The outcome of a finished transfer: the decoded body and its response
-- record, or nil and an error.
local function decode(client, t, attempts)
  local kind, message = t:error()
  if kind then return nil, errors.from_transport(kind, message) end
  local status = t:status()
  local value, derr, is_object
  if client.codec.name == "builtin" then
    value, derr, is_object = t:json()
  else
    value, derr = client.codec.decode(t:body())
    -- A JSON array decodes to a table too: with items, or marked when empty.
    is_object = type(value) == "table" and rawget(value, 1) == nil and getmetatable(value) ~= core.array_mt
  end
  if status < 200 or status >= 300 then
    local platform = client.platform
    return nil, (platform and platform.response_error or errors.from_response)(status, t:headers(), t:body(), value)
  end
  if not is_object then
    if type(value) == "table" then derr = "got an array" end
    local raw, headers = t:body(), t:headers()
    return nil, errors.new({
      type = "api_response_error",
      status = status,
      message = raw == "" and "the response body is empty"
        or ("the response is not a JSON object: %s"):format(derr or "got " .. type(value)),
      request_id = headers["request-id"],
      headers = headers,
      body = raw,
    })
  end
  return value, M.record(client, status, t, attempts)
end

--- The outcome of finished transfer `t` (the `attempts`-th): the decoded
-- body and its response record, or nil and an error (logged when
-- ANTHROPIC_LOG asks for it).
function M.outcome(client, t, attempts)
  local value, info = decode(client, t, attempts)
  if log.info then log.response(info.status, info.request_id, value == nil and info or nil) end
  return value, info
end

return M
