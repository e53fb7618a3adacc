--- The callbacks of a stream, called the way the official TypeScript SDK
-- emits its events (lib/BetaMessageStream.ts `#addStreamEvent`, 1.12.0),
-- after the accumulator has taken the event:
--
-- * `on_event(event, snapshot)`: every event, unknown ones included;
-- * `on_text(delta, snapshot)`, `on_thinking(delta, snapshot)`,
--   `on_citation(citation, snapshot)`, `on_signature(signature, snapshot)`,
--   `on_compaction(content, snapshot)`: a delta that fits its block;
-- * `on_input_json(partial_json, value, snapshot)`: a piece of a tool's
--   input, with `value` the input parsed as far as it has come
--   (`core.partial_json`; nil when it does not parse);
-- * `on_content_block(block)`: a block, finished, at content_block_stop;
-- * `on_message(message)`: the message, at message_stop.
--
-- `snapshot` is the message being built (`acc.message`); its text and
-- thinking are joined lazily, so read a block's text so far with
-- `acc:block_text(i)`, not from the snapshot.
-- @module anthropic.stream_notify
local M = {}

local TOOL = require("anthropic.accumulator").tool_types

-- The callback for each delta that fits a block type, and the field it gets.
local DELTA = {
  text_delta = { "text", "on_text", "text" },
  thinking_delta = { "thinking", "on_thinking", "thinking" },
  citations_delta = { "text", "on_citation", "citation" },
  signature_delta = { "thinking", "on_signature", "signature" },
  compaction_delta = { "compaction", "on_compaction", "content" },
}

local function block_delta(cb, event, acc, run)
  local delta = event.delta
  if type(delta) ~= "table" or type(event.index) ~= "number" then return end
  local index = event.index + 1
  local block = acc.message.content[index]
  if type(block) ~= "table" then return end
  local dt = delta.type
  if dt == "input_json_delta" then
    local f = cb.on_input_json
    if f and TOOL[block.type] then run(f, delta.partial_json, (acc:partial_input(index)), acc.message) end
    return
  end
  local rule = DELTA[dt]
  if not rule or block.type ~= rule[1] then return end
  local f = cb[rule[2]]
  local value = delta[rule[3]]
  -- a compaction that failed (no content) is not announced, as in the official SDK
  if f and value ~= nil then run(f, value, acc.message) end
end

--- Calls the callbacks in `cb` that `event` (already taken by `acc`, an
-- accumulator) calls for; `run(f, ...)` calls one callback (the stream's
-- protected runner).
function M.notify(cb, event, acc, run)
  if cb.on_event then run(cb.on_event, event, acc.message) end
  if not acc.message or type(event) ~= "table" then return end
  local kind = event.type
  if kind == "content_block_delta" then
    block_delta(cb, event, acc, run)
  elseif kind == "content_block_stop" then
    local f = cb.on_content_block
    local index = type(event.index) == "number" and event.index + 1
    if f and index and acc.message.content[index] then
      run(f, acc.message.content[index])
    end
  elseif kind == "message_stop" and cb.on_message then
    run(cb.on_message, acc:snapshot())
  end
end

--- The same for a text delta that came by the core's fast path (no event
-- table): `index` is the event's (0-based) index. The event table is built
-- only for `on_event`.
function M.text(cb, index, text, acc, run)
  if cb.on_event then
    run(cb.on_event, { type = "content_block_delta", index = index,
                       delta = { type = "text_delta", text = text } }, acc.message)
  end
  local f = cb.on_text
  local block = f and acc.message and acc.message.content[index + 1]
  if block and block.type == "text" then run(f, text, acc.message) end
end

return M
