-- The official TypeScript SDK as an independent implementation to compare
-- with: runs spec/diff/ts_accumulate.mjs under node (the SDK installed by
-- spec/diff/install.sh, which `make test` runs; run here too when missing).
local core = require("anthropic.core")

local M = {}

local function succeeds(cmd)
  local ok = os.execute(cmd)
  return ok == true or ok == 0
end

local checked, reason

--- true when node and the SDK are there; else false and why.
function M.available()
  if checked == nil then
    if not succeeds("command -v node >/dev/null 2>&1") then
      checked, reason = false, "node is not installed (apt-get install nodejs npm): no comparison with the official SDK"
    else
      assert(succeeds("env -u LD_PRELOAD sh spec/diff/install.sh >&2"), "spec/diff/install.sh failed (npm ci)")
      checked = true
    end
  end
  return checked, reason
end

--- Runs the script with `input` (encoded as JSON on its stdin) and `args`;
-- returns its output decoded.
function M.run(input, args)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(core.encode(input))
  f:close()
  -- node is not instrumented: under .ci/asan.sh it must not inherit the preloaded ASan runtime
  local p = assert(io.popen("env -u LD_PRELOAD node spec/diff/ts_accumulate.mjs " .. (args or "") .. " < " .. path))
  local out = p:read("*a")
  p:close()
  os.remove(path)
  local value, err = core.decode_safe(out)
  assert(value ~= nil, "ts_accumulate.mjs printed no JSON: " .. tostring(err) .. ": " .. out:sub(1, 300))
  return value
end

--- `v` as JSON reads it back: nulls in objects dropped, numbers as the
-- reader makes them. Both sides of a comparison go through it.
function M.normalize(v)
  return core.decode(core.encode(v))
end

return M
