-- Time limits of specs, stretched when the suite runs under a sanitizer or
-- valgrind (ANTHROPIC_TEST_TIME_SCALE, set by .ci/asan.sh and .ci/valgrind.sh),
-- where everything is many times slower.
local scale = tonumber(os.getenv("ANTHROPIC_TEST_TIME_SCALE") or "") or 1

--- `limit(s)`: s seconds (or ms) as a limit for this run.
return function(s) return s * scale end
