-- busted --helper for `make check-gc`: the suite with the collector running
-- almost all the time (a tiny pause), or in generational mode with
-- ANTHROPIC_GC=generational on Lua 5.4, so that every userdata (sessions,
-- transfers, bodies, streams) is collected as early as it can be.
require("support.secret_guard")
if os.getenv("ANTHROPIC_GC") == "generational" and _VERSION == "Lua 5.4" then
  collectgarbage("generational", 1, 10)
  io.stderr:write("gc_stress: generational collector, minor multiplier 1\n")
else
  collectgarbage("setpause", 1)
  collectgarbage("setstepmul", 400)
  io.stderr:write("gc_stress: incremental collector, pause 1 %\n")
end
