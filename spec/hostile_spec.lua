-- Hostile input from the Lua side: every bad value is a clear Lua error
-- raised before anything is sent (the server sees no request), never a
-- crash, a hang or header injection; NUL is sent escaped. Errors raised in
-- user callbacks surface from the call and leave the client usable.
local anthropic = require("anthropic")
local harness = require("support.harness")
local streams = require("support.streams")

local KEY = "sk-ant-hostile-0000"


local function params(content)
  return { model = "m", max_tokens = 5, messages = { { role = "user", content = content } } }
end

describe("hostile input", function()
  local server, client
  harness.fake_api({ api_key = KEY }, function(s, c) server, client = s, c end)

  local function still_works(c)
    server:reset()
    local msg, err = (c or client).messages.create(params("hi"))
    assert.is_nil(err)
    assert.equal("Hello from the fake server", anthropic.text(msg))
  end

  -- fn raises an error matching every pattern (plain), and nothing is sent.
  local function refused(fn, ...)
    local ok, e = pcall(fn)
    assert.is_false(ok, "expected an error")
    assert.equal("string", type(e))
    for _, pattern in ipairs({ ... }) do
      assert.truthy(e:find(pattern, 1, true), ("%q not in %q"):format(pattern, e))
    end
    assert.is_nil(e:find(KEY, 1, true))
    assert.equal(0, server:stats().requests)
    return e
  end

  local function create(p, opts)
    return function() return client.messages.create(p, opts) end
  end

  it("params that are not tables", function()
    for _, p in ipairs({ "x", 42, true, print, coroutine.create(function() end) }) do
      refused(create(p), "params must be a table")
    end
    refused(function() return client.messages.create() end, "params must be a table")
    refused(function() return client.messages.stream("x") end, "params must be a table")
    refused(function() return client.messages.count_tokens(7) end, "params must be a table")
    refused(function() return client.messages.create_async(false) end, "params must be a table")
    refused(create(params("hi"), "opts"), "options must be a table")
    still_works()
  end)

  it("functions, userdata and threads inside params, naming the path", function()
    refused(create(params(print)), "messages[1].content", "function")
    refused(create(params({ { type = "text", text = coroutine.create(function() end) } })),
            "messages[1].content[1].text", "thread")
    refused(create(params({ { type = "text", text = io.stdout } })), "messages[1].content[1].text", "userdata")
    refused(create({ model = "m", max_tokens = 5, messages = {}, metadata = { user_id = client.session } }),
            "metadata.user_id")
    still_works()
  end)

  it("cyclic tables", function()
    local a = { role = "user" }
    a.content = { { type = "text", text = "x", self = a } }
    refused(create({ model = "m", max_tokens = 5, messages = { a } }), "messages[1]", "cyclic")
    local t = {}
    t[1] = t
    refused(create({ model = "m", max_tokens = 5, messages = t }), "cyclic")
    still_works()
  end)

  it("NaN and infinities", function()
    refused(create({ model = "m", max_tokens = 0 / 0, messages = {} }), "max_tokens", "NaN")
    refused(create({ model = "m", max_tokens = 5, messages = {}, temperature = math.huge }), "temperature", "inf")
    refused(create({ model = "m", max_tokens = 5, messages = {}, temperature = -math.huge }),
            "temperature", "-inf")
    refused(function() return anthropic.new({ timeout = 0 / 0 }) end, "timeout")
    refused(function() return anthropic.new({ timeout = math.huge }) end, "timeout")
    refused(function() return anthropic.new({ max_retries = 0 / 0 }) end, "max_retries")
    refused(function() return anthropic.new({ max_retries = math.huge }) end, "max_retries")
    refused(create(params("x"), { timeout = -math.huge }), "timeout")
    refused(create(params("x"), { max_retries = -1 }), "max_retries")
    still_works()
  end)

  it("sparse arrays and mixed keys", function()
    refused(create({ model = "m", max_tokens = 5, messages = { [1] = { role = "user", content = "a" }, [3] = {} } }),
            "messages", "sparse")
    refused(create({ model = "m", max_tokens = 5, messages = {}, stop_sequences = { [2 ^ 40] = "x" } }),
            "stop_sequences", "sparse")
    refused(create({ model = "m", max_tokens = 5, messages = { { role = "user", content = "a" }, extra = 1 } }),
            "messages", "mixed keys")
    still_works()
  end)

  it("keys that are not strings", function()
    refused(create({ model = "m", max_tokens = 5, messages = {}, metadata = { [true] = "x" } }), "metadata", "boolean")
    refused(create({ model = "m", max_tokens = 5, messages = {}, metadata = { [{}] = "x" } }), "metadata", "table")
    refused(create({ model = "m", max_tokens = 5, messages = {}, metadata = { [print] = "x" } }),
            "metadata", "function")
    refused(create({ model = "m", max_tokens = 5, messages = {}, metadata = { [1.5] = "x" } }), "metadata", "1.5")
    still_works()
  end)

  it("strings with invalid UTF-8, in values and in keys", function()
    for _, bad in ipairs({ "\255", "ab\192\128", "\237\160\128", "\244\144\128\128", "x\226\130" }) do
      refused(create(params(bad)), "messages[1].content", "invalid UTF-8")
    end
    refused(create({ model = "m", max_tokens = 5, messages = {}, metadata = { ["k\255"] = "v" } }),
            "metadata", "invalid UTF-8 in key")
    still_works()
  end)

  it("NUL bytes are valid JSON: sent escaped as \\u0000", function()
    local msg = assert(client.messages.create(params("a\0b")))
    assert.truthy(msg)
    local r = server:last_request()
    assert.truthy(r.body:find('"a\\u0000b"', 1, true), r.body)
    assert.is_nil(r.body:find("\0", 1, true))
    assert.equal("a\0b", r.json.messages[1].content)
  end)

  it("a 50 MB string: invalid UTF-8 at its end is refused before sending; a valid one is sent", function()
    local big = ("x"):rep(50 * 1024 * 1024)
    refused(create(params(big .. "\255")), "invalid UTF-8 at byte " .. (#big + 1))
    server:script({ status = 413,
                    json = { type = "error", error = { type = "request_too_large", message = "too big" } } })
    local msg, err = client.messages.create(params(big))
    assert.is_nil(msg)
    assert.equal("request_too_large", err.type)
    assert.equal(1, server:stats().requests)
    big = nil -- luacheck: ignore 311
    collectgarbage()
    still_works()
  end)

  it("nesting 10 000 deep", function()
    local deep = {}
    local t = deep
    for _ = 1, 10000 do
      t.a = {}
      t = t.a
    end
    refused(create({ model = "m", max_tokens = 5, messages = {}, metadata = deep }), "nesting deeper than")
    local list = {}
    t = list
    for _ = 1, 10000 do
      t[1] = {}
      t = t[1]
    end
    refused(create(params(list)), "nesting deeper than")
    still_works()
  end)

  it("an __index that raises is a Lua error of the call", function()
    local p = setmetatable({}, { __index = function(_, k) error("no field " .. tostring(k), 0) end })
    refused(create(p), "no field")
    still_works()
  end)

  it("CR, LF or NUL in the key, a token, the version, a header or base_url: refused, never injected", function()
    local evil = "\r\nx-injected: 1"
    local function new(opts) return function() return anthropic.new(opts) end end
    refused(new({ api_key = KEY .. evil }), "api_key")
    refused(new({ api_key = KEY .. "\0" }), "api_key")
    refused(new({ auth_token = "tok\n" }), "auth_token")
    refused(new({ api_key = KEY, anthropic_version = "2023-06-01" .. evil }), "anthropic_version")
    refused(new({ api_key = KEY, base_url = server.url .. evil }), "base_url")
    refused(new({ api_key = KEY, base_url = server.url .. "\0" }), "base_url")
    refused(new({ api_key = KEY, base_url = server.url .. "/ x" }), "base_url")
    refused(new({ api_key = KEY, proxy = server.url .. evil }), "proxy")
    refused(new({ api_key = KEY, ca_file = "/etc/ssl\0/x" }), "ca_file")
    refused(new({ api_key = KEY, default_headers = { ["x-a"] = "1" .. evil } }), "x-a", "CR, LF or NUL")
    refused(new({ api_key = KEY, default_headers = { ["x-a" .. evil] = "1" } }), "invalid header name")
    refused(new({ api_key = KEY, default_headers = { ["x-a:b"] = "1" } }), "invalid header name")
    refused(new({ api_key = KEY, default_headers = { [""] = "1" } }), "invalid header name")
    refused(new({ api_key = KEY, default_headers = { ["x-a"] = {} } }), "x-a")
    refused(create(params("x"), { headers = { ["x-b"] = "2\n" } }), "x-b", "CR, LF or NUL")
    refused(create(params("x"), { headers = { ["x-api-key"] = KEY .. evil } }), "x-api-key", "CR, LF or NUL")
    refused(create(params("x"), { headers = { ["x b"] = "2" } }), "invalid header name")
    refused(create(params("x"), { headers = { [1] = "x-c: 3" } }), "invalid header name")
    refused(create(params("x"), { betas = { "b1\r\nx-injected: 1" } }), "betas[1]")
    refused(create(params("x"), { betas = { {} } }), "betas[1]")
    -- the core checks again, whatever the Lua layer let through
    refused(function()
      return client.session:request({ method = "POST", url = server.url .. "/v1/messages",
                                      headers = { "x-d: 4\r\nx-injected: 1" } })
    end, "x-d", "CR, LF or NUL")
    refused(function() return client.session:request({ url = server.url .. "/\r\n" }) end, "url")
    refused(function() return client.session:request({ url = server.url, method = "GET /x" }) end, "method")
    still_works()
    -- what does get sent carries no injected header
    for _, r in ipairs(server:requests()) do assert.is_nil(r.headers["x-injected"]) end
  end)

  it("a header value with other bytes (tabs, UTF-8) is sent as is", function()
    assert(client.messages.create(params("x"), { headers = { ["x-note"] = "a\tb ü" } }))
    assert.equal("a\tb ü", server:last_request().headers["x-note"])
  end)

  describe("errors raised in callbacks", function()
    local function serve()
      server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" }, sse_raw = streams.text })
    end

    it("stream on_event: surfaces from the iterator, the stream ends, the client works", function()
      serve()
      local s = assert(client.messages.stream(params("x"), { on_event = function() error("boom event", 0) end }))
      local ok, e = pcall(s.next, s)
      assert.is_false(ok)
      assert.equal("boom event", e)
      assert.is_true(s:done())
      assert.equal("callback_error", s.error.type)
      still_works()
    end)

    it("stream on_event: after the error, the stream just ends", function()
      serve()
      local calls = 0
      local s = assert(client.messages.stream(params("x"), {
        on_event = function() calls = calls + 1; error("boom event", 0) end,
      }))
      assert.is_false(pcall(s.next, s))
      assert.is_nil(s:next())
      local msg, err = s:final_message()
      assert.is_nil(msg)
      assert.equal("callback_error", err.type)
      assert.equal(1, calls)
      still_works()
    end)

    it("stream on_done via client:poll: surfaces from poll, once", function()
      serve()
      local calls = 0
      local s = client.messages.stream_async(params("x"), {
        on_done = function() calls = calls + 1; error("boom done", 0) end,
      })
      local raised
      for _ = 1, 400 do
        local ok, e = pcall(client.poll, client, 20)
        if not ok then raised = e break end
        if s:done() and next(client.pending) == nil then break end
      end
      assert.equal("boom done", raised)
      assert.equal(1, calls)
      assert.equal(0, client:poll(0))
      assert.equal(1, calls)
      still_works()
    end)

    it("stream on_text inside s:text(): surfaces, the partial message stays", function()
      serve()
      local s = assert(client.messages.stream(params("x"), { on_text = function(d) error({ code = d }) end }))
      local ok, e = pcall(function() for _ in s:text() do end end)
      assert.is_false(ok)
      assert.equal("Hello", e.code) -- the error value itself, not a string
      assert.equal("msg_s1", s:current_message().id)
      still_works()
    end)

    it("request on_done: surfaces from wait, the request is done, the client works", function()
      local req = client.messages.create_async(params("x"))
      req:on_done(function() error("boom request", 0) end)
      local ok, e = pcall(req.wait, req)
      assert.is_false(ok)
      assert.equal("boom request", e)
      local msg = assert(req:wait())
      assert.equal("Hello from the fake server", anthropic.text(msg))
      assert.is_nil(client.pending[req])
      -- and on an already finished request, at once
      ok, e = pcall(req.on_done, req, function() error("late", 0) end)
      assert.is_false(ok)
      assert.equal("late", e)
      still_works()
    end)

    it("request on_done via client:poll", function()
      local req = client.messages.create_async(params("x"))
      req:on_done(function() error("boom poll", 0) end)
      local raised
      for _ = 1, 400 do
        local ok, e = pcall(client.poll, client, 20)
        if not ok then raised = e break end
        if req:done() then break end
      end
      assert.equal("boom poll", raised)
      assert.is_true(req:done())
      still_works()
    end)
  end)
end)
