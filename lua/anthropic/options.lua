--- Client and request options: defaults, environment variables, checks.
-- Misuse raises an error naming the option (never its value: it may be a secret).
-- @module anthropic.options
local M = {}

M.DEFAULT_BASE_URL = "https://api.anthropic.com"
M.DEFAULT_VERSION = "2023-06-01"
M.DEFAULT_TIMEOUT = 600
M.DEFAULT_MAX_RETRIES = 2

--- Every client option and the Lua type it takes.
M.CLIENT = {
  api_key = "string or function", -- a function is called before every attempt
  auth_token = "string or function",
  base_url = "string",
  anthropic_version = "string",
  timeout = "number",
  connect_timeout = "number",
  stream_idle_timeout = "number",
  max_retries = "number",
  default_headers = "table",
  json = "table",
  proxy = "string",
  ca_file = "string",
  ca_path = "string",
  insecure_skip_tls_verify = "boolean",
}

--- Every per-request option and the Lua type it takes.
M.REQUEST = {
  headers = "table",
  workspace_id = "string", -- sent as the anthropic-workspace-id header
  timeout = "number",
  betas = "table",
  max_retries = "number",
  stream_idle_timeout = "number",
}

local function env(name)
  local v = os.getenv(name)
  if v == "" then return nil end
  return v
end

local misuse = require("anthropic.misuse")

--- Raises misuse at the user's line (see `anthropic.misuse`).
M.raise = misuse.raise
local function raise(msg) return misuse.raise(msg) end

local function has_control(s)
  return s:find("[%z\r\n]") ~= nil
end

local function check_types(where, opts, known)
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    raise(("%s: options must be a table, got %s"):format(where, type(opts)))
  end
  for k, v in pairs(opts) do
    local want = type(k) == "string" and known[k]
    if not want then
      raise(("%s: unknown option '%s'"):format(where, tostring(k)))
    end
    if type(v) ~= want and not (want:find(" or ", 1, true) and want:find(type(v), 1, true)) then
      raise(("%s: option '%s' must be a %s, got %s"):format(where, k, want, type(v)))
    end
  end
  return opts
end

local function check_seconds(where, name, v)
  if v ~= nil and not (v > 0 and v < math.huge) then
    raise(("%s: option '%s' must be a positive number of seconds"):format(where, name))
  end
end

local function check_retries(where, v)
  if v ~= nil and not (v >= 0 and v % 1 == 0 and v <= 100) then
    raise(("%s: option 'max_retries' must be an integer from 0 to 100"):format(where))
  end
end

--- Checks a header table and returns a copy with lower-cased names.
-- Values are strings or numbers, or false to remove a header.
function M.headers(where, name, t)
  local out = {}
  for k, v in pairs(t) do
    if type(k) ~= "string" or not k:match("^[%w!#$%%&'*+%-.^_`|~]+$") then
      raise(("%s: %s has an invalid header name"):format(where, name))
    end
    if type(v) == "number" then v = tostring(v) end
    if v ~= false and type(v) ~= "string" then
      raise(("%s: header '%s' must be a string or false"):format(where, k))
    end
    if v and has_control(v) then
      raise(("%s: header '%s' contains CR, LF or NUL"):format(where, k))
    end
    out[k:lower()] = v
  end
  return out
end

--- The headers of an ANTHROPIC_CUSTOM_HEADERS value, as the official SDKs
-- read it: lines split at their first ':', both sides trimmed, lines
-- without a colon (or with a bad name or value) dropped.
function M.custom_headers(text)
  local out = {}
  for line in (text or ""):gmatch("[^\n]+") do
    local name, value = line:match("^%s*([^:]-)%s*:%s*(.-)%s*$")
    if name and name:match("^[%w!#$%%&'*+%-.^_`|~]+$") and not has_control(value) then out[name:lower()] = value end
  end
  return out
end

