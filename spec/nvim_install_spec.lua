-- The Neovim installs the README describes, each built from a copy of the
-- checkout (.ci/checkout.sh) and then used by a headless Neovim started in
-- an empty directory, which loads the :Claude plugin from the result and
-- streams an answer from the fake server:
--   * lazy.nvim (`build = "make LUA=luajit"`). lazy.nvim itself cannot be
--     downloaded here, so the spec does what it does: the plugin directory is
--     a copy of the repository, the build command runs in it, and the
--     directory goes on the runtimepath (plus examples/nvim, as the README's
--     config function does).
--   * rocks.nvim / luarocks.nvim: `luarocks --lua-version 5.1 make` into a
--     tree (offline, Debian's luarocks), then that tree on the Lua paths.
local fake = require("support.fake")
local nvim = require("support.nvim")
local streams = require("support.streams")

local SSE = { ["content-type"] = "text/event-stream" }

-- The installs build their own core and run make, tar, luarocks and nvim:
-- none of it is the instrumented core of a sanitizer run, so they run
-- without its preloaded runtime (check-asan's LD_PRELOAD).
local function sh(cmd)
  local r = os.execute("env -u LD_PRELOAD sh -c '" .. cmd:gsub("'", "'\\''") .. "'")
  return r == true or r == 0
end

local function have(cmd) return sh("command -v " .. cmd .. " >/dev/null 2>&1") end

local function tmpdir()
  local p = io.popen("mktemp -d")
  local d = p:read("*l")
  p:close()
  return d
end

describe("Neovim installs (lazy.nvim, LuaRocks)", function()
  if not nvim.available() then
    it("needs nvim", function() pending(nvim.missing) end)
    return
  end

  local server, work
  setup(function()
    server = fake.start()
    work = tmpdir()
  end)
  teardown(function()
    server:stop()
    sh("rm -rf '" .. work .. "'")
  end)

  local function stream_from(mode, dir)
    server:reset()
    server:script({ status = 200, headers = SSE, sse_raw = streams.text })
    local empty = work .. "/cwd-" .. mode
    assert(sh("mkdir -p '" .. empty .. "'"))
    local result, log = nvim.run("nvim_install", { ANTH_MODE = mode, ANTH_DIR = dir, ANTH_FAKE_URL = server.url },
                                 { bare = true, cwd = empty })
    local core, lua, buffer = result:match("^ok core=(%S+) lua=(%S+)\n(.*)$")
    assert.truthy(core, result .. "\n" .. log)
    assert.equal("> hello\nHello, wörld ✓!", buffer)
    assert.equal("hello", server:last_request().json.messages[1].content)
    return core, lua
  end

  it("lazy.nvim: clone, build = \"make LUA=luajit\", runtimepath; :Claude streams", function()
    local dir = work .. "/lazy/lua-anthropic"
    assert(sh("sh .ci/checkout.sh '" .. dir .. "'"))
    assert(sh("cd '" .. dir .. "' && make --no-print-directory -s LUA=luajit >/dev/null"), "make LUA=luajit failed")
    local core, lua = stream_from("lazy", dir)
    print(("\n  lazy.nvim emulated: core %s, Lua layer %s"):format(core, lua))
    assert.equal(dir .. "/build/luajit/anthropic/core.so", core)
    assert.truthy(lua:find(dir .. "/lua/anthropic/", 1, true), lua)
    -- Without build/, the plugin takes the in-place anthropic/core.so, whose stamp says LuaJIT.
    assert(sh("rm -rf '" .. dir .. "/build'"))
    core = stream_from("lazy", dir)
    assert.equal(dir .. "/anthropic/core.so", core)
  end)

  it("luarocks --lua-version 5.1 make into a tree; :Claude streams from the rock", function()
    if not have("luarocks") then return pending("needs luarocks") end
    local src, tree = work .. "/rock-src", work .. "/tree"
    assert(sh("sh .ci/checkout.sh '" .. src .. "'"))
    assert(sh(("cd '%s' && luarocks --lua-version 5.1 make --tree '%s' rockspec/*.rockspec > '%s/luarocks.log' 2>&1")
      :format(src, tree, work)), "luarocks make failed (see the log in " .. work .. ")")
    local core, lua = stream_from("rock", tree)
    print(("\n  luarocks 5.1 tree: core %s, Lua layer %s"):format(core, lua))
    assert.equal(tree .. "/lib/lua/5.1/anthropic/core.so", core)
    assert.truthy(lua:find(tree .. "/share/lua/5.1/anthropic/", 1, true) == 1, lua)
  end)
end)
