--- A client: its options, its credentials (kept out of sight), its libcurl
-- session (so connections are reused) and the request pipeline every API
-- call goes through: encode, send, retry, decode.
-- @module anthropic.client
local core = require("anthropic.core")
local codec = require("anthropic.codec")
local errors = require("anthropic.errors")
local retry = require("anthropic.retry")
local options = require("anthropic.options")
local async = require("anthropic.async")
local log = require("anthropic.log")

local M = {}

local unpack = table.unpack or unpack ---@diagnostic disable-line: deprecated

local Client = {}
Client.__index = Client
M.Client = Client

-- Secrets live here, keyed weakly by client, so that no table a user can
-- print or serialise holds them.
local secrets = setmetatable({}, { __mode = "k" })

-- What a response was (status, headers, request id), keyed weakly by the
-- decoded body, so it never becomes part of the body's JSON.
local responses = setmetatable({}, { __mode = "k" })

local function lua_name()
  local jit = rawget(_G, "jit")
  if type(jit) == "table" and jit.version then return jit.version end
  return _VERSION
end

M.user_agent = ("lua-anthropic/%s (%s; libcurl/%s)"):format(core.version, lua_name(), core.curl_version())

--- Makes a client.
-- @tparam[opt] table opts see `anthropic.options`
function M.new(opts)
  local o = options.client(opts)
  local self = setmetatable({
    base_url = o.base_url,
    anthropic_version = o.anthropic_version,
    timeout = o.timeout,
    timeout_is_default = o.timeout_is_default,
    connect_timeout = o.connect_timeout,
    stream_idle_timeout = o.stream_idle_timeout,
    max_retries = o.max_retries,
    default_headers = o.default_headers,
    proxy = o.proxy,
    ca_file = o.ca_file,
    ca_path = o.ca_path,
    insecure_skip_tls_verify = o.insecure_skip_tls_verify,
    codec = codec.adapt(o.json),
    session = core.session(),
    pending = {},
  }, Client)
  secrets[self] = { api_key = o.api_key, auth_token = o.auth_token, headers = {} }
  self.messages = require("anthropic.messages").bind(self)
  require("anthropic.resources").attach(self)
  return self
end

function Client:__tostring()
  return ("anthropic.client (%s)"):format(self.base_url)
end

--- Closes the client's connections; later calls raise.
function Client:close()
  if self.driver then self.driver:detach() end
  self.session:close()
end
Client.__close = Client.close -- `local client <close> = anthropic.new()` on 5.4; its session has __gc

-- As the official SDKs: x-api-key for an API key, a bearer authorization for
-- an auth token (both when both are set), unless the caller set either header.
local function credential_headers(self, headers)
  local s = secrets[self]
  if headers["x-api-key"] ~= nil or headers["authorization"] ~= nil then return end
  if not s.api_key and not s.auth_token then
    error("anthropic: no credentials: set ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN, " ..
          "or pass api_key or auth_token to anthropic.new", 0)
  end
  if s.api_key then headers["x-api-key"] = s.api_key end
  if s.auth_token then headers["authorization"] = "Bearer " .. s.auth_token end
end

local RETRY_COUNT = "x-stainless-retry-count"

