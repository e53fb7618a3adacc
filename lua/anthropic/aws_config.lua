--- AWS settings for `anthropic.bedrock`: region, credentials and Bedrock API
-- key from options, the environment and the shared files, resolved in the
-- order botocore (the Python SDK's `boto3.Session`) uses. Pure Lua: reads
-- files, never the network; nothing here puts a secret in a message.
--
-- Supported credential sources, in order: explicit options; the environment
-- (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`; skipped
-- when `aws_profile` is given, as botocore does); the shared credentials file
-- (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`, sections
-- `[name]`); the config file (`AWS_CONFIG_FILE`, default `~/.aws/config`,
-- sections `[profile name]` or `[default]`). Profiles that need assume-role,
-- SSO, a credential process or instance metadata are reported as unsupported.
-- @module anthropic.aws_config
local platform = require("anthropic.platform_request")

local raise = require("anthropic.misuse").raise

local M = {}

local nonempty = platform.nonempty

--- The region used when none is configured (as the SDKs do).
M.DEFAULT_REGION = "us-east-1"

local function trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

--- Parses INI text as botocore reads the shared files: `[section]` lines,
-- `key = value` (or `key: value`) with keys lower-cased, `#` and `;` comment
-- lines, and indented `key = value` lines under a key with an empty value
-- read as a nested table (e.g. `s3 =` then `  max_concurrent_requests = 10`).
-- @tparam string text the file's contents
-- @treturn table section name -> { key -> value (string or nested table) }
function M.parse_ini(text)
  local sections, current, nested_key = {}, nil, nil
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    line = line:gsub("\r$", "")
    local indented = line:match("^[ \t]") ~= nil
    local body = trim(line)
    if body == "" or body:match("^[#;]") then -- luacheck: ignore 542
      -- blank or comment
    elseif not indented and body:match("^%[.*%]$") then
      local name = trim(body:sub(2, -2))
      sections[name] = sections[name] or {}
      current, nested_key = sections[name], nil
    elseif current then
      local key, value = body:match("^([^=:]-)%s*[=:]%s*(.*)$")
      if key and key ~= "" then
        key = key:lower()
        if indented and nested_key then
          current[nested_key][key] = value
        elseif not indented then
          if value == "" then
            current[key], nested_key = {}, key
          else
            current[key], nested_key = value, nil
          end
        end
      end
    end
  end
  return sections
end

local function home(getenv)
  return getenv("HOME") or getenv("USERPROFILE")
end

local function expand(path, getenv)
  if path:sub(1, 2) == "~/" or path:sub(1, 2) == "~\\" then
    local h = home(getenv)
    if h then return h .. path:sub(2) end
  end
  return path
end

local function read_ini(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local text = f:read("*a")
  f:close()
  return M.parse_ini(text or "")
end

--- The shared files' paths: `AWS_SHARED_CREDENTIALS_FILE` and
-- `AWS_CONFIG_FILE`, else `~/.aws/credentials` and `~/.aws/config`.
-- @tparam[opt] function getenv like `os.getenv` (for tests)
-- @treturn string the credentials file's path
-- @treturn string the config file's path
function M.paths(getenv)
  getenv = getenv or os.getenv
  return expand(nonempty(getenv("AWS_SHARED_CREDENTIALS_FILE")) or "~/.aws/credentials", getenv),
    expand(nonempty(getenv("AWS_CONFIG_FILE")) or "~/.aws/config", getenv)
end

--- The profile's sections from the shared files.
-- @tparam string profile the profile name
-- @tparam[opt] function getenv like `os.getenv`
-- @treturn table the credentials file's `[profile]` section, or nil
-- @treturn table the config file's `[profile name]` (or `[default]`) section, or nil
function M.profile_sections(profile, getenv)
  local cred_path, config_path = M.paths(getenv)
  local creds = read_ini(cred_path) or {}
  local config = read_ini(config_path) or {}
  local conf = config["profile " .. profile]
  if conf == nil and profile == "default" then conf = config.default end
  return creds[profile], conf
end

local function keys_of(section)
  if type(section) ~= "table" then return nil end
  local ak, sk = nonempty(section.aws_access_key_id), nonempty(section.aws_secret_access_key)
  if ak and sk then
    return { access_key = ak, secret_key = sk, session_token = nonempty(section.aws_session_token) }
  end
  return nil
end

local UNSUPPORTED = { "role_arn", "sso_session", "sso_start_url", "credential_process", "web_identity_token_file",
  "credential_source", "login_session" }

local function profile_of(opts, getenv)
  return nonempty(opts.aws_profile) or nonempty(getenv("AWS_DEFAULT_PROFILE"))
    or nonempty(getenv("AWS_PROFILE")) or "default"
end

local function region_of(opts, getenv, conf_section)
  return nonempty(opts.aws_region) or nonempty(getenv("AWS_REGION"))
    or nonempty(getenv("AWS_DEFAULT_REGION")) or (conf_section and nonempty(conf_section.region))
    or M.DEFAULT_REGION
end

--- The region alone (`aws_region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the
-- profile's `region`, else us-east-1), known even without credentials.
-- @tparam table opts as for `resolve`
-- @tparam[opt] function getenv like `os.getenv`
-- @treturn string the region
function M.region(opts, getenv)
  opts, getenv = opts or {}, getenv or os.getenv
  local _, conf_section = M.profile_sections(profile_of(opts, getenv), getenv)
  return region_of(opts, getenv, conf_section)
end

--- Resolves everything `anthropic.bedrock` needs.
-- Misuse (an `api_key` together with `aws_*` credentials, only one of the
-- two keys) raises; missing credentials return nil and a message.
-- @tparam table opts `aws_region`, `aws_access_key`, `aws_secret_key`,
--   `aws_session_token`, `aws_profile`, `api_key` (all optional)
-- @tparam[opt] function getenv like `os.getenv` (for tests)
-- @treturn table `{region, auth = "bearer"|"sigv4", api_key | access_key,
--   secret_key, session_token, profile, source}`, or nil and a message
function M.resolve(opts, getenv)
  opts = opts or {}
  getenv = getenv or os.getenv
  local explicit_keys = opts.aws_access_key ~= nil or opts.aws_secret_key ~= nil or opts.aws_session_token ~= nil
  if opts.api_key ~= nil and (explicit_keys or opts.aws_profile ~= nil) then
    raise("anthropic.bedrock: give either api_key or aws_* credentials, not both")
  end
  if (opts.aws_access_key == nil) ~= (opts.aws_secret_key == nil) then
    raise("anthropic.bedrock: aws_access_key and aws_secret_key go together")
  end

  local profile = profile_of(opts, getenv)
  local cred_section, conf_section = M.profile_sections(profile, getenv)
  local out = { region = region_of(opts, getenv, conf_section), profile = profile }

  local api_key = nonempty(opts.api_key)
  if api_key == nil and not explicit_keys and opts.aws_profile == nil then
    api_key = nonempty(getenv("AWS_BEARER_TOKEN_BEDROCK"))
  end
  if api_key then
    out.auth, out.api_key, out.source = "bearer", api_key, opts.api_key and "api_key" or "AWS_BEARER_TOKEN_BEDROCK"
    return out
  end

  if profile ~= "default" and cred_section == nil and conf_section == nil and not explicit_keys then
    local cred_path, config_path = M.paths(getenv)
    -- botocore refuses an unknown profile (ProfileNotFound) even when the environment has keys
    return nil, ("AWS profile '%s' not found in %s or %s"):format(profile, cred_path, config_path)
  end
  local keys, source
  if explicit_keys then
    keys, source = { access_key = opts.aws_access_key, secret_key = opts.aws_secret_key,
      session_token = nonempty(opts.aws_session_token) }, "options"
  end
  if not keys and opts.aws_profile == nil then
    keys = keys_of({ aws_access_key_id = getenv("AWS_ACCESS_KEY_ID"),
      aws_secret_access_key = getenv("AWS_SECRET_ACCESS_KEY"), aws_session_token = getenv("AWS_SESSION_TOKEN") })
    source = keys and "environment"
  end
  if not keys then
    keys = keys_of(cred_section)
    source = keys and "shared credentials file"
  end
  if not keys then
    keys = keys_of(conf_section)
    source = keys and "config file"
  end
  if not keys then
    for _, k in ipairs(UNSUPPORTED) do
      local s = (cred_section and cred_section[k]) or (conf_section and conf_section[k])
      if s then
        return nil, ("AWS profile '%s' uses %s, which anthropic.bedrock does not support; "
          .. "give static keys or an api_key"):format(profile, k)
      end
    end
    return nil, "no AWS credentials found (aws_access_key/aws_secret_key, AWS_ACCESS_KEY_ID/"
      .. "AWS_SECRET_ACCESS_KEY, profile '" .. profile .. "' in the shared files, or AWS_BEARER_TOKEN_BEDROCK)"
  end
  out.auth, out.source = "sigv4", source
  out.access_key, out.secret_key, out.session_token = keys.access_key, keys.secret_key, keys.session_token
  return out
end

return M
