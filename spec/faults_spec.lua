-- Faults against the local fake server: retried statuses and their delays,
-- x-should-retry, dead servers, connections cut mid-body and mid-event,
-- trickling bodies, broken 200s, a proxy's HTML page, huge bodies and
-- headers, proxies. Every case ends in its documented error (nothing lost)
-- and the client answers the next request.
local anthropic = require("anthropic")
local core = require("anthropic.core")
local fake = require("support.fake")
local streams = require("support.streams")

local KEY = "sk-ant-faults-0000"
local PARAMS = { model = "claude-sonnet-4-5", max_tokens = 64, messages = { { role = "user", content = "Hello" } } }


local function error_json(etype, message)
  return { type = "error", error = { type = etype, message = message } }
end

describe("faults", function()
  local server, client -- client: no retries; retrying: two, as by default

  setup(function()
    server = fake.start()
    client = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 0 })
  end)
  teardown(function() server:stop() end)
  before_each(function() server:reset() end)

  -- The client still answers: a fresh request gets the fake's default reply.
  local function still_works(c)
    server:reset()
    local msg, err = (c or client).messages.create(PARAMS)
    assert.is_nil(err)
    assert.equal("Hello from the fake server", anthropic.text(msg))
    assert.equal(1, #server:requests())
  end

  local function retry_counts()
    local out = {}
    for i, r in ipairs(server:requests()) do out[i] = r.headers["x-stainless-retry-count"] end
    return out
  end

  describe("retries", function()
    it("529 twice then 200: succeeds on the third attempt after the back-off", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url }) -- max_retries: default 2
      server:script({ status = 529, json = error_json("overloaded_error", "busy"), times = 2 })
      local t0 = core.now()
      local msg, err = c.messages.create(PARAMS)
      local took = core.now() - t0
      assert.is_nil(err)
      assert.equal("Hello from the fake server", anthropic.text(msg))
      assert.equal(3, anthropic.response_of(msg).attempts)
      assert.same({ "0", "1", "2" }, retry_counts())
      -- 0.5 s then 1 s, each less at most 25 %
      assert.truthy(took >= 1.1, took)
      still_works(c)
    end)

    it("529 three times: fails after 3 attempts, with the last answer kept", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url })
      server:script({ status = 529, headers = { ["retry-after-ms"] = "10", ["request-id"] = "req_busy" },
                      json = error_json("overloaded_error", "busy"), times = 3 })
      local msg, err = c.messages.create(PARAMS)
      assert.is_nil(msg)
      assert.equal("overloaded_error", err.type)
      assert.equal(529, err.status)
      assert.equal("busy", err.message)
      assert.equal("req_busy", err.request_id)
      assert.equal(3, err.attempts)
      assert.is_true(err.retryable)
      assert.truthy(tostring(err):find("after 3 attempts", 1, true), tostring(err))
      assert.equal(3, #server:requests())
      still_works(c)
    end)

    it("429 with retry-after-ms waits at least that long", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 1 })
      server:script({ status = 429, headers = { ["retry-after-ms"] = "300" },
                      json = error_json("rate_limit_error", "slow down") })
      local msg = assert(c.messages.create(PARAMS))
      assert.equal(2, anthropic.response_of(msg).attempts)
      local reqs = server:requests()
      assert.equal(2, #reqs)
      assert.truthy(reqs[2].time - reqs[1].time >= 0.28, reqs[2].time - reqs[1].time)
      assert.same({ "0", "1" }, retry_counts())
      still_works(c)
    end)

    it("429 with retry-after in seconds (and max_retries per request)", function()
      server:script({ status = 429, headers = { ["retry-after"] = "1" },
                      json = error_json("rate_limit_error", "slow down") })
      local msg = assert(client.messages.create(PARAMS, { max_retries = 1 }))
      local reqs = server:requests()
      assert.equal(2, #reqs)
      assert.equal(2, anthropic.response_of(msg).attempts)
      assert.truthy(reqs[2].time - reqs[1].time >= 0.9, reqs[2].time - reqs[1].time)
      still_works()
    end)

    it("408 and 409 are retried", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 3 })
      server:script({ { status = 408, headers = { ["retry-after-ms"] = "1" }, body = "" },
                      { status = 409, headers = { ["retry-after-ms"] = "1" },
                        json = error_json("conflict_error", "x") } })
      assert(c.messages.create(PARAMS))
      assert.equal(3, #server:requests())
    end)

    it("401 is not retried", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 5 })
      server:script({ status = 401, json = error_json("authentication_error", "invalid x-api-key") })
      local msg, err = c.messages.create(PARAMS)
      assert.is_nil(msg)
      assert.equal("authentication_error", err.type)
      assert.equal(401, err.status)
      assert.equal("invalid x-api-key", err.message)
      assert.equal(1, err.attempts)
      assert.is_false(err.retryable)
      assert.equal(1, #server:requests())
      still_works(c)
    end)

    it("x-should-retry: false on a 500 is not retried", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 5 })
      server:script({ status = 500, headers = { ["x-should-retry"] = "false" }, json = error_json("api_error", "no") })
      local _, err = c.messages.create(PARAMS)
      assert.equal("api_error", err.type)
      assert.equal(1, err.attempts)
      assert.is_false(err.retryable)
      assert.equal(1, #server:requests())
      still_works(c)
    end)

    it("x-should-retry: true on a 400 is retried", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 1 })
      server:script({ status = 400, headers = { ["x-should-retry"] = "true", ["retry-after-ms"] = "5" },
                      json = error_json("invalid_request_error", "try again") })
      assert(c.messages.create(PARAMS))
      assert.equal(2, #server:requests())
    end)

    it("count_tokens and async requests retry too", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 1 })
      server:script({ { status = 503, headers = { ["retry-after-ms"] = "5" }, body = "unavailable" },
                      { json = { input_tokens = 9 } } })
      assert.equal(9, assert(c.messages.count_tokens(PARAMS)).input_tokens)
      server:reset()
      server:script({ status = 529, headers = { ["retry-after-ms"] = "5" },
                      json = error_json("overloaded_error", "busy") })
      local req = c.messages.create_async(PARAMS)
      local msg = assert(req:wait())
      assert.equal(2, anthropic.response_of(msg).attempts)
      assert.same({ "0", "1" }, retry_counts())
    end)
  end)

  describe("transport", function()
    it("connection refused: a connection_error after every attempt", function()
      local c = anthropic.new({ api_key = KEY, base_url = fake.dead_url(), max_retries = 1 })
      local t0 = core.now()
      local msg, err = c.messages.create(PARAMS)
      assert.is_nil(msg)
      assert.equal("connection_error", err.type)
      assert.equal(0, err.status)
      assert.equal(2, err.attempts)
      assert.is_true(err.retryable)
      assert.truthy(err.message ~= "")
      assert.truthy(core.now() - t0 >= 0.35)
      -- the same client fails the same way again (no crash, no stale state)
      local _, again = c.messages.create(PARAMS, { max_retries = 0 })
      assert.equal("connection_error", again.type)
      assert.equal(1, again.attempts)
      still_works()
    end)

    it("the server closes the socket mid-body: a connection_error, then a retry succeeds", function()
      server:script({ body_bytes = 4000, drop_after_bytes = 1000 })
      local msg, err = client.messages.create(PARAMS)
      assert.is_nil(msg)
      assert.equal("connection_error", err.type)
      assert.is_true(err.retryable)
      assert.equal(1, err.attempts)
      still_works()
      -- with a TCP reset, and with a retry
      server:reset()
      server:script({ body_bytes = 4000, drop_after_bytes = 1000, rst = true })
      msg = assert(client.messages.create(PARAMS, { max_retries = 1 }))
      assert.equal(2, anthropic.response_of(msg).attempts)
      still_works()
    end)

    it("the server hangs up without answering", function()
      -- On a reused connection libcurl itself resends once (the server may
      -- have closed an idle connection); a second hang-up is an error.
      server:script({ hangup = true, times = 2 })
      local _, err = client.messages.create(PARAMS)
      assert.equal("connection_error", err.type)
      assert.equal(1, err.attempts)
      assert.truthy(#server:requests() <= 2)
      still_works()
    end)

    it("a body trickling a byte every 100 ms runs into the total timeout", function()
      server:script({ body_bytes = 400, chunk_sizes = { 1 }, chunk_delay_ms = 100 })
      local t0 = core.now()
      local msg, err = client.messages.create(PARAMS, { timeout = 0.8 })
      local took = core.now() - t0
      assert.is_nil(msg)
      assert.equal("timeout_error", err.type)
      assert.is_true(err.retryable)
      assert.truthy(took >= 0.7 and took < 5, took)
      still_works()
    end)

    it("a stream trickling a byte every 100 ms is not idle: it completes past the idle timeout", function()
      local tail = 15
      local sizes = { #streams.text - tail }
      for i = 1, tail do sizes[i + 1] = 1 end
      server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" }, sse_raw = streams.text,
                      chunk_sizes = sizes, chunk_delay_ms = 100 })
      local t0 = core.now()
      local s = assert(client.messages.stream(PARAMS, { stream_idle_timeout = 0.6 }))
      local msg, err = s:final_message()
      assert.is_nil(err)
      assert.equal("Hello, wörld ✓!", anthropic.text(msg))
      assert.truthy(core.now() - t0 > 0.6)
      still_works()
    end)

    -- Streams are retried until their first event, after the headers too.
    it("a stream whose first event never comes is retried on the idle timeout", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 1 })
      server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" },
                      sse_raw = streams.text, chunk_sizes = { 10 }, chunk_delay_ms = 1500 })
      server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" }, sse_raw = streams.text })
      local s = assert(c.messages.stream(PARAMS, { stream_idle_timeout = 0.5 }))
      local msg = assert(s:final_message())
      assert.equal("Hello, wörld ✓!", anthropic.text(msg))
      assert.equal(2, #server:requests())
      assert.same({ "0", "1" }, retry_counts())
      still_works(c)
    end)
  end)

  describe("streams cut", function()
    local function sse(extra)
      local r = { status = 200, headers = { ["content-type"] = "text/event-stream" }, sse_raw = streams.text }
      for k, v in pairs(extra or {}) do r[k] = v end
      return r
    end

    it("a reset mid-event after the first events: incomplete_stream, not retried, partial kept", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 2 })
      local cut = streams.text:find("event: content_block_delta", 1, true) + 20
      server:script(sse({ drop_after_bytes = cut, rst = true }))
      local s = assert(c.messages.stream(PARAMS))
      local msg, err = s:final_message()
      assert.is_nil(msg)
      assert.equal("incomplete_stream", err.type)
      assert.equal(200, err.status)
      assert.equal("req_fake_1", err.request_id)
      local partial = s:current_message()
      assert.equal("msg_s1", partial.id)
      assert.equal(1, #server:requests()) -- streams are never retried after their first event
      still_works(c)
    end)

    it("a hang-up before the stream starts is retried", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 1 })
      server:script({ hangup = true }) -- a fresh client: a new connection, never resent by libcurl
      server:script(sse())
      local s = assert(c.messages.stream(PARAMS))
      local msg = assert(s:final_message())
      assert.equal("Hello, wörld ✓!", anthropic.text(msg))
      assert.equal("1", server:last_request().headers["x-stainless-retry-count"])
      still_works(c)
    end)

    it("a cut after the headers, before the first event, is retried", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 1 })
      server:script(sse({ chunk_sizes = { 5 }, chunk_delay_ms = 300, drop_after_bytes = 10 }))
      server:script(sse())
      local s = assert(c.messages.stream(PARAMS))
      local msg = assert(s:final_message())
      assert.equal("Hello, wörld ✓!", anthropic.text(msg))
      assert.equal(2, #server:requests())
      still_works(c)
    end)

    it("a 529 before the stream starts: nil, err after every attempt", function()
      local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 2 })
      server:script({ status = 529, headers = { ["retry-after-ms"] = "5" },
                      json = error_json("overloaded_error", "busy"), times = 3 })
      local s, err = c.messages.stream(PARAMS)
      assert.is_nil(s)
      assert.equal("overloaded_error", err.type)
      assert.equal(3, err.attempts)
      assert.same({ "0", "1", "2" }, retry_counts())
      still_works(c)
    end)
  end)

  describe("broken answers", function()
    local function broken(script, check)
      server:script(script)
      local msg, err = client.messages.create(PARAMS)
      assert.is_nil(msg)
      assert.equal("api_response_error", err.type)
      assert.equal(200, err.status)
      assert.equal(1, err.attempts)
      assert.is_false(err.retryable)
      assert.equal("req_fake_1", err.request_id)
      assert.is_nil(tostring(err):find("\n"))
      if check then check(err) end
      still_works()
    end

    it("a 200 with malformed JSON keeps the raw body", function()
      local raw = '{"id":"msg_1","content":[{"type":"text","text":"cut'
      broken({ body = raw, content_type = "application/json" }, function(err)
        assert.equal(raw, err.body)
      end)
    end)

    it("a 200 whose JSON is not an object", function()
      broken({ body = "[1,2,3]", content_type = "application/json" })
      server:reset()
      broken({ body = '"a string"', content_type = "application/json" })
    end)

    it("a 200 with an empty body", function()
      broken({ body = "" }, function(err)
        assert.truthy(err.message:find("empty", 1, true), err.message)
      end)
    end)

    it("a 200 nested 100 000 deep is refused without overflowing the C stack", function()
      broken({ body = ("["):rep(100000) .. ("]"):rep(100000), content_type = "application/json" })
    end)

    it("a proxy's HTML 502, retried, then reported with its snippet", function()
      local html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body></html>\r\n"
      local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 1 })
      server:script({ status = 502, headers = { ["content-type"] = "text/html", ["retry-after-ms"] = "5" },
                      body = html, times = 2 })
      local msg, err = c.messages.create(PARAMS)
      assert.is_nil(msg)
      assert.equal("api_error", err.type)
      assert.equal(502, err.status)
      assert.equal(html, err.body)
      assert.equal(2, err.attempts)
      assert.truthy(err.message:find("502 Bad Gateway", 1, true), err.message)
      assert.truthy(tostring(err):find("after 2 attempts", 1, true))
      assert.is_nil(tostring(err):find("[\r\n]"))
      still_works(c)
    end)
  end)

  describe("sizes", function()
    it("a 30 MB response arrives whole", function()
      local size = 30 * 1024 * 1024
      server:script({ body_bytes = size })
      local msg = assert(client.messages.create(PARAMS))
      local text = anthropic.text(msg)
      assert.truthy(#text > size - 400, #text)
      assert.equal(("x"):rep(64), text:sub(1, 64))
      assert.is_nil(text:find("[^x]"))
      msg, text = nil, nil -- luacheck: ignore 311
      collectgarbage()
      still_works()
    end)

    it("a 60 KB header is kept; a 2 MB one fails cleanly", function()
      server:script({ header_bytes = 60000 })
      local msg = assert(client.messages.create(PARAMS))
      assert.equal(60000, #anthropic.response_of(msg).headers["x-huge"])
      server:reset()
      server:script({ header_bytes = 2 * 1024 * 1024 })
      local _, err = client.messages.create(PARAMS)
      assert.equal("connection_error", err.type)
      assert.equal(1, err.attempts)
      still_works()
    end)
  end)

  describe("proxies", function()
    it("sends through the proxy option: an absolute-form request to the proxy", function()
      local c = anthropic.new({ api_key = KEY, base_url = "http://api.proxied.invalid", proxy = server.url,
                                max_retries = 0 })
      local msg = assert(c.messages.create(PARAMS))
      assert.equal("Hello from the fake server", anthropic.text(msg))
      local r = server:last_request()
      assert.equal("http://api.proxied.invalid/v1/messages", r.path)
      assert.equal("api.proxied.invalid", r.headers["host"])
      assert.equal(KEY, r.headers["x-api-key"])
    end)

    it("tunnels https through the proxy option with CONNECT", function()
      server:script({ status = 403, body = "", match = { method = "CONNECT" } })
      local c = anthropic.new({ api_key = KEY, base_url = "https://api.proxied.invalid", proxy = server.url,
                                max_retries = 0 })
      local msg, err = c.messages.create(PARAMS)
      assert.is_nil(msg)
      assert.equal("connection_error", err.type)
      local r = server:last_request()
      assert.equal("CONNECT", r.method)
      assert.equal("api.proxied.invalid:443", r.path)
      assert.is_nil(r.headers["x-api-key"]) -- the key only travels inside the tunnel
    end)

    -- A child Lua with only the given proxy variables set.
    local function child(env, base_url)
      local lua = os.getenv("ANTHROPIC_TEST_LUA")
        or (rawget(_G, "jit") and "luajit" or "lua" .. _VERSION:match("%d+%.%d+"))
      local code = ([[
        local anthropic = require("anthropic")
        local c = anthropic.new({ api_key = %q, base_url = %q, max_retries = 0 })
        local msg, err = c.messages.create({ model = "m", max_tokens = 5,
                                             messages = { { role = "user", content = "hi" } } })
        io.write(msg and "ok " .. anthropic.text(msg) or "err " .. err.type)
      ]]):format(KEY, base_url)
      local vars = {}
      for _, name in ipairs({ "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                              "no_proxy", "NO_PROXY" }) do
        vars[#vars + 1] = ("%s=%s"):format(name, "'" .. (env[name] or ""):gsub("'", "'\\''") .. "'")
      end
      local cmd = ("env %s LUA_PATH='%s' LUA_CPATH='%s' %s -e '%s' 2>&1"):format(
        table.concat(vars, " "), package.path, package.cpath, lua, code:gsub("'", "'\\''"))
      local p = assert(io.popen(cmd))
      local out = p:read("*a")
      p:close()
      return out
    end

    it("honours http_proxy from the environment (libcurl's handling)", function()
      local out = child({ http_proxy = server.url }, "http://env.proxied.invalid")
      assert.equal("ok Hello from the fake server", out)
      assert.equal("http://env.proxied.invalid/v1/messages", server:last_request().path)
    end)

    it("honours HTTPS_PROXY for https URLs", function()
      server:script({ status = 403, body = "", match = { method = "CONNECT" } })
      local out = child({ HTTPS_PROXY = server.url }, "https://env.proxied.invalid")
      assert.equal("err connection_error", out)
      local r = server:last_request()
      assert.equal("CONNECT", r.method)
      assert.equal("env.proxied.invalid:443", r.path)
    end)

    it("goes direct when no proxy variable is set, or only empty ones (read when the client is made)", function()
      local out = child({}, server.url)
      assert.equal("ok Hello from the fake server", out)
      assert.equal("/v1/messages", server:last_request().path)
    end)

    it("honours no_proxy", function()
      local out = child({ http_proxy = "http://127.0.0.1:9", no_proxy = "127.0.0.1" }, server.url)
      assert.equal("ok Hello from the fake server", out)
      assert.equal("/v1/messages", server:last_request().path)
    end)
  end)
end)
