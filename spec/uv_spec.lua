-- anthropic.uv: a client driven by a libuv loop (luv here, vim.loop inside
-- Neovim) through the one descriptor its network thread signals. The loop must keep ticking while a
-- stream is delivered; concurrent requests overlap; idle timeouts still fire;
-- errors in callbacks are reported without stopping the driver.
local anthropic = require("anthropic")
local nvim = require("support.nvim")
local limit = require("support.timing")
local fake = require("support.fake")
local streams = require("support.streams")

local has_luv, uv = pcall(require, "luv")

local PARAMS = { model = "claude-sonnet-4-5", max_tokens = 64,
                 messages = { { role = "user", content = "Hello" } } }

local SSE = { ["content-type"] = "text/event-stream" }

local function ms_since(t0)
  return (uv.hrtime() - t0) / 1e6
end

-- Runs the loop until cond() or limit_ms; returns the ms it took.
local function run_until(cond, limit_ms)
  local t0 = uv.hrtime()
  while not cond() and ms_since(t0) < (limit_ms or 5000) do uv.run("once") end
  return ms_since(t0)
end

-- A repeating 5 ms timer recording the largest gap between two ticks.
local function ticker()
  local tk = { ticks = 0, max_gap = 0 }
  local timer = uv.new_timer()
  local last
  timer:start(5, 5, function()
    local now = uv.hrtime()
    if last then tk.max_gap = math.max(tk.max_gap, (now - last) / 1e6) end
    last = now
    tk.ticks = tk.ticks + 1
  end)
  function tk.stop()
    timer:stop()
    timer:close()
  end
  return tk
end

