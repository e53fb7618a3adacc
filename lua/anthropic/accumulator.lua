--- Builds a message from stream events, the way `create` would have
-- returned it: text and thinking joined, tool input parsed from its
-- `input_json_delta` pieces, citations appended, usage and stop fields kept.
-- Text pieces are collected in lists and joined when asked for, so a long
-- answer costs linear time.
-- @module anthropic.accumulator
local core = require("anthropic.core")

local M = {}

local Acc = {}
Acc.__index = Acc

--- A new accumulator, empty until message_start.
function M.new()
  return setmetatable({ message = nil, parts = { text = {}, thinking = {} }, json = {} }, Acc)
end

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

-- Appends a piece of `field` ("text" or "thinking") to block `index`
-- (1-based); false when there is no such block.
local function add_part(self, index, field, piece)
  local lists = self.parts[field]
  local list = lists[index]
  if not list then
    if not (self.message and self.message.content[index]) then return false end
    list = { n = 0 }
    lists[index] = list
  end
  local n = list.n + 1
  list[n] = piece
  list.n = n
  return true
end

--- Appends a piece of `field` ("text" or "thinking") to block `index`
-- (1-based): `acc:add_part(index, "text", delta)`; false when there is no such block.
Acc.add_part = add_part

-- Writes the joined pieces of one block back into it.
local function settle_block(self, index)
  local block = self.message.content[index]
  for _, field in ipairs({ "text", "thinking" }) do
    local list = self.parts[field][index]
    if list and list.n > 0 then
      local joined = (block[field] or "") .. table.concat(list, "", 1, list.n)
      block[field] = joined
      for i = 1, list.n do list[i] = nil end
      list.n = 0
    end
  end
end

local function finish_tool_input(self, index)
  local pieces = self.json[index]
  if not pieces then return end
  self.json[index] = nil
  local block = self.message.content[index]
  local text = table.concat(pieces)
  if text == "" then
    block.input = setmetatable({}, core.object_mt)
    return
  end
  local value, err = core.decode_safe(text)
  if value == nil then
    block.input_error = "tool input is not valid JSON: " .. tostring(err)
    block.input_json = text
  else
    block.input = value
  end
end

--- Takes one event (a decoded table). Returns true when it was understood.
function Acc:add(event)
  local kind = event.type
  if kind == "message_start" then
    local m = copy(event.message or {})
    m.content = {}
    if type(m.usage) == "table" then m.usage = copy(m.usage) end
    self.message = m
  elseif self.message == nil then
    return false
  elseif kind == "content_block_delta" then
    local index = (event.index or 0) + 1
    local block = self.message.content[index]
    local delta = event.delta
    if not block or type(delta) ~= "table" then return false end
    local dt = delta.type
    if dt == "text_delta" then
      add_part(self, index, "text", delta.text)
    elseif dt == "input_json_delta" then
      local pieces = self.json[index]
      if not pieces then pieces = {}; self.json[index] = pieces end
      pieces[#pieces + 1] = delta.partial_json
    elseif dt == "thinking_delta" then
      add_part(self, index, "thinking", delta.thinking)
    elseif dt == "signature_delta" then
      block.signature = delta.signature
    elseif dt == "citations_delta" then
      local list = block.citations
      if type(list) ~= "table" then list = {}; block.citations = list end
      list[#list + 1] = delta.citation
    else
      return false
    end
  elseif kind == "content_block_start" then
    local index = (event.index or 0) + 1
    local block = copy(event.content_block or {})
    if block.type == "tool_use" or block.type == "server_tool_use" or block.type == "mcp_tool_use" then
      self.json[index] = {}
    end
    if type(block.citations) == "table" then block.citations = copy(block.citations) end
    self.message.content[index] = block
  elseif kind == "content_block_stop" then
    local index = (event.index or 0) + 1
    if not self.message.content[index] then return false end
    settle_block(self, index)
    finish_tool_input(self, index)
  elseif kind == "message_delta" then
    local m = self.message
    local delta = event.delta
    if type(delta) == "table" then
      for k, v in pairs(delta) do m[k] = v end
    end
    if type(event.usage) == "table" then
      m.usage = m.usage or {}
      for k, v in pairs(event.usage) do
        if v ~= core.null then m.usage[k] = v end
      end
    end
  elseif kind ~= "message_stop" then
    return false
  end
  return true
end

--- The message so far (text joined up to now).
function Acc:snapshot()
  local m = self.message
  if not m then return nil end
  for index in pairs(m.content) do settle_block(self, index) end
  return m
end

--- The text of block `index` (1-based) so far, without settling it.
function Acc:block_text(index)
  local block = self.message and self.message.content[index]
  if not block then return "" end
  local list = self.parts.text[index]
  if list and list.n > 0 then
    settle_block(self, index)
  end
  return block.text or ""
end

return M
