--- :checkhealth claude — whether the plugin can talk to the API:
-- the C core loads and was built for Neovim's LuaJIT, the libcurl it uses
-- (version, TLS backend, HTTP/2), whether credentials are set (never their
-- value), and the JSON codec in use.
--
-- Neovim 0.7 has the `health` Lua module (report_start, report_ok, ...);
-- 0.8 and 0.9 have vim.health.report_*; 0.10 and later vim.health.start,
-- ok, warn, error and info. The newest available is used.
-- luacheck: globals vim jit
local M = {}

local function reporter()
  local h = vim.health
  if not (h and (h.start or h.report_start)) then h = require("health") end
  return {
    start = h.start or h.report_start,
    ok = h.ok or h.report_ok,
    warn = h.warn or h.report_warn,
    error = h.error or h.report_error,
    info = h.info or h.report_info,
  }
end

-- libcurl's version, TLS backend and HTTP/2 support. From the core when it
-- reports them (core.curl_info), else from libcurl itself through LuaJIT's FFI
-- (the same library the core loaded), else from the version string alone.
function M.curl_info(core)
  if type(core.curl_info) == "function" then return core.curl_info() end
  local info = { version = core.curl_version() }
  local ok_ffi, ffi = pcall(require, "ffi")
  if ok_ffi then
    pcall(ffi.cdef, [[
      typedef struct { int age; const char *version; unsigned int version_num; const char *host;
                       int features; const char *ssl_version; } anth_curl_version_info;
      anth_curl_version_info *curl_version_info(int);
    ]])
    for _, name in ipairs({ "curl", "libcurl.so.4", "libcurl.4.dylib", "libcurl" }) do
      local ok_lib, lib = pcall(ffi.load, name)
      if ok_lib then
        local v = lib.curl_version_info(0)
        info.ssl_version = v.ssl_version ~= nil and ffi.string(v.ssl_version) or nil
        info.http2 = require("bit").band(v.features, 65536) ~= 0 -- CURL_VERSION_HTTP2
        break
      end
    end
  end
  return info
end

local function env(name)
  local v = os.getenv(name)
  return v ~= nil and v ~= ""
end

function M.check()
  local r = reporter()
  local claude = require("claude")

  r.start("claude: lua-anthropic's C core")
  claude.paths()
  local loaded, core = pcall(require, "anthropic.core")
  if not loaded then
    local msg = tostring(core)
    local advice = { "build it for Neovim's LuaJIT: `make LUA=luajit` in the lua-anthropic checkout",
                     "or point setup{cpath = ...} at a core built for LuaJIT / Lua 5.1" }
    if msg:find("undefined symbol", 1, true) then
      table.insert(advice, 1, "the core was built for another Lua (5.2-5.4), not for LuaJIT")
    end
    r.error("anthropic.core does not load: " .. msg, advice)
    return
  end
  local where = package.searchpath and package.searchpath("anthropic.core", package.cpath)
  r.ok(("anthropic.core %s loads%s"):format(tostring(core.version), where and (" from " .. where) or ""))
  if core.lua_version and core.lua_version ~= 501 then
    r.error(("anthropic.core was built for Lua %s, Neovim runs LuaJIT"):format(core.lua_version),
            { "rebuild it with `make LUA=luajit`" })
  elseif jit then
    r.ok(("built for LuaJIT's Lua 5.1 API (running %s)"):format(jit.version))
  else
    r.warn("Neovim is not running LuaJIT here; the core loads with " .. _VERSION)
  end
  local layer, anthropic = pcall(require, "anthropic")
  if not layer then
    r.error("the Lua layer (require 'anthropic') does not load: " .. tostring(anthropic),
            { "put lua-anthropic's lua/ on package.path (the plugin does it inside a checkout)" })
    return
  end
  r.ok("the Lua layer loads (lua-anthropic " .. tostring(anthropic.VERSION) .. ")")

  r.start("claude: libcurl")
  local curl = M.curl_info(core)
  r.ok("libcurl " .. tostring(curl.version))
  if curl.ssl_version then
    r.ok("TLS backend: " .. curl.ssl_version)
  else
    r.warn("TLS backend: unknown (no FFI to ask libcurl)")
  end
  if curl.http2 == true then
    r.ok("HTTP/2: supported")
  elseif curl.http2 == false then
    r.warn("HTTP/2: not supported by this libcurl (HTTP/1.1 is used: it works, one connection per request)")
  else
    r.info("HTTP/2: unknown")
  end

  r.start("claude: credentials")
  local cfg = claude.config
  if cfg.api_key and cfg.api_key ~= "" then
    r.ok("an API key is set in setup{api_key = ...}")
  elseif env("ANTHROPIC_API_KEY") then
    r.ok("ANTHROPIC_API_KEY is set")
  elseif env("ANTHROPIC_AUTH_TOKEN") then
    r.ok("ANTHROPIC_AUTH_TOKEN is set")
  else
    r.error("no credentials: neither setup{api_key = ...} nor ANTHROPIC_API_KEY nor ANTHROPIC_AUTH_TOKEN is set",
            { "export ANTHROPIC_API_KEY=... before starting Neovim, or pass api_key to setup()" })
  end
  local base = cfg.base_url or os.getenv("ANTHROPIC_BASE_URL")
  base = (base and base ~= "") and base or "https://api.anthropic.com"
  r.info("API: " .. base .. ", model " .. tostring(cfg.model))

  r.start("claude: JSON")
  local codec, name = claude.codec()
  local decode = codec and codec.decode or core.decode
  local decoded, value = pcall(decode, '{"a":[1,null,"\\u00e9"]}')
  if decoded and type(value) == "table" and type(value.a) == "table" and value.a[3] == "\195\169" then
    r.ok("codec: " .. name .. " (decodes a response correctly)")
  else
    r.error("codec " .. name .. " does not decode a response: " .. tostring(value))
    return
  end
  local made, client = pcall(claude.client)
  if made then
    r.ok("the client is made (" .. tostring(client) .. ")")
  else
    r.error("the client cannot be made: " .. tostring(client))
  end
end

return M