describe("anthropic.uv", function()
  if not has_luv then
    it("needs luv", function() pending("luv is not installed for " .. _VERSION) end)
    return
  end

  local server, client, driver, errors_seen

  setup(function()
    server = fake.start()
  end)
  teardown(function() server:stop() end)

  before_each(function()
    server:reset()
    errors_seen = {}
    client = anthropic.new({ api_key = "sk-test", base_url = server.url, max_retries = 0 })
    driver = require("anthropic.uv").attach(client, uv, {
      on_error = function(err) errors_seen[#errors_seen + 1] = tostring(err) end,
    })
  end)

  after_each(function()
    driver:detach()
    client:close()
    uv.run("nowait") -- lets the closed handles go
  end)

  describe("the session's descriptor", function()
    it("turns readable when the network thread got a transfer somewhere; ack empties it", function()
      driver:detach()
      local sess = client.session
      local fd = sess:fd()
      assert.is_number(fd)
      assert.equal(0, sess:ack())
      local req = client.messages.create_async(PARAMS)
      -- a C host's loop: poll(2) the one descriptor, then ack and dispatch
      local poll = uv.new_poll(fd)
      local woke = 0
      poll:start("r", function()
        woke = woke + 1
        sess:ack()
        client:dispatch()
      end)
      run_until(function() return req:done() end)
      poll:stop()
      poll:close()
      assert.truthy(woke >= 1)
      local msg = assert(req:poll())
      assert.equal("msg_fake", msg.id)
      assert.equal(0, sess:ack())
      assert.is_true(sess:is_open())
      client:close()
      assert.is_false(sess:is_open())
      assert.has_error(function() sess:fd() end)
    end)
  end)

  it("streams while a 5 ms timer keeps ticking", function()
    server:script({ status = 200, headers = SSE, sse_raw = streams.text, chunk_sizes = { 20 }, chunk_delay_ms = 5 })
    local tk = ticker()
    local text, done = {}, nil
    client.messages.stream_async(PARAMS, {
      on_text = function(delta) text[#text + 1] = delta end,
      on_done = function(msg, err) done = { msg = msg, err = err } end,
    })
    local took = run_until(function() return done end, 10000)
    tk.stop()
    print(("\n  uv stream: %d chunks in %.0f ms, %d ticks, max tick gap %.2f ms"):format(
      math.ceil(#streams.text / 20), took, tk.ticks, tk.max_gap))
    assert.truthy(done, "the stream did not finish")
    assert.is_nil(done.err)
    assert.equal("Hello, wörld ✓!", table.concat(text))
    assert.equal("end_turn", done.msg.stop_reason)
    assert.truthy(tk.ticks >= math.floor(took / 5) / 2, "the timer did not keep ticking")
    assert.truthy(tk.max_gap < limit(20), ("max gap %.2f ms"):format(tk.max_gap))
    assert.same({}, errors_seen)
  end)

  it("runs 16 delayed requests concurrently", function()
    server:script({ delay_ms = 200, times = 16 })
    local reqs, finished = {}, 0
    for i = 1, 16 do
      reqs[i] = client.messages.create_async(PARAMS)
      reqs[i]:on_done(function() finished = finished + 1 end)
    end
    local took = run_until(function() return finished == 16 end, 5000)
    print(("\n  uv: 16 requests of 200 ms each in %.0f ms of loop time"):format(took))
    assert.equal(16, finished)
    for i = 1, 16 do
      local msg, err = reqs[i]:poll()
      assert.is_nil(err)
      assert.equal("msg_fake", msg.id)
    end
    assert.truthy(took < 1000, ("took %.0f ms"):format(took))
  end)

  it("fires a stream idle timeout in socket mode", function()
    client.stream_idle_timeout = 0.2
    -- The first 300 bytes at once, then nothing for 3 s.
    server:script({ status = 200, headers = SSE, sse_raw = streams.text, chunk_sizes = { 300 },
                    chunk_delay_ms = 3000 })
    local done
    client.messages.stream_async(PARAMS, { on_done = function(msg, err) done = { msg = msg, err = err } end })
    local took = run_until(function() return done end, 6000)
    assert.truthy(done, "no outcome")
    assert.is_nil(done.msg)
    assert.equal("timeout_error", done.err.type)
    assert.equal("idle_timeout", done.err.reason)
    assert.truthy(took >= 150 and took < 1500, ("took %.0f ms"):format(took))
  end)

  it("reports an error raised by a callback and keeps working", function()
    server:script({ status = 200, headers = SSE, sse_raw = streams.text })
    local outcome
    client.messages.stream_async(PARAMS, {
      on_text = function() error("boom in on_text") end,
      on_done = function(msg, err) outcome = { msg = msg, err = err } end,
    })
    run_until(function() return outcome end, 5000)
    assert.truthy(outcome)
    assert.is_nil(outcome.msg)
    assert.equal(1, #errors_seen)
    assert.truthy(errors_seen[1]:find("boom in on_text", 1, true), errors_seen[1])
    local req = client.messages.create_async(PARAMS)
    run_until(function() return req:done() end, 5000)
    assert.equal("msg_fake", assert(req:poll()).id)
  end)

  it("reports to stderr when no on_error is given", function()
    driver:detach()
    driver = require("anthropic.uv").attach(client, uv, { traceback = true })
    local stderr = io.stderr
    local written = {}
    io.stderr = { write = function(_, ...) for _, s in ipairs({ ... }) do written[#written + 1] = s end end } -- luacheck: ignore
    local ok, err = pcall(function()
      local req = client.messages.create_async(PARAMS)
      req:on_done(function() error("boom in on_done") end)
      run_until(function() return req:done() end, 5000)
      run_until(function() return #written > 0 end, 500)
    end)
    io.stderr = stderr -- luacheck: ignore
    assert(ok, err)
    local text = table.concat(written)
    assert.truthy(text:find("anthropic.uv: ", 1, true), text)
    assert.truthy(text:find("boom in on_done", 1, true), text)
    assert.truthy(text:find("stack traceback", 1, true), text)
  end)

  it("dispatches through opts.schedule when given", function()
    driver:detach()
    local scheduled = 0
    driver = require("anthropic.uv").attach(client, uv, { schedule = function(fn)
      scheduled = scheduled + 1
      local t = uv.new_timer()
      t:start(0, 0, function() t:close(); fn() end)
    end })
    local got
    local req = client.messages.create_async(PARAMS)
    req:on_done(function(msg) got = msg end)
    run_until(function() return got end, 5000)
    assert.equal("msg_fake", got and got.id)
    assert.truthy(scheduled > 0)
  end)

  it("lets blocking calls work on a driven client", function()
    server:script({ delay_ms = 50 })
    local msg = assert(client.messages.create(PARAMS))
    assert.equal("msg_fake", msg.id)
    local s = assert(client.messages.stream((function()
      server:script({ status = 200, headers = SSE, sse_raw = streams.text, chunk_sizes = { 50 } })
      return PARAMS
    end)()))
    local m = assert(s:final_message())
    assert.equal("Hello, wörld ✓!", m.content[1].text)
    -- The loop still drives async work afterwards.
    local req = client.messages.create_async(PARAMS)
    run_until(function() return req:done() end, 5000)
    assert.equal("msg_fake", assert(req:poll()).id)
  end)

  it("adopts transfers already under way when attached", function()
    driver:detach()
    local c2 = anthropic.new({ api_key = "sk-test", base_url = server.url, max_retries = 0 })
    server:script({ delay_ms = 300 })
    local req = c2.messages.create_async(PARAMS)
    for _ = 1, 20 do c2:poll(5) end -- sends it, in perform mode
    assert.is_false(req:done())
    local d2 = require("anthropic.uv").attach(c2, uv)
    assert.equal(d2, c2.driver)
    local took = run_until(function() return req:done() end, 3000)
    assert.truthy(req:done(), "not done after " .. took .. " ms")
    assert.equal("msg_fake", assert(req:poll()).id)
    d2:detach()
    c2:close()
  end)

  it("lets uv.run() return once the work is done, and detach clears client.driver", function()
    local req = client.messages.create_async(PARAMS)
    local t0 = uv.hrtime()
    uv.run() -- returns when no handle is left active
    assert.is_true(req:done())
    assert.truthy(ms_since(t0) < limit(2000))
    assert.equal(driver, client.driver)
    driver:detach()
    assert.is_nil(client.driver)
    -- Detached: blocking calls still work (poll(2) in socket mode).
    assert.equal("msg_fake", assert(client.messages.create(PARAMS)).id)
    driver = require("anthropic.uv").attach(client, uv)
    local r2 = client.messages.create_async(PARAMS)
    run_until(function() return r2:done() end, 3000)
    assert.equal("msg_fake", assert(r2:poll()).id)
  end)

  it("detaches by itself when the client is closed mid-request", function()
    server:script({ delay_ms = 3000 })
    local req = client.messages.create_async(PARAMS)
    local closer = uv.new_timer()
    closer:start(100, 0, function() closer:close(); client:close() end)
    local t0 = uv.hrtime()
    uv.run() -- must not hang on the handles of closed sockets
    assert.truthy(ms_since(t0) < 1500, ("took %.0f ms"):format(ms_since(t0)))
    assert.is_nil(client.driver)
    assert.is_false(req:done())
  end)

  it("streams a long response inside nvim --headless with vim.loop and vim.json", function()
    if not nvim.available() then return pending(nvim.missing) end
    local N = 3000
    local events = {
      { "message_start", [[{"type":"message_start","message":{"id":"msg_long","type":"message",]] ..
        [["role":"assistant","content":[],"model":"m","stop_reason":null,"stop_sequence":null,]] ..
        [["usage":{"input_tokens":5,"output_tokens":1}}}]] },
      { "content_block_start", [[{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}]] },
    }
    local expected = 0
    for i = 1, N do
      local piece = ("w%d "):format(i)
      expected = expected + #piece
      events[#events + 1] = { "content_block_delta",
        ([[{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"%s"}}]]):format(piece) }
    end
    events[#events + 1] = { "content_block_stop", [[{"type":"content_block_stop","index":0}]] }
    events[#events + 1] = { "message_delta", [[{"type":"message_delta","delta":{"stop_reason":"end_turn",]] ..
                            [["stop_sequence":null},"usage":{"output_tokens":3000}}]] }
    events[#events + 1] = { "message_stop", [[{"type":"message_stop"}]] }
    local raw = {}
    for i, e in ipairs(events) do raw[i] = "event: " .. e[1] .. "\ndata: " .. e[2] .. "\n\n" end
    raw = table.concat(raw)
    server:script({ status = 200, headers = SSE, sse_raw = raw, chunk_sizes = { 1500 }, chunk_delay_ms = 2 })
    local result, log = nvim.run("nvim_uv", { ANTH_FAKE_URL = server.url })
    local len, gap, took, ticks = result:match("^ok (%d+) ([%d.]+) ([%d.]+) (%d+)$")
    assert.truthy(len, result .. "\n" .. log)
    print(("\n  nvim: %d bytes of text in %d deltas (%d of SSE) in %s ms, %s ticks, max tick gap %s ms"):format(
      tonumber(len), N, #raw, took, ticks, gap))
    assert.equal(expected, tonumber(len))
    assert.truthy(tonumber(gap) < limit(20), "max gap " .. gap .. " ms")
  end)
end)
