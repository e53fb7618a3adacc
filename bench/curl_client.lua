-- What many Neovim plugins do: spawn the `curl` program for every request
-- (Lua 5.4, io.popen with `exec curl`, so the shell is replaced by curl),
-- decode with lua-cjson. Same modes and output as bench/lua_client.lua.
-- cpu: this process's os.clock() plus its waited-for children's user and
-- system time from /proc/self/stat (10 ms ticks; runs are long enough).
--   lua5.4 curl_client.lua BASE create N WARMUP | text K | events K | inflight N
-- BENCH_CA (environment): the CA file for an https BASE (curl --cacert).
local cjson = require("cjson")

local base, mode = arg[1], arg[2]
local BODY = '{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":"Hello, Claude"}]}'
local STREAM_BODY = BODY:sub(1, -2) .. ',"stream":true}'
local HEADERS = "-H 'anthropic-version: 2023-06-01' -H 'content-type: application/json' " ..
  "-H 'x-api-key: sk-bench' -H 'user-agent: curl-spawn-bench'"

local CA = os.getenv("BENCH_CA")
if CA and CA ~= "" then HEADERS = HEADERS .. " --cacert '" .. CA .. "'" end

local function now()
  local f = io.open("/proc/uptime")
  local t = f:read("n")
  f:close()
  return t
end
-- A finer wall clock when LuaSocket is there (it is: the bench installs it).
local ok, socket = pcall(require, "socket")
if ok then now = socket.gettime end

local function cpu()
  local f = io.open("/proc/self/stat")
  local stat = f:read("a")
  f:close()
  local fields = {}
  for v in stat:match("%) (.*)"):gmatch("%S+") do fields[#fields + 1] = v end
  -- after "(comm)": field 3 is fields[1]; cutime, cstime are fields 16, 17
  return os.clock() + (tonumber(fields[14]) + tonumber(fields[15])) / 100
end

local function spawn(path, body, extra)
  return io.popen("exec curl -s " .. (extra or "") .. " -X POST " .. HEADERS .. " --data-raw '" .. body ..
                  "' " .. base .. path .. "/v1/messages")
end

local function result(f)
  local out = { "result" }
  for _, k in ipairs({ "wall", "cpu", "n", "events", "deltas", "bytes", "cold_cpu", "warmup" }) do
    if f[k] then out[#out + 1] = ("%s=%.6f"):format(k, f[k]):gsub("%.?0+$", "") end
  end
  print(table.concat(out, " "))
end

local modes = {}

function modes.create(n, warmup)
  n, warmup = tonumber(n or 100), tonumber(warmup or 10)
  local cold0 = cpu()
  local w0, c0, cold
  for i = 1, warmup + n do
    if i == warmup + 1 then w0, c0 = now(), cpu(); cold = c0 - cold0 end
    local p = spawn("", BODY)
    local m = cjson.decode(p:read("a"))
    p:close()
    if m.content[1].text ~= "Hello!" then error("bad message") end
  end
  result({ wall = now() - w0, cpu = cpu() - c0, n = n, cold_cpu = cold, warmup = warmup })
end

-- Reads `curl -N` line by line, decoding each data line.
local function streams(k, on_event)
  k = tonumber(k or 3)
  local counts = { events = 0, deltas = 0, bytes = 0 }
  local w0, c0
  for i = 0, k do
    if i == 1 then counts.events, counts.deltas, counts.bytes, w0, c0 = 0, 0, 0, now(), cpu() end
    local p = spawn("/stream", STREAM_BODY, "-N")
    for line in p:lines() do
      if line:sub(1, 6) == "data: " then
        local e = cjson.decode(line:sub(7))
        if e.type ~= "ping" then on_event(e, counts) end
      end
    end
    p:close()
  end
  result({ wall = now() - w0, cpu = cpu() - c0, n = k, events = counts.events, deltas = counts.deltas,
           bytes = counts.bytes })
end

function modes.text(k)
  streams(k, function(e, c)
    if e.type == "content_block_delta" and e.delta.type == "text_delta" then
      c.deltas, c.bytes = c.deltas + 1, c.bytes + #e.delta.text
    end
  end)
end

function modes.events(k)
  streams(k, function(e, c)
    c.events = c.events + 1
    if e.type == "content_block_delta" then c.deltas = c.deltas + 1 end
  end)
end

-- N curl processes at once, then their answers read in turn.
function modes.inflight(n)
  n = tonumber(n or 64)
  local w0, c0 = now(), cpu()
  local ps = {}
  for i = 1, n do ps[i] = spawn("/slow", BODY) end
  for i = 1, n do
    local m = cjson.decode(ps[i]:read("a"))
    ps[i]:close()
    if m.content[1].text ~= "Hello!" then error("bad message") end
  end
  result({ wall = now() - w0, cpu = cpu() - c0, n = n })
end

if not base or not modes[mode] then
  io.stderr:write("usage: curl_client.lua BASE create|text|events|inflight ...\n")
  os.exit(2)
end
modes[mode](select(3, ...))
