-- Loaded by every run of the suite (busted --helper): remembers each API key
-- and auth token given to anthropic.new, and every error the SDK makes or
-- raises; when the suite ends, fails it if any error string holds a secret.
local busted = require("busted")
local options = require("anthropic.options")
local errors = require("anthropic.errors")

local secrets, seen = {}, {}

local client_options = options.client
options.client = function(opts)
  local o = client_options(opts)
  for _, s in ipairs({ o.api_key, o.auth_token }) do
    if type(s) == "string" and #s >= 6 then secrets[s] = true end
  end
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

local raise = options.raise
options.raise = function(msg)
  remember(msg)
  return raise(msg)
end

busted.subscribe({ "suite", "end" }, function()
  local leaks = 0
  for secret in pairs(secrets) do
    for _, s in ipairs(seen) do
      if s:find(secret, 1, true) then
        leaks = leaks + 1
        io.stderr:write("secret_guard: an error string holds a credential: ", (s:gsub(secret, "<KEY>")), "\n")
      end
    end
  end
  io.stdout:write(("\nsecret_guard: %d error strings checked against %d credentials, %d leaks\n")
    :format(#seen, (function() local n = 0 for _ in pairs(secrets) do n = n + 1 end return n end)(), leaks))
  if leaks > 0 then os.exit(1) end
  return nil, true
end)
