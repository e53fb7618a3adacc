-- The AWS event stream decoder (core.eventstream_decoder) and the Bedrock
-- stream errors (anthropic.bedrock_request). Frames are made by an encoder
-- independent of the C one (spec/support/eventstream_frames.py, checked by
-- botocore's own decoder): the recorded SSE streams re-encoded as Bedrock
-- chunk frames accumulate to the same final message for any chunking; every
-- exception frame gives its typed error; bad CRCs, truncation and over-size
-- frames are clear errors, never a crash.
local core = require("anthropic.core")
local fake = require("support.fake")
local py = require("support.platform_python")
local streams = require("support.streams")
local accumulator = require("anthropic.accumulator")
local bedrock = require("anthropic.bedrock_request")

local function frames_of(list)
  return core.base64_decode(py.run("eventstream_frames.py", fake.json_encode(list)))
end

-- The data of each event of a recorded SSE stream.
local function sse_data(raw)
  local out = {}
  for data in raw:gmatch("data: ([^\n]*)\n\n") do out[#out + 1] = data end
  return out
end

-- Feeds bytes cut into pieces of the given sizes (cycling; {} = whole).
local function feed_all(bytes, sizes)
  local d = core.eventstream_decoder()
  local got, pos, i = {}, 1, 0
  local kind, msg
  while pos <= #bytes do
    local n = #sizes > 0 and sizes[i % #sizes + 1] or #bytes
    i = i + 1
    local frames
    frames, kind, msg = d:feed(bytes:sub(pos, pos + n - 1))
    for _, f in ipairs(frames) do got[#got + 1] = f end
    pos = pos + n
    if kind then break end
  end
  local pending = d:pending()
  d:close()
  return got, kind, msg, pending
end

local TEST_FRAME = "000000880000004b05babc220b3a6576656e742d747970650700056368756e6b0d3a636f6e74656e742d74797065"
  .. "0700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b226279746573223a"
  .. "202265794a306558426c496a6f696257567a6332466e5a56397a64473977496e303d227db76b2af1"

describe("core.eventstream_decoder", function()
  setup(function() py.python() end)

  it("decodes the frame of platforms.md §2.1, whole and byte by byte", function()
    local bytes = TEST_FRAME:gsub("..", function(h) return string.char(tonumber(h, 16)) end)
    assert.equal(136, #bytes)
    for _, sizes in ipairs({ {}, { 1 }, { 11, 1, 100 } }) do
      local got, kind, _, pending = feed_all(bytes, sizes)
      assert.is_nil(kind)
      assert.is_false(pending)
      assert.equal(1, #got)
      local f = got[1]
      assert.equal("event", f.message_type)
      assert.equal("chunk", f.event_type)
      assert.equal("application/json", f.content_type)
      assert.same({ [":message-type"] = "event", [":event-type"] = "chunk",
        [":content-type"] = "application/json" }, f.headers)
      local event, etype = core.eventstream_chunk(f.payload)
      assert.equal('{"type":"message_stop"}', event)
      assert.equal("message_stop", etype)
    end
  end)

  local recorded = {
    { "text", streams.text, streams.text_message },
    { "tool use", streams.tool_use, streams.tool_use_message },
    { "thinking", streams.thinking, streams.thinking_message },
  }
  for _, case in ipairs(recorded) do
    local name, raw, want = case[1], case[2], case[3]
    it(name .. ": re-encoded as Bedrock frames, the final message is the same for every chunking", function()
      local list = {}
      for i, data in ipairs(sse_data(raw)) do list[i] = { chunk = data } end
      local bytes = frames_of(list)
      local chunkings = { {}, { 1 }, { 2 }, { 7 }, { 64 }, { 1, 5, 2, 17, 3 } }
      math.randomseed(7)
      for _ = 1, 4 do
        local sizes = {}
        for i = 1, 8 do sizes[i] = math.random(1, 300) end
        chunkings[#chunkings + 1] = sizes
      end
      for _, sizes in ipairs(chunkings) do
        local got, kind = feed_all(bytes, sizes)
        assert.is_nil(kind)
        assert.equal(#list, #got)
        local acc = accumulator.new()
        for i, f in ipairs(got) do
          local event, etype = assert(core.eventstream_chunk(f.payload))
          assert.equal(list[i].chunk, event)
          local decoded = core.decode(event)
          assert.equal(decoded.type, etype)
          acc:add(decoded)
        end
        assert.same(want, acc:snapshot())
      end
    end)
  end

  it("in events mode gives what the streaming transfer will queue: (type, event JSON) pairs", function()
    local list = {}
    for i, data in ipairs(sse_data(streams.tool_use)) do list[i] = { chunk = data } end
    list[#list + 1] = { chunk = '{"no_type":1}' } -- skipped, as the TS SDK does
    local bytes = frames_of(list)
    for _, size in ipairs({ #bytes, 1, 33 }) do
      local d = core.eventstream_decoder(nil, "events")
      local acc, n = accumulator.new(), 0
      for pos = 1, #bytes, size do
        local events, kind = d:feed(bytes:sub(pos, pos + size - 1))
        assert.is_nil(kind)
        for _, e in ipairs(events) do
          n = n + 1
          assert.equal(list[n].chunk, e.data)
          local decoded = core.decode(e.data)
          assert.equal(decoded.type, e.event)
          acc:add(decoded)
        end
      end
      assert.equal(#list - 1, n)
      assert.same(streams.tool_use_message, acc:snapshot())
      d:close()
    end
  end)

  it("in events mode turns an exception frame into a final error event that maps to the typed error", function()
    local bytes = frames_of({ { chunk = '{"type":"ping"}' },
      { exception = "modelStreamErrorException", message = 'model "failed"\n' },
      { chunk = '{"type":"ping"}' } })
    local d = core.eventstream_decoder(nil, "events")
    local events = d:feed(bytes)
    assert.equal(2, #events) -- nothing after the error
    assert.equal("error", events[2].event)
    local data = core.decode(events[2].data)
    assert.same({ type = "error", error = { type = "modelStreamErrorException", message = 'model "failed"\n' } }, data)
    local err = bedrock.error_event_error(data)
    assert.same({ "modelStreamErrorException", 424, false }, { err.type, err.status, err.retryable })
    assert.is_nil(bedrock.error_event_error({ type = "error", error = { type = "overloaded_error", message = "x" } }))
    local bad = core.eventstream_decoder(nil, "events")
    local got, kind, msg = bad:feed(frames_of({ { chunk = '{"type":"ping"}' }, { raw_chunk = '{"bytes":"!!"}' } }))
    assert.equal(1, #got)
    assert.equal("bad_chunk", kind)
    assert.equal('chunk "bytes" is not valid base64', msg)
    assert.has_error(function() core.eventstream_decoder(nil, "lines") end)
  end)

  it("ends a stream on each exception frame with the typed error platforms.md maps", function()
    local want = {
      throttlingException = { 429, true }, modelStreamErrorException = { 424, false },
      validationException = { 400, false }, internalServerException = { 500, true },
      serviceUnavailableException = { 503, true }, modelTimeoutException = { 408, true },
    }
    for name, w in pairs(want) do
      local bytes = frames_of({ { chunk = '{"type":"ping"}' }, { exception = name, message = "went wrong: " .. name } })
      local got = feed_all(bytes, { 5 })
      assert.equal(2, #got)
      assert.equal("exception", got[2].message_type)
      local err = bedrock.stream_error(got[2])
      assert.equal(name, err.type)
      assert.equal(w[1], err.status)
      assert.equal(w[2], err.retryable)
      assert.equal("went wrong: " .. name, err.message)
      assert.truthy(tostring(err):find(name, 1, true))
    end
    local got = feed_all(frames_of({ { error_code = "InternalFailure", error_message = "boom" } }), {})
    local err = bedrock.stream_error(got[1])
    assert.equal("InternalFailure", err.type)
    assert.equal(400, err.status)
    assert.equal("boom", err.message)
  end)

  it("reports a corrupted CRC after the good frames, and keeps reporting it", function()
    local bytes = frames_of({ { chunk = '{"type":"ping"}' }, { chunk = '{"type":"message_stop"}' } })
    local at = #bytes - 10 -- inside the second frame's payload
    local bad = bytes:sub(1, at - 1) .. string.char((bytes:byte(at) + 1) % 256) .. bytes:sub(at + 1)
    for _, sizes in ipairs({ {}, { 1 }, { 13 } }) do
      local got, kind, msg, pending = feed_all(bad, sizes)
      assert.equal(1, #got)
      assert.equal("bad_crc", kind)
      assert.truthy(msg:find("CRC", 1, true))
      assert.is_true(pending)
    end
    local d = core.eventstream_decoder()
    local _, kind = d:feed(bad)
    assert.equal("bad_crc", kind)
    local again, kind2 = d:feed("more")
    assert.same({}, again)
    assert.equal("bad_crc", kind2)
    local err = bedrock.decode_error(kind, "bad CRC", 1)
    assert.equal("incomplete_stream", err.type)
    assert.equal("bad_crc", err.reason)
  end)

  it("tells a truncated stream by pending() at the end", function()
    local bytes = frames_of({ { chunk = '{"type":"ping"}' }, { chunk = '{"type":"message_stop"}' } })
    for cut = 1, 20 do
      local got, kind, _, pending = feed_all(bytes:sub(1, #bytes - cut), { 9 })
      assert.is_nil(kind)
      assert.equal(1, #got)
      assert.is_true(pending)
    end
  end)

  it("refuses an over-size frame from its prelude, before buffering it", function()
    local prelude = frames_of({ { prelude = 16 + 16 * 1024 * 1024 + 1, headers_len = 0 } })
    assert.equal(12, #prelude)
    local d = core.eventstream_decoder()
    local got, kind, msg = d:feed(prelude)
    assert.same({}, got)
    assert.equal("too_big", kind)
    assert.truthy(msg:find("size limit", 1, true))
    d:close()
    -- a smaller limit of the caller's own
    local small = core.eventstream_decoder(10)
    local _, kind2 = small:feed(frames_of({ { chunk = '{"type":"ping"}' } }))
    assert.equal("too_big", kind2)
    small:close()
    local bad = core.eventstream_decoder()
    local _, kind3 = bad:feed(frames_of({ { prelude = 12, headers_len = 0 } }))
    assert.equal("malformed", kind3)
    bad:close()
  end)

  it("is a handle: close is idempotent, use after close is a clear error, __gc frees it", function()
    local d = core.eventstream_decoder()
    d:feed("\0\0")
    d:close()
    d:close()
    local ok, err = pcall(d.feed, d, "x")
    assert.is_false(ok)
    assert.truthy(tostring(err):find("closed eventstream decoder", 1, true))
    assert.equal("anthropic.eventstream (closed)", tostring(d))
    for _ = 1, 50 do core.eventstream_decoder():feed(("\0"):rep(11)) end
    collectgarbage()
    collectgarbage()
    assert.has_error(function() core.eventstream_decoder(-1) end)
  end)

  it("eventstream_chunk refuses payloads that are not chunks", function()
    assert.same({ nil, "chunk payload is not a JSON object" }, { core.eventstream_chunk("nope") })
    assert.same({ nil, 'chunk payload has no "bytes" string' }, { core.eventstream_chunk('{"byte":"e30="}') })
    assert.same({ nil, 'chunk "bytes" is not valid base64' }, { core.eventstream_chunk('{"bytes":"e30"}') })
    local event, etype = core.eventstream_chunk('{"bytes":"e30=","p":"abc"}')
    assert.equal("{}", event)
    assert.is_nil(etype)
  end)
end)
