--- Google credentials for `anthropic.vertex`, without gcloud: Application
-- Default Credentials files (`service_account` keys, whose RS256-signed JWT is
-- exchanged for a token; gcloud's `authorized_user` refresh tokens), and a
-- per-client token source that caches the access token and refreshes it
-- before it expires. The HTTP exchange is the caller's: every function that
-- talks to the token endpoint takes `post(url, form_body)` returning
-- `status, body` (or nil and a message when nothing was received).
--
-- Failures are `authentication_error` tables (anthropic.errors) whose message
-- names the file and what is wrong; the private key, refresh token, client
-- secret and tokens never appear in them.
-- @module anthropic.google_credentials
local core = require("anthropic.core")
local errors = require("anthropic.errors")
local platform = require("anthropic.platform_request")

local raise = require("anthropic.misuse").raise
local wire = require("anthropic.wire")

local M = {}

local nonempty = platform.nonempty

--- The OAuth scope Vertex AI requests need.
M.SCOPE = "https://www.googleapis.com/auth/cloud-platform"
--- Google's token endpoint (the JWT audience, and the default token_uri).
M.TOKEN_URL = "https://oauth2.googleapis.com/token"
--- Seconds before expiry at which a cached token is refreshed (google-auth's
-- 3 min 45 s).
M.REFRESH_MARGIN = 225
--- Lifetime asked for in a service-account JWT, in seconds.
M.JWT_LIFETIME = 3600

local JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"

local function auth_error(message, fields)
  fields = fields or {}
  fields.type = "authentication_error"
  fields.message = message
  return errors.new(fields)
end

--- Percent-encodes a form value (application/x-www-form-urlencoded, every
-- byte but `A-Za-z0-9-._~`).
-- @tparam string s the value
-- @treturn string the encoded value
function M.form_encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return ("%%%02X"):format(c:byte()) end))
end

local function form(pairs_list)
  local out = {}
  for i, kv in ipairs(pairs_list) do out[i] = kv[1] .. "=" .. M.form_encode(kv[2]) end
  return table.concat(out, "&")
end

--- Where the Application Default Credentials file is:
-- `GOOGLE_APPLICATION_CREDENTIALS`, else gcloud's
-- `application_default_credentials.json` under `CLOUDSDK_CONFIG`, `%APPDATA%\gcloud`
-- (Windows) or `~/.config/gcloud`.
-- @tparam[opt] function getenv like `os.getenv` (for tests)
-- @treturn string the path, or nil
-- @treturn string where it looked (for a message)
-- @treturn boolean true when the path came from GOOGLE_APPLICATION_CREDENTIALS
function M.find_adc(getenv)
  getenv = getenv or os.getenv
  local explicit = nonempty(getenv("GOOGLE_APPLICATION_CREDENTIALS"))
  if explicit then return explicit, "GOOGLE_APPLICATION_CREDENTIALS", true end
  local dir = nonempty(getenv("CLOUDSDK_CONFIG"))
  if not dir then
    local appdata = package.config:sub(1, 1) == "\\" and nonempty(getenv("APPDATA"))
    if appdata then
      dir = appdata .. "\\gcloud"
    elseif nonempty(getenv("HOME")) then
      dir = getenv("HOME") .. "/.config/gcloud"
    end
  end
  if not dir then return nil, "GOOGLE_APPLICATION_CREDENTIALS and gcloud's config directory" end
  local path = dir .. (package.config:sub(1, 1) == "\\" and "\\" or "/") .. "application_default_credentials.json"
  local f = io.open(path, "rb")
  if f then
    f:close()
    return path, path, false
  end
  return nil, "GOOGLE_APPLICATION_CREDENTIALS and " .. path
end

local REQUIRED = {
  service_account = { "client_email", "private_key", "token_uri" },
  authorized_user = { "client_id", "client_secret", "refresh_token" },
}

