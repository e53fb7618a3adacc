-- Test helper: runs the Python support scripts of the platform specs
-- (sigv4_verify.py, eventstream_frames.py, google_token_server.py) with an
-- interpreter that has Debian's python3-botocore, python3-google-auth and
-- python3-cryptography (`python3` on PATH may be another one, e.g. pyenv's;
-- $PLATFORM_PYTHON overrides).
--
--   local py = require("support.platform_python")
--   local out = py.run("sigv4_verify.py", json_text)   -- stdout as a string
local M = {}

local function here()
  local src = debug.getinfo(1, "S").source
  return src:sub(1, 1) == "@" and (src:sub(2):match("^(.*)[/\\]") or ".") or "spec/support"
end

M.dir = here()

local function quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
M.quote = quote

local found
--- The interpreter to use; errors when none has the packages.
function M.python()
  if found then return found end
  local candidates = { "python3", "/usr/bin/python3" }
  if (os.getenv("PLATFORM_PYTHON") or "") ~= "" then table.insert(candidates, 1, os.getenv("PLATFORM_PYTHON")) end
  for _, py in ipairs(candidates) do
    local cmd = quote(py) .. " -c 'import botocore, google.auth, cryptography' >/dev/null 2>&1"
    if os.execute(cmd) == (_VERSION == "Lua 5.1" and 0 or true) then
      found = py
      return py
    end
  end
  error("platform specs need python3 with python3-botocore, python3-google-auth and python3-cryptography "
    .. "(make deps installs them)", 2)
end

--- A fresh temporary directory.
function M.tmpdir()
  local p = io.popen("mktemp -d")
  local dir = p:read("*l")
  p:close()
  assert(dir and dir ~= "", "mktemp -d failed")
  return dir
end

--- The command prefix that starts the interpreter: without LD_PRELOAD, so
-- that under `make check-asan` the sanitizer runtime preloaded for Lua does
-- not follow into Python (whose libcrypto keeps memory until exit).
function M.command()
  return "env -u LD_PRELOAD " .. quote(M.python())
end

--- Runs spec/support/<script> with input on stdin; returns its stdout.
function M.run(script, input)
  local tmp = os.tmpname()
  local f = assert(io.open(tmp, "wb"))
  f:write(input or "")
  f:close()
  local p = assert(io.popen(M.command() .. " " .. quote(M.dir .. "/" .. script) .. " < " .. quote(tmp)))
  local out = p:read("*a")
  local ok = p:close()
  os.remove(tmp)
  if ok == nil or ok == false then error(script .. " failed", 2) end
  return out
end

return M