local function build_headers(self, req)
  local h = {
    ["anthropic-version"] = self.anthropic_version,
    ["content-type"] = req.body ~= nil and "application/json" or nil,
    ["accept"] = req.accept or "application/json",
    ["user-agent"] = M.user_agent,
  }
  for name, value in pairs(self.default_headers) do h[name] = value end
  if req.betas then h["anthropic-beta"] = table.concat(req.betas, ",") end
  if req.headers then for name, value in pairs(req.headers) do h[name] = value end end
  credential_headers(self, h)
  local list = {}
  for name, value in pairs(h) do
    if value then list[#list + 1] = name .. ": " .. value end
  end
  return list, h[RETRY_COUNT] == nil
end

-- The header list for one attempt: defaults, then the client's, then the
-- request's (a value of false removes a header), then the retry count. The
-- lists of requests without headers or betas of their own are built once per
-- client (kept with its secrets, since they hold the credential).
local function header_list(self, req, attempt)
  local list, count
  if req.headers or req.betas then
    list, count = build_headers(self, req)
  else
    local cache = secrets[self].headers
    local key = (req.accept or "") .. (req.body ~= nil and "+" or "-")
    local entry = cache[key]
    if not entry then
      entry = { build_headers(self, req) }
      cache[key] = entry
    end
    list, count = { unpack(entry[1]) }, entry[2]
  end
  if count then list[#list + 1] = RETRY_COUNT .. ": " .. attempt end
  return list
end

local function url_of(self, req)
  local url = self.base_url .. req.path
  if req.query then
    local parts = {}
    for k, v in pairs(req.query) do
      parts[#parts + 1] = options.urlencode(k) .. "=" .. options.urlencode(tostring(v))
    end
    table.sort(parts)
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
local function checked_url(self, url)
  if origin(url) ~= origin(self.base_url) then
    error(("anthropic: refusing to send credentials to %s (not %s)"):format(
      tostring(origin(url)), origin(self.base_url)), 0)
  end
  return url
end

--- The transfer spec of one attempt (see csrc/transfer.c), logged when
-- ANTHROPIC_LOG asks for it.
function Client:spec(req, body, attempt)
  local spec = {
    method = req.method,
    url = req.url and checked_url(self, req.url) or url_of(self, req), -- req.url: a batch's results_url
    headers = header_list(self, req, attempt),
    body = body,
    timeout = req.timeout,
    connect_timeout = self.connect_timeout,
    idle_timeout = req.idle_timeout,
    stream = req.stream,
    lines = req.lines,         -- a JSONL body, one decoded line per t:next_event()
    output = req.output,       -- a path: a 2xx body is written there
    multipart = req.multipart, -- a list of parts (see csrc/upload.c)
    proxy = self.proxy,
    ca_file = self.ca_file,
    ca_path = self.ca_path,
    insecure_skip_tls_verify = self.insecure_skip_tls_verify,
  }
  if log.info then log.request(spec, attempt) end
  return spec
end

--- Encodes a request body once; misuse raises with the path of the bad value.
function Client:encode(value)
  return core.json_body(value, self.codec.marks)
end

-- The outcome of a finished transfer: the decoded body and its response
-- record, or nil and an error.
local function decode_outcome(self, t)
  local kind, message = t:error()
  if kind then return nil, errors.from_transport(kind, message) end
  local status = t:status()
  local value, derr
  if self.codec.name == "builtin" then
    value, derr = t:json()
  else
    value, derr = self.codec.decode(t:body())
  end
  if status < 200 or status >= 300 then
    return nil, errors.from_response(status, t:headers(), t:body(), value)
  end
  -- A JSON array decodes to a table too: with items, or marked when empty.
  if type(value) ~= "table" or rawget(value, 1) ~= nil or getmetatable(value) == core.array_mt then
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
  return value, M.record(status, t)
end

--- The outcome of a finished transfer: the decoded body and its response
-- record, or nil and an error (logged when ANTHROPIC_LOG asks for it).
function Client:outcome(t)
  local value, info = decode_outcome(self, t)
  if log.info then log.response(info.status, info.request_id, value == nil and info or nil) end
  return value, info
end

--- Runs a request to its end with retries: returns the decoded body, or nil
-- and an error. `req`: method, path, query, body (a Lua value), headers,
-- betas, timeout, max_retries. Blocks, or yields inside `anthropic.async`.
function Client:request(req)
  local body = req.body ~= nil and self:encode(req.body) or nil
  local max_retries = req.max_retries or self.max_retries
  local attempt = 0
  while true do
    local t = self.session:request(self:spec(req, body, attempt))
    async.wait(self, t, "done")
    local value, info = self:outcome(t)
    t:close()
    attempt = attempt + 1
    info.attempts = attempt
    if value ~= nil then
      responses[value] = info
      return value
    end
    local delay = retry.after_failure(info, attempt, max_retries)
    if not delay then return nil, info end
    async.sleep(delay)
  end
end

--- Starts a request without waiting: an `anthropic.request`.
function Client:request_async(req)
  return require("anthropic.request").start(self, req)
end

--- Starts a streaming request: waits for the response headers (retrying
-- failures that come before them) and returns an `anthropic.stream`, or nil
-- and an error. `req` as for `request`, plus `idle_timeout`.
function Client:stream(req, callbacks)
  local s = require("anthropic.stream").start(self, req, callbacks)
  if not s:connect(true) then return nil, s.error end
  return s
end

--- Starts a streaming request without waiting: the stream at once; its
-- failures, if any, end up in `s.error`.
function Client:stream_async(req, callbacks)
  local s = require("anthropic.stream").start(self, req, callbacks)
  self:track(s)
  return s
end

--- Remembers an async request or stream until it is done.
function Client:track(obj)
  self.pending[obj] = true
end

--- Forgets an async request or stream (it is done, or closed).
function Client:untrack(obj)
  self.pending[obj] = nil
end

-- How much one dispatch does before it gives the host loop back: events per
-- stream, and time in all.
local DISPATCH_EVENTS, DISPATCH_SECONDS = 64, 0.001

--- Moves every pending async request and stream on (their callbacks run
-- here), without driving the network, within a small budget so a host loop
-- never stalls. Returns how many are still pending, and whether events are
-- left queued (dispatch again soon).
function Client:dispatch()
  local list = {}
  for obj in pairs(self.pending) do list[#list + 1] = obj end
  local n, more = 0, false
  local deadline = core.now() + DISPATCH_SECONDS
  for _, obj in ipairs(list) do
    if core.now() > deadline then
      n, more = n + 1, true -- its turn comes in the next dispatch
    else
      local done, left = obj:step(DISPATCH_EVENTS)
      if done then self.pending[obj] = nil else n = n + 1 end
      if left then more = true end
    end
  end
  self.backlog = more
  return n, more
end

--- Drives every transfer of the client, waiting at most `timeout_ms` for
-- network activity, then dispatches. Returns how many are still pending.
function Client:poll(timeout_ms)
  if not self.driver then self.session:perform(self.backlog and 0 or timeout_ms or 0) end
  return self:dispatch()
end

-- Response records parse their headers only when asked for them.
local Record = {
  __index = function(r, k)
    if k ~= "headers" then return nil end
    local headers = core.parse_headers(r.head)
    rawset(r, "headers", headers)
    return headers
  end,
}

--- The response record of a finished transfer: `status`, `request_id`,
-- `headers` (parsed on first use).
function M.record(status, t)
  return setmetatable({ status = status, request_id = t:header("request-id"), head = t:head() }, Record)
end

--- The response record of a value returned by an API call:
-- `{status, headers, request_id, attempts}`, or nil.
function M.response_of(value)
  return responses[value]
end

--- Records the response behind a value built elsewhere (streams, async requests).
function M.remember_response(value, info)
  responses[value] = info
end
Client.remember = M.remember_response

return M
