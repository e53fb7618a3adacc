-- lua-anthropic as a benchmark client (Lua 5.4 or LuaJIT, against the
-- server of bench/server.sh). One mode per process; prints one line
-- "result key=value ...": wall and cpu in seconds (cpu from os.clock(), the
-- process's CPU time over all threads), counts, hwm_kb (VmHWM).
--   lua_client.lua BASE create N WARMUP    N sequential creates (one client, one connection)
--   lua_client.lua BASE text K             K streams through s:text()
--   lua_client.lua BASE events K           K streams through s:events()
--   lua_client.lua BASE final K            K streams through s:final_message()
--   lua_client.lua BASE image FILE         anthropic.image.file(FILE) in one create
--   lua_client.lua BASE inflight N         N create_async at once, client:poll() until done
--   lua_client.lua BASE stall N            N stream_async (on_text), host loop: client:poll(0)
--                                          and a 1 ms timer; the timer's worst lateness;
--                                          two rounds (cold, then warm_*), page faults of each
--   lua_client.lua BASE stall_sleep N      the same, the loop sleeping to each next 1 ms tick
--   lua_client.lua BASE stall_uv N         the same on a luv loop with anthropic.uv
-- BENCH_CA (environment): the CA file for an https BASE (the client's ca_file).
-- BENCH_NET_CPU (environment, stall modes): the core each client's network
-- thread is moved to once it runs; the Lua thread stays where taskset put it.
local anthropic = require("anthropic")
local core = require("anthropic.core")

local base, mode = arg[1], arg[2]
local now, clock = core.now, os.clock

local PARAMS = {
  model = "claude-sonnet-4-5",
  max_tokens = 1024,
  messages = { { role = "user", content = "Hello, Claude" } },
}

local function hwm_kb()
  local f = io.open("/proc/self/status")
  if not f then return -1 end
  local kb = f:read("a"):match("VmHWM:%s*(%d+)")
  f:close()
  return tonumber(kb) or -1
end

local CA = os.getenv("BENCH_CA")

local function client(path)
  return anthropic.new({ api_key = "sk-bench", base_url = base .. (path or ""), max_retries = 0,
                         ca_file = CA ~= "" and CA or nil })
end

-- With BENCH_NET_CPU: moves the process's other threads (the network
-- threads: Lua, LuaJIT and luv start none here) to that core, as on a
-- machine with a core to spare beside the host loop's.
local NET_CPU = os.getenv("BENCH_NET_CPU")
local function place_network_threads()
  if not NET_CPU or NET_CPU == "" then return end
  local f = assert(io.open("/proc/self/stat"))
  local me = f:read("l"):match("^(%d+)")
  f:close()
  local p = assert(io.popen("ls /proc/" .. me .. "/task"))
  for tid in p:lines() do
    if tid ~= me then os.execute(("taskset -p -c %s %s >/dev/null"):format(NET_CPU, tid)) end
  end
  p:close()
end

local function result(fields)
  local out = { "result" }
  for _, k in ipairs({ "wall", "cpu", "n", "events", "deltas", "bytes", "payload", "hwm_kb",
                       "max_stall_ms", "max_poll_ms", "ticks", "cold_cpu", "warmup", "faults",
                       "warm_stall_ms", "warm_poll_ms", "warm_faults" }) do
    if fields[k] then out[#out + 1] = ("%s=%.6f"):format(k, fields[k]):gsub("%.?0+$", "") end
  end
  print(table.concat(out, " "))
end

local modes = {}

function modes.create(n, warmup)
  n, warmup = tonumber(n or 1000), tonumber(warmup or 100)
  local c = client()
  local cold0 = clock()
  local w0, c0, cold
  for i = 1, warmup + n do
    if i == warmup + 1 then w0, c0 = now(), clock(); cold = c0 - cold0 end
    local m, err = c.messages.create(PARAMS)
    if not m then error(tostring(err)) end
    if m.content[1].text ~= "Hello!" then error("bad message") end
  end
  result({ wall = now() - w0, cpu = clock() - c0, n = n, cold_cpu = cold, warmup = warmup })
end

-- K timed streams after one untimed one; `each(s, counts)` consumes one.
local function streams(k, each)
  k = tonumber(k or 5)
  local c = client("/stream")
  local counts = { events = 0, deltas = 0, bytes = 0 }
  local w0, c0
  for i = 0, k do
    if i == 1 then counts.events, counts.deltas, counts.bytes, w0, c0 = 0, 0, 0, now(), clock() end
    local s, err = c.messages.stream(PARAMS)
    if not s then error(tostring(err)) end
    each(s, counts)
    if s.error then error(tostring(s.error)) end
  end
  result({ wall = now() - w0, cpu = clock() - c0, n = k, events = counts.events, deltas = counts.deltas,
           bytes = counts.bytes })
end

function modes.text(k)
  streams(k, function(s, counts)
    local n, b = 0, 0
    for delta in s:text() do n, b = n + 1, b + #delta end
    counts.deltas, counts.bytes = counts.deltas + n, counts.bytes + b
  end)
end

function modes.events(k)
  streams(k, function(s, counts)
    local n, d = 0, 0
    for e in s:events() do
      n = n + 1
      if e.type == "content_block_delta" then d = d + 1 end
    end
    counts.events, counts.deltas = counts.events + n, counts.deltas + d
  end)
end

function modes.final(k)
  streams(k, function(s, counts)
    local m, err = s:final_message()
    if not m then error(tostring(err)) end
    counts.bytes = counts.bytes + #m.content[1].text
    counts.events = counts.events + 1
  end)
end

function modes.image(path)
  local c = client("/upload")
  local w0, c0 = now(), clock()
  local m, err = c.messages.create({
    model = "claude-sonnet-4-5",
    max_tokens = 1024,
    messages = { { role = "user", content = {
      anthropic.image.file(path),
      { type = "text", text = "What is in the above image?" },
    } } },
  })
  if not m then error(tostring(err)) end
  local f = assert(io.open(path, "rb"))
  local size = f:seek("end")
  f:close()
  result({ wall = now() - w0, cpu = clock() - c0, payload = size, hwm_kb = hwm_kb() })
end

function modes.inflight(n)
  n = tonumber(n or 64)
  local c = client("/slow")
  local w0, c0 = now(), clock()
  local reqs = {}
  for i = 1, n do reqs[i] = c.messages.create_async(PARAMS) end
  while c:poll(50) > 0 do end
  for i = 1, n do
    local m, err = reqs[i]:poll()
    if not m then error(tostring(err)) end
  end
  result({ wall = now() - w0, cpu = clock() - c0, n = n })
end

-- The process's minor page faults so far (/proc; -1 elsewhere): a first
-- touch of fresh memory, which costs far more on some virtual machines.
local function faults()
  local f = io.open("/proc/self/stat")
  if not f then return -1 end
  local rest = f:read("a"):match("%) (.*)")
  f:close()
  local i = 0
  for w in rest:gmatch("%S+") do
    i = i + 1
    if i == 8 then return tonumber(w) end
  end
  return -1
end

-- The stall modes run two rounds of N streams in one process: the first
-- (cold: the heap and the libraries' memory are fresh, as when the issue was
-- measured) gives the main figures; the second (warm: a host that has been
-- running) gives warm_*.
local function two_rounds(round, n)
  local w0, c0, f0 = now(), clock(), faults()
  local cold = round(n)
  cold.wall, cold.cpu, cold.n, cold.faults = now() - w0, clock() - c0, n, faults() - f0
  f0 = faults()
  local warm = round(n)
  cold.warm_stall_ms, cold.warm_poll_ms, cold.warm_faults = warm.max_stall_ms, warm.max_poll_ms, faults() - f0
  result(cold)
end

-- N streams started at once; the host's 1 ms timer is checked between
-- polls, and its worst lateness is the stall.
local function poll_round(n, sleeping)
  local c = client("/stream")
  local deltas, done = 0, 0
  for _ = 1, n do
    c.messages.stream_async(PARAMS, {
      on_text = function() deltas = deltas + 1 end,
      on_done = function(m, err)
        if not m then error(tostring(err)) end
        done = done + 1
      end,
    })
  end
  if NET_CPU then
    c:poll(0) -- starts the network thread, to be placed before the timing starts
    place_network_threads()
  end
  local due, max_late, max_poll, ticks = now() + 0.001, 0, 0, 0
  while done < n do
    local t0 = now()
    c:poll(0)
    local t1 = now()
    if t1 - t0 > max_poll then max_poll = t1 - t0 end
    if t1 >= due then
      if t1 - due > max_late then max_late = t1 - due end
      ticks = ticks + 1
      due = t1 + 0.001
    end
    if sleeping and due > t1 then core.sleep(due - t1) end
  end
  c:close()
  return { deltas = deltas, max_stall_ms = max_late * 1000, max_poll_ms = max_poll * 1000, ticks = ticks }
end

function modes.stall(n)
  two_rounds(poll_round, tonumber(n or 16))
end

-- The same, the loop sleeping until each next 1 ms tick after its poll (a
-- host with a frame clock) instead of polling again at once.
function modes.stall_sleep(n)
  two_rounds(function(k) return poll_round(k, true) end, tonumber(n or 16))
end

-- The same on a luv loop with anthropic.uv: the stall is the largest gap
-- between two ticks of a 1 ms timer, less the 1 ms.
local function uv_round(n)
  local uv = require("luv")
  local c = client("/stream")
  local driver = require("anthropic.uv").attach(c, uv)
  place_network_threads() -- (attach started it)
  local deltas, done, failed = 0, 0, nil
  for _ = 1, n do
    c.messages.stream_async(PARAMS, {
      on_text = function() deltas = deltas + 1 end,
      -- An error raised in a luv callback would not end uv.run(): the
      -- failure is kept and raised once the loop is over.
      on_done = function(m, err)
        if not m then failed = failed or tostring(err) end
        done = done + 1
      end,
    })
  end
  local timer = uv.new_timer()
  local last, max_gap, ticks = now(), 0, 0
  timer:start(1, 1, function()
    local t = now()
    if t - last > max_gap then max_gap = t - last end
    last, ticks = t, ticks + 1
    if done >= n then timer:stop() end
  end)
  uv.run()
  timer:close()
  driver:detach()
  uv.run() -- lets the handles close before the state does
  c:close()
  if failed then error(failed) end
  return { deltas = deltas, max_stall_ms = math.max(0, max_gap - 0.001) * 1000, ticks = ticks }
end

function modes.stall_uv(n)
  two_rounds(uv_round, tonumber(n or 16))
end

local f = modes[mode]
if not base or not f then
  io.stderr:write("usage: lua_client.lua BASE_URL create|text|events|final|image|inflight|stall|stall_sleep|" ..
                  "stall_uv ...\n")
  os.exit(2)
end
f(select(3, ...))
