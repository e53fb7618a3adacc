-- stream_notify: which callback each event calls, with what (the official
-- SDK's listeners are compared in spec/diff_spec.lua; these hold without node).
local accumulator = require("anthropic.accumulator")
local notify = require("anthropic.stream_notify")
local sse_events = require("support.sse_events")
local current = require("support.streams_current")
local streams = require("support.streams")

-- Feeds a recording through accumulator and notify; returns the calls
-- ({ name, args... }) and how many went through `run`.
local function calls(raw, names)
  local acc = accumulator.new()
  local got, ran = {}, 0
  local cb = {}
  for _, name in ipairs(names) do
    cb[name] = function(...) got[#got + 1] = { name, ... } end
  end
  local function run(f, ...)
    ran = ran + 1
    return f(...)
  end
  for _, event in ipairs(sse_events.decode(raw)) do
    acc:add(event)
    notify.notify(cb, event, acc, run)
  end
  return got, ran, acc
end

local function args(got, name, i)
  local out = {}
  for _, c in ipairs(got) do
    if c[1] == name then out[#out + 1] = c[i or 2] end
  end
  return out
end

describe("stream_notify", function()
  it("on_text gets each text delta with the message", function()
    local got, ran, acc = calls(streams.text, { "on_text" })
    assert.same({ "Hello", ", wörld ✓", "!" }, args(got, "on_text"))
    assert.equal(acc.message, got[1][3])
    assert.equal(3, ran)
  end)

  it("on_thinking, on_signature and on_citation get their deltas", function()
    local got = calls(streams.thinking, { "on_thinking", "on_signature", "on_citation" })
    assert.same({ "Let me solve this step by step:\n\n1. First break down 27 * 453", "\n2. 453 = 400 + 50 + 3" },
                args(got, "on_thinking"))
    assert.same({ "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds" }, args(got, "on_signature"))
    assert.same({ { type = "char_location", cited_text = "x", document_index = 0, start_char_index = 0,
                    end_char_index = 1 } }, args(got, "on_citation"))
  end)

  it("on_input_json gets each piece and the input parsed so far, for every tool block type", function()
    local got = calls(current.mcp_tool, { "on_input_json" })
    assert.equal(8, #got)
    assert.same({ "", '{"repo": "anthropics/', 'sdk", "q": "label:bug \\"stre' }, { got[1][2], got[2][2], got[3][2] })
    assert.same({}, got[1][3])
    assert.same({}, got[2][3])
    assert.same({ repo = "anthropics/sdk" }, got[3][3])
    assert.same({ repo = "anthropics/sdk", q = 'label:bug "stream"' }, got[5][3])
    assert.same({ repo = "anthropics/sdk", q = 'label:bug "stream"', limit = 25, open = true, tags = { "a" } },
                got[7][3])
    got = calls(current.server_tool, { "on_input_json" })
    assert.same({ code = "print(1)" }, got[2][3])
  end)

  it("on_compaction gets the content, not for a failed compaction", function()
    local got = calls(current.compaction, { "on_compaction" })
    assert.same({ "The user asked about tides; we covered the moon.", "Second summary" }, args(got, "on_compaction"))
  end)

  it("on_content_block gets each finished block; on_message the message at message_stop", function()
    local got = calls(streams.tool_use, { "on_content_block", "on_message" })
    assert.same({ "on_content_block", "on_content_block", "on_message" }, { got[1][1], got[2][1], got[3][1] })
    assert.same({ type = "text", text = "Let me check." }, got[1][2])
    assert.same({ location = "San Francisco, CA", days = 3, units = {} }, got[2][2].input)
    assert.same(streams.tool_use_message, got[3][2])
  end)

  it("on_event gets every event, unknown ones too, and the others nothing for them", function()
    local got = calls(current.unknown, { "on_event", "on_text", "on_thinking" })
    local kinds = {}
    for _, c in ipairs(got) do if c[1] == "on_event" then kinds[#kinds + 1] = c[2].type end end
    assert.equal("future_event", kinds[2])
    assert.equal("future_event", kinds[#kinds - 1])
    assert.equal(17, #kinds)
    assert.same({ "Known." }, args(got, "on_text")) -- not the text delta sent to the thinking block
    assert.same({ "Hmm." }, args(got, "on_thinking"))
  end)

  it("works out nothing a callback does not want", function()
    local Acc = getmetatable(accumulator.new()).__index
    local partial = Acc.partial_input
    Acc.partial_input = function() error("parsed without on_input_json") end
    local ok, ran = pcall(calls, current.mcp_tool, { "on_text" })
    Acc.partial_input = partial
    assert.is_true(ok, ran)
    assert.equal(0, select(2, calls(current.mcp_tool, {})))
  end)

  it("text() serves the core's fast path: a table only for on_event", function()
    local acc = accumulator.new()
    for _, e in ipairs(sse_events.decode(streams.text)) do
      if e.type == "content_block_delta" then break end
      acc:add(e)
    end
    local got = {}
    local function run(f, ...) f(...) end
    acc:add_part(1, "text", "Hi")
    notify.text({ on_text = function(t, m) got[#got + 1] = { t, m } end }, 0, "Hi", acc, run)
    assert.same({ { "Hi", acc.message } }, got)
    notify.text({ on_event = function(e) got[#got + 1] = e end }, 0, "Yo", acc, run)
    assert.same({ type = "content_block_delta", index = 0, delta = { type = "text_delta", text = "Yo" } }, got[2])
  end)

  it("a raising callback's error goes through run", function()
    local acc = accumulator.new()
    local event = sse_events.decode(streams.text)[1]
    acc:add(event)
    local ok, err = pcall(notify.notify, { on_event = function() error("boom", 0) end }, event, acc,
                          function(f, ...)
                            local fine, e = pcall(f, ...)
                            if not fine then error("run: " .. e, 0) end
                          end)
    assert.is_false(ok)
    assert.equal("run: boom", err)
  end)
end)