--- The checked options of anthropic.new, with defaults and environment applied.
function M.client(opts)
  local where = "anthropic.new"
  opts = check_types(where, opts, M.CLIENT)
  local o = {}
  o.api_key = opts.api_key or env("ANTHROPIC_API_KEY")
  o.auth_token = opts.auth_token or env("ANTHROPIC_AUTH_TOKEN")
  for _, secret in ipairs({ "api_key", "auth_token" }) do
    if type(o[secret]) == "string" and has_control(o[secret]) then
      raise(("%s: %s contains CR, LF or NUL"):format(where, secret))
    end
  end
  local base = opts.base_url or env("ANTHROPIC_BASE_URL") or M.DEFAULT_BASE_URL
  if has_control(base) or base:find("%s") or not base:match("^[hH][tT][tT][pP][sS]?://[^/]") then
    raise(where .. ": base_url must be an http:// or https:// URL without spaces or control characters")
  end
  o.base_url = base:gsub("/+$", "")
  o.anthropic_version = opts.anthropic_version or M.DEFAULT_VERSION
  if has_control(o.anthropic_version) then
    raise(where .. ": anthropic_version contains CR, LF or NUL")
  end
  check_seconds(where, "timeout", opts.timeout)
  check_seconds(where, "connect_timeout", opts.connect_timeout)
  check_seconds(where, "stream_idle_timeout", opts.stream_idle_timeout)
  check_retries(where, opts.max_retries)
  o.timeout = opts.timeout or M.DEFAULT_TIMEOUT
  o.timeout_is_default = opts.timeout == nil
  o.connect_timeout = opts.connect_timeout
  o.stream_idle_timeout = opts.stream_idle_timeout
  o.max_retries = opts.max_retries or M.DEFAULT_MAX_RETRIES
  -- ANTHROPIC_CUSTOM_HEADERS ("Name: value" lines) lies beneath default_headers.
  local headers = M.custom_headers(env("ANTHROPIC_CUSTOM_HEADERS"))
  for k, v in pairs(M.headers(where, "default_headers", opts.default_headers or {})) do headers[k] = v end
  o.default_headers = headers
  for _, name in ipairs({ "proxy", "ca_file", "ca_path" }) do
    if opts[name] and has_control(opts[name]) then
      raise(("%s: %s contains CR, LF or NUL"):format(where, name))
    end
    o[name] = opts[name]
  end
  o.json = opts.json
  o.insecure_skip_tls_verify = opts.insecure_skip_tls_verify
  return o
end

--- The callbacks a stream takes besides the request options.
M.STREAM_CALLBACKS = {
  on_event = "function", on_text = "function", on_thinking = "function", on_citation = "function",
  on_signature = "function", on_compaction = "function", on_input_json = "function",
  on_content_block = "function", on_message = "function", on_done = "function",
}

--- The callback a request started with `create_async` takes.
M.ASYNC_CALLBACKS = { on_done = "function" }

local function with(extra)
  local t = {}
  for k, v in pairs(M.REQUEST) do t[k] = v end
  for k, v in pairs(extra) do t[k] = v end
  return t
end
local KNOWN = { stream = with(M.STREAM_CALLBACKS), async = with(M.ASYNC_CALLBACKS) }

-- The checked options of a call that gave none (read only: shared).
local NO_OPTIONS = {}

--- The checked per-request options of an API call; for `kind` "stream"
-- (or true) or "async", its callbacks as a second result.
function M.request(where, opts, kind)
  if kind == true then kind = "stream" end
  if opts == nil then return NO_OPTIONS end -- the common case: nothing to check
  opts = check_types(where, opts, KNOWN[kind] or M.REQUEST)
  check_seconds(where, "timeout", opts.timeout)
  check_seconds(where, "stream_idle_timeout", opts.stream_idle_timeout)
  check_retries(where, opts.max_retries)
  local o = {
    timeout = opts.timeout,
    max_retries = opts.max_retries,
    stream_idle_timeout = opts.stream_idle_timeout,
    headers = opts.headers and M.headers(where, "headers", opts.headers),
  }
  if opts.workspace_id then
    if has_control(opts.workspace_id) then raise(where .. ": workspace_id contains CR, LF or NUL") end
    o.headers = o.headers or {}
    o.headers["anthropic-workspace-id"] = opts.workspace_id
  end
  if opts.betas then
    for i, b in ipairs(opts.betas) do
      if type(b) ~= "string" or b == "" or b:find("[,%s%c]") then
        raise(("%s: betas[%d] must be a beta name (a string without commas or spaces)"):format(where, i))
      end
    end
    if #opts.betas > 0 then o.betas = opts.betas end
  end
  if kind then
    local callbacks
    for name in pairs(kind == "stream" and M.STREAM_CALLBACKS or M.ASYNC_CALLBACKS) do
      if opts[name] then
        callbacks = callbacks or {}
        callbacks[name] = opts[name]
      end
    end
    return o, callbacks
  end
  return o
end

--- Percent-encodes a query or path component (RFC 3986 unreserved kept).
function M.urlencode(s)
  return (tostring(s):gsub("[^%w%-._~]", function(c) return ("%%%02X"):format(c:byte()) end))
end

return M
