-- Runs every client of the benchmarks against the running server
-- (bench/server.sh), takes the median of several runs of each figure, prints
-- the table and writes bench/RESULTS.md. Called by bench/run.sh, which
-- installs, builds and starts what this needs; run under lua5.4.
--   lua5.4 bench/run.lua PORT
local PORT = arg[1] or "18471"
local BASE = "http://127.0.0.1:" .. PORT
local RUNS = tonumber(os.getenv("BENCH_RUNS") or "5")
local CLIENT_CPU = os.getenv("CLIENT_CPU") or "1"
local SERVER_CPU = os.getenv("SERVER_CPU") or "0"
local QUICK = os.getenv("BENCH_QUICK") == "1" -- fewer requests, for trying the harness
local OUT = os.getenv("BENCH_RESULTS") or "bench/RESULTS.md"

local LOG = "build/bench/logs"
os.execute("mkdir -p " .. LOG)

local function sh(cmd)
  local p = io.popen(cmd)
  local out = p:read("a")
  p:close()
  return out
end
local function first_line(s) return (s:match("[^\n]*") or ""):gsub("%s+$", "") end

local pin = "taskset -c " .. CLIENT_CPU .. " "
local LUAENV = {
  ["lua5.4"] = 'LUA_CPATH="build/lua5.4/?.so;;" LUA_PATH="lua/?.lua;lua/?/init.lua;;" ',
  luajit = 'LUA_CPATH="build/luajit/?.so;;" LUA_PATH="lua/?.lua;lua/?/init.lua;;" ',
}

-- The clients: how to start each, and which workloads it does.
local CLIENTS = {
  { id = "floor", name = "C floor (libcurl)", cmd = "build/bench/floor" },
  { id = "lua54", name = "lua-anthropic, Lua 5.4", cmd = LUAENV["lua5.4"] .. pin .. "lua5.4 bench/lua_client.lua" },
  { id = "luajit", name = "lua-anthropic, LuaJIT", cmd = LUAENV.luajit .. pin .. "luajit bench/lua_client.lua" },
  { id = "ts", name = "TypeScript SDK (node)", cmd = pin .. "node bench/ts_client.mjs", quiet = true },
  { id = "curl", name = "curl spawned per request", cmd = pin .. "lua5.4 bench/curl_client.lua" },
  { id = "sock", name = "LuaSocket + cjson (pure Lua)", cmd = pin .. "lua5.4 bench/socket_client.lua" },
}
CLIENTS[1].cmd = pin .. CLIENTS[1].cmd

local stream_info
do
  local f = assert(io.open("build/bench/nginx/stream.info"))
  local events, deltas, bytes = f:read("n", "n", "n")
  f:close()
  stream_info = { events = events, deltas = deltas, bytes = bytes }
end
local IMAGE = "build/bench/image.jpg"

