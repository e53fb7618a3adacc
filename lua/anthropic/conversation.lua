--- A conversation: the request parameters and the history of turns, so a
-- chat is one `conv:send(text)` per turn. A failed call leaves the history
-- exactly as it was, so it can simply be repeated.
-- @module anthropic.conversation
local core = require("anthropic.core")
local text_of = require("anthropic.text")
local default = require("anthropic.default")
local raise = require("anthropic.misuse").raise

local M = {}

local Conversation = {}
Conversation.__index = Conversation
M.Conversation = Conversation

local SAVE_FORMAT = "lua-anthropic.conversation"

local function shallow_copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

local default_client = default.client

--- Starts a conversation.
-- @tparam table opts `client` (default: the default client), `messages` (an
-- existing history), and any Messages API params (`model`, `max_tokens`,
-- `system`, `tools`, `temperature`, ...), sent with every turn.
function M.new(opts)
  if type(opts) ~= "table" then
    raise("anthropic.conversation: options must be a table, got " .. type(opts))
  end
  local params = shallow_copy(opts)
  local self = setmetatable({ client = params.client, messages = params.messages or {} }, Conversation)
  params.client, params.messages = nil, nil
  if type(self.messages) ~= "table" then
    raise("anthropic.conversation: messages must be a list of turns")
  end
  self.params = params
  return self
end

local function user_turn(content, where)
  local t = type(content)
  if t == "string" then return { role = "user", content = content } end
  if t == "table" then
    if content.role ~= nil then return content end
    if content.type ~= nil then return { role = "user", content = { content } } end
    return { role = "user", content = content }
  end
  raise(("%s: content must be a string, a content block or a list of blocks, got %s"):format(where, t))
end

local function assistant_turn(content)
  if type(content) == "table" and content.role == nil and content.type ~= nil then
    content = { content }
  end
  return { role = "assistant", content = content }
end

local function client_of(self)
  return self.client or default_client()
end

-- The request of one turn: the params, then the history plus the new turns.
local function request_params(self, turns)
  local params = shallow_copy(self.params)
  local messages = {}
  for i, m in ipairs(self.messages) do messages[i] = m end
  for _, m in ipairs(turns) do messages[#messages + 1] = m end
  params.messages = messages
  return params
end

-- The assistant turn stored for a reply: with a prefill, the prefill and the
-- continuation joined into one text, as if Claude had written both.
local function stored_reply(msg, prefill)
  if not prefill then return { role = "assistant", content = msg.content } end
  local content = {}
  local joined = false
  for i, block in ipairs(msg.content or {}) do
    if not joined and type(block) == "table" and block.type == "text" then
      local b = shallow_copy(block)
      b.text = prefill .. b.text
      content[i] = b
      joined = true
    else
      content[i] = block
    end
  end
  if not joined then table.insert(content, 1, { type = "text", text = prefill }) end
  return { role = "assistant", content = content }
end

--- Sends a user turn and appends it and the reply to the history.
-- @param content a string, a content block, or a list of blocks
-- @tparam[opt] table opts request options (`headers`, `timeout`, `betas`, ...)
--   plus `prefill`: text the reply must start with (stored joined with it)
-- @return the reply's text (with the prefill) and the message; or nil, err
--   with the history unchanged
function Conversation:send(content, opts)
  local turns = { user_turn(content, "conversation:send") }
  local prefill
  if opts and opts.prefill ~= nil then
    prefill = opts.prefill
    if type(prefill) ~= "string" or prefill == "" then
      raise("conversation:send: prefill must be a non-empty string")
    end
    opts = shallow_copy(opts)
    opts.prefill = nil
    turns[2] = { role = "assistant", content = prefill }
  end
  local msg, err = client_of(self).messages.create(request_params(self, turns), opts)
  if not msg then return nil, err end
  local history = self.messages
  history[#history + 1] = turns[1]
  history[#history + 1] = stored_reply(msg, prefill)
  return text_of(history[#history]), msg
end

--- Adds a user turn without sending it.
function Conversation:add_user(content)
  self.messages[#self.messages + 1] = user_turn(content, "conversation:add_user")
  return self
end

--- Adds a synthetic assistant turn (text or blocks) without sending anything.
function Conversation:add_assistant(content)
  if type(content) ~= "string" and type(content) ~= "table" then
    raise("conversation:add_assistant: content must be a string or blocks, got " .. type(content))
  end
  self.messages[#self.messages + 1] = assistant_turn(content)
  return self
end

--- Removes the last exchange (a user turn and the reply after it); returns them.
function Conversation:undo()
  local history = self.messages
  local last = table.remove(history)
  local before = nil
  if last and last.role == "assistant" then before = table.remove(history) end
  return before, last
end

--- The conversation (params and history) as a JSON string.
function Conversation:to_json()
  return core.encode({ format = SAVE_FORMAT, version = 1, params = self.params,
                       messages = setmetatable(shallow_copy(self.messages), core.array_mt) })
end

--- Saves the conversation to a file as JSON; returns true or nil, message.
function Conversation:save(path)
  local data = self:to_json()
  local tmp = path .. ".tmp"
  local f, err = io.open(tmp, "wb")
  if not f then return nil, err end
  local ok, werr = f:write(data)
  f:close()
  if not ok then os.remove(tmp); return nil, werr end
  local renamed, rerr = os.rename(tmp, path)
  if not renamed then os.remove(tmp); return nil, rerr end
  return true
end

--- A conversation from `to_json` text. `opts.client` picks the client.
function M.from_json(s, opts)
  local doc, err = core.decode_safe(s)
  if type(doc) ~= "table" or doc.format ~= SAVE_FORMAT then
    return nil, "anthropic.conversation: not a saved conversation" .. (err and (": " .. err) or "")
  end
  local params = shallow_copy(doc.params or {})
  params.messages = doc.messages or {}
  params.client = opts and opts.client
  return M.new(params)
end

--- Loads a conversation saved with `conv:save(path)`; returns it or nil, message.
function M.load(path, opts)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local s = f:read("*a")
  f:close()
  return M.from_json(s, opts)
end

return setmetatable(M, { __call = function(_, opts) return M.new(opts) end })
