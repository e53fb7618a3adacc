-- The accumulator on its own: each current event's effect (the whole
-- messages are compared with the official SDK in spec/diff_spec.lua), and
-- what it does with events out of place.
local accumulator = require("anthropic.accumulator")
local core = require("anthropic.core")
local sse_events = require("support.sse_events")
local current = require("support.streams_current")

local function feed(raw)
  local acc = accumulator.new()
  for _, event in ipairs(sse_events.decode(raw)) do acc:add(event) end
  return acc
end

local START = { type = "message_start", message = { id = "m", type = "message", role = "assistant", content = {},
                                                    model = "x", usage = { input_tokens = 1, output_tokens = 1 } } }

local function started()
  local acc = accumulator.new()
  assert.is_true(acc:add(START))
  return acc
end

describe("accumulator", function()
  it("assigns a compaction delta's content, and encrypted_content only when sent", function()
    local m = feed(current.compaction):snapshot()
    assert.same({ type = "compaction", content = "The user asked about tides; we covered the moon.",
                  encrypted_content = "enc_1f2e" }, m.content[1])
    assert.same({ type = "compaction", content = "Second summary", encrypted_content = "enc_keep" }, m.content[2])
    assert.is_nil(m.content[3].content) -- a failed compaction
    assert.equal("clear_tool_uses_20250919", m.context_management.applied_edits[1].type)
    assert.equal("compaction", m.stop_reason)
  end)

  it("takes the model from a fallback block, and container and stop_details from message_delta", function()
    local m = feed(current.fallback):snapshot()
    assert.equal("claude-sonnet-4-5", m.model)
    assert.equal("container_01", m.container.id)
    assert.equal("cyber", m.stop_details.category)
    assert.equal("redeemed", m.usage.fallback_credit.type)
  end)

  it("merges message_delta's usage field by field, never adding up", function()
    local m = feed(current.usage):snapshot()
    assert.same({ input_tokens = 30, output_tokens = 11, cache_creation_input_tokens = 7, cache_read_input_tokens = 3,
                  service_tier = "standard", output_tokens_details = { thinking_tokens = 4 } }, m.usage)
    assert.equal("stop_sequence", m.stop_reason)
    assert.equal("END", m.stop_sequence)
    assert.same({ { type = "redaction", count = 1 } }, m.input_transformations)
    assert.equal("Prefix", m.content[1].text)
  end)

  it("keeps a tool block's start input when no delta comes; parses mcp_tool_use input", function()
    local m = feed(current.server_tool):snapshot()
    assert.same({ query = "tides today", max_results = 3 }, m.content[1].input)
    assert.same({ code = "print(1)" }, m.content[4].input)
    m = feed(current.mcp_tool):snapshot()
    assert.same({ repo = "anthropics/sdk", q = 'label:bug "stream"', limit = 25, open = true,
                  tags = { "a", core.null } }, m.content[1].input)
    assert.same({ kept = true }, m.content[3].input)
  end)

  it("keeps unknown blocks as they came; unknown events and deltas change nothing", function()
    local acc = started()
    local before = core.encode(acc:snapshot())
    assert.is_false(acc:add({ type = "future_event", x = 1 }))
    assert.equal(before, core.encode(acc:snapshot()))
    local block = { type = "future_block", data = { 1, 2 } }
    assert.is_true(acc:add({ type = "content_block_start", index = 0, content_block = block }))
    assert.is_false(acc:add({ type = "content_block_delta", index = 0, delta = { type = "future_delta", text = "x" } }))
    assert.is_false(acc:add({ type = "content_block_delta", index = 0, delta = { type = "text_delta", text = "x" } }))
    assert.is_true(acc:add({ type = "content_block_stop", index = 0 }))
    assert.same({ type = "future_block", data = { 1, 2 } }, acc:snapshot().content[1])
    assert.same({ type = "future_block", data = { 1, 2 } }, block) -- the event is not changed
  end)

  it("applies a delta only to the block type it is for", function()
    local acc = started()
    acc:add({ type = "content_block_start", index = 0, content_block = { type = "thinking", thinking = "" } })
    assert.is_false(acc:add_part(1, "text", "no"))
    assert.is_false(acc:add({ type = "content_block_delta", index = 0,
                              delta = { type = "citations_delta", citation = {} } }))
    assert.is_false(acc:add({ type = "content_block_delta", index = 0,
                              delta = { type = "input_json_delta", partial_json = "{}" } }))
    assert.is_true(acc:add_part(1, "thinking", "yes"))
    assert.is_false(acc:add({ type = "content_block_delta", index = 5,
                              delta = { type = "thinking_delta", thinking = "x" } }))
    assert.same({ type = "thinking", thinking = "yes" }, acc:snapshot().content[1])
  end)

  it("refuses a second message_start, keeping the first message", function()
    local acc = started()
    local ok, err = acc:add({ type = "message_start", message = { id = "other", content = {} } })
    assert.is_false(ok)
    assert.matches("message_start", err)
    assert.equal("m", acc:snapshot().id)
  end)

  it("shows a tool's input as far as it has come, and keeps bad JSON with the reason", function()
    local acc = started()
    acc:add({ type = "content_block_start", index = 0, content_block = { type = "tool_use", id = "t", name = "n",
                                                                         input = {} } })
    acc:add({ type = "content_block_delta", index = 0,
              delta = { type = "input_json_delta", partial_json = '{"a": [1, 2' } })
    assert.same({ a = { 1 } }, acc:partial_input(1))
    assert.same({ a = { 1 } }, acc:snapshot().content[1].input)
    acc:add({ type = "content_block_delta", index = 0, delta = { type = "input_json_delta", partial_json = ", x" } })
    assert.is_nil(acc:partial_input(1))
    acc:add({ type = "content_block_stop", index = 0 })
    local block = acc:snapshot().content[1]
    assert.matches("^tool input is not valid JSON", block.input_error)
    assert.equal('{"a": [1, 2, x', block.input_json)
    assert.same({}, block.input)
  end)

  it("completes a tool input cut at content_block_stop as the official SDK does, saying so", function()
    local acc = started()
    acc:add({ type = "content_block_start", index = 0, content_block = { type = "tool_use", input = {} } })
    acc:add({ type = "content_block_delta", index = 0,
              delta = { type = "input_json_delta", partial_json = '{"a": 1, "b' } })
    acc:add({ type = "content_block_stop", index = 0 })
    local block = acc:snapshot().content[1]
    assert.same({ a = 1 }, block.input)
    assert.truthy(block.input_error)
  end)

  it("ignores everything before message_start", function()
    local acc = accumulator.new()
    assert.is_false(acc:add({ type = "content_block_start", index = 0, content_block = { type = "text" } }))
    assert.is_false(acc:add_part(1, "text", "x"))
    assert.is_nil(acc:snapshot())
  end)
end)

