-- A pure-Lua client on LuaSocket (socket.http, ltn12, mime.b64) with
-- lua-cjson, as a script without a C HTTP library would do it. socket.http
-- has no keep-alive: every request opens (and closes) its own connection.
-- Same modes and output as bench/lua_client.lua (cpu: os.clock()). An https
-- BASE goes through LuaSec's ssl.https (Debian's lua-sec), verifying the
-- server against the CA file in BENCH_CA; each request is a new TLS session.
--   lua5.4 socket_client.lua BASE create N WARMUP | text K | events K | image FILE
local http = require("socket.http")
local socket = require("socket")
local ltn12 = require("ltn12")
local mime = require("mime")
local cjson = require("cjson")

local base, mode = arg[1], arg[2]
local CA = os.getenv("BENCH_CA")
local request = http.request
if base and base:match("^https:") then
  request = function(t)
    t.cafile, t.verify, t.protocol = CA, "peer", "any"
    return require("ssl.https").request(t)
  end
end
local now, clock = socket.gettime, os.clock
local BODY = '{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":"Hello, Claude"}]}'
local STREAM_BODY = BODY:sub(1, -2) .. ',"stream":true}'

local function post(path, body, sink)
  local _, code = request({
    url = base .. path .. "/v1/messages",
    method = "POST",
    headers = {
      ["anthropic-version"] = "2023-06-01",
      ["content-type"] = "application/json",
      ["accept"] = "application/json",
      ["x-api-key"] = "sk-bench",
      ["content-length"] = tostring(#body),
    },
    source = ltn12.source.string(body),
    sink = sink,
  })
  if code ~= 200 then error("status " .. tostring(code)) end
end

local function hwm_kb()
  local f = io.open("/proc/self/status")
  local kb = f:read("a"):match("VmHWM:%s*(%d+)")
  f:close()
  return tonumber(kb)
end

local function result(f)
  local out = { "result" }
  for _, k in ipairs({ "wall", "cpu", "n", "events", "deltas", "bytes", "payload", "hwm_kb", "cold_cpu", "warmup" }) do
    if f[k] then out[#out + 1] = ("%s=%.6f"):format(k, f[k]):gsub("%.?0+$", "") end
  end
  print(table.concat(out, " "))
end

local modes = {}

function modes.create(n, warmup)
  n, warmup = tonumber(n or 1000), tonumber(warmup or 100)
  local cold0 = clock()
  local w0, c0, cold
  for i = 1, warmup + n do
    if i == warmup + 1 then w0, c0 = now(), clock(); cold = c0 - cold0 end
    local parts = {}
    post("", BODY, ltn12.sink.table(parts))
    local m = cjson.decode(table.concat(parts))
    if m.content[1].text ~= "Hello!" then error("bad message") end
  end
  result({ wall = now() - w0, cpu = clock() - c0, n = n, cold_cpu = cold, warmup = warmup })
end

-- An SSE splitter in Lua: whole lines out of the chunks, data lines decoded.
local function streams(k, on_event)
  k = tonumber(k or 3)
  local counts = { events = 0, deltas = 0, bytes = 0 }
  local w0, c0
  for i = 0, k do
    if i == 1 then counts.events, counts.deltas, counts.bytes, w0, c0 = 0, 0, 0, now(), clock() end
    local rest = ""
    post("/stream", STREAM_BODY, function(chunk)
      if not chunk then return 1 end
      local buf, pos = rest .. chunk, 1
      while true do
        local nl = buf:find("\n", pos, true)
        if not nl then break end
        if buf:sub(pos, pos + 5) == "data: " then
          local e = cjson.decode(buf:sub(pos + 6, nl - 1))
          if e.type ~= "ping" then on_event(e, counts) end
        end
        pos = nl + 1
      end
      rest = buf:sub(pos)
      return 1
    end)
  end
  result({ wall = now() - w0, cpu = clock() - c0, n = k, events = counts.events, deltas = counts.deltas,
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

function modes.image(path)
  local w0, c0 = now(), clock()
  local f = assert(io.open(path, "rb"))
  local raw = f:read("a")
  f:close()
  local body = cjson.encode({
    model = "claude-sonnet-4-5", max_tokens = 1024,
    messages = { { role = "user", content = {
      { type = "image", source = { type = "base64", media_type = "image/jpeg", data = (mime.b64(raw)) } },
      { type = "text", text = "What is in the above image?" },
    } } },
  })
  local parts = {}
  post("/upload", body, ltn12.sink.table(parts))
  result({ wall = now() - w0, cpu = clock() - c0, payload = #raw, hwm_kb = hwm_kb() })
end

if not base or not modes[mode] then
  io.stderr:write("usage: socket_client.lua BASE create|text|events|image ...\n")
  os.exit(2)
end
modes[mode](select(3, ...))
