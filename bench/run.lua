-- Runs every client of the benchmarks against the running server
-- (bench/server.sh) over plain HTTP and over TLS + HTTP/2, takes the median
-- of several runs of each figure, prints the table and writes
-- bench/RESULTS.md. Called by bench/run.sh, which installs, builds and starts
-- what this needs; run under lua5.4.
--   lua5.4 bench/run.lua PORT [TLS_PORT]
local PORT = arg[1] or "18471"
local TLS_PORT = arg[2] or tostring(tonumber(PORT) + 1)
local RUNS = tonumber(os.getenv("BENCH_RUNS") or "5")
local CLIENT_CPU = os.getenv("CLIENT_CPU") or "1"
local SERVER_CPU = os.getenv("SERVER_CPU") or "0"
local QUICK = os.getenv("BENCH_QUICK") == "1" -- fewer requests, for trying the harness
local OUT = os.getenv("BENCH_RESULTS") or "bench/RESULTS.md"
local SLOW_LOG = "build/bench/nginx/slow.log" -- one line per request on the 200 ms path
local TLS_DIR = "build/bench/tls"

local LOG = "build/bench/logs"
os.execute("mkdir -p " .. LOG)

local function sh(cmd)
  local p = io.popen(cmd)
  local out = p:read("a")
  p:close()
  return out
end
local function first_line(s) return (s:match("[^\n]*") or ""):gsub("%s+$", "") end

-- The ways to the server. Every client reads its CA file from BENCH_CA
-- (node: NODE_EXTRA_CA_CERTS). "tls" verifies against the bench CA alone,
-- as the issue's figures were taken; "bundle" against the system's CA
-- bundle plus the bench CA, which is what a client loads to talk to the real
-- API (libcurl reads the file for every new connection), and is run only
-- for the figures that open connections while the host loop runs, and for
-- the libcurl clients only (the peers load their CA stores once). Over TLS
-- only the figures of issue 13 run (no s:events() nor final_message()), to
-- keep `make bench` within minutes.
local function ca_env(ca) return ("BENCH_CA=%s NODE_EXTRA_CA_CERTS=%s "):format(ca, ca) end
local TRANSPORTS = {
  { id = "plain", name = "plain HTTP/1.1", base = "http://127.0.0.1:" .. PORT, env = "" },
  { id = "tls", name = "TLS + HTTP/2 (bench CA)", base = "https://127.0.0.1:" .. TLS_PORT,
    env = ca_env(TLS_DIR .. "/ca.pem"),
    only = { create = true, text = true, image = true, inflight = true, stall = true, stall1 = true, stall_uv = true,
             stall_uv1 = true, stall_sleep = true } },
  { id = "bundle", name = "TLS + HTTP/2 (system CA bundle + bench CA)", base = "https://127.0.0.1:" .. TLS_PORT,
    env = ca_env(TLS_DIR .. "/bundle.pem"),
    only = { inflight = true, stall = true, stall1 = true, stall_uv = true, stall_uv1 = true, stall_sleep = true },
    clients = { floor = true, floorpw = true, lua54 = true, luajit = true } },
}
local BASE = TRANSPORTS[1].base

local pin = "taskset -c " .. CLIENT_CPU .. " "
local LUAENV = {
  ["lua5.4"] = 'LUA_CPATH="build/lua5.4/?.so;;" LUA_PATH="lua/?.lua;lua/?/init.lua;;" ',
  luajit = 'LUA_CPATH="build/luajit/?.so;;" LUA_PATH="lua/?.lua;lua/?/init.lua;;" ',
}

