-- What most specs share: inside a `describe`, a local fake API server for
-- the whole block (started in setup, stopped in teardown, reset before each
-- test) and a client pointed at it.
local anthropic = require("anthropic")
local fake = require("support.fake")

local M = {}

-- busted's setup/teardown/before_each live in the spec file's environment,
-- not in _G: take them from the calling describe block's.
local function caller_env(level)
  if rawget(_G, "getfenv") then
    local env = getfenv(level + 1) -- not a tail call: that would shift the levels
    return env
  end
  local f = debug.getinfo(level + 1, "f").func
  for i = 1, math.huge do
    local name, value = debug.getupvalue(f, i)
    if name == nil then break end
    if name == "_ENV" then return value end
  end
  return _G
end

--- Registers the setup; `use(server, client)` receives them once started.
-- @tparam table client_opts options of anthropic.new (base_url is added;
--   max_retries defaults to 0)
function M.fake_api(client_opts, use)
  local env = caller_env(2)
  local setup, teardown, before_each = env.setup, env.teardown, env.before_each
  local server
  setup(function()
    server = fake.start()
    local opts = { base_url = server.url, max_retries = 0 }
    for k, v in pairs(client_opts) do opts[k] = v end
    use(server, anthropic.new(opts))
  end)
  teardown(function() server:stop() end)
  before_each(function() server:reset() end)
end

--- Asserts that each of `calls` (functions) raises an error naming
-- `platform` ("bedrock", "vertex"), and that `server` received nothing.
function M.refuses_naming(server, platform, calls)
  local assert = require("luassert") -- (busted's assert lives in the spec files' environment)
  for _, f in ipairs(calls) do
    local ok, err = pcall(f)
    assert.is_false(ok)
    assert.truthy(tostring(err):find(platform, 1, true), tostring(err))
  end
  assert.equal(0, #server:requests())
end

return M