--- Reads and checks a credentials file (or the ADC file when path is nil).
-- @tparam[opt] string path the JSON key file
-- @tparam[opt] function getenv like `os.getenv`
-- @treturn table the file's fields plus `path`, or nil and an error
function M.load(path, getenv)
  if path == nil then
    local found, looked = M.find_adc(getenv)
    if not found then
      return nil, auth_error("no Google credentials found (looked at " .. looked .. "); give access_token, "
        .. "credentials or set GOOGLE_APPLICATION_CREDENTIALS")
    end
    path = found
  end
  local f, why = io.open(path, "rb")
  if not f then return nil, auth_error("cannot read Google credentials file: " .. tostring(why)) end
  local text = f:read("*a")
  f:close()
  local creds = core.decode_safe(text or "")
  if type(creds) ~= "table" then
    return nil, auth_error("Google credentials file " .. path .. " is not a JSON object")
  end
  local kind = creds.type
  if not REQUIRED[kind] then
    return nil, auth_error(("Google credentials file %s has type %s; supported: service_account, "
      .. "authorized_user"):format(path, type(kind) == "string" and ("'" .. kind .. "'") or "missing"))
  end
  for _, k in ipairs(REQUIRED[kind]) do
    if not nonempty(creds[k]) then
      return nil, auth_error(("Google credentials file %s (%s) has no %s"):format(path, kind, k))
    end
  end
  creds.path = path
  return creds
end

--- The project of the credentials: `GOOGLE_CLOUD_PROJECT`, `GCLOUD_PROJECT`,
-- the key file's `project_id`, else an authorized-user file's
-- `quota_project_id`.
-- @tparam[opt] table creds loaded credentials
-- @tparam[opt] function getenv like `os.getenv`
-- @treturn string the project id, or nil
function M.project_id(creds, getenv)
  getenv = getenv or os.getenv
  return nonempty(getenv("GOOGLE_CLOUD_PROJECT")) or nonempty(getenv("GCLOUD_PROJECT"))
    or (creds and (nonempty(creds.project_id) or nonempty(creds.quota_project_id))) or nil
end

--- The signed JWT a service account exchanges for a token (RS256, header
-- `{"alg":"RS256","typ":"JWT","kid":private_key_id}`, claims iss, scope,
-- aud, iat, exp).
-- @tparam table creds service-account credentials
-- @tparam number now Unix seconds
-- @tparam[opt] string scope space-separated scopes (default M.SCOPE)
-- @treturn string the JWT, or nil and an error
function M.jwt_assertion(creds, now, scope)
  now = math.floor(now)
  local header = { alg = "RS256", typ = "JWT", kid = nonempty(creds.private_key_id) }
  local claims = {
    iss = creds.client_email, scope = scope or M.SCOPE, aud = M.TOKEN_URL,
    iat = now, exp = now + M.JWT_LIFETIME,
  }
  local input = core.base64url_encode(core.encode(header)) .. "." .. core.base64url_encode(core.encode(claims))
  local sig, why = core.rs256_sign(creds.private_key, input)
  if not sig then
    return nil, auth_error(("Google credentials file %s: %s"):format(creds.path or "(given)", why))
  end
  return input .. "." .. core.base64url_encode(sig)
end

--- The token request for loaded credentials.
-- @tparam table creds from M.load
-- @tparam number now Unix seconds
-- @tparam[opt] string scope space-separated scopes (default M.SCOPE)
-- @treturn string the token endpoint's URL, or nil and an error
-- @treturn string the form-encoded body
function M.token_request(creds, now, scope)
  if creds.type == "service_account" then
    local jwt, err = M.jwt_assertion(creds, now, scope)
    if not jwt then return nil, err end
    return creds.token_uri, form({ { "grant_type", JWT_BEARER }, { "assertion", jwt } })
  end
  return nonempty(creds.token_uri) or M.TOKEN_URL, form({
    { "grant_type", "refresh_token" }, { "client_id", creds.client_id },
    { "client_secret", creds.client_secret }, { "refresh_token", creds.refresh_token },
    { "scope", scope or M.SCOPE },
  })
end

