-- Streams: recorded streams served in random chunkings compared with the
-- message they accumulate to; errors before and after the first event;
-- truncation; idle timeout; close; poll; callbacks.
local anthropic = require("anthropic")
local limit = require("support.timing")
local core = require("anthropic.core")
local harness = require("support.harness")
local streams = require("support.streams")

local PARAMS = { model = "claude-sonnet-4-5", max_tokens = 1024,
                 messages = { { role = "user", content = "Hello" } } }

describe("messages.stream", function()
  local server, client
  harness.fake_api({ api_key = "sk-test" }, function(s, c) server, client = s, c end)

  local function serve(raw, extra)
    local r = { status = 200, headers = { ["content-type"] = "text/event-stream" }, sse_raw = raw }
    for k, v in pairs(extra or {}) do r[k] = v end
    server:script(r)
  end

  it("sends stream = true and yields every event but ping", function()
    serve(streams.text)
    local s = assert(client.messages.stream(PARAMS))
    local kinds = {}
    for event in s:events() do kinds[#kinds + 1] = event.type end
    assert.same({ "message_start", "content_block_start", "content_block_delta", "content_block_delta",
                  "content_block_delta", "content_block_stop", "message_delta", "message_stop" }, kinds)
    assert.is_nil(s.error)
    assert.is_true(s:done())
    local sent = core.decode(server:last_request().body)
    assert.is_true(sent.stream)
    assert.is_nil(PARAMS.stream)
    assert.equal("text/event-stream", server:last_request().headers["accept"])
  end)

  it("gives text deltas the tables the JSON reader would make, and joins their text", function()
    serve(streams.text)
    local s = assert(client.messages.stream(PARAMS))
    local raw, got = {}, {}
    for data in streams.text:gmatch("data: ([^\n]*content_block_delta[^\n]*)") do raw[#raw + 1] = core.decode(data) end
    for event in s:events() do
      if event.type == "content_block_delta" then got[#got + 1] = event end
    end
    assert.is_true(#got > 0)
    assert.same(raw, got)
    if math.type then assert.equal("integer", math.type(got[1].index)) end
    local text = {}
    for i, e in ipairs(got) do text[i] = e.delta.text end
    assert.equal(table.concat(text), s:final_message().content[1].text)
  end)

  local recorded = {
    { "text", streams.text, streams.text_message },
    { "tool use", streams.tool_use, streams.tool_use_message },
    { "thinking", streams.thinking, streams.thinking_message },
  }
  for _, case in ipairs(recorded) do
    local name, raw, want = case[1], case[2], case[3]
    it(name .. ": the final message is the same for every chunking", function()
      local chunkings = { {}, { 1 }, { 2 }, { 3 }, { 7 }, { 64 }, { 1, 5, 2, 17, 3 } }
      math.randomseed(42)
      for _ = 1, 4 do
        local sizes = {}
        for i = 1, 8 do sizes[i] = math.random(1, 40) end
        chunkings[#chunkings + 1] = sizes
      end
      for _, sizes in ipairs(chunkings) do
        serve(raw, #sizes > 0 and { chunk_sizes = sizes } or nil)
        local s = assert(client.messages.stream(PARAMS))
        local msg, err = s:final_message()
        assert.is_nil(err)
        assert.same(want, msg)
        assert.equal(200, anthropic.response_of(msg).status)
      end
    end)
  end

  it("yields only text with s:text()", function()
    serve(streams.text, { chunk_sizes = { 1 } })
    local s = assert(client.messages.stream(PARAMS))
    local pieces = {}
    for delta in s:text() do pieces[#pieces + 1] = delta end
    assert.same({ "Hello", ", wörld ✓", "!" }, pieces)
    assert.equal("Hello, wörld ✓!", anthropic.text(s:current_message()))
  end)

  it("runs on_text and on_event from its own loop", function()
    serve(streams.text)
    local texts, events = {}, 0
    local s = assert(client.messages.stream(PARAMS, {
      on_text = function(delta, snapshot)
        texts[#texts + 1] = delta
        assert.equal("msg_s1", snapshot.id)
      end,
      on_event = function() events = events + 1 end,
    }))
    local msg = assert(s:final_message())
    assert.same({ "Hello", ", wörld ✓", "!" }, texts)
    assert.equal(8, events)
    assert.equal("Hello, wörld ✓!", anthropic.text(msg))
  end)

  it("surfaces an error raised in a callback and leaves the client usable", function()
    serve(streams.text)
    local s = assert(client.messages.stream(PARAMS, { on_text = function() error("boom in callback") end }))
    local ok, err = pcall(s.final_message, s)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("boom in callback", 1, true))
    assert.equal("callback_error", s.error.type)
    serve(streams.text)
    assert(assert(client.messages.stream(PARAMS)):final_message())
  end)

  it("ends with the error event's type after a 200, keeping what arrived", function()
    serve(streams.error)
    local s = assert(client.messages.stream(PARAMS))
    local texts = {}
    for delta in s:text() do texts[#texts + 1] = delta end
    assert.same({ "Par" }, texts)
    assert.equal("overloaded_error", s.error.type)
    local msg, err = s:final_message()
    assert.is_nil(msg)
    assert.equal("overloaded_error", err.type)
    assert.equal("Par", anthropic.text(s:current_message()))
  end)

  it("reports a stream cut before message_stop as incomplete_stream, keeping the partial message", function()
    serve(streams.truncated, { chunk_sizes = { 5 } })
    local s = assert(client.messages.stream(PARAMS))
    local msg, err = s:final_message()
    assert.is_nil(msg)
    assert.equal("incomplete_stream", err.type)
    assert.equal("Hello, wörld ✓!", anthropic.text(s:current_message()))
  end)

  it("reports a dropped connection mid-event as incomplete_stream", function()
    serve(streams.text, { drop_after_bytes = 400 })
    local s = assert(client.messages.stream(PARAMS))
    local _, err = s:final_message()
    assert.equal("incomplete_stream", err.type)
    assert.truthy(s:current_message())
  end)

  it("returns HTTP errors before the first event as nil, err, like create", function()
    server:script({ status = 529, json = { type = "error", error = { type = "overloaded_error", message = "busy" } } })
    local s, err = client.messages.stream(PARAMS)
    assert.is_nil(s)
    assert.equal("overloaded_error", err.type)
    assert.equal(529, err.status)
  end)

  it("retries failures before the first event", function()
    local c = anthropic.new({ api_key = "sk-test", base_url = server.url, max_retries = 2 })
    server:script({ status = 529, headers = { ["retry-after-ms"] = "10" },
                    json = { type = "error", error = { type = "overloaded_error", message = "busy" } } })
    serve(streams.text)
    local s = assert(c.messages.stream(PARAMS))
    assert(s:final_message())
    assert.equal(2, #server:requests())
  end)

  it("times out a silent stream after stream_idle_timeout", function()
    serve(streams.text, { chunk_sizes = { 40 }, chunk_delay_ms = 700 })
    local s = assert(client.messages.stream(PARAMS, { stream_idle_timeout = 0.25 }))
    local t0 = core.now()
    local _, err = s:final_message()
    assert.equal("timeout_error", err.type)
    assert.truthy(core.now() - t0 < limit(2))
  end)

  it("closes at once, idempotently, and a closed stream ends", function()
    serve(streams.text, { chunk_sizes = { 10 }, chunk_delay_ms = 50 })
    local s = assert(client.messages.stream(PARAMS))
    assert.truthy(s:next())
    s:close()
    s:close()
    assert.is_nil(s:next())
    assert.is_true(s:done())
    local msg, err = s:final_message()
    assert.is_nil(msg)
    assert.equal("aborted", err.type) -- closed by the caller
    assert.equal(err, s.error)
  end)

  it("closes with <close> on Lua 5.4 and when garbage-collected", function()
    serve(streams.text, { chunk_sizes = { 10 }, chunk_delay_ms = 50 })
    if _VERSION == "Lua 5.4" then
      local f = assert(load([[
        local client, params = ...
        local s <close> = assert(client.messages.stream(params))
        assert(s:next())
        return s
      ]]))
      local s = f(client, PARAMS)
      assert.is_true(s:done())
      assert.equal("aborted", s.error.type)
    else
      local s = assert(client.messages.stream(PARAMS))
      assert(s:next())
      s = nil -- luacheck: ignore 311
      collectgarbage()
      collectgarbage()
    end
    serve(streams.text)
    assert(assert(client.messages.stream(PARAMS)):final_message())
  end)

  it("polls without blocking", function()
    serve(streams.text, { chunk_sizes = { 30 }, chunk_delay_ms = 20 })
    local s = assert(client.messages.stream(PARAMS))
    local got, rounds = 0, 0
    while not s:done() do
      rounds = rounds + 1
      local t0 = core.now()
      got = got + #s:poll()
      assert.truthy(core.now() - t0 < limit(0.05))
      core.sleep(0.005)
    end
    assert.equal(8, got)
    assert.truthy(rounds > 3)
    assert.equal("Hello, wörld ✓!", anthropic.text(assert(s:final_message())))
  end)

  it("reports a 2xx that is not an event stream", function()
    server:script({ status = 200, json = { type = "message", content = {} } })
    local s = assert(client.messages.stream(PARAMS))
    local _, err = s:final_message()
    assert.equal("api_response_error", err.type)
  end)
end)
