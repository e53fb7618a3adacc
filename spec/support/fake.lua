--- Test helper: starts and drives spec/support/fake_server.py, a local fake
-- of Anthropic's API server (see the comment at the top of that file for the
-- scripted response fields).
--
--   local fake = require("support.fake")
--   local server = fake.start()            -- once per spec file
--   server:script({ status = 429, json = { type = "error" } })
--   ... point the SDK at server.url ...
--   local req = server:last_request()      -- req.body (raw), req.json, ...
--   server:stop()
--
-- Needs LuaSocket and `python3` on PATH (or $FAKE_SERVER_PYTHON). Runs under
-- Lua 5.1-5.4 and LuaJIT. Request bodies travel base64-encoded on the control
-- port (`body_b64`) and are decoded here, so `req.body` is the exact bytes.
-- Script strings (`body`, `sse_raw`, event `raw`...) are sent as raw bytes
-- inside JSON strings; the server reads them back byte for byte.
local socket = require("socket")
local http = require("socket.http")
local ltn12 = require("ltn12")

local M = {}

local byte, char, sub, find, format = string.byte, string.char, string.sub,
  string.find, string.format
local concat, floor = table.concat, math.floor
local math_type = math.type ---@diagnostic disable-line: deprecated

-- ---------------------------------------------------------------------------
-- JSON
-- ---------------------------------------------------------------------------

--- Sentinel for JSON null (decoded nulls are this value; encodes as null).
M.null = setmetatable({}, { __tostring = function() return "null" end })

local array_mt = { __name = "fake.array" }
M.array_mt = array_mt

--- Marks a table as a JSON array (so that an empty one encodes as `[]`).
function M.array(t)
  return setmetatable(t or {}, array_mt)
end

local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}

local function escape_char(c)
  return escapes[c] or format("\\u%04x", byte(c))
end

local function encode_number(n)
  if n ~= n or n == math.huge or n == -math.huge then
    error("fake.json_encode: cannot encode " .. tostring(n), 0)
  end
  if math_type then
    if math_type(n) == "integer" then return format("%d", n) end
  end
  if n == floor(n) and n > -1e15 and n < 1e15 then return format("%.0f", n) end
  local s = format("%.14g", n)
  if tonumber(s) ~= n then s = format("%.17g", n) end
  return s
end

local function is_array(t)
  if getmetatable(t) == array_mt then return true end
  local n = #t
  if n == 0 then return false end
  local count = 0
  for k in pairs(t) do
    if type(k) ~= "number" or k < 1 or k > n or k ~= floor(k) then
      return false
    end
    count = count + 1
  end
  return count == n
end

