-- Many requests in flight from one thread: create_async with poll and wait,
-- client:poll, stream_async with callbacks, and coroutines.
local anthropic = require("anthropic")
local limit = require("support.timing")
local core = require("anthropic.core")
local harness = require("support.harness")
local streams = require("support.streams")

local PARAMS = { model = "m", max_tokens = 5, messages = { { role = "user", content = "hi" } } }

describe("non-blocking requests", function()
  local server, client
  harness.fake_api({ api_key = "sk-test" }, function(s, c) server, client = s, c end)

  it("create_async returns at once; poll never blocks; wait returns the message", function()
    server:script({ delay_ms = 300, json = { type = "message", content = { { type = "text", text = "late" } } } })
    local t0 = core.now()
    local req = client.messages.create_async(PARAMS)
    assert.truthy(core.now() - t0 < limit(0.1))
    local t1 = core.now()
    assert.is_nil(req:poll())
    assert.truthy(core.now() - t1 < limit(0.05))
    assert.is_false(req:done())
    local msg = assert(req:wait())
    assert.equal("late", anthropic.text(msg))
    assert.equal(msg, req:poll())
    assert.equal(200, anthropic.response_of(msg).status)
  end)

  it("runs 64 requests in flight from one thread, each answered after 200 ms, well under a second", function()
    server:script({ delay_ms = 200, times = 64, json = { type = "message", content = {} } })
    local c = anthropic.new({ api_key = "sk-test", base_url = server.url, max_retries = 0 })
    local t0 = core.now()
    local reqs, done = {}, 0
    for i = 1, 64 do
      reqs[i] = c.messages.create_async(PARAMS)
      reqs[i]:on_done(function(msg) if msg then done = done + 1 end end)
    end
    while c:poll(50) > 0 do end
    local elapsed = core.now() - t0
    assert.equal(64, done)
    print(("\n  64 requests in flight at 200 ms: %.0f ms"):format(elapsed * 1000))
    assert.truthy(elapsed < limit(1.0), elapsed)
  end)

  it("retries without blocking", function()
    local c = anthropic.new({ api_key = "sk-test", base_url = server.url, max_retries = 2 })
    server:script({ status = 529, headers = { ["retry-after-ms"] = "100" },
                    json = { type = "error", error = { type = "overloaded_error", message = "busy" } } })
    local req = c.messages.create_async(PARAMS)
    local polls = 0
    while not req:done() do
      polls = polls + 1
      local t0 = core.now()
      req:poll()
      assert.truthy(core.now() - t0 < limit(0.05))
      core.sleep(0.005)
    end
    assert(req:poll())
    assert.equal(2, #server:requests())
    assert.truthy(polls > 5)
  end)

  it("reports failures through poll, wait and on_done", function()
    server:script({ status = 401,
                    json = { type = "error", error = { type = "authentication_error", message = "no" } } })
    local req = client.messages.create_async(PARAMS)
    local seen
    req:on_done(function(_, err) seen = err end)
    local msg, err = req:wait()
    assert.is_nil(msg)
    assert.equal("authentication_error", err.type)
    assert.equal(err, seen)
  end)

  it("stream_async with callbacks, driven by client:poll", function()
    server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" },
                    sse_raw = streams.text, chunk_sizes = { 16 }, chunk_delay_ms = 2 })
    local text, final = {}, nil
    local s = client.messages.stream_async(PARAMS, {
      on_text = function(delta) text[#text + 1] = delta end,
      on_done = function(msg, err) final = msg or err end,
    })
    assert.truthy(s)
    while client:poll(20) > 0 do end
    assert.equal("Hello, wörld ✓!", table.concat(text))
    assert.equal("Hello, wörld ✓!", anthropic.text(final))
  end)

  it("stream_async: on_text closing its stream gets no further deltas; on_event sees every event", function()
    server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" }, sse_raw = streams.text })
    local texts, ended = 0, nil
    local s
    s = client.messages.stream_async(PARAMS, {
      on_text = function() texts = texts + 1; s:close() end,
      on_done = function(_, err) ended = err end,
    })
    while client:poll(20) > 0 do end
    assert.equal(1, texts)
    assert.equal("aborted", ended.type)
    -- with on_event, the deltas come as event tables (not by the fast path)
    server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" }, sse_raw = streams.text })
    local kinds, text = {}, {}
    client.messages.stream_async(PARAMS, {
      on_event = function(e) kinds[e.type] = (kinds[e.type] or 0) + 1 end,
      on_text = function(d) text[#text + 1] = d end,
    })
    while client:poll(20) > 0 do end
    assert.equal(#text, kinds.content_block_delta)
    assert.equal("Hello, wörld ✓!", table.concat(text))
    assert.equal(1, kinds.message_stop)
  end)

  it("dispatch takes turns: callbacks slower than its budget starve no stream", function()
    local head = streams.text:match("^(.-)event: content_block_delta")
    local tail = streams.text:match("\n\n(event: content_block_stop.*)$")
    local delta = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,' ..
      '"delta":{"type":"text_delta","text":"x"}}\n\n'
    server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" },
                    sse_raw = head .. delta:rep(200) .. tail, times = 6 })
    local got, first_done = { 0, 0, 0, 0, 0, 0 }, nil
    for i = 1, 6 do
      client.messages.stream_async(PARAMS, {
        on_text = function()
          got[i] = got[i] + 1
          local t = core.now() + 0.0005 -- slower than the whole dispatch budget
          repeat until core.now() >= t
        end,
        on_done = function()
          if first_done then return end
          first_done = {}
          for k = 1, 6 do first_done[k] = got[k] end
        end,
      })
    end
    -- the answers arrive first (the network thread queues their events; no
    -- callback runs without a dispatch), then the dispatches
    local until_ = core.now() + limit(0.5)
    repeat client.session:perform(50) until core.now() >= until_
    while client:poll(20) > 0 do end
    -- when the first stream ended, every other one had had turns too
    for i = 1, 6 do assert.is_true(first_done[i] > 0, "stream " .. i .. " had no turn") end
    assert.same({ 200, 200, 200, 200, 200, 200 }, got)
  end)

  it("stream_async reports a failure before the first event in s.error and on_done", function()
    server:script({ status = 400,
                    json = { type = "error", error = { type = "invalid_request_error", message = "bad" } } })
    local got
    local s = client.messages.stream_async(PARAMS, { on_done = function(_, err) got = err end })
    while client:poll(20) > 0 do end
    assert.equal("invalid_request_error", s.error.type)
    assert.equal(s.error, got)
  end)

  it("coroutines: sequential-looking code in anthropic.async runs concurrently", function()
    server:script({ delay_ms = 200, times = 8,
                    json = { type = "message", content = { { type = "text", text = "x" } } } })
    local t0 = core.now()
    local tasks = {}
    for i = 1, 4 do
      tasks[i] = anthropic.async(function()
        local a = assert(client.messages.create(PARAMS))
        local b = assert(client.messages.create(PARAMS))
        return anthropic.text(a) .. anthropic.text(b) .. i
      end)
    end
    local results = anthropic.async.all(tasks)
    local elapsed = core.now() - t0
    assert.same({ "xx1", "xx2", "xx3", "xx4" }, results)
    assert.truthy(elapsed < limit(0.8), elapsed) -- 4 x 2 x 200 ms would be 1.6 s one after another
  end)

  it("coroutines: stream iterators yield to the scheduler", function()
    for _ = 1, 2 do
      server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" }, sse_raw = streams.text,
                      chunk_sizes = { 8 }, chunk_delay_ms = 3 })
    end
    local function read_all()
      local s = assert(client.messages.stream(PARAMS))
      local out = {}
      while true do
        local event = s:next()
        if not event then break end
        out[#out + 1] = event.type
      end
      return #out
    end
    local a, b = anthropic.async(read_all), anthropic.async(read_all)
    assert.same({ 8, 8 }, anthropic.async.all({ a, b }))
  end)

  it("an error inside a task is raised by wait", function()
    local task = anthropic.async(function() error("task failed") end)
    assert.has_error(function() task:wait() end, "task failed")
  end)
end)
