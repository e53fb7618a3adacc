-- :checkhealth claude (examples/nvim/lua/claude/health.lua) in a headless
-- Neovim: a good setup reports the core (built for LuaJIT), libcurl with its
-- TLS backend and HTTP/2, that credentials are set (never the key), and the
-- codec; a core built for Lua 5.4 and missing credentials are errors with
-- advice. Neovim 0.7's `health` module is what the real :checkhealth runs;
-- vim.health's newer start/ok/warn/error are exercised with a stand-in.
local nvim = require("support.nvim")

local KEY = "sk-ant-health-secret-value"

local function checkhealth(vars)
  local result, log = nvim.run("nvim_health", vars, { bare = true })
  assert.falsy(result:match("^FAILED"), result .. "\n" .. log)
  assert.falsy(result:find(KEY, 1, true), "the report shows the key")
  return result
end

describe(":checkhealth claude", function()
  if not nvim.available() then
    it("needs nvim", function() pending(nvim.missing) end)
    return
  end

  it("reports a good setup", function()
    local report = checkhealth({ ANTH_API_KEY = KEY })
    print("\n" .. report)
    assert.truthy(report:find("claude: require(\"claude.health\").check()", 1, true), report)
    assert.truthy(report:find("OK: anthropic.core %d+%.%d+%.%d+ loads from [^\n]*build/luajit/anthropic/core.so"),
                  report)
    assert.truthy(report:find("OK: built for LuaJIT's Lua 5.1 API (running LuaJIT", 1, true), report)
    assert.truthy(report:find("OK: libcurl %d+%.%d+"), report)
    assert.truthy(report:find("OK: TLS backend: %w+"), report)
    assert.truthy(report:find("HTTP/2: ", 1, true), report)
    assert.truthy(report:find("OK: an API key is set in setup{api_key = ...}", 1, true), report)
    assert.truthy(report:find("OK: codec: vim.json", 1, true), report)
    assert.falsy(report:find("ERROR", 1, true), report)
  end)

  it("reports a core built for another Lua as an error, with advice", function()
    local so = "build/lua5.4/anthropic/core.so"
    local f = io.open(so, "rb")
    if not f then return pending("needs " .. so) end
    f:close()
    local report = checkhealth({ ANTH_CPATH = "build/lua5.4/?.so", ANTH_API_KEY = KEY })
    assert.truthy(report:find("ERROR: anthropic.core does not load: ", 1, true), report)
    assert.truthy(report:find("undefined symbol", 1, true), report)
    assert.truthy(report:find("built for another Lua (5.2-5.4), not for LuaJIT", 1, true), report)
    assert.truthy(report:find("make LUA=luajit", 1, true), report)
  end)

  it("reports missing credentials as an error without showing anything secret", function()
    local report = checkhealth({ ANTH_API_KEY = "", ANTHROPIC_API_KEY = "", ANTHROPIC_AUTH_TOKEN = "" })
    assert.truthy(report:find("ERROR: no credentials", 1, true), report)
    local with_env = checkhealth({ ANTH_API_KEY = "", ANTHROPIC_API_KEY = KEY })
    assert.truthy(with_env:find("OK: ANTHROPIC_API_KEY is set", 1, true), with_env)
  end)

  it("uses vim.health.start/ok/warn/error where Neovim has them", function()
    local lines = checkhealth({ ANTH_CASE = "newapi", ANTH_API_KEY = KEY })
    assert.truthy(lines:find("^start: claude: lua%-anthropic's C core\n"), lines)
    assert.truthy(lines:find("\nok: built for LuaJIT", 1, true), lines)
    assert.truthy(lines:find("\nok: codec: vim.json", 1, true), lines)
  end)
end)