--- Reads the token endpoint's answer.
-- @tparam number status the HTTP status
-- @tparam string body the response body
-- @tparam number now Unix seconds
-- @treturn table `{access_token, expires_at, refresh_token?}`, or nil and an error
function M.parse_token_response(status, body, now)
  local doc = core.decode_safe(body or "")
  if status ~= 200 then
    local detail = ""
    if type(doc) == "table" and type(doc.error) == "string" then
      detail = ": " .. doc.error
      if type(doc.error_description) == "string" then detail = detail .. ": " .. doc.error_description end
    end
    return nil, auth_error(("Google token request failed: HTTP %d%s"):format(status, detail),
      { token_status = status, retryable = status == 408 or status == 429 or status >= 500 })
  end
  if type(doc) ~= "table" or not nonempty(doc.access_token) then
    return nil, auth_error("Google token response has no access_token", { token_status = status })
  end
  local expires_in = tonumber(doc.expires_in) or M.JWT_LIFETIME -- may arrive as a string
  return { access_token = doc.access_token, expires_at = now + expires_in,
    refresh_token = nonempty(doc.refresh_token) }
end

--- Gets a token for loaded credentials.
-- @tparam table creds from M.load
-- @tparam function post `post(url, form_body) -> status, body`
-- @tparam number now Unix seconds
-- @tparam[opt] string scope space-separated scopes
-- @treturn table as M.parse_token_response, or nil and an error
function M.fetch(creds, post, now, scope)
  local url, body = M.token_request(creds, now, scope)
  if not url then return nil, body end
  local status, answer = post(url, body)
  if type(status) ~= "number" then
    return nil, auth_error("Google token request failed: " .. tostring(answer or "no answer"),
      { retryable = true })
  end
  return M.parse_token_response(status, answer, now)
end

local Source = {}
Source.__index = Source

--- A client's token source: a fixed `access_token` string, a function
-- returning one (called for every request), or credentials (a loaded table,
-- a key file path, or the ADC file) whose token is cached and refreshed
-- `REFRESH_MARGIN` seconds before it expires.
-- @tparam table opts `access_token` (string or function), `credentials`
--   (table from M.load or a path), `scope`, `getenv`, `now` (a clock, default
--   os.time)
-- @treturn table the source, or nil and an error (credentials not found)
function M.token_source(opts)
  opts = opts or {}
  local self = setmetatable({ now = opts.now or os.time, scope = opts.scope }, Source)
  local at = opts.access_token
  if type(at) == "string" or type(at) == "function" then
    self.fixed = at
    return self
  elseif at ~= nil then
    raise("anthropic.vertex: access_token must be a string or a function")
  end
  local creds = opts.credentials
  if type(creds) ~= "table" then
    local err
    creds, err = M.load(creds, opts.getenv)
    if not creds then return nil, err end
  end
  self.creds = creds
  return self
end

--- The credentials the source uses (nil for a fixed token).
-- @treturn table the loaded credentials
function Source:credentials()
  return self.creds
end

--- A valid access token, fetched or refreshed when needed.
-- @tparam function post `post(url, form_body) -> status, body`
-- @treturn string the token, or nil and an error
function Source:token(post)
  local fixed = self.fixed
  -- A string, or a function called now: the one rule for credential
  -- functions (anthropic.wire).
  if fixed then return wire.resolve("access_token", fixed) end
  local now = self.now()
  if self.cached and now < self.cached.expires_at - M.REFRESH_MARGIN then return self.cached.access_token end
  local got, err = M.fetch(self.creds, post, now, self.scope)
  if not got then return nil, err end
  if got.refresh_token and self.creds.type == "authorized_user" then self.creds.refresh_token = got.refresh_token end
  self.cached = got
  return got.access_token
end

--- Forgets the cached token (after the API refused it), so the next call
-- fetches a new one. Returns whether a new one may differ: true unless the
-- token is a fixed string.
function Source:invalidate()
  self.cached = nil
  return type(self.fixed) ~= "string"
end

return M
