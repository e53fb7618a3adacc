-- Loaded by every run of the suite (busted --helper): remembers each API key
-- and auth token given to anthropic.new, each AWS secret key, session token
-- and Bedrock API key, each Google private key (every line of it), refresh
-- token and access token; and every error the SDK makes or raises. When the
-- suite ends, fails it if any error string holds a secret.
local busted = require("busted")
local options = require("anthropic.options")
local misuse = require("anthropic.misuse")
local errors = require("anthropic.errors")
local aws_config = require("anthropic.aws_config")
local google_credentials = require("anthropic.google_credentials")

local secrets, seen = {}, {}

local function secret(s)
  if type(s) == "string" and #s >= 6 then secrets[s] = true end
end

local resolve = aws_config.resolve
aws_config.resolve = function(...)
  local out, err = resolve(...)
  if out then secret(out.secret_key); secret(out.session_token); secret(out.api_key) end
  return out, err
end

local load = google_credentials.load
google_credentials.load = function(...)
  local creds, err = load(...)
  if creds then
    for line in tostring(creds.private_key or ""):gmatch("[^\n]+") do
      if #line >= 20 and not line:find("-----", 1, true) then secret(line) end
    end
    secret(creds.refresh_token); secret(creds.client_secret)
  end
  return creds, err
end

local parse_token_response = google_credentials.parse_token_response
google_credentials.parse_token_response = function(...)
  local got, err = parse_token_response(...)
  if got then secret(got.access_token); secret(got.refresh_token) end
  return got, err
end

local client_options = options.client
options.client = function(opts)
  local o = client_options(opts)
  secret(o.api_key); secret(o.auth_token)
  return o
end

local function remember(s)
  if type(s) == "string" then seen[#seen + 1] = s end
end

local new_error = errors.new
errors.new = function(fields)
  local err = new_error(fields)
  remember(tostring(err))
  remember(err.message)
  if type(err.body) == "string" then remember(err.body) end
  return err
end

local raise = misuse.raise
misuse.raise = function(msg)
  remember(msg)
  return raise(msg)
end
options.raise = misuse.raise

busted.subscribe({ "suite", "end" }, function()
  local leaks = 0
  for key in pairs(secrets) do
    for _, s in ipairs(seen) do
      if s:find(key, 1, true) then
        leaks = leaks + 1
        io.stderr:write("secret_guard: an error string holds a credential: ", (s:gsub(key, "<KEY>")), "\n")
      end
    end
  end
  io.stdout:write(("\nsecret_guard: %d error strings checked against %d credentials, %d leaks\n")
    :format(#seen, (function() local n = 0 for _ in pairs(secrets) do n = n + 1 end return n end)(), leaks))
  if leaks > 0 then os.exit(1) end
  return nil, true
end)
