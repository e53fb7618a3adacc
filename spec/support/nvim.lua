-- Runs a script of spec/support/ inside `nvim --headless` (Neovim is LuaJIT:
-- it loads the build/luajit core); the script writes its result to the file
-- named by $ANTH_OUT.
local M = {}

M.SO = "build/luajit/anthropic/core.so"

--- Whether nvim is on the PATH and the LuaJIT build exists.
function M.available()
  local f = io.open(M.SO, "rb")
  if not f then return false end
  f:close()
  local p = io.popen("command -v nvim")
  local path = p:read("*l")
  p:close()
  return path ~= nil and path ~= ""
end

--- Why a spec is pending when `available()` is false.
M.missing = "needs nvim and the LuaJIT build (" .. M.SO .. ")"

--- Runs spec/support/<script>.lua with the environment variables `vars`
-- (plus ANTH_OUT). opts.bare: without LUA_PATH / LUA_CPATH; opts.cwd: the
-- directory nvim runs in (default: the repository);
-- opts.during(out): runs while nvim does. Returns what the script wrote, the
-- output of nvim, and the path of the result file (already removed).
function M.run(script, vars, opts)
  opts = opts or {}
  local out = os.tmpname()
  local env = { opts.bare and "env -u LUA_PATH -u LUA_CPATH" or "env" }
  for k, v in pairs(vars) do env[#env + 1] = k .. "=" .. v end
  env[#env + 1] = "ANTH_OUT=" .. out
  local file = "spec/support/" .. script .. ".lua"
  if opts.cwd then
    local pwd = io.popen("pwd")
    file = pwd:read("*l") .. "/" .. file
    pwd:close()
    env[1] = "cd '" .. opts.cwd .. "' && " .. env[1]
  end
  local cmd = ("%s nvim --headless -u NONE -i NONE -c 'luafile %s' -c 'qa!' 2>&1")
    :format(table.concat(env, " "), file)
  local p = io.popen(cmd)
  local ok, err = true, nil
  if opts.during then ok, err = pcall(opts.during, out) end
  local log = p:read("*a")
  p:close()
  local f = io.open(out, "rb")
  local result = f and f:read("*a") or ""
  if f then f:close() end
  os.remove(out)
  assert(ok, err)
  return result, log, out
end

return M