local function encode_value(v, out, depth)
  local t = type(v)
  if v == nil or v == M.null then
    out[#out + 1] = "null"
  elseif t == "boolean" then
    out[#out + 1] = v and "true" or "false"
  elseif t == "number" then
    out[#out + 1] = encode_number(v)
  elseif t == "string" then
    out[#out + 1] = '"' .. v:gsub('[%c"\\]', escape_char) .. '"'
  elseif t == "table" then
    if depth > 200 then error("fake.json_encode: nesting too deep", 0) end
    if is_array(v) then
      out[#out + 1] = "["
      for i = 1, #v do
        if i > 1 then out[#out + 1] = "," end
        encode_value(v[i], out, depth + 1)
      end
      out[#out + 1] = "]"
    else
      local keys = {}
      for k in pairs(v) do
        local kt = type(k)
        if kt ~= "string" and kt ~= "number" then
          error("fake.json_encode: bad object key type " .. kt, 0)
        end
        keys[#keys + 1] = tostring(k)
      end
      table.sort(keys)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        encode_value(k, out, depth + 1)
        out[#out + 1] = ":"
        local val = v[k]
        if val == nil then val = v[tonumber(k)] end
        encode_value(val, out, depth + 1)
      end
      out[#out + 1] = "}"
    end
  else
    error("fake.json_encode: cannot encode a " .. t, 0)
  end
end

--- Encodes a Lua value as JSON text. Tables whose keys are exactly 1..n (or
-- marked with `fake.array`) are arrays; other tables, including empty ones,
-- are objects. `fake.null` (or nil in an array) is null. Strings are written
-- byte for byte (control characters, quote and backslash escaped).
function M.json_encode(v)
  local out = {}
  encode_value(v, out, 0)
  return concat(out)
end

local function utf8_char(cp)
  if cp < 0x80 then return char(cp) end
  if cp < 0x800 then
    return char(0xC0 + floor(cp / 0x40), 0x80 + cp % 0x40)
  end
  if cp < 0x10000 then
    return char(0xE0 + floor(cp / 0x1000), 0x80 + floor(cp / 0x40) % 0x40,
      0x80 + cp % 0x40)
  end
  return char(0xF0 + floor(cp / 0x40000), 0x80 + floor(cp / 0x1000) % 0x40,
    0x80 + floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
end

local unescapes = {
  ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n",
  r = "\r", t = "\t",
}

--- Decodes JSON text. Objects become tables, arrays become tables marked
-- with `fake.array_mt`, null becomes `fake.null`; integers are Lua integers
-- on 5.3+. `\udc80`..`\udcff` (lone surrogates, Python's surrogateescape)
-- decode to the raw bytes 0x80..0xff. Raises on malformed input.
function M.json_decode(s)
  if type(s) ~= "string" then error("fake.json_decode: expected a string", 2) end
  local pos = 1
  local len = #s

  local function fail(msg)
    error(format("fake.json_decode: %s at byte %d", msg, pos), 0)
  end

  local function skip()
    pos = find(s, "[^ \t\r\n]", pos) or len + 1
  end

  local function parse_string()
    local buf, i = {}, pos + 1
    while true do
      local j = find(s, '["\\]', i)
      if not j then fail("unterminated string") end
      if j > i then buf[#buf + 1] = sub(s, i, j - 1) end
      if byte(s, j) == 34 then
        pos = j + 1
        return concat(buf)
      end
      local e = sub(s, j + 1, j + 1)
      if e == "u" then
        local cp = tonumber(sub(s, j + 2, j + 5), 16)
        if not cp then pos = j; fail("bad \\u escape") end
        i = j + 6
        if cp >= 0xD800 and cp <= 0xDBFF and sub(s, i, i + 1) == "\\u" then
          local lo = tonumber(sub(s, i + 2, i + 5), 16)
          if lo and lo >= 0xDC00 and lo <= 0xDFFF then
            cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
            i = i + 6
          end
        end
        if cp >= 0xDC80 and cp <= 0xDCFF then
          buf[#buf + 1] = char(cp - 0xDC00)
        else
          buf[#buf + 1] = utf8_char(cp)
        end
      else
        local u = unescapes[e]
        if not u then pos = j; fail("bad escape") end
        buf[#buf + 1] = u
        i = j + 2
      end
    end
  end

  local parse_value

  function parse_value(depth)
    if depth > 500 then fail("nesting too deep") end
    skip()
    local c = sub(s, pos, pos)
    if c == "{" then
      local obj = {}
      pos = pos + 1
      skip()
      if sub(s, pos, pos) == "}" then pos = pos + 1; return obj end
      while true do
        skip()
        if sub(s, pos, pos) ~= '"' then fail("expected a key") end
        local k = parse_string()
        skip()
        if sub(s, pos, pos) ~= ":" then fail("expected ':'") end
        pos = pos + 1
        obj[k] = parse_value(depth + 1)
        skip()
        local d = sub(s, pos, pos)
        pos = pos + 1
        if d == "}" then return obj end
        if d ~= "," then pos = pos - 1; fail("expected ',' or '}'") end
      end
    elseif c == "[" then
      local arr, n = setmetatable({}, array_mt), 0
      pos = pos + 1
      skip()
      if sub(s, pos, pos) == "]" then pos = pos + 1; return arr end
      while true do
        n = n + 1
        arr[n] = parse_value(depth + 1)
        skip()
        local d = sub(s, pos, pos)
        pos = pos + 1
        if d == "]" then return arr end
        if d ~= "," then pos = pos - 1; fail("expected ',' or ']'") end
      end
    elseif c == '"' then
      return parse_string()
    elseif find(s, "^true", pos) then
      pos = pos + 4
      return true
    elseif find(s, "^false", pos) then
      pos = pos + 5
      return false
    elseif find(s, "^null", pos) then
      pos = pos + 4
      return M.null
    else
      local a, b = find(s, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
      local n = a and tonumber(sub(s, a, b))
      if not n then fail("unexpected " .. (c == "" and "end of input" or "'" .. c .. "'")) end
      pos = b + 1
      return n
    end
  end

  local v = parse_value(0)
  skip()
  if pos <= len then fail("trailing garbage") end
  return v
end

-- ---------------------------------------------------------------------------
-- base64
-- ---------------------------------------------------------------------------

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local b64val = {}
for i = 1, 64 do b64val[byte(B64, i)] = i - 1 end

--- Decodes standard base64 (padding and whitespace ignored).
function M.b64decode(s)
  s = s:gsub("[^%w%+/]", "")
  local n = #s
  local full = n - n % 4
  local out = sub(s, 1, full):gsub("....", function(q)
    local a, b, c, d = byte(q, 1, 4)
    local x = b64val[a] * 262144 + b64val[b] * 4096 + b64val[c] * 64 + b64val[d]
    return char(floor(x / 65536), floor(x / 256) % 256, x % 256)
  end)
  local rest = n - full
  if rest >= 2 then
    local a, b, c = byte(s, full + 1, n)
    local x = b64val[a] * 262144 + b64val[b] * 4096 + (c and b64val[c] * 64 or 0)
    out = out .. char(floor(x / 65536))
    if rest == 3 then out = out .. char(floor(x / 256) % 256) end
  end
  return out
end

-- ---------------------------------------------------------------------------
-- Server process
-- ---------------------------------------------------------------------------

local function here()
  local src = debug.getinfo(1, "S").source
  if sub(src, 1, 1) == "@" then
    local dir = src:sub(2):match("^(.*)[/\\]")
    if dir then return dir end
    return "."
  end
  return "spec/support"
end

local function shell_quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local data = f:read("*a")
  f:close()
  return data
end

--- A port on 127.0.0.1 where nothing listens (bound, read, then closed).
function M.free_port()
  local srv = assert(socket.bind("127.0.0.1", 0))
  local _, port = srv:getsockname()
  srv:close()
  return tonumber(port)
end

--- An http URL where nothing listens (for connection-refused tests).
function M.dead_url()
  return "http://127.0.0.1:" .. M.free_port()
end

local Server = {}
Server.__index = Server

-- python command -> the interpreter it resolved to (sys.executable), so that
-- later starts in the same process skip wrappers such as pyenv's shims.
local resolved_python = {}

local function control(self, method, path, body)
  if self.stopped then error("fake server: already stopped", 3) end
  local chunks = {}
  local req = {
    url = self.control_url .. path,
    method = method,
    sink = ltn12.sink.table(chunks),
    headers = {},
  }
  if body then
    req.source = ltn12.source.string(body)
    req.headers["content-type"] = "application/json"
    req.headers["content-length"] = tostring(#body)
  end
  local ok, code = http.request(req)
  if not ok then
    error("fake server: control request " .. method .. " " .. path ..
      " failed: " .. tostring(code), 3)
  end
  local text = concat(chunks)
  if code ~= 200 then
    error("fake server: control " .. method .. " " .. path .. " -> " ..
      tostring(code) .. " " .. text, 3)
  end
  return M.json_decode(text)
end

local function to_record(r)
  if r == M.null then return nil end
  r.body = M.b64decode(r.body_b64)
  r.body_b64 = nil
  if r.body ~= "" then
    local ok, v = pcall(M.json_decode, r.body)
    if ok then r.json = v end
  end
  return r
end

--- Starts the fake server. opts (all optional): `python` (command, default
-- $FAKE_SERVER_PYTHON or "python3"), `timeout` (seconds to wait, default 15),
-- `tls` (true: the API port speaks HTTPS with a certificate for 127.0.0.1
-- signed by the test CA in server.ca_file). Returns a server object.
function M.start(opts)
  opts = opts or {}
  local python = opts.python or os.getenv("FAKE_SERVER_PYTHON") or "python3"
  local requested = python
  if resolved_python[python] then python = shell_quote(resolved_python[python]) end
  local script = here() .. "/fake_server.py"
  local port_file = os.tmpname()
  os.remove(port_file)
  local cmd = "exec " .. python .. " " .. shell_quote(script) ..
    " --port-file " .. shell_quote(port_file)
  if opts.tls then
    cmd = cmd .. " --tls-cert " .. shell_quote(here() .. "/tls/server.pem") ..
      " --tls-key " .. shell_quote(here() .. "/tls/server.key")
  end
  local pipe = assert(io.popen(cmd, "w"))
  local deadline = socket.gettime() + (opts.timeout or 15)
  local api, ctl
  while true do
    local data = read_file(port_file)
    if data then
      api, ctl = data:match("^(%d+) (%d+)\n")
      if api then break end
    end
    if socket.gettime() > deadline then
      pcall(pipe.close, pipe)
      os.remove(port_file)
      error("fake server did not start (command: " .. cmd .. ")", 2)
    end
    socket.sleep(0.01)
  end
  os.remove(port_file)
  local self = setmetatable({
    port = tonumber(api),
    control_port = tonumber(ctl),
    url = (opts.tls and "https" or "http") .. "://127.0.0.1:" .. api,
    ca_file = opts.tls and here() .. "/tls/ca.pem" or nil,
    control_url = "http://127.0.0.1:" .. ctl,
    pipe = pipe,
    stopped = false,
  }, Server)
  if not resolved_python[requested] then
    local ok, info = pcall(control, self, "GET", "/info")
    if ok and type(info.executable) == "string" and info.executable ~= "" then
      resolved_python[requested] = info.executable
    end
    self.pid = ok and info.pid or nil
  end
  return self
end

--- Queues one scripted response (a table) or a list of them.
-- Returns the number of responses queued after the call.
function Server:script(resp)
  assert(type(resp) == "table", "server:script expects a table or a list")
  local list = resp
  if resp[1] == nil then list = { resp } end
  local reply = control(self, "POST", "/script", M.json_encode(M.array(
    { (table.unpack or unpack)(list) })))
  return reply.queued
end

--- All recorded requests, oldest first. Each record: seq, connection (id of
-- the TCP connection), time (epoch seconds), method, path (with query),
-- route (without query), version, headers (lowercase name -> value),
-- header_list ({{name, value}, ...} as sent), body (exact bytes), body_size,
-- json (decoded body, when it parses), chunked, expect_continue.
function Server:requests()
  local list = control(self, "GET", "/requests")
  for i = 1, #list do to_record(list[i]) end
  return list
end

--- The last recorded request, or nil.
function Server:last_request()
  return to_record(control(self, "GET", "/requests/last"))
end

--- {connections = TCP connections accepted on the API port, open_connections,
-- requests = requests recorded, queued = scripted responses left}.
function Server:stats()
  return control(self, "GET", "/stats")
end

--- Scripted responses still queued (with the server's `_left` counters).
function Server:queue()
  return control(self, "GET", "/queue")
end

--- Clears the queue, the records and the counters.
function Server:reset()
  control(self, "POST", "/reset", "{}")
end

--- Waits until at least n requests were recorded (default timeout 5 s).
-- Returns true, or false on timeout.
function Server:wait_requests(n, timeout)
  local deadline = socket.gettime() + (timeout or 5)
  while self:stats().requests < n do
    if socket.gettime() > deadline then return false end
    socket.sleep(0.01)
  end
  return true
end

--- Stops the server (closing its stdin); safe to call more than once.
function Server:stop()
  if self.stopped then return end
  self.stopped = true
  pcall(self.pipe.close, self.pipe)
end

Server.__gc = Server.stop

return M