local function scale(n) return QUICK and math.max(1, n // 5) or n end

-- args per workload and client (nil: the client does not do it).
local WORK = {
  create = function(c)
    if c == "curl" then return ("create %d %d"):format(scale(100), 10) end
    if c == "ts" then return ("create %d %d"):format(scale(1000), 200) end
    if c == "floor" then return ("create %d %d"):format(scale(3000), 200) end
    return ("create %d %d"):format(scale(2000), 200)
  end,
  text = function(c)
    if c == "floor" then return ("text %d"):format(scale(25)) end
    return c == "curl" and "text 2" or ("text %d"):format(scale(5))
  end,
  events = function(c)
    if c == "floor" then return ("events %d"):format(scale(25)) end
    return c == "curl" and "events 2" or ("events %d"):format(scale(5))
  end,
  final = function(c)
    if c == "curl" or c == "sock" or c == "floor" then return nil end
    return ("final %d"):format(scale(5))
  end,
  image = function(c) if c ~= "curl" then return "image " .. IMAGE end end,
  inflight = function(c) if c ~= "sock" then return "inflight 64" end end,
  stall = function(c) if c == "lua54" or c == "luajit" or c == "ts" then return "stall 16" end end,
  stall_uv = function(c) if c == "lua54" or c == "luajit" then return "stall_uv 16" end end,
}
-- The floor's modes have other names and take the URL with its path.
local FLOOR = {
  create = function(a) return BASE .. "/v1/messages " .. a:match("create (.*)") end,
  text = function(a) return BASE .. "/stream/v1/messages " .. a:match("text (.*)") end,
  events = function(a) return BASE .. "/stream/v1/messages " .. a:match("events (.*)") end,
  image = function(a) return BASE .. "/v1/messages " .. a:match("image (.*)") end,
  inflight = function(a) return BASE .. "/slow/v1/messages " .. a:match("inflight (.*)") end,
}
local FLOOR_MODE = { create = "create", text = "stream", events = "stream", image = "image", inflight = "inflight" }

local function median(t)
  local s = {}
  for i, v in ipairs(t) do s[i] = v end
  table.sort(s)
  local n = #s
  if n == 0 then return nil end
  if n % 2 == 1 then return s[(n + 1) // 2] end
  return (s[n // 2] + s[n // 2 + 1]) / 2
end

-- Runs one client on one workload RUNS times; returns the list of parsed results.
local function run(client, work, runs)
  local args = WORK[work](client.id)
  if not args then return nil end
  local cmd
  if client.id == "floor" then
    if not FLOOR[work] then return nil end
    cmd = client.cmd .. " " .. FLOOR_MODE[work] .. " " .. FLOOR[work](args)
  else
    cmd = client.cmd .. " " .. BASE .. " " .. args
  end
  local errlog = client.quiet and "/dev/null" or (LOG .. "/" .. client.id .. "-" .. work .. ".err")
  local results = {}
  for _ = 1, runs do
    local out = sh(cmd .. " 2>" .. errlog)
    local line = out:match("result ([^\n]*)")
    if not line then
      io.stderr:write(("  %s %s failed: %s\n"):format(client.id, work, cmd))
      if errlog ~= "/dev/null" then io.stderr:write(sh("tail -5 " .. errlog)) end
      return results, cmd
    end
    local r = {}
    for k, v in line:gmatch("([%w_]+)=(%S+)") do r[k] = tonumber(v) end
    results[#results + 1] = r
  end
  return results, cmd
end

-- The figures of one workload's results (each a median over the runs).
local FIGURES = {
  create = function(rs)
    local rps, cpu, cold = {}, {}, {}
    for i, r in ipairs(rs) do
      rps[i], cpu[i] = r.n / r.wall, r.cpu / r.n * 1e6
      cold[i] = r.cold_cpu and r.cold_cpu / r.warmup * 1e6
    end
    return { rps = median(rps), cpu_us = median(cpu), cold_us = median(cold) }
  end,
  stream = function(rs)
    local eps, dps, mbs = {}, {}, {}
    for i, r in ipairs(rs) do
      eps[i] = (r.events or 0) / r.wall
      dps[i] = (r.deltas or 0) / r.wall
      mbs[i] = r.n * stream_info.bytes / r.wall / 1e6
    end
    return { events_s = median(eps), deltas_s = median(dps), mb_s = median(mbs), ms = median((function()
      local t = {}
      for i, r in ipairs(rs) do t[i] = r.wall / r.n * 1e3 end
      return t
    end)()) }
  end,
  image = function(rs)
    local wall, hwm, ratio = {}, {}, {}
    for i, r in ipairs(rs) do
      wall[i], hwm[i], ratio[i] = r.wall * 1e3, r.hwm_kb * 1024 / 1e6, r.hwm_kb * 1024 / r.payload
    end
    return { ms = median(wall), hwm_mb = median(hwm), ratio = median(ratio) }
  end,
  inflight = function(rs)
    local wall, cpu = {}, {}
    for i, r in ipairs(rs) do wall[i], cpu[i] = r.wall * 1e3, r.cpu * 1e3 end
    return { ms = median(wall), cpu_ms = median(cpu) }
  end,
  stall = function(rs)
    local st, worst, wall = {}, 0, {}
    for i, r in ipairs(rs) do
      st[i], wall[i] = r.max_stall_ms, r.wall * 1e3
      if r.max_stall_ms > worst then worst = r.max_stall_ms end
    end
    return { stall_ms = median(st), worst_ms = worst, ms = median(wall) }
  end,
}
local KIND = { create = "create", text = "stream", events = "stream", final = "stream", image = "image",
               inflight = "inflight", stall = "stall", stall_uv = "stall" }

-- Runs everything.
local t_start = os.time()
local R, CMDS = {}, {}
local ORDER = { "create", "text", "events", "final", "image", "inflight", "stall", "stall_uv" }
-- Runs are interleaved (run 1 of every client, then run 2...), so that a
-- slow spell of the machine hits every client alike.
for _, work in ipairs(ORDER) do
  R[work] = {}
  local all, cmds, failed = {}, {}, {}
  for i = 1, RUNS do
    io.stderr:write(("  %-9s run %d/%d\n"):format(work, i, RUNS))
    for _, c in ipairs(CLIENTS) do
      local skip = failed[c.id] or (c.id == "curl" and work == "create" and i > 3)
      if not skip then
        local rs, cmd = run(c, work, 1)
        if rs == nil then
          failed[c.id] = true
        elseif #rs == 0 then
          failed[c.id] = true
        else
          all[c.id] = all[c.id] or {}
          table.insert(all[c.id], rs[1])
          cmds[c.id] = cmd
        end
      end
    end
  end
  for _, c in ipairs(CLIENTS) do
    if all[c.id] then
      R[work][c.id] = FIGURES[KIND[work]](all[c.id])
      R[work][c.id].runs = #all[c.id]
      CMDS[#CMDS + 1] = cmds[c.id]
    end
  end
end

-- The TypeScript SDK prints a deprecation warning for the guide's model on
-- every request: one more create run with a model it does not warn about.
local ts_nowarn
do
  local out = sh("BENCH_MODEL=claude-opus-4-6 " .. CLIENTS[4].cmd .. " " .. BASE .. " " .. WORK.create("ts") ..
                 " 2>&1")
  local line = out:match("result ([^\n]*)")
  if line then
    local r = {}
    for k, v in line:gmatch("([%w_]+)=(%S+)") do r[k] = tonumber(v) end
    ts_nowarn = r.cpu / r.n * 1e6
  end
end

-- Instruction counts (callgrind Ir), as differences of two runs so that
-- start-up and the first connection cancel out.
local function callgrind_ir(cmd)
  local env, rest = cmd:match("^(LUA_CPATH=%S+ LUA_PATH=%S+ )(.*)$")
  local out = sh((env or "") .. "valgrind --tool=callgrind --callgrind-out-file=/dev/null " .. (rest or cmd) ..
                 " 2>&1 >/dev/null")
  return tonumber(out:match("Collected : (%d+)"))
end
local IR = {}
do
  local vg = "valgrind --tool=callgrind"
  if sh("command -v valgrind") ~= "" then
    local function diff(a, b, n)
      local x, y = callgrind_ir(a), callgrind_ir(b)
      if x and y then return (y - x) / n end
    end
    io.stderr:write("  callgrind\n")
    IR.floor = {
      create = diff("build/bench/floor create " .. BASE .. "/v1/messages 1 0",
                    "build/bench/floor create " .. BASE .. "/v1/messages 101 0", 100),
      stream = diff("build/bench/floor stream " .. BASE .. "/stream/v1/messages 0",
                    "build/bench/floor stream " .. BASE .. "/stream/v1/messages 1", 1),
    }
    for _, l in ipairs({ "lua5.4", "luajit" }) do
      local c = LUAENV[l] .. l .. " bench/lua_client.lua " .. BASE
      IR[l] = {
        create = diff(c .. " create 1 0", c .. " create 101 0", 100),
        stream = diff(c .. " text 0", c .. " text 1", 1),
      }
    end
    CMDS[#CMDS + 1] = vg .. " ... (two runs each: create 1 vs 101, stream 0 vs 1 pass; Ir difference)"
  end
end
local elapsed = os.time() - t_start

-- Versions and the machine.
local function ver(cmd) local v = first_line(sh(cmd .. " 2>&1")); return v ~= "" and v or "?" end
local cpu_model = sh("grep -m1 'model name' /proc/cpuinfo"):match(":%s*(.-)%s*$") or "?"
local ts_version = sh("node -p 'require(\"./bench/node/node_modules/@anthropic-ai/sdk/package.json\").version' " ..
                      "2>/dev/null"):gsub("%s+$", "")
local VERSIONS = {
  { "lua-anthropic", sh(LUAENV["lua5.4"] .. "lua5.4 -e 'local c=require(\"anthropic.core\") " ..
                        "io.write(c.version, \" (libcurl \", c.curl_version(), \")\")'") },
  { "Lua 5.4", ver("lua5.4 -v") },
  { "LuaJIT", ver("luajit -v") },
  { "libcurl (floor)", ver("curl-config --version 2>/dev/null || pkg-config --modversion libcurl") },
  { "@anthropic-ai/sdk", ts_version },
  { "node", ver("node --version") },
  { "curl program", ver("curl --version") },
  { "LuaSocket", ver("lua5.4 -e 'print(require(\"socket\")._VERSION)'") },
  { "lua-cjson", ver("lua5.4 -e 'print(require(\"cjson\")._VERSION)'") },
  { "luv", ver("lua5.4 -e 'print(require(\"luv\").version_string())'") },
  { "nginx", ver("nginx -v") .. " + libnginx-mod-http-echo " ..
             ver("dpkg-query -W -f='${Version}' libnginx-mod-http-echo") },
  { "cc", ver("cc --version") },
  { "valgrind", ver("valgrind --version") },
  { "kernel", ver("uname -sr") },
}

-- Formatting.
local function num(v, digits)
  if v == nil then return "—" end
  if v >= 1e6 then return ("%.2f M"):format(v / 1e6) end
  if v >= 1e4 then return ("%.0f k"):format(v / 1e3) end
  return ("%." .. (digits or 1) .. "f"):format(v)
end
local function ratio(v, f)
  if v == nil or f == nil or f == 0 then return "—" end
  return ("%.2f×"):format(v / f)
end
local function get(work, id, key) return R[work][id] and R[work][id][key] end

local lines = {}
local function out(s) lines[#lines + 1] = s or "" end

local function tbl(title, header, rows)
  out("### " .. title)
  out()
  out("| " .. table.concat(header, " | ") .. " |")
  local sep = {}
  for i = 1, #header do sep[i] = i == 1 and "---" or "---:" end
  out("| " .. table.concat(sep, " | ") .. " |")
  for _, r in ipairs(rows) do out("| " .. table.concat(r, " | ") .. " |") end
  out()
end

local fl = function(work, key) return get(work, "floor", key) end

local rows = {}
for _, c in ipairs(CLIENTS) do
  local r = R.create[c.id]
  if r then
    rows[#rows + 1] = { c.name, num(r.rps, 0), ratio(r.rps, fl("create", "rps")), num(r.cpu_us, 1),
                        ratio(r.cpu_us, fl("create", "cpu_us")), num(r.cold_us, 1) }
  end
end
local create_rows = rows

local function stream_rows(work, key)
  local t = {}
  for _, c in ipairs(CLIENTS) do
    local r = R[work][c.id]
    if r then
      t[#t + 1] = { c.name, num(r[key], 0), ratio(r[key], fl(work, key)), num(r.mb_s, 1),
                    ratio(r.mb_s, fl(work, "mb_s")), num(r.ms, 1) }
    end
  end
  return t
end

local image_rows, inflight_rows, stall_rows = {}, {}, {}
for _, c in ipairs(CLIENTS) do
  local r = R.image[c.id]
  if r then
    image_rows[#image_rows + 1] = { c.name, num(r.ms, 0), ratio(r.ms, fl("image", "ms")), num(r.hwm_mb, 1),
                                    ("%.2f×"):format(r.ratio) }
  end
  r = R.inflight[c.id]
  if r then
    inflight_rows[#inflight_rows + 1] = { c.name, num(r.ms, 1), ratio(r.ms, fl("inflight", "ms")), num(r.cpu_ms, 1) }
  end
  for _, w in ipairs({ "stall", "stall_uv" }) do
    r = R[w][c.id]
    if r then
      local how = w == "stall_uv" and "luv loop + anthropic.uv" or
        (c.id == "ts" and "node event loop, setInterval 1 ms" or "client:poll(0) loop")
      stall_rows[#stall_rows + 1] = { c.name, how, num(r.stall_ms, 2), num(r.worst_ms, 2), num(r.ms, 0) }
    end
  end
end

-- Targets (Lua 5.4).
local TARGETS = {}
local function target(what, value, ok, fmt)
  TARGETS[#TARGETS + 1] = { what, value and fmt:format(value) or "not measured",
                            value and (ok and "**reached**" or "**missed**") or "—" }
end
do
  local cpu, floor_cpu = get("create", "lua54", "cpu_us"), fl("create", "cpu_us")
  local rr = cpu and floor_cpu and cpu / floor_cpu
  target("client CPU per sequential create ≤ 1.3× the C floor's", rr, rr and rr <= 1.3,
         "%.2f× (" .. num(cpu, 1) .. " µs vs " .. num(floor_cpu, 1) .. " µs)")
  local d = get("text", "lua54", "deltas_s")
  target("≥ 2 M text deltas/s through s:text()", d, d and d >= 2e6, "%.0f deltas/s")
  local e = get("events", "lua54", "events_s")
  target("≥ 1 M events/s through s:events()", e, e and e >= 1e6, "%.0f events/s")
  local im = get("image", "lua54", "ratio")
  target("20 MB image: peak RSS < 3× payload", im, im and im < 3,
         "%.2f× (" .. num(get("image", "lua54", "hwm_mb"), 1) .. " MB)")
  local inf = get("inflight", "lua54", "ms")
  target("64 in flight at 200 ms: < 230 ms wall", inf, inf and inf < 230, "%.1f ms")
  local st = get("stall", "lua54", "stall_ms")
  target("host-loop stall with 16 streams (poll loop) < 2 ms", st, st and st < 2, "%.2f ms (median of runs' worst)")
  local su = get("stall_uv", "lua54", "stall_ms")
  target("host-loop stall with 16 streams (luv + anthropic.uv) < 2 ms", su, su and su < 2, "%.2f ms")
end

-- The report.
out("# Benchmarks")
out()
out("Written by `make bench` (bench/run.sh) from a real run; the profile findings")
out("at the end come from `sh bench/profile.sh`.")
out()
out(("- date: %s"):format(os.date("!%Y-%m-%d %H:%M UTC")))
out(("- machine: %s cores, %s; %s"):format(first_line(sh("nproc")), cpu_model, first_line(sh("uname -m"))))
do
  local head = first_line(sh("git rev-parse --short HEAD 2>/dev/null"))
  local dirty = first_line(sh("git status --porcelain -- csrc lua 2>/dev/null | wc -l"))
  out(("- code: commit %s%s"):format(head ~= "" and head or "?",
                                     tonumber(dirty) and tonumber(dirty) > 0 and
                                       (" plus %s uncommitted files under csrc/ and lua/"):format(dirty) or ""))
end
out(("- command: `make bench` (BENCH_RUNS=%d%s); run time %d s"):format(RUNS, QUICK and ", BENCH_QUICK=1" or "",
                                                                      elapsed))
out(("- pinning: server (nginx, one worker) on core %s, each client on core %s (taskset)"):format(SERVER_CPU,
                                                                                                 CLIENT_CPU))
out(("- stream: %d events, %d text deltas, %.2f MB (bench/gen_stream.lua)"):format(stream_info.events,
                                                                                  stream_info.deltas,
                                                                                  stream_info.bytes / 1e6))
out("- every figure is the median of the runs (5 unless noted); × is the ratio to the C floor")
out()
out("## Targets (lua-anthropic under Lua 5.4)")
out()
out("| target | measured | |")
out("|---|---:|---|")
for _, t in ipairs(TARGETS) do out("| " .. table.concat(t, " | ") .. " |") end
out()
out("## Results")
out()
tbl("Sequential create, one reused connection", { "client", "req/s", "× floor", "CPU µs/req (warm)", "× floor",
                                                  "CPU µs/req (first 200)" }, create_rows)
if ts_nowarn then
  out(("The TypeScript SDK prints a deprecation warning for the guide's model (`claude-sonnet-4-5`) on " ..
       "every request (its stderr goes to /dev/null here); with a model it does not warn about it takes " ..
       "%.0f µs CPU per request. curl: 100 requests, 3 runs; LuaSocket has no keep-alive, so it opens a " ..
       "connection per request; \"first 200\" is the CPU of the warm-up requests (10 for curl), " ..
       "connection included, start-up excluded."):format(ts_nowarn))
  out()
end
tbl("Streaming: text deltas delivered to Lua (s:text(); TS: .on('text'))",
    { "client", "text deltas/s", "× floor", "MB/s (wire)", "× floor", "ms per stream" },
    stream_rows("text", "deltas_s"))
tbl("Streaming: every event as a table (s:events(); TS: for await)",
    { "client", "events/s", "× floor", "MB/s (wire)", "× floor", "ms per stream" }, stream_rows("events", "events_s"))
tbl("Streaming: final message only (s:final_message(); TS: finalMessage())",
    { "client", "messages/s", "—", "MB/s (wire)", "× floor", "ms per stream" }, (function()
      local t = {}
      for _, c in ipairs(CLIENTS) do
        local r = R.final[c.id]
        if r then
          t[#t + 1] = { c.name, num(1000 / r.ms, 1), "", num(r.mb_s, 1), ratio(r.mb_s, fl("events", "mb_s")),
                        num(r.ms, 1) }
        end
      end
      return t
    end)())
out("The floor splits events with the SDK's C SSE parser and decodes no JSON; its \"text deltas\" are the")
out("events whose data contains `\"text_delta\"`. curl and LuaSocket decode each event with lua-cjson.")
out()
tbl("A 20 MB image (anthropic.image.file) in one create", { "client", "wall ms", "× floor", "peak RSS MB (VmHWM)",
                                                            "peak RSS / payload" }, image_rows)
tbl("64 requests in flight against the 200 ms path, from one thread",
    { "client", "wall ms", "× floor", "CPU ms" }, inflight_rows)
out("LuaSocket is blocking (64 × 200 ms): not run. curl: 64 processes started at once.")
out()
tbl("Host-loop stall: a 1 ms timer with 16 streams in flight", { "client", "loop", "stall ms (median)",
                                                                 "worst ms", "wall ms" }, stall_rows)
out("Stall: how late the 1 ms timer ran past its due time (the longest gap between ticks, less 1 ms).")
out()
out("### Instructions (callgrind Ir)")
out()
out("| client | one create | one stream (" .. stream_info.deltas .. " deltas) | per text delta |")
out("|---|---:|---:|---:|")
for _, k in ipairs({ { "floor", "C floor (libcurl)" }, { "lua5.4", "lua-anthropic, Lua 5.4" },
                     { "luajit", "lua-anthropic, LuaJIT" } }) do
  local v = IR[k[1]]
  if v then
    out(("| %s | %s | %s | %s |"):format(k[2], v.create and ("%.0f"):format(v.create) or "—",
                                         v.stream and ("%.0f"):format(v.stream) or "—",
                                         v.stream and ("%.0f"):format(v.stream / stream_info.deltas) or "—"))
  end
end
out()
out("Differences of two callgrind runs (101 creates less 1; a stream pass less none), so start-up and the")
out("first connection cancel out.")
out()
out("## Versions")
out()
out("| peer | version |")
out("|---|---|")
for _, v in ipairs(VERSIONS) do out(("| %s | %s |"):format(v[1], (v[2]:gsub("\n.*", "")))) end
out()
out("## Commands (each client pinned with taskset; `result` lines parsed)")
out()
out("```")
for _, c in ipairs(CMDS) do out(c) end
out("```")
out()

local report = table.concat(lines, "\n")

-- Keep the hand-written profile section of an earlier RESULTS.md.
local old = io.open(OUT)
local keep = ""
if old then
  local text = old:read("a")
  old:close()
  keep = text:match("\n(## Profile.*)$") or ""
end
print(report)
local f = assert(io.open(OUT, "w"))
f:write(report, keep ~= "" and ("\n" .. keep) or "")
f:close()
io.stderr:write("wrote " .. OUT .. "\n")