describe("a long text", function()
  it("grows in its block's appender: the same text, read midway and at the end", function()
    local acc = started()
    assert.is_true(acc:add({ type = "content_block_start", index = 0,
                             content_block = { type = "text", text = "A: " } }))
    local pieces = { "A: " }
    for i = 1, 5000 do
      pieces[#pieces + 1] = ("w%d "):format(i)
      assert.is_true(acc:add_part(1, "text", pieces[#pieces]))
      if i == 1234 then assert.equal(table.concat(pieces), acc:block_text(1)) end -- settles midway
    end
    assert.equal(#table.concat(pieces), #acc:text_appender(1))
    assert.is_true(acc:add({ type = "content_block_stop", index = 0 }))
    assert.equal(table.concat(pieces), acc:snapshot().content[1].text)
    assert.is_nil(acc:text_appender(1)) -- let go at the block's end
  end)

  it("takes strings only, and no text for a block of another type", function()
    local acc = started()
    assert.is_true(acc:add({ type = "content_block_start", index = 0, content_block = { type = "text", text = "" } }))
    assert.is_true(acc:add({ type = "content_block_start", index = 1,
                             content_block = { type = "thinking", thinking = "" } }))
    assert.is_false(acc:add_part(1, "text", 42))
    assert.is_false(acc:add_part(1, "text", { "x" }))
    assert.is_false(acc:add_part(2, "text", "x"))
    assert.is_true(acc:add_part(2, "thinking", "hm"))
    assert.is_true(acc:add_part(1, "text", "ok"))
    local m = acc:snapshot()
    assert.equal("ok", m.content[1].text)
    assert.equal("hm", m.content[2].thinking)
  end)
end)

describe("core.appender", function()
  it("grows a text from pieces and gives it as one string, keeping it", function()
    local a = core.appender("ab")
    a:add("c")
    a:add("")
    assert.equal("abc", a:value())
    assert.equal(3, #a)
    a:add(("x"):rep(100000))
    assert.equal("abc" .. ("x"):rep(100000), a:value())
    assert.equal("", core.appender():value())
  end)

  it("takes its text once, closing; a long one without stopping or starting the host's collector", function()
    local long = ("y"):rep(200000)
    local a = core.appender(long)
    assert.equal(long, a:value())
    assert.equal(long, a:take())
    assert.has_error(function() a:take() end, "anthropic: the appender is closed")
    assert.equal("", core.appender():take())
    assert.equal("abc", core.appender("abc"):take())
    if _VERSION ~= "Lua 5.1" or jit then
      assert.is_true(collectgarbage("isrunning"))
      collectgarbage("stop")
      assert.equal(long, core.appender(long):take())
      assert.is_false(collectgarbage("isrunning")) -- stopped by the host: stays stopped
      collectgarbage("restart")
      assert.equal(long, core.appender(long):take())
      assert.is_true(collectgarbage("isrunning"))
    end
  end)

  it("refuses what is not a string, and use after close; close is idempotent", function()
    local a = core.appender()
    assert.has_error(function() a:add(1) end)
    a:close()
    a:close()
    assert.has_error(function() a:add("x") end, "anthropic: the appender is closed")
    assert.has_error(function() a:value() end, "anthropic: the appender is closed")
  end)
end)
