-- Tests of the fake API server itself (spec/support/fake_server.py and
-- spec/support/fake.lua), using LuaSocket only.
local fake = require("support.fake")
local socket = require("socket")
local http = require("socket.http")
local ltn12 = require("ltn12")

-- One HTTP exchange through socket.http; returns status, headers, body.
local function request(url, method, body, headers)
  local chunks = {}
  headers = headers or {}
  if body then headers["content-length"] = tostring(#body) end
  local ok, status, resp_headers = http.request({
    url = url,
    method = method or (body and "POST" or "GET"),
    source = body and ltn12.source.string(body) or nil,
    headers = headers,
    sink = ltn12.sink.table(chunks),
  })
  assert(ok, status)
  return status, resp_headers, table.concat(chunks)
end

local function connect(port)
  local c = assert(socket.connect("127.0.0.1", port))
  c:settimeout(5)
  return c
end

-- Reads one response from a raw connection (Content-Length, chunked, or
-- until close). Returns {status, headers (lowercase), body, chunks}.
local function read_response(c)
  local line = assert(c:receive("*l"))
  local res = { status = tonumber(line:match("^HTTP/1%.1 (%d+)")), headers = {} }
  while true do
    local l = assert(c:receive("*l"))
    if l == "" then break end
    local k, v = l:match("^([^:]+):%s*(.*)$")
    res.headers[k:lower()] = v
  end
  local h = res.headers
  if h["transfer-encoding"] == "chunked" then
    local parts = {}
    while true do
      local size = tonumber(assert(c:receive("*l")), 16)
      if size == 0 then
        assert.equal("", c:receive("*l"))
        break
      end
      parts[#parts + 1] = assert(c:receive(size))
      assert.equal("", c:receive("*l"))
    end
    res.chunks = parts
    res.body = table.concat(parts)
  elseif h["content-length"] then
    local n = tonumber(h["content-length"])
    res.body = n == 0 and "" or assert(c:receive(n))
  else
    res.body = assert(c:receive("*a"))
  end
  return res
end

local function raw_get(port, path, extra)
  return "GET " .. path .. " HTTP/1.1\r\nHost: 127.0.0.1:" .. port .. "\r\n" ..
    (extra or "") .. "\r\n"
end

local all_bytes = {}
for i = 0, 255 do all_bytes[#all_bytes + 1] = string.char(i) end
all_bytes = table.concat(all_bytes)

describe("fake server", function()
  local server

  setup(function()
    server = fake.start()
  end)

  teardown(function()
    server:stop()
  end)

  before_each(function()
    server:reset()
  end)

  it("starts with a URL on 127.0.0.1", function()
    assert.matches("^http://127%.0%.0%.1:%d+$", server.url)
    assert.equal(server.url, "http://127.0.0.1:" .. server.port)
  end)

  describe("default reply", function()
    it("is a Messages API message echoing the request's model", function()
      local status, headers, body = request(server.url .. "/v1/messages", "POST",
        '{"model":"claude-test-1","max_tokens":5}', { ["content-type"] = "application/json" })
      assert.equal(200, status)
      assert.equal("application/json", headers["content-type"])
      assert.equal("req_fake_1", headers["request-id"])
      local msg = fake.json_decode(body)
      assert.equal("msg_fake", msg.id)
      assert.equal("message", msg.type)
      assert.equal("assistant", msg.role)
      assert.equal("claude-test-1", msg.model)
      assert.equal("Hello from the fake server", msg.content[1].text)
      assert.equal("end_turn", msg.stop_reason)
      assert.equal(fake.null, msg.stop_sequence)
      assert.equal(12, msg.usage.input_tokens)
      assert.equal(6, msg.usage.output_tokens)
    end)

    it("uses claude-fake when the request names no model", function()
      local status, headers, body = request(server.url .. "/v1/messages")
      assert.equal(200, status)
      assert.equal("claude-fake", fake.json_decode(body).model)
      assert.equal("req_fake_1", headers["request-id"])
      local _, headers2 = request(server.url .. "/v1/messages")
      assert.equal("req_fake_2", headers2["request-id"])
    end)
  end)

  describe("scripted responses", function()
    it("serve status, headers and json", function()
      assert.equal(1, server:script({
        status = 429,
        headers = { ["retry-after"] = "2", ["x-should-retry"] = "true" },
        json = { type = "error", error = { type = "rate_limit_error", message = "slow down" } },
      }))
      local status, headers, body = request(server.url .. "/v1/messages", "POST", "{}")
      assert.equal(429, status)
      assert.equal("2", headers["retry-after"])
      assert.equal("true", headers["x-should-retry"])
      assert.equal("application/json", headers["content-type"])
      assert.equal("req_fake_1", headers["request-id"])
      local err = fake.json_decode(body)
      assert.equal("rate_limit_error", err.error.type)
      assert.equal("slow down", err.error.message)
    end)

    it("take headers as a list of pairs and may override or remove defaults", function()
      server:script({
        status = 201,
        headers = { { "Request-Id", "req_custom" }, { "X-Multi", "a" }, { "content-type", fake.null } },
        body = "plain",
      })
      local status, headers, body = request(server.url .. "/x")
      assert.equal(201, status)
      assert.equal("req_custom", headers["request-id"])
      assert.equal("a", headers["x-multi"])
      assert.is_nil(headers["content-type"])
      assert.equal("plain", body)
    end)

    it("are used in order, then the default reply comes back", function()
      server:script({ { status = 500, json = { n = 1 } }, { status = 502, json = { n = 2 } } })
      server:script({ status = 503, json = { n = 3 } })
      local codes = {}
      for i = 1, 4 do codes[i] = (request(server.url .. "/v1/messages")) end
      assert.same({ 500, 502, 503, 200 }, codes)
    end)

    it("serve exact body bytes", function()
      local bytes = all_bytes .. "\0end\255\254" .. "é✓"
      server:script({ body = bytes, content_type = "application/octet-stream" })
      local _, headers, body = request(server.url .. "/bin")
      assert.equal("application/octet-stream", headers["content-type"])
      assert.equal(bytes, body)
    end)

    it("honour times", function()
      server:script({ { status = 529, json = {}, times = 2 }, { status = 418, json = {} } })
      local codes = {}
      for i = 1, 4 do codes[i] = (request(server.url .. "/v1/messages")) end
      assert.same({ 529, 529, 418, 200 }, codes)
    end)

    it("with times = -1 answer forever", function()
      server:script({ status = 503, json = {}, times = -1 })
      for _ = 1, 3 do assert.equal(503, (request(server.url .. "/v1/messages"))) end
      assert.equal(1, server:stats().queued)
    end)

    it("honour match on path and method", function()
      server:script({
        { status = 404, json = { which = "models" }, match = { path = "/v1/models" } },
        { status = 400, json = { which = "post" }, match = { method = "POST", path = "/v1/messages" } },
        { status = 202, json = { which = "any" } },
      })
      local s1, _, b1 = request(server.url .. "/v1/messages", "GET")
      assert.equal(202, s1)
      assert.equal("any", fake.json_decode(b1).which)
      local s2, _, b2 = request(server.url .. "/v1/messages?beta=true", "POST", "{}")
      assert.equal(400, s2)
      assert.equal("post", fake.json_decode(b2).which)
      assert.equal(1, server:stats().queued) -- only the models one is left
      local s3, _, b3 = request(server.url .. "/v1/models?limit=2")
      assert.equal(404, s3)
      assert.equal("models", fake.json_decode(b3).which)
      assert.equal(0, server:stats().queued)
    end)

    it("honour delay_ms", function()
      server:script({ delay_ms = 300, json = {} })
      local t0 = socket.gettime()
      assert.equal(200, (request(server.url .. "/slow")))
      assert.is_true(socket.gettime() - t0 >= 0.28)
    end)

    it("add a huge header with header_bytes", function()
      server:script({ header_bytes = 100000, json = {} })
      local c = connect(server.port)
      c:send(raw_get(server.port, "/huge"))
      local res = read_response(c)
      c:close()
      assert.equal(100000, #res.headers["x-huge"])
    end)

    it("generate a large valid message with body_bytes", function()
      server:script({ body_bytes = 2000000 })
      local status, _, body = request(server.url .. "/v1/messages", "POST", '{"model":"m"}')
      assert.equal(200, status)
      assert.is_true(math.abs(#body - 2000000) < 10)
      local msg = fake.json_decode(body)
      assert.equal("m", msg.model)
      assert.matches("^x+$", msg.content[1].text)
    end)
  end)

  describe("records", function()
    it("keep method, path, headers, connection and exact body bytes", function()
      local bytes = "\0" .. all_bytes .. "\0\r\n\r\n" .. "naïve ✓ \195( \237\160\128"
      local c = connect(server.port)
      c:send("PUT /v1/messages?x=1&y=%20 HTTP/1.1\r\nHost: x\r\nX-Api-Key: sk-test\r\n" ..
        "anthropic-version: 2023-06-01\r\nX-Dup: 1\r\nx-dup: 2\r\nContent-Length: " ..
        #bytes .. "\r\n\r\n" .. bytes)
      assert.equal(200, read_response(c).status)
      c:close()
      local reqs = server:requests()
      assert.equal(1, #reqs)
      local r = reqs[1]
      assert.equal(1, r.seq)
      assert.equal("PUT", r.method)
      assert.equal("/v1/messages?x=1&y=%20", r.path)
      assert.equal("/v1/messages", r.route)
      assert.equal("sk-test", r.headers["x-api-key"])
      assert.equal("2023-06-01", r.headers["anthropic-version"])
      assert.equal("1, 2", r.headers["x-dup"])
      assert.equal(tostring(#bytes), r.headers["content-length"])
      assert.equal(#bytes, r.body_size)
      assert.equal(bytes, r.body)
      assert.is_nil(r.json)
      assert.is_number(r.connection)
      assert.is_number(r.time)
      local found = false
      for _, pair in ipairs(r.header_list) do
        if pair[1] == "X-Api-Key" then found = pair[2] == "sk-test" end
      end
      assert.is_true(found)
      assert.same({ "x-dup", "2" }, r.header_list[5])
      assert.same(r, server:last_request())
    end)

    it("decode a JSON body into json", function()
      request(server.url .. "/v1/messages", "POST",
        '{"model":"m","max_tokens":1024,"t":0.5,"messages":[],"meta":{},"s":"\\u00e9\\ud83d\\ude00"}')
      local r = server:last_request()
      assert.equal(1024, r.json.max_tokens)
      if math.type then assert.equal("integer", math.type(r.json.max_tokens)) end
      assert.equal(0.5, r.json.t)
      assert.same({}, r.json.messages)
      assert.equal(fake.array_mt, getmetatable(r.json.messages))
      assert.equal("é😀", r.json.s)
      assert.equal('{"max_tokens":1024,"messages":[],"meta":{},"model":"m","s":"é😀","t":0.5}',
        fake.json_encode(r.json))
    end)

    it("read a chunked request body", function()
      local c = connect(server.port)
      c:send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n" ..
        "Content-Type: application/json\r\n\r\n" ..
        "5\r\n{\"a\":\r\n" .. "1;ext=1\r\n1\r\n" .. "a\r\n,\"b\":\"\0\255\"}\r\n" .. "0\r\nX-Trailer: t\r\n\r\n")
      local res = read_response(c)
      c:close()
      assert.equal(200, res.status)
      local r = server:last_request()
      assert.is_true(r.chunked)
      assert.equal('{"a":1,"b":"\0\255"}', r.body)
    end)

    it("answer Expect: 100-continue before the body is sent", function()
      local body = string.rep("z", 2000000)
      local c = connect(server.port)
      c:send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: " .. #body ..
        "\r\nExpect: 100-continue\r\n\r\n")
      assert.equal("HTTP/1.1 100 Continue", c:receive("*l"))
      assert.equal("", c:receive("*l"))
      assert(c:send(body))
      local res = read_response(c)
      c:close()
      assert.equal(200, res.status)
      local r = server:last_request()
      assert.is_true(r.expect_continue)
      assert.equal(#body, r.body_size)
      assert.equal(body, r.body)
    end)
  end)

  describe("connections", function()
    it("keep alive across several requests", function()
      local c = connect(server.port)
      c:send(raw_get(server.port, "/one"))
      local r1 = read_response(c)
      c:send("POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
      local r2 = read_response(c)
      c:send(raw_get(server.port, "/three"))
      local r3 = read_response(c)
      c:close()
      assert.same({ 200, 200, 200 }, { r1.status, r2.status, r3.status })
      local stats = server:stats()
      assert.equal(1, stats.connections)
      assert.equal(3, stats.requests)
      local reqs = server:requests()
      assert.equal(reqs[1].connection, reqs[2].connection)
      assert.equal(reqs[1].connection, reqs[3].connection)
      assert.equal("hi", reqs[2].body)
    end)

    it("count one connection per TCP connection", function()
      for _ = 1, 3 do request(server.url .. "/v1/messages") end
      local stats = server:stats()
      assert.equal(3, stats.connections)
      local reqs = server:requests()
      assert.are_not.equal(reqs[1].connection, reqs[2].connection)
    end)

    it("close after the response with close", function()
      server:script({ close = true, json = { ok = true } })
      local c = connect(server.port)
      c:send(raw_get(server.port, "/a"))
      local res = read_response(c)
      assert.equal("close", res.headers.connection)
      assert.equal('{"ok":true}', res.body)
      local data, err = c:receive(1)
      c:close()
      assert.is_nil(data)
      assert.equal("closed", err)
    end)

    it("end the body by closing with no_content_length", function()
      server:script({ no_content_length = true, body = "until close" })
      local c = connect(server.port)
      c:send(raw_get(server.port, "/a"))
      local res = read_response(c)
      c:close()
      assert.is_nil(res.headers["content-length"])
      assert.equal("until close", res.body)
    end)

    it("drop the connection after drop_after_bytes", function()
      server:script({ json = { text = string.rep("y", 100) }, drop_after_bytes = 10 })
      local c = connect(server.port)
      c:send(raw_get(server.port, "/a"))
      assert.equal("HTTP/1.1 200 OK", c:receive("*l"))
      local length
      repeat
        local l = assert(c:receive("*l"))
        length = length or tonumber(l:match("^Content%-Length: (%d+)"))
      until l == ""
      assert.is_true(length > 100)
      local data, err, partial = c:receive(length)
      c:close()
      assert.is_nil(data)
      assert.equal("closed", err)
      assert.equal('{"text":"y', partial)
    end)

    it("hang up without a response with hangup", function()
      server:script({ hangup = true })
      local c = connect(server.port)
      c:send(raw_get(server.port, "/a"))
      local data, err = c:receive("*l")
      c:close()
      assert.is_nil(data)
      assert.equal("closed", err)
      assert.equal(1, server:stats().requests)
    end)

    it("refuse connections on fake.free_port()", function()
      local port = fake.free_port()
      assert.is_number(port)
      local c, err = socket.connect("127.0.0.1", port)
      assert.is_nil(c)
      assert.equal("connection refused", err)
      assert.matches("^http://127%.0%.0%.1:%d+$", fake.dead_url())
    end)
  end)

  describe("streaming", function()
    it("serves sse events one byte per write", function()
      server:script({
        sse = {
          { event = "message_start", data = { type = "message_start" } },
          { event = "ping", data = '{"type": "ping"}' },
          { data = "line1\nline2" },
          { raw = ": comment\r\n\r\n" },
        },
        chunk_sizes = { 1 },
        chunk_delay_ms = 2,
      })
      local c = connect(server.port)
      c:send(raw_get(server.port, "/v1/messages"))
      local t0 = socket.gettime()
      local res = read_response(c)
      c:close()
      assert.equal("text/event-stream", res.headers["content-type"])
      local expected = 'event: message_start\ndata: {"type":"message_start"}\n\n' ..
        'event: ping\ndata: {"type": "ping"}\n\n' ..
        "data: line1\ndata: line2\n\n" ..
        ": comment\r\n\r\n"
      assert.equal(expected, res.body)
      assert.is_true(socket.gettime() - t0 >= (#expected - 1) * 0.002 * 0.9)
    end)

    it("serves chunked responses, one chunk per write", function()
      server:script({ sse_raw = "data: a\n\ndata: b\n\n", chunked = true, chunk_sizes = { 3, 5 } })
      local c = connect(server.port)
      c:send(raw_get(server.port, "/s"))
      local res = read_response(c)
      assert.equal("chunked", res.headers["transfer-encoding"])
      assert.same({ "dat", "a: a\n", "\nda", "ta: b", "\n\n" }, res.chunks)
      -- and the connection is still usable
      c:send(raw_get(server.port, "/t"))
      assert.equal(200, read_response(c).status)
      c:close()
      assert.equal(1, server:stats().connections)
    end)

    it("delivers bytes while the body is still being written", function()
      server:script({ sse_raw = "0123456789", chunk_sizes = { 1 }, chunk_delay_ms = 50 })
      local c = connect(server.port)
      c:send(raw_get(server.port, "/s"))
      repeat local l = assert(c:receive("*l")) until l == ""
      local t0 = socket.gettime()
      assert.equal("0", c:receive(1))
      local t1 = socket.gettime()
      assert.equal("123456789", c:receive(9))
      local t2 = socket.gettime()
      c:close()
      assert.is_true(t1 - t0 < 0.1)
      assert.is_true(t2 - t1 >= 0.4)
    end)
  end)

  describe("control", function()
    it("reset clears queue, records and counters", function()
      server:script({ { status = 500, json = {} }, { status = 501, json = {} } })
      request(server.url .. "/v1/messages")
      -- (the server's thread for the connection notices the close a moment after the client)
      local stats, deadline = server:stats(), socket.gettime() + 2
      while stats.open_connections > 0 and socket.gettime() < deadline do
        socket.sleep(0.01)
        stats = server:stats()
      end
      assert.same({ connections = 1, open_connections = 0, requests = 1, queued = 1 }, stats)
      server:reset()
      assert.same({ connections = 0, open_connections = 0, requests = 0, queued = 0 },
        server:stats())
      assert.same({}, server:requests())
      assert.is_nil(server:last_request())
      local status, headers = request(server.url .. "/v1/messages")
      assert.equal(200, status)
      assert.equal("req_fake_1", headers["request-id"])
    end)

    it("wait_requests waits for requests to arrive", function()
      assert.is_false(server:wait_requests(1, 0.05))
      request(server.url .. "/v1/messages")
      assert.is_true(server:wait_requests(1, 1))
    end)
  end)

  describe("process", function()
    it("stops when asked, and stop is idempotent", function()
      local other = fake.start()
      assert.are_not.equal(server.port, other.port)
      assert.equal(200, (request(other.url .. "/v1/messages")))
      other:stop()
      other:stop()
      local c, err = socket.connect("127.0.0.1", other.port)
      assert.is_nil(c)
      assert.equal("connection refused", err)
      assert.has_error(function() other:stats() end)
    end)
  end)
end)

describe("fake JSON helpers", function()
  it("encode arrays, objects, empty tables and null", function()
    assert.equal("[1,2,3]", fake.json_encode({ 1, 2, 3 }))
    assert.equal("{}", fake.json_encode({}))
    assert.equal("[]", fake.json_encode(fake.array({})))
    assert.equal('{"a":[],"b":null,"c":true}', fake.json_encode({ a = fake.array(), b = fake.null, c = true }))
    assert.equal('[1,null,3]', fake.json_encode({ 1, fake.null, 3 }))
    assert.equal('{"1":"a","3":"c"}', fake.json_encode({ [1] = "a", [3] = "c" }))
    assert.equal('"a\\"b\\\\c\\n\\u0000\\u001f"', fake.json_encode('a"b\\c\n\0\31'))
    assert.equal("1.5", fake.json_encode(1.5))
    assert.equal("-7", fake.json_encode(-7))
    assert.equal("0.1", fake.json_encode(0.1))
    assert.has_error(function() fake.json_encode(0 / 0) end)
    assert.has_error(function() fake.json_encode(print) end)
  end)

  it("decode values", function()
    local v = fake.json_decode(' {"a": [1, 2.5, -3e2, "x", null, true, false], "b": {}, "c": "\\u00e9\\n\\/"} ')
    assert.same({ 1, 2.5, -300, "x", fake.null, true, false }, v.a)
    assert.same({}, v.b)
    assert.is_nil(getmetatable(v.b))
    assert.equal("é\n/", v.c)
    if math.type then
      assert.equal("integer", math.type(v.a[1]))
      assert.equal("float", math.type(v.a[2]))
    end
    assert.equal("\255", fake.json_decode('"\\udcff"'))
    for _, bad in ipairs({ "", "{", "[1,]", '{"a"}', "nul", '"abc', "1 2", "{'a':1}" }) do
      assert.has_error(function() fake.json_decode(bad) end)
    end
  end)

  it("round-trip", function()
    local text = '{"a":[1,{"b":[]}],"c":"d","e":null}'
    assert.equal(text, fake.json_encode(fake.json_decode(text)))
  end)

  it("decode base64", function()
    assert.equal("", fake.b64decode(""))
    assert.equal("f", fake.b64decode("Zg=="))
    assert.equal("fo", fake.b64decode("Zm8="))
    assert.equal("foo", fake.b64decode("Zm9v"))
    assert.equal("foobar", fake.b64decode("Zm9vYmFy"))
    assert.equal("\0\255\128", fake.b64decode("AP+A"))
  end)
end)
