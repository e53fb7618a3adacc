--- Builds a message from stream events the way the official TypeScript SDK's
-- BetaMessageStream does (@anthropic-ai/sdk 1.12.0, lib/BetaMessageStream.ts
-- `#accumulateMessage`; spec/diff checks it against that SDK): text and
-- thinking joined, tool input parsed from its `input_json_delta` pieces,
-- citations appended, compaction and fallback blocks applied, usage and stop
-- fields merged from `message_delta`. Unknown events and deltas change
-- nothing; unknown blocks are kept as they came.
-- The text (thinking) of each block grows in an appender (`core.appender`,
-- C memory) and becomes a Lua string when asked for: a long answer costs
-- linear time and one copy of each piece, and the core's fast path for text
-- deltas adds them there itself (`t:text_to(index, acc:text_appender(i))`).
-- @module anthropic.accumulator
local core = require("anthropic.core")

local M = {}

local Acc = {}
Acc.__index = Acc

--- Block types whose input streams as `input_json_delta` pieces.
M.tool_types = { tool_use = true, server_tool_use = true, mcp_tool_use = true }
local TOOL = M.tool_types

-- The block type each joined field belongs to.
local FIELD_BLOCK = { text = "text", thinking = "thinking" }

--- A new accumulator, empty until message_start.
function M.new()
  return setmetatable({ message = nil, parts = { text = {}, thinking = {} }, json = {} }, Acc)
end

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return setmetatable(c, getmetatable(t))
end

-- A block as it starts: a copy, with its own citations list.
local function start_block(block)
  local b = copy(block)
  if type(b.citations) == "table" then b.citations = copy(b.citations) end
  return b
end

-- Appends a piece of `field` ("text" or "thinking") to block `index`
-- (1-based); false when there is no such block, it is of another type, or
-- the piece is not a string. The block's appender starts with the text the
-- block started with.
local function add_part(self, index, field, piece)
  if type(piece) ~= "string" then return false end
  local appenders = self.parts[field]
  local appender = appenders[index]
  if not appender then
    local block = self.message and self.message.content[index]
    if not (block and block.type == FIELD_BLOCK[field]) then return false end
    local start = block[field]
    appender = core.appender(type(start) == "string" and start or nil)
    appenders[index] = appender
  end
  appender:add(piece)
  return true
end

--- Appends a piece of `field` ("text" or "thinking") to block `index`
-- (1-based): `acc:add_part(index, "text", delta)`; false when there is no
-- such block, or it is not a text (thinking) block. The stream's fast path
-- for text deltas calls it directly (`accumulator.add_part(acc, ...)`, no
-- method lookup in its hot loop).
Acc.add_part = add_part
M.add_part = add_part

--- The appender of text block `index` (1-based), once it has text, until
-- the block ends: the stream has the core add the block's next text deltas
-- to it (`t:text_to`) rather than pass each through `add_part`.
function Acc:text_appender(index)
  return self.parts.text[index]
end

-- Writes the text (thinking) of block `index` so far into it; at its end
-- (`done`), the appenders are let go.
local function settle_block(self, index, done)
  local block = self.message.content[index]
  for field in pairs(FIELD_BLOCK) do
    local appenders = self.parts[field]
    local appender = appenders[index]
    if appender then
      if done then
        block[field] = appender:take()
        appenders[index] = nil
      else
        block[field] = appender:value()
      end
    end
  end
end

local function empty_object()
  return setmetatable({}, core.object_mt)
end

-- The best-effort value of a tool block's JSON so far (`{}` before any).
local function partial_input(text)
  if text == "" then return empty_object() end
  return core.partial_json(text)
end

--- The tool input of block `index` (1-based) as far as it has streamed: the
-- value of its incomplete JSON (see `core.partial_json`), or nil and a
-- message; nil alone when the block has no `input_json_delta` yet.
function Acc:partial_input(index)
  local pieces = self.json[index]
  if not pieces then return nil end
  return partial_input(table.concat(pieces))
end

-- At content_block_stop: the input becomes the value of the whole JSON.
-- Text that does not parse keeps what the official SDK would hold (the
-- value of its longest parsable prefix, or `{}`) and says why in
-- `input_error`, with the text in `input_json`.
local function finish_tool_input(self, index)
  local pieces = self.json[index]
  if not pieces then return end -- no delta: the start's input stays
  self.json[index] = nil
  local block = self.message.content[index]
  local text = table.concat(pieces)
  if text == "" then
    block.input = empty_object()
    return
  end
  local value, err = core.decode_safe(text)
  if value == nil then
    block.input_error = "tool input is not valid JSON: " .. tostring(err)
    block.input_json = text
    value = core.partial_json(text)
    if value == nil then value = empty_object() end
  end
  block.input = value
