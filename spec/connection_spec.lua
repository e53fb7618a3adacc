-- Connections are reused: a second request to the same host does not open a
-- new connection (counted at the server).
local anthropic = require("anthropic")
local fake = require("support.fake")
local core = require("anthropic.core")
local limit = require("support.timing")

describe("connection reuse", function()
  local server
  setup(function() server = fake.start() end)
  teardown(function() server:stop() end)
  before_each(function() server:reset() end)

  it("sends many requests of a client over one connection", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url })
    for _ = 1, 5 do
      assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    end
    local stats = server:stats()
    assert.equal(5, stats.requests)
    assert.equal(1, stats.connections)
  end)

  it("opens a new connection when the server closes one, and goes on", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url })
    server:script({ close = true, json = { type = "message", content = {} } })
    assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    assert.equal(2, server:stats().connections)
  end)

  it("closes a client: later calls raise, closing twice is fine", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url })
    assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    client:close()
    client:close()
    assert.has_error(function() client.messages.create({ model = "m", max_tokens = 1, messages = {} }) end)
  end)

  it("asks for compressed JSON answers and reads a gzip-encoded one", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url })
    local text = string.rep("zip ", 2000)
    server:script({ gzip = true,
                    json = { type = "message", id = "msg_gz", content = { { type = "text", text = text } } } })
    local msg = assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    assert.equal("msg_gz", msg.id)
    assert.equal(string.rep("zip ", 2000), msg.content[1].text)
    assert.matches("gzip", server:last_request().headers["accept-encoding"])
  end)

  it("sends a caller's own Accept-Encoding instead of its own, and still decodes the answer", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url,
                                   default_headers = { ["Accept-Encoding"] = "gzip" } })
    server:script({ gzip = true, json = { type = "message", id = "msg_own", content = {} } })
    assert.equal("msg_own", assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} })).id)
    local sent = {}
    for _, h in ipairs(server:last_request().header_list) do
      if h[1]:lower() == "accept-encoding" then sent[#sent + 1] = h[2] end
    end
    assert.same({ "gzip" }, sent)
  end)

  it("does not ask for compression on event streams", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url })
    local s = assert(client.messages.stream({ model = "m", max_tokens = 1, messages = {} }))
    s:close()
    assert.is_nil(server:last_request().headers["accept-encoding"])
  end)

  it("runs concurrent requests side by side on a server that does not multiplex (plain HTTP/1.1)", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url })
    server:script({ delay_ms = 300, times = 0 })
    local reqs = {}
    for i = 1, 8 do
      reqs[i] = client.messages.create_async({ model = "m" .. i, max_tokens = 1, messages = {} })
    end
    local t0 = core.now()
    while client:poll(20) > 0 do end
    local took = core.now() - t0
    for i = 1, 8 do
      local msg = assert(reqs[i]:wait())
      assert.equal("m" .. i, msg.model)
    end
    -- a connection each, none waiting for another's answer (that would be >= 600 ms)
    assert.equal(8, server:stats().connections)
    assert.truthy(took < limit(0.55), took)
    -- and the connections are reused afterwards
    for _ = 1, 3 do assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} })) end
    assert.equal(8, server:stats().connections)
  end)

  describe("the network thread", function()
    -- Runs code in a child Lua against the fake; returns its output and how long it took.
    local function child(code)
      local lua = os.getenv("ANTHROPIC_TEST_LUA")
        or (rawget(_G, "jit") and "luajit" or "lua" .. _VERSION:match("%d+%.%d+"))
      code = ('local anthropic = require("anthropic")\n' ..
        'local c = anthropic.new({ api_key = "sk-test", base_url = %q, max_retries = 0 })\n' ..
        'local P = { model = "m", max_tokens = 5,\n' ..
        '  messages = { { role = "user", content = "hi" } } }\n'):format(server.url) .. code
      local cmd = ("LUA_PATH='%s' LUA_CPATH='%s' %s -e '%s' 2>&1"):format(
        package.path, package.cpath, lua, code:gsub("'", "'\\''"))
      local t0 = core.now()
      local p = assert(io.popen(cmd))
      local out = p:read("*a")
      local ok = p:close()
      return out, core.now() - t0, ok
    end

    it("lets a Lua state close with transfers in flight (lua_close joins it)", function()
      server:script({ delay_ms = 3000, times = 0 })
      local out, took = child([[
        local reqs = {}
        for i = 1, 4 do reqs[i] = c.messages.create_async(P) end
        local s = c.messages.stream_async(P)
        c:poll(50)
        io.write("started")
        os.exit(0, true) -- closes the state: the session and its transfers are collected
      ]])
      assert.equal("started", out)
      assert.truthy(took < 2.5, took) -- did not wait for the answers
    end)

    it("lets a program end without closing its client, and a closed client's handles still answer", function()
      server:script({ delay_ms = 3000, times = 0 })
      local out = child([[
        local req = c.messages.create_async(P)
        local s = c.messages.stream_async(P)
        c:poll(20)
        c:close()
        c:close()
        io.write(tostring(req:done()), " ", tostring(s:done()))
      ]])
      assert.equal("false false", out)
      out = child([[
        local req = c.messages.create_async(P)
        c:poll(20)
        req = nil
        collectgarbage()
        collectgarbage()
        io.write("collected")
      ]])
      assert.equal("collected", out)
    end)

    for _, threaded in ipairs({ false, true }) do
      it(("cancels a transfer inside libcurl at once (%s)"):format(
           threaded and "t:close asks the network thread" or "no thread yet: t:close removes it itself"), function()
        server:script({ delay_ms = 3000 })
        local sess = core.session()
        if threaded then sess:perform(0) end
        local t = sess:request({ url = server.url .. "/v1/messages", method = "POST", body = "{}" })
        assert.is_false(t:wait(100))
        local t0 = core.now()
        t:close()
        assert.truthy(core.now() - t0 < 0.5)
        assert.equal("aborted", (t:error()))
        t:close()
        sess:close()
        assert.has_error(function() sess:request({ url = server.url }) end)
      end)
    end

    -- The threads of this process, where /proc tells (Linux).
    local function threads()
      local f = io.open("/proc/self/status")
      if not f then return nil end
      local n = tonumber(f:read("*a"):match("Threads:%s*(%d+)"))
      f:close()
      return n
    end

    it("starts no thread for blocking calls; the first background use starts it, close ends it", function()
      if not threads() then pending("no /proc/self/status here") return end
      -- (clients of earlier specs that were not closed end their threads when collected)
      collectgarbage()
      collectgarbage()
      local before = threads()
      local c = anthropic.new({ api_key = "sk-test", base_url = server.url, max_retries = 0 })
      assert(c.messages.create({ model = "m", max_tokens = 1, messages = {} }))
      local s = assert(c.messages.stream({ model = "m", max_tokens = 1, messages = {} }))
      s:final_message()
      assert.equal(before, threads()) -- the waits drove libcurl themselves
      local req = c.messages.create_async({ model = "m", max_tokens = 1, messages = {} })
      c:poll(0)
      assert.equal(before + 1, threads())
      assert(req:wait())
      assert(c.messages.create({ model = "m", max_tokens = 1, messages = {} })) -- now through the thread
      c:close()
      assert.equal(before, threads())
    end)

    it("lets a Lua state close in the middle of a blocking stream (no thread started)", function()
      local start = { type = "message_start", message = { content = {} } }
      server:script({ sse = { { event = "message_start", data = start }, { event = "ping", data = { type = "ping" } } },
                      chunk_delay_ms = 3000 })
      local out, took = child([[
        local s = assert(c.messages.stream(P))
        io.write("streaming")
        os.exit(0, true)
      ]])
      assert.equal("streaming", out)
      assert.truthy(took < 2.5, took)
    end)
  end)
end)