-- The clients: how to start each, and which workloads it does.
local CLIENTS = {
  { id = "floor", name = "C floor (libcurl)", cmd = pin .. "build/bench/floor" },
  { id = "floorpw", name = "C floor + CURLOPT_PIPEWAIT", cmd = pin .. "build/bench/floor" },
  { id = "lua54", name = "lua-anthropic, Lua 5.4", cmd = LUAENV["lua5.4"] .. pin .. "lua5.4 bench/lua_client.lua" },
  { id = "luajit", name = "lua-anthropic, LuaJIT", cmd = LUAENV.luajit .. pin .. "luajit bench/lua_client.lua" },
  -- The host-loop figures again with the network thread on the other core
  -- (the server's), the Lua thread alone on its own: what a machine with a
  -- core to spare gives; above, both share the client's core.
  { id = "lua54net", name = "lua-anthropic, Lua 5.4, network thread on the other core",
    cmd = LUAENV["lua5.4"] .. "BENCH_NET_CPU=" .. SERVER_CPU .. " " .. pin .. "lua5.4 bench/lua_client.lua",
    only = { stall = true, stall1 = true, stall_uv = true, stall_uv1 = true } },
  { id = "ts", name = "TypeScript SDK (node)", cmd = pin .. "node bench/ts_client.mjs", quiet = true },
  { id = "curl", name = "curl spawned per request", cmd = pin .. "lua5.4 bench/curl_client.lua" },
  { id = "sock", name = "LuaSocket + cjson (pure Lua; TLS: lua-sec)", cmd = pin .. "lua5.4 bench/socket_client.lua" },
}
local TS_CMD = CLIENTS[6].cmd

local stream_info
do
  local f = assert(io.open("build/bench/nginx/stream.info"))
  local events, deltas, bytes = f:read("n", "n", "n")
  f:close()
  stream_info = { events = events, deltas = deltas, bytes = bytes }
end
local IMAGE = "build/bench/image.jpg"

local function scale(n) return QUICK and math.max(1, n // 5) or n end

-- args per workload, client and transport (nil: the client does not do it).
local LUA_SDK = { lua54 = true, luajit = true }
local WORK = {
  create = function(c, t)
    if c == "curl" then return t == "plain" and ("create %d %d"):format(scale(100), 10) or "create 30 5" end
    if c == "ts" then return ("create %d %d"):format(scale(1000), 200) end
    if c == "floor" then return ("create %d %d"):format(scale(3000), 200) end
    -- LuaSocket opens a connection (over TLS: a handshake) per request.
    if c == "sock" and t ~= "plain" then return ("create %d %d"):format(scale(300), 20) end
    if c == "floorpw" then return nil end
    return ("create %d %d"):format(scale(2000), 200)
  end,
  text = function(c)
    if c == "floor" then return ("text %d"):format(scale(25)) end
    if c == "floorpw" then return nil end
    return c == "curl" and "text 2" or ("text %d"):format(scale(5))
  end,
  events = function(c)
    if c == "floor" then return ("events %d"):format(scale(25)) end
    if c == "floorpw" then return nil end
    return c == "curl" and "events 2" or ("events %d"):format(scale(5))
  end,
  final = function(c)
    if c == "curl" or c == "sock" or c == "floor" or c == "floorpw" then return nil end
    return ("final %d"):format(scale(5))
  end,
  image = function(c) if c ~= "curl" and c ~= "floorpw" then return "image " .. IMAGE end end,
  inflight = function(c, t)
    -- PIPEWAIT only means something where HTTP/2 can multiplex.
    if (c == "floorpw" and t == "plain") or c == "sock" then return nil end
    return "inflight 64"
  end,
  stall = function(c) if LUA_SDK[c] or c == "ts" or c == "lua54net" then return "stall 16" end end,
  stall1 = function(c) if LUA_SDK[c] or c == "ts" or c == "lua54net" then return "stall 1" end end,
  stall_uv = function(c) if LUA_SDK[c] or c == "lua54net" then return "stall_uv 16" end end,
  stall_uv1 = function(c) if LUA_SDK[c] or c == "lua54net" then return "stall_uv 1" end end,
  stall_sleep = function(c) if c == "lua54" then return "stall_sleep 16" end end,
}
-- The floor's modes have other names and take the URL with its path.
local FLOOR = {
  create = function(b, a) return b .. "/v1/messages " .. a:match("create (.*)") end,
  text = function(b, a) return b .. "/stream/v1/messages " .. a:match("text (.*)") end,
  events = function(b, a) return b .. "/stream/v1/messages " .. a:match("events (.*)") end,
  image = function(b, a) return b .. "/upload/v1/messages " .. a:match("image (.*)") end,
  inflight = function(b, a) return b .. "/slow/v1/messages " .. a:match("inflight (.*)") end,
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

-- The connections the server accepted for the requests of one run, and
-- their protocols: the lines the 200 ms path logged since `from` (a byte
-- offset into its log), each "connection-serial port protocol".
local function log_size()
  local f = io.open(SLOW_LOG)
  if not f then return 0 end
  local n = f:seek("end")
  f:close()
  return n
end
local function connections_since(from)
  local f = io.open(SLOW_LOG)
  if not f then return nil end
  f:seek("set", from)
  local seen, n, protos = {}, 0, {}
  for serial, proto in f:read("a"):gmatch("(%d+) %d+ (%S+)") do
    if not seen[serial] then seen[serial], n = true, n + 1 end
    protos[proto] = true
  end
  f:close()
  local list = {}
  for p in pairs(protos) do list[#list + 1] = p end
  table.sort(list)
  return n, table.concat(list, "+")
end

-- Runs one client on one workload over one transport once; returns the
-- parsed result (nil when the client does not do it, false when it failed).
local function run(client, work, t)
  if (t.only and not t.only[work]) or (t.clients and not t.clients[client.id]) then return nil end
  if client.only and not client.only[work] then return nil end
  local args = WORK[work](client.id, t.id)
  if not args then return nil end
  local cmd
  if client.id == "floor" or client.id == "floorpw" then
    if not FLOOR[work] then return nil end
    cmd = client.cmd .. " " .. FLOOR_MODE[work] .. " " .. FLOOR[work](t.base, args) ..
      (client.id == "floorpw" and " pipewait" or "")
  else
    cmd = client.cmd .. " " .. t.base .. " " .. args
  end
  cmd = t.env .. cmd
  local errlog = client.quiet and "/dev/null" or (LOG .. "/" .. client.id .. "-" .. t.id .. "-" .. work .. ".err")
  local from = log_size()
  local out = sh(cmd .. " 2>" .. errlog)
  local line = out:match("result ([^\n]*)")
  if not line then
    io.stderr:write(("  %s %s %s failed: %s\n"):format(client.id, t.id, work, cmd))
    if errlog ~= "/dev/null" then io.stderr:write(sh("tail -5 " .. errlog)) end
    return false, cmd
  end
  local r = {}
  for k, v in line:gmatch("([%w_]+)=(%S+)") do r[k] = tonumber(v) end
  if work == "inflight" then r.conns, r.proto = connections_since(from) end
  return r, cmd
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
    local wall, cpu, conns = {}, {}, {}
    for i, r in ipairs(rs) do wall[i], cpu[i], conns[#conns + 1] = r.wall * 1e3, r.cpu * 1e3, r.conns end
    return { ms = median(wall), cpu_ms = median(cpu), conns = median(conns), proto = rs[#rs].proto }
  end,
  -- stall_ms: the timer's lateness; poll_ms: the longest client:poll(0)
  -- (poll loop only); both the median of the runs' worst, and the worst run.
  stall = function(rs)
    local st, worst, wall, poll, worst_poll = {}, 0, {}, {}, nil
    for i, r in ipairs(rs) do
      st[i], wall[i] = r.max_stall_ms, r.wall * 1e3
      if r.max_stall_ms > worst then worst = r.max_stall_ms end
      if r.max_poll_ms then
        poll[#poll + 1] = r.max_poll_ms
        worst_poll = math.max(worst_poll or 0, r.max_poll_ms)
      end
    end
    local warm_st, warm_poll, fl, warm_fl = {}, {}, {}, {}
    for _, r in ipairs(rs) do
      warm_st[#warm_st + 1], warm_poll[#warm_poll + 1] = r.warm_stall_ms, r.warm_poll_ms
      fl[#fl + 1], warm_fl[#warm_fl + 1] = r.faults, r.warm_faults
    end
    return { stall_ms = median(st), worst_ms = worst, ms = median(wall), poll_ms = median(poll),
             worst_poll_ms = worst_poll, warm_stall_ms = median(warm_st), warm_poll_ms = median(warm_poll),
             faults = median(fl), warm_faults = median(warm_fl) }
  end,
}
local KIND = { create = "create", text = "stream", events = "stream", final = "stream", image = "image",
               inflight = "inflight", stall = "stall", stall1 = "stall", stall_uv = "stall", stall_uv1 = "stall",
               stall_sleep = "stall" }

-- Runs everything: R[transport][work][client] holds the figures.
local t_start = os.time()
local function loadavg() return (first_line(sh("cat /proc/loadavg")):match("^(%S+ %S+ %S+)")) or "?" end
local load_start = loadavg()
local R, CMDS = {}, {}
for _, t in ipairs(TRANSPORTS) do R[t.id] = {} end
local ORDER = { "create", "text", "events", "final", "image", "inflight", "stall", "stall1", "stall_uv", "stall_uv1",
                "stall_sleep" }
-- Runs are interleaved (run 1 of every client over every transport, then
-- run 2...), so that a slow spell of the machine hits every client alike.
for _, work in ipairs(ORDER) do
  local all, cmds, failed = {}, {}, {}
  for i = 1, RUNS do
    io.stderr:write(("  %-9s run %d/%d (%d s)\n"):format(work, i, RUNS, os.time() - t_start))
    for _, t in ipairs(TRANSPORTS) do
      for _, c in ipairs(CLIENTS) do
        local key = t.id .. " " .. c.id
        local skip = failed[key] or (c.id == "curl" and work == "create" and i > 3)
        if not skip then
          local r, cmd = run(c, work, t)
          if r == false then
            failed[key] = true
          elseif r then
            all[key] = all[key] or {}
            table.insert(all[key], r)
            cmds[key] = cmd
          end
        end
      end
    end
  end
  for _, t in ipairs(TRANSPORTS) do
    R[t.id][work] = {}
    for _, c in ipairs(CLIENTS) do
      local rs = all[t.id .. " " .. c.id]
      if rs then
        R[t.id][work][c.id] = FIGURES[KIND[work]](rs)
        R[t.id][work][c.id].runs = #rs
        CMDS[#CMDS + 1] = cmds[t.id .. " " .. c.id]
      end
    end
  end
end

-- Compressed answers (bench/compress.lua): a large models list and batch
-- results, gzipped by the server or not, over each transport (Lua 5.4).
local COMPRESS = {}
for _, t in ipairs(TRANSPORTS) do
  if t.id ~= "bundle" then
    local out = sh(("%s%staskset -c %s lua5.4 bench/compress.lua %s %q %d 2>&1"):format(
      LUAENV["lua5.4"], t.env, CLIENT_CPU, t.base, t.name, QUICK and 2 or RUNS))
    for line in out:gmatch("[^\n]+") do
      if line:match("^|") then COMPRESS[#COMPRESS + 1] = line else io.stderr:write("compress: ", line, "\n") end
    end
  end
end

-- LÖVE (examples/love, async mode) under xvfb-run against the paced stream:
-- the game's own worst frame and longest client:poll(0) while streaming.
-- BENCH_LOVE=0 skips it; it needs love and xvfb-run.
local LOVE, LOVE_PACE
if os.getenv("BENCH_LOVE") ~= "0" and sh("command -v love && command -v xvfb-run") ~= "" then
  LOVE_PACE = ("%s text deltas %s ms apart"):format(os.getenv("BENCH_PACED_DELTAS") or "100",
                                                     os.getenv("BENCH_PACED_MS") or "20")
  LOVE = {}
  local all = {}
  local root = first_line(sh("pwd"))
  for i = 1, math.min(RUNS, 3) do
    io.stderr:write(("  love      run %d/%d\n"):format(i, math.min(RUNS, 3)))
    for _, t in ipairs(TRANSPORTS) do
      local ca = t.env:match("BENCH_CA=(%S+)")
      local cmd = ("LIBGL_ALWAYS_SOFTWARE=1 SDL_AUDIODRIVER=dummy ANTHROPIC_API_KEY=sk-bench ANTHROPIC_SDK_ROOT=%s " ..
                   "ANTHROPIC_BASE_URL=%s/paced LOVE_DEMO_MODE=async LOVE_DEMO_OUT=%s/love-%s.txt%s timeout 60 " ..
                   "%sxvfb-run -a -s '-screen 0 1024x768x24' love examples/love"):format(root, t.base, LOG, t.id,
                   ca and (" ANTHROPIC_CA_FILE=" .. ca) or "", pin)
      local line = sh(cmd .. " 2>" .. LOG .. "/love-" .. t.id .. ".err"):match("love%-demo: ([^\n]*)")
      if line and line:match("error=nil") then
        local r = {}
        for k, v in line:gmatch("([%w_]+)=(%S+)") do r[k] = tonumber(v) end
        all[t.id] = all[t.id] or {}
        table.insert(all[t.id], r)
        if i == 1 then CMDS[#CMDS + 1] = cmd end
      else
        io.stderr:write(("  love %s failed: %s\n"):format(t.id, line or cmd))
      end
    end
  end
  for id, rs in pairs(all) do
    local l = {}
    for _, k in ipairs({ "worst_frame_ms", "worst_poll_ms", "streaming_frames", "deltas", "stream_s" }) do
      local v = {}
      for j, r in ipairs(rs) do v[j] = r[k] end
      l[k] = median(v)
    end
    LOVE[id] = l
  end
end

-- The TypeScript SDK prints a deprecation warning for the guide's model on
-- every request: one more create run with a model it does not warn about.
local ts_nowarn
do
  local out = sh("BENCH_MODEL=claude-opus-4-6 " .. TS_CMD .. " " .. BASE .. " " .. WORK.create("ts", "plain") ..
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
  { "LuaSec (lua-sec)", ver("lua5.4 -e 'print(require(\"ssl\")._VERSION)'") },
  { "OpenSSL", ver("openssl version") },
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
local function get(t, work, id, key) return R[t][work] and R[t][work][id] and R[t][work][id][key] end

local lines = {}
local function out(s) lines[#lines + 1] = s or "" end

local function tbl(title, header, rows)
  if #rows == 0 then return end
  out("### " .. title)
  out()
  out("| " .. table.concat(header, " | ") .. " |")
  local sep = {}
  for i = 1, #header do sep[i] = i == 1 and "---" or "---:" end
  out("| " .. table.concat(sep, " | ") .. " |")
  for _, r in ipairs(rows) do out("| " .. table.concat(r, " | ") .. " |") end
  out()
end

-- One row per client that has figures for `work` over transport `t`.
local function rows_of(t, work, row)
  local rows = {}
  for _, c in ipairs(CLIENTS) do
    local r = R[t][work] and R[t][work][c.id]
    if r then rows[#rows + 1] = row(c, r) end
  end
  return rows
end

-- The results tables of one transport.
local function results(t)
  local fl = function(work, key) return get(t, work, "floor", key) end
  tbl("Sequential create, one reused connection", { "client", "req/s", "× floor", "CPU µs/req (warm)", "× floor",
                                                    "CPU µs/req (first 200)" }, rows_of(t, "create", function(c, r)
    return { c.name, num(r.rps, 0), ratio(r.rps, fl("create", "rps")), num(r.cpu_us, 1),
             ratio(r.cpu_us, fl("create", "cpu_us")), num(r.cold_us, 1) }
  end))
  local function stream_rows(work, key)
    return rows_of(t, work, function(c, r)
      return { c.name, num(r[key], 0), ratio(r[key], fl(work, key)), num(r.mb_s, 1), ratio(r.mb_s, fl(work, "mb_s")),
               num(r.ms, 1) }
    end)
  end
  tbl("Streaming: text deltas delivered to Lua (s:text(); TS: .on('text'))",
      { "client", "text deltas/s", "× floor", "MB/s (wire)", "× floor", "ms per stream" },
      stream_rows("text", "deltas_s"))
  tbl("Streaming: every event as a table (s:events(); TS: for await)",
      { "client", "events/s", "× floor", "MB/s (wire)", "× floor", "ms per stream" }, stream_rows("events", "events_s"))
  tbl("Streaming: final message only (s:final_message(); TS: finalMessage())",
      { "client", "messages/s", "—", "MB/s (wire)", "× floor", "ms per stream" }, rows_of(t, "final", function(c, r)
        return { c.name, num(1000 / r.ms, 1), "", num(r.mb_s, 1), ratio(r.mb_s, fl("events", "mb_s")), num(r.ms, 1) }
      end))
  tbl("A 20 MB image (anthropic.image.file) in one create", { "client", "wall ms", "× floor", "peak RSS MB (VmHWM)",
                                                              "peak RSS / payload" }, rows_of(t, "image", function(c, r)
    return { c.name, num(r.ms, 0), ratio(r.ms, fl("image", "ms")), num(r.hwm_mb, 1), ("%.2f×"):format(r.ratio) }
  end))
  tbl("64 requests in flight against the 200 ms path, from one thread",
      { "client", "wall ms", "× floor", "CPU ms", "connections opened", "protocol" }, rows_of(t, "inflight",
        function(c, r)
          return { c.name, num(r.ms, 1), ratio(r.ms, fl("inflight", "ms")), num(r.cpu_ms, 1), num(r.conns, 0),
                   r.proto or "—" }
        end))
  local stall_rows = {}
  for _, w in ipairs({ "stall", "stall1", "stall_uv", "stall_uv1", "stall_sleep" }) do
    for _, r in ipairs(rows_of(t, w, function(c, r)
      local how = w:match("^stall_uv") and "luv loop + anthropic.uv" or
        (c.id == "ts" and "node event loop, setInterval 1 ms" or
         w == "stall_sleep" and "client:poll(0), sleeping to each 1 ms tick" or "client:poll(0) loop")
      return { c.name, how, w:match("1$") and "1" or "16", num(r.poll_ms, 2), num(r.worst_poll_ms, 2),
               num(r.stall_ms, 2), num(r.worst_ms, 2), num(r.ms, 0), num(r.warm_poll_ms, 2),
               num(r.warm_stall_ms, 2),
               r.faults and ("%s / %s"):format(num(r.faults, 0), num(r.warm_faults, 0)) or "—" }
    end)) do stall_rows[#stall_rows + 1] = r end
  end
  tbl("Host-loop stall: a 1 ms timer while streams start and run", { "client", "loop", "streams",
      "longest poll(0) ms (median)", "worst", "timer late ms (median)", "worst", "wall ms",
      "2nd round: longest poll(0) ms", "2nd round: timer late ms", "page faults (1st / 2nd round)" }, stall_rows)
end

-- Targets (Lua 5.4).
local TARGETS = {}
local function target(what, value, ok, fmt)
  TARGETS[#TARGETS + 1] = { what, value and fmt:format(value) or "not measured",
                            value and (ok and "**reached**" or "**missed**") or "—" }
end
do
  local fl = function(work, key) return get("plain", work, "floor", key) end
  local function lua54(work, key) return get("plain", work, "lua54", key) end
  local cpu, floor_cpu = lua54("create", "cpu_us"), fl("create", "cpu_us")
  local rr = cpu and floor_cpu and cpu / floor_cpu
  target("client CPU per sequential create ≤ 1.3× the C floor's", rr, rr and rr <= 1.3,
         "%.2f× (" .. num(cpu, 1) .. " µs vs " .. num(floor_cpu, 1) .. " µs)")
  local d = lua54("text", "deltas_s")
  target("≥ 2 M text deltas/s through s:text()", d, d and d >= 2e6, "%.0f deltas/s")
  local e = lua54("events", "events_s")
  target("≥ 1 M events/s through s:events()", e, e and e >= 1e6, "%.0f events/s")
  local im = lua54("image", "ratio")
  target("20 MB image: peak RSS < 3× payload", im, im and im < 3,
         "%.2f× (" .. num(lua54("image", "hwm_mb"), 1) .. " MB)")
  local inf = lua54("inflight", "ms")
  target("64 in flight at 200 ms: < 230 ms wall", inf, inf and inf < 230, "%.1f ms")
  local st = lua54("stall", "stall_ms")
  target("host-loop stall with 16 streams (poll loop) < 2 ms", st, st and st < 2, "%.2f ms (median of runs' worst)")
  local su = lua54("stall_uv", "stall_ms")
  target("host-loop stall with 16 streams (luv + anthropic.uv) < 2 ms", su, su and su < 2, "%.2f ms")
end

-- Issue 13's targets, each over every transport (status: over TLS with the
-- bench CA, as the issue measured; "bundle" is the same with the system's
-- CA bundle, where it was run).
local TLS_TARGETS = {}
do
  local function each(fn)
    local v = {}
    for i, t in ipairs(TRANSPORTS) do v[i] = fn(t.id) end
    return v
  end
  local function add(what, goal, vals, fmt, ok)
    local row = { what, goal }
    for i = 1, #TRANSPORTS do row[#row + 1] = vals[i] and fmt(vals[i], TRANSPORTS[i].id) or "—" end
    local v = vals[2]
    row[#row + 1] = v == nil and "not measured" or (ok(v) and "**reached**" or "**missed**")
    TLS_TARGETS[#TLS_TARGETS + 1] = row
  end
  local ms = function(v) return ("%.2f ms"):format(v) end
  -- The host-loop rows: label, limit in ms, workload, figure, client (Lua
  -- 5.4 unless said). The second-round rows are a second round of streams in
  -- the same process (a host that has been running: its heap no longer needs
  -- fresh pages); the "other core" rows have the network thread moved to
  -- the other core, so the Lua thread does not share its core with it.
  for _, r in ipairs({
    { "longest single client:poll(0) while 16 streams start and run", 1, "stall", "poll_ms" },
    { "the same with 1 stream", 0.5, "stall1", "poll_ms" },
    { "the same under the uv driver: a luv 1 ms timer's worst lateness, 16 streams", 1, "stall_uv", "stall_ms" },
    { "longest client:poll(0), 16 streams, the loop sleeping to each 1 ms tick (a host with a frame clock)", 1,
      "stall_sleep", "poll_ms" },
    { "longest client:poll(0), 16 streams: second round in the same process", 1, "stall", "warm_poll_ms" },
    { "the same with 1 stream: second round", 0.5, "stall1", "warm_poll_ms" },
    { "uv driver, 16 streams: second round", 1, "stall_uv", "warm_stall_ms" },
    { "longest client:poll(0) while 16 streams start and run, the network thread on the other core", 1, "stall",
      "poll_ms", "lua54net" },
    { "the same with 1 stream, the network thread on the other core", 0.5, "stall1", "poll_ms", "lua54net" },
    { "uv driver: a luv 1 ms timer's worst lateness, 16 streams, the network thread on the other core", 1,
      "stall_uv", "stall_ms", "lua54net" },
    { "the same, 16 streams: second round, the network thread on the other core", 1, "stall", "warm_poll_ms",
      "lua54net" },
    { "the same, 1 stream: second round, the network thread on the other core", 0.5, "stall1", "warm_poll_ms",
      "lua54net" },
  }) do
    local label, limit, work, field, who = r[1], r[2], r[3], r[4], r[5] or "lua54"
    add(label, ("≤ %s ms"):format(limit), each(function(t) return get(t, work, who, field) end), ms,
        function(v) return v <= limit end)
  end
  add("client CPU per sequential create (keep-alive) vs the C floor over the same transport", "≤ 1.2×",
      each(function(t)
        local a, b = get(t, "create", "lua54", "cpu_us"), get(t, "create", "floor", "cpu_us")
        return a and b and a / b
      end), function(v, t)
        return ("%.2f× (%s vs %s µs)"):format(v, num(get(t, "create", "lua54", "cpu_us")),
                                              num(get(t, "create", "floor", "cpu_us")))
      end, function(v) return v <= 1.2 end)
  add("text deltas/s through s:text()", "≥ 2 M", each(function(t) return get(t, "text", "lua54", "deltas_s") end),
      function(v) return num(v, 0) end, function(v) return v >= 2e6 end)
  add("64 concurrent creates at 200 ms: wall, connections opened", "≤ 230 ms, 1 connection",
      each(function(t) return get(t, "inflight", "lua54", "ms") end), function(v, t)
        return ("%.0f ms, %s (%s)"):format(v, num(get(t, "inflight", "lua54", "conns"), 0),
                                           get(t, "inflight", "lua54", "proto") or "?")
      end, function(v) return v <= 230 and get("tls", "inflight", "lua54", "conns") == 1 end)
  add("20 MB image: peak RSS / payload", "≤ 2.0", each(function(t) return get(t, "image", "lua54", "ratio") end),
      function(v) return ("%.2f×"):format(v) end, function(v) return v <= 2.0 end)
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
out(("- load average (1, 5, 15 min) at the start: %s; at the end: %s (other work on the machine makes the" ..
     " figures noisy; compare ratios within one run)"):format(load_start, loadavg()))
out(("- a first touch of a fresh memory page costs %s µs here (bench/pagefault.c; well under 1 µs on bare" ..
     " metal): every figure that allocates fresh memory pays it, a cold process's host-loop stalls above all")
    :format(first_line(sh(("taskset -c %s build/bench/pagefault"):format(CLIENT_CPU)))))
out(("- pinning: server (nginx, one worker) on core %s, each client on core %s (taskset)"):format(SERVER_CPU,
                                                                                                 CLIENT_CPU))
out(("- stream: %d events, %d text deltas, %.2f MB (bench/gen_stream.lua)"):format(stream_info.events,
                                                                                  stream_info.deltas,
                                                                                  stream_info.bytes / 1e6))
out("- every figure is the median of the runs (5 unless noted); × is the ratio to the C floor")
out()
out("## Issue 13: host loops over TLS and HTTP/2 (lua-anthropic under Lua 5.4)")
out()
do
  local head = { "figure", "target" }
  for _, t in ipairs(TRANSPORTS) do head[#head + 1] = t.name end
  head[#head + 1] = "status (TLS, bench CA)"
  out("| " .. table.concat(head, " | ") .. " |")
  out("|---|---|" .. ("---:|"):rep(#TRANSPORTS) .. "---|")
  for _, t in ipairs(TLS_TARGETS) do out("| " .. table.concat(t, " | ") .. " |") end
end
out()
out("Each figure is the median over the runs of each run's worst (the longest `client:poll(0)` call; the")
out("timer's largest lateness). \"bench CA\": clients verify against the self-signed CA of bench/tls.sh")
out("alone, as the issue measured. \"system CA bundle\": against Debian's CA bundle plus that CA, what a")
out("client loads to reach the real API (libcurl 7.88 reads and parses the file for every new")
out("connection); run for the host-loop and in-flight figures only. Connections opened: distinct nginx")
out("connection serial numbers in the 200 ms path's access log during the run (bench/nginx.conf.in).")
out()
if LOVE then
  out("### LÖVE: the example game's worst frame while streaming (async mode, luajit, Xvfb)")
  out()
  out("| transport | worst frame ms | longest client:poll(0) ms | frames | deltas | stream s |")
  out("|---|---:|---:|---:|---:|---:|")
  for _, t in ipairs(TRANSPORTS) do
    local l = LOVE[t.id]
    if l then
      out(("| %s | %.2f | %.3f | %d | %d | %.2f |"):format(t.name, l.worst_frame_ms, l.worst_poll_ms,
                                                           l.streaming_frames, l.deltas, l.stream_s))
    end
  end
  out()
  out("bench/run.lua: examples/love under xvfb-run with software GL, pointed at nginx's paced stream")
  out("(`/paced/v1/messages`, " .. LOVE_PACE .. "); with TLS through ANTHROPIC_CA_FILE. Median of " ..
      "the runs (each the game's own figures: its longest `dt` and `client:poll(0)` while streaming).")
  out()
end
if #COMPRESS > 0 then
  out("### Compressed answers: a large models list and batch results (lua-anthropic, Lua 5.4)")
  out()
  out("| answer | transport | server | bytes on the wire | at 100 Mbit/s ms | wall ms (loopback) | client CPU ms |")
  out("|---|---|---|---:|---:|---:|---:|")
  for _, row in ipairs(COMPRESS) do out(row) end
  out()
  out("bench/compress.lua: `models.list({limit = 1000})` and every line of `batches.results`, from nginx")
  out("(bench/gen_big.lua's files) gzipping at level 5 when asked (`/gz/`) or never (`/raw/`); the client")
  out("asks with Accept-Encoding as it always does for answers read whole. Bytes: nginx's log of each body")
  out("sent. Medians of the runs after one warm-up; on loopback the bytes are free and the compression")
  out("(nginx's, on its own core) and decompression costs show, on a real link the bytes dominate.")
  out()
end
out("## Targets (plain HTTP, lua-anthropic under Lua 5.4)")
out()
out("| target | measured | |")
out("|---|---:|---|")
for _, t in ipairs(TARGETS) do out("| " .. table.concat(t, " | ") .. " |") end
out()
for _, t in ipairs(TRANSPORTS) do
  out("## Results: " .. t.name .. (t.only and (t.only.create and " (issue 13's figures only)" or
                                               " (host-loop and in-flight figures only)") or ""))
  out()
  results(t.id)
end
out("## Notes on the results")
out()
if ts_nowarn then
  out(("- The TypeScript SDK prints a deprecation warning for the guide's model (`claude-sonnet-4-5`) on " ..
       "every request (its stderr goes to /dev/null here); with a model it does not warn about it takes " ..
       "%.0f µs CPU per request (plain HTTP)."):format(ts_nowarn))
end
out("- curl: 100 requests (TLS: 30), 3 runs; LuaSocket has no keep-alive, so it opens a connection per")
out("  request (over TLS a full handshake per request through lua-sec: 300 requests); \"first 200\" is the")
out("  CPU of the warm-up requests (10 for curl, 20 for LuaSocket over TLS, 5 for curl over TLS), connection")
out("  included, start-up excluded.")
out("- The floor splits events with the SDK's C SSE parser and decodes no JSON; its \"text deltas\" are the")
out("  events whose data contains `\"text_delta\"`. curl and LuaSocket decode each event with lua-cjson.")
out("- In flight: LuaSocket is blocking (64 × 200 ms): not run. curl: 64 processes started at once. The")
out("  \"C floor + CURLOPT_PIPEWAIT\" row is libcurl told to wait for one multiplexed connection, as")
out("  lua-anthropic does over TLS. Connections are counted from the requests")
out("  the server logged, so a connection opened and never used for a request would not be counted.")
out("- Stall: \"longest poll(0)\" is the longest single `client:poll(0)` call; \"timer late\" is how late the")
out("  1 ms timer ran past its due time (under luv: the longest gap between ticks, less 1 ms). The")
out("  poll loop spins (it polls again at once); the sleeping loop polls, then sleeps until its next 1 ms")
out("  tick, as a host with a frame clock does, which leaves the core to the network thread between")
out("  polls (taskset pins both threads to one core). Each run")
out("  is two rounds of the streams in one process, each with a client of its own: the main figures are")
out("  the first round's (a fresh process, as the issue measured), \"2nd round\" a host that has been")
out("  running. The page faults of each round are the process's minor faults over it (see the cost of one")
out("  at the top).")
out("- Which thread drives the network: blocking calls (sequential creates, `s:text()`, `s:events()`,")
out("  `final_message`) never start a client's network thread, so those figures have the waits drive")
out("  libcurl on the Lua thread; the host-loop, uv and in-flight figures run it (started by the first")
out("  `client:poll`), and their Lua thread shares its core with it (taskset pins the process).")
out("- TLS: nginx 1.22 `listen ... ssl http2` (ALPN h2; node's fetch speaks HTTP/1.1), TLS 1.3, ECDSA")
out("  P-256 certificate; TypeScript gets the CA through NODE_EXTRA_CA_CERTS, curl through --cacert,")
out("  LuaSocket through lua-sec's `cafile`, the floor and lua-anthropic through CURLOPT_CAINFO (`ca_file`).")
out("- The image goes to `/upload/v1/messages`, which reads the body before answering: nginx 1.22 leaves an")
out("  unread HTTP/2 request body unacknowledged, and a 27 MB upload to a `return` location stalls.")
out()
out("## Instructions (callgrind Ir, plain HTTP)")
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