end

-- The fields of message_delta's `usage` that overwrite only when non-null
-- (`output_tokens` always does). Nothing is added up.
local USAGE_IF_SET = {
  "input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "server_tool_use",
  "iterations", "fallback_credit", "output_tokens_details",
}

local function message_delta(m, event)
  local delta = event.delta
  if type(delta) == "table" then
    m.stop_reason, m.stop_sequence, m.stop_details = delta.stop_reason, delta.stop_sequence, delta.stop_details
    if delta.container ~= nil and delta.container ~= core.null then m.container = delta.container end
  end
  for _, k in ipairs({ "context_management", "input_transformations" }) do
    local v = event[k]
    if v ~= nil and v ~= core.null then m[k] = v end
  end
  local usage = event.usage
  if type(usage) == "table" then
    if type(m.usage) ~= "table" then m.usage = {} end
    local mu = m.usage
    mu.output_tokens = usage.output_tokens
    for _, k in ipairs(USAGE_IF_SET) do
      local v = usage[k]
      if v ~= nil and v ~= core.null then mu[k] = v end
    end
  end
end

-- content_block_delta: true when the delta fits its block.
local function block_delta(self, event)
  local index = type(event.index) == "number" and event.index + 1
  local block = index and self.message.content[index]
  local delta = event.delta
  if type(block) ~= "table" or type(delta) ~= "table" then return false end
  local dt, bt = delta.type, block.type
  if dt == "text_delta" then
    return add_part(self, index, "text", delta.text)
  elseif dt == "thinking_delta" then
    return add_part(self, index, "thinking", delta.thinking)
  elseif dt == "input_json_delta" then
    if not TOOL[bt] or type(delta.partial_json) ~= "string" then return false end
    local pieces = self.json[index]
    if not pieces then pieces = {}; self.json[index] = pieces end
    pieces[#pieces + 1] = delta.partial_json
  elseif dt == "citations_delta" and bt == "text" then
    local list = block.citations
    if type(list) ~= "table" then list = {}; block.citations = list end
    list[#list + 1] = delta.citation
  elseif dt == "signature_delta" and bt == "thinking" then
    block.signature = delta.signature
  elseif dt == "compaction_delta" and bt == "compaction" then
    -- the delta carries the block's final value (no content: the compaction failed)
    block.content = delta.content
    if delta.encrypted_content ~= nil then block.encrypted_content = delta.encrypted_content end
  else
    return false
  end
  return true
end

local function message_start(self, event)
  if self.message then return false, "message_start came twice in one stream" end
  local m = copy(type(event.message) == "table" and event.message or {})
  local content = {}
  if type(m.content) == "table" then
    for i, block in ipairs(m.content) do content[i] = type(block) == "table" and start_block(block) or block end
  end
  m.content = content
  if type(m.usage) == "table" then m.usage = copy(m.usage) end
  self.message = m
  return true
end

--- Takes one event (a decoded table). Returns true when it was understood;
-- false (and a message for a broken order) when it changed nothing.
function Acc:add(event)
  local kind = event.type
  if kind == "message_start" then
    return message_start(self, event)
  elseif self.message == nil then
    return false
  elseif kind == "content_block_delta" then
    return block_delta(self, event)
  elseif kind == "content_block_start" then
    local block = event.content_block
    if type(block) ~= "table" then return false end
    block = start_block(block)
    local content = self.message.content
    content[#content + 1] = block
    -- the final hop's fallback block names the model that served the answer
    if block.type == "fallback" and type(block.to) == "table" then self.message.model = block.to.model end
  elseif kind == "content_block_stop" then
    local index = type(event.index) == "number" and event.index + 1
    if not (index and self.message.content[index]) then return false end
    settle_block(self, index, true)
    finish_tool_input(self, index)
  elseif kind == "message_delta" then
    message_delta(self.message, event)
  elseif kind ~= "message_stop" then
    return false
  end
  return true
end

--- The message so far: text joined up to now, and each unfinished tool
-- block's `input` the value of its JSON so far.
function Acc:snapshot()
  local m = self.message
  if not m then return nil end
  for index in pairs(m.content) do settle_block(self, index) end
  for index in pairs(self.json) do
    local value = self:partial_input(index)
    if value ~= nil then m.content[index].input = value end
  end
  return m
end

--- The joined `field` ("text" or "thinking") of block `index` (1-based) so far.
function Acc:block_field(index, field)
  local block = self.message and self.message.content[index]
  if not block then return "" end
  if self.parts[field][index] then settle_block(self, index) end
  return block[field] or ""
end

--- The text of block `index` (1-based) so far.
function Acc:block_text(index)
  return self:block_field(index, "text")
end

return M
