-- A sampling profiler of the Lua layer: runs bench/lua_client.lua with its
-- arguments under a count hook (every 1000 VM instructions) and prints the
-- Lua functions and lines the samples fell in. C time (libcurl, the JSON
-- and SSE cores) is not seen here: bench/profile.sh uses perf for that.
--   lua5.4 bench/lua_prof.lua BASE MODE ARGS...
local by_fn, by_line, total = {}, {}, 0
local getinfo = debug.getinfo
debug.sethook(function()
  local info = getinfo(2, "Sl")
  if not info then return end
  total = total + 1
  local fn = info.short_src .. ":" .. info.linedefined
  by_fn[fn] = (by_fn[fn] or 0) + 1
  local line = info.short_src .. ":" .. (info.currentline or 0)
  by_line[line] = (by_line[line] or 0) + 1
end, "", 1000)
local chunk = assert(loadfile("bench/lua_client.lua"))
chunk(...)
debug.sethook()

local function top(t, n, title)
  local list = {}
  for k, v in pairs(t) do list[#list + 1] = { k, v } end
  table.sort(list, function(a, b) return a[2] > b[2] end)
  print(("%s (%d samples of 1000 VM instructions)"):format(title, total))
  for i = 1, math.min(n, #list) do
    print(("  %5.1f%%  %s"):format(list[i][2] * 100 / total, list[i][1]))
  end
end
top(by_fn, 15, "Lua functions (file:line defined)")
top(by_line, 15, "Lua lines")
