-- The core's transfers beyond plain requests: JSONL bodies pulled line by
-- line in constant memory, bodies written to a file, multipart uploads.
local core = require("anthropic.core")
local fake = require("support.fake")

describe("anthropic.core transfers", function()
  local server, session

  setup(function()
    server = fake.start()
    session = core.session()
  end)
  teardown(function()
    session:close()
    server:stop()
  end)
  before_each(function() server:reset() end)

  local function get(extra)
    local spec = { url = server.url .. "/results", method = "GET" }
    for k, v in pairs(extra) do spec[k] = v end
    return session:request(spec)
  end

  it("pulls a JSONL body one decoded line at a time, the last line without a newline too", function()
    server:script({ body = '{"a":1}\n\n{"a":2}\r\n{"a":3}', chunk_sizes = { 3 } })
    local t = get({ lines = true })
    local got = {}
    while true do
      local name, value = t:next_event()
      if name then
        got[#got + 1] = value.a
      elseif t:done() then
        break
      else
        t:wait(nil, "event")
      end
    end
    assert.same({ 1, 2, 3 }, got)
    assert.is_nil(t:error())
  end)

  it("keeps a huge JSONL body in bounded memory: libcurl pauses while Lua is behind", function()
    local line = '{"custom_id":"r","result":{"type":"succeeded","pad":"' .. ("x"):rep(1000) .. '"}}\n'
    local count = 20000 -- about 20 MB
    server:script({ body = line:rep(count) })
    local t = get({ lines = true })
    local n, peak = 0, 0
    while true do
      local name = t:next_event()
      if name then
        n = n + 1
      elseif t:done() then
        break
      else
        t:wait(nil, "event")
        local q = t:info().queued_bytes
        if q > peak then peak = q end
      end
    end
    assert.equal(count, n)
    assert.truthy(peak < 8 * 1024 * 1024, peak)
  end)

  it("writes a 2xx body to a file, and keeps an error body in memory", function()
    local path = os.tmpname()
    server:script({ body = ("0123456789"):rep(100000) })
    local t = get({ output = path })
    t:wait()
    assert.is_nil(t:error())
    local f = assert(io.open(path, "rb"))
    assert.equal(1000000, #f:read("*a"))
    f:close()
    server:script({ status = 404, json = { type = "error", error = { type = "not_found_error", message = "no" } } })
    t = get({ output = path })
    t:wait()
    assert.equal(404, t:status())
    assert.truthy(t:body():find("not_found_error", 1, true))
    os.remove(path)
    assert.has_error(function() get({ output = "/nonexistent-dir/x" }) end)
  end)

  it("shares a header set among transfers, which keep it alive after its object is collected", function()
    local gone = setmetatable({}, { __mode = "k" })
    local function start() -- (its locals are unreachable once it returned)
      local set = session:headers({ "x-one: 1", "x-two: 2", "accept: application/json" })
      gone[set] = true
      return get({ headers = set, url = server.url .. "/results?whole" }),
             get({ headers = set, url = server.url .. "/results?stream", stream = true })
    end
    local a, b = start()
    collectgarbage()
    collectgarbage()
    assert.is_nil(next(gone)) -- collected while both transfers may still be sending it
    a:wait()
    b:wait()
    assert.equal(200, a:status())
    assert.equal(200, b:status())
    a:close()
    b:close()
    local reqs = server:requests()
    assert.equal(2, #reqs)
    for _, r in ipairs(reqs) do
      assert.equal("1", r.headers["x-one"])
      assert.equal("2", r.headers["x-two"])
    end
    -- the session's Accept-Encoding goes with an answer read whole, never with a stream
    if reqs[1].path:match("stream") then reqs[1], reqs[2] = reqs[2], reqs[1] end
    local whole, stream = reqs[1].headers["accept-encoding"], reqs[2].headers["accept-encoding"]
    if core.curl_version():match("libz") or whole then assert.truthy(whole) end
    assert.is_nil(stream)
  end)

  it("checks a header set's lines once, when it is made", function()
    assert.has_error(function() session:headers({ "x-a: 1", "x-b: 2\r\nx-c: 3" }) end,
                     "anthropic: header 'x-b' contains CR, LF or NUL")
    assert.has_error(function() session:headers({ "x-a: 1", 5 }) end, "anthropic: header 2 is not a string")
    local own = session:headers({ "Accept-Encoding: identity" })
    local t = get({ headers = own })
    t:wait()
    t:close()
    assert.equal("identity", server:last_request().headers["accept-encoding"])
  end)

  it("adds the text deltas of the block t:text_to names to its appender, while it is open", function()
    local sse = {}
    for i, text in ipairs({ "a", "b", "c", "d" }) do
      local index = i <= 3 and 0 or 1
      sse[#sse + 1] = ('event: content_block_delta\ndata: {"type":"content_block_delta","index":%d,' ..
                       '"delta":{"type":"text_delta","text":"%s"}}\n\n'):format(index, text)
    end
    server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" }, sse_raw = table.concat(sse) })
    local t = get({ stream = true })
    assert.has_error(function() t:text_to(0, {}) end)
    local function hand_over() -- an appender that only the transfer holds once this returns
      local appender = core.appender("start:")
      t:text_to(0, appender)
      return setmetatable({ appender }, { __mode = "v" })
    end
    local function next_fast()
      while true do
        local a, b, c, added = t:next_fast()
        if a then return a, b, c, added end
        t:wait(nil, "event")
      end
    end
    local a, index, text, added = next_fast()
    assert.same({ true, 0, "a", false }, { a, index, text, added }) -- no appender named yet
    local weak = hand_over()
    collectgarbage() -- the transfer keeps it
    assert.same({ true, 0, "b", true }, { next_fast() })
    local name, event, jerr, added2 = t:next_event()
    assert.equal("content_block_delta", name)
    assert.same({ type = "content_block_delta", index = 0, delta = { type = "text_delta", text = "c" } }, event)
    assert.is_nil(jerr)
    assert.is_true(added2)
    assert.same({ true, 1, "d", false }, { next_fast() }) -- another block
    assert.equal("start:bc", weak[1]:value())
    weak[1]:close()
    t:close()
  end)

  it("checks a spec's fields as it reads them, and ignores others", function()
    local url = server.url .. "/results"
    assert.has_error(function() session:request({ method = "GET" }) end, "anthropic: request spec needs a url")
    assert.has_error(function() session:request({ url = 5 }) end,
                     "anthropic: request spec field 'url' must be a string")
    assert.has_error(function() session:request({ url = url, proxy = true }) end,
                     "anthropic: request spec field 'proxy' must be a string")
    assert.has_error(function() session:request({ url = url, timeout = -1 }) end,
                     "anthropic: 'timeout' must be a number of seconds >= 0")
    assert.has_error(function() session:request({ url = url, idle_timeout = "1" }) end,
                     "anthropic: 'idle_timeout' must be a number of seconds >= 0")
    local t = session:request({ url = url, [1] = "ignored", unknown = {}, timeout = 5 })
    t:wait()
    assert.equal(200, t:status())
    t:close()
  end)

  it("raises the usual message for an object of another type", function()
    local t = get({})
    t:wait()
    assert.has_error(function() t.status(session) end) -- a session where a transfer is expected
    assert.has_error(function() session.request(t, {}) end)
    local ok, err = pcall(t.status, session)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("anthropic.transfer expected", 1, true), err)
    t:close()
  end)

  -- Each request below reuses the handle the one before it left (one at a
  -- time, so the same one), which keeps only its baseline options.
  describe("a reused handle", function()
    local function run(spec)
      local t = session:request(spec)
      t:wait()
      local kind, status = t:error(), t:status()
      t:close()
      return kind, status
    end

    it("carries nothing of the request before it: method, body, timeouts, proxy", function()
      local path = os.tmpname()
      local f = assert(io.open(path, "wb"))
      f:write("file bytes")
      f:close()
      local spliced = core.json_body({ data = ("QUJD"):rep(100000) })
      assert.equal(1, spliced:splices())
      run({ url = server.url .. "/a", method = "POST", multipart = { { name = "file", path = path } } })
      run({ url = server.url .. "/b", method = "POST", body = "{}", timeout = 5, connect_timeout = 5 })
      run({ url = server.url .. "/c", method = "POST", body = spliced })
      run({ url = server.url .. "/d", method = "DELETE" })
      run({ url = server.url .. "/e", method = "HEAD" })
      run({ url = server.url .. "/f" })
      run({ url = "http://api.proxied.invalid/g", proxy = server.url })
      run({ url = server.url .. "/h", method = "POST", body = "x" })
      os.remove(path)
      local got = {}
      for i, r in ipairs(server:requests()) do
        got[i] = { r.method, r.path, r.body_size, r.headers["content-type"] ~= nil }
      end
      assert.same({
        { "POST", "/a", got[1][3], true },
        { "POST", "/b", 2, true },
        { "POST", "/c", #spliced:string(), true },
        { "DELETE", "/d", 0, false },
        { "HEAD", "/e", 0, false },
        { "GET", "/f", 0, false },
        { "GET", "http://api.proxied.invalid/g", 0, false },
        { "POST", "/h", 1, true },
      }, got)
      -- the timeouts of /b are gone: a slow answer is waited for
      server:script({ delay_ms = 300 })
      assert.equal("timeout", (run({ url = server.url .. "/i", timeout = 0.1 })))
      server:script({ delay_ms = 300 })
      assert.same({ nil, 200 }, { run({ url = server.url .. "/j" }) })
    end)

    it("checks certificates again after a request with its own CA, or none checked", function()
      local tls = fake.start({ tls = true })
      local ok, err = pcall(function()
        assert.same({ nil, 200 }, { run({ url = tls.url .. "/1", ca_file = tls.ca_file }) })
        assert.equal("connection", (run({ url = tls.url .. "/2" }))) -- the default CAs do not know it
        assert.same({ nil, 200 }, { run({ url = tls.url .. "/3", ca_file = tls.ca_file }) })
        assert.same({ nil, 200 }, { run({ url = tls.url .. "/4", insecure_skip_tls_verify = true }) })
        assert.equal("connection", (run({ url = tls.url .. "/5" })))
        assert.same({ nil, 200 }, { run({ url = tls.url .. "/6", ca_path = "/nonexistent", ca_file = tls.ca_file }) })
        assert.equal("connection", (run({ url = tls.url .. "/7", ca_file = tls.ca_file .. ".missing" })))
      end)
      tls:stop()
      assert(ok, err)
    end)
  end)

  it("sends large strings spliced into the body, not copied, on every attempt", function()
    local anthropic = require("anthropic")
    local big = ("QUJD"):rep(300000) -- 1.2 MB, like an image's base64
    local params = { model = "m", max_tokens = 1, messages = { { role = "user", content = {
      { type = "image", source = { type = "base64", media_type = "image/png", data = big } },
      { type = "text", text = "and " .. big .. " again" } } } } }
    local body = core.json_body(params)
    assert.equal(2, body:splices())
    assert.equal(core.encode(params), body:string())
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url, max_retries = 1 })
    server:script({ status = 529, headers = { ["retry-after-ms"] = "10" },
                    json = { type = "error", error = { type = "overloaded_error", message = "busy" } } })
    assert(client.messages.create(params))
    local reqs = server:requests()
    assert.equal(2, #reqs)
    for _, r in ipairs(reqs) do assert.equal(body:string(), r.body) end
  end)

  it("sends multipart bodies, streaming a file part from disk", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    local bytes = {}
    for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
    local content = table.concat(bytes):rep(1000)
    f:write(content)
    f:close()
    local t = session:request({ url = server.url .. "/v1/files", method = "POST", multipart = {
      { name = "file", path = path, filename = "data.bin", type = "application/octet-stream" },
      { name = "purpose", data = "test" },
    } })
    t:wait()
    assert.equal(200, t:status())
    local req = server:last_request()
    assert.truthy(req.headers["content-type"]:find("multipart/form-data; boundary=", 1, true))
    local start = req.body:find("\r\n\r\n", req.body:find('filename="data.bin"', 1, true), true) + 4
    assert.equal(content, req.body:sub(start, start + #content - 1))
    os.remove(path)
    assert.has_error(function()
      session:request({ url = server.url, method = "POST", multipart = { { name = "x" } } })
    end)
  end)
end)
