--- Structured output: `client.messages.parse` sends a message whose answer
-- is JSON and decodes it.
-- @module anthropic.parse
local core = require("anthropic.core")
local errors = require("anthropic.errors")
local endpoint = require("anthropic.endpoint")
local response = require("anthropic.response")
local text_of = require("anthropic.text")

local M = {}

--- The `parse` function of a client's `messages` table (`messages_api`
-- provides `create`).
function M.bind(messages_api)
  --- Sends a message (as `create`) whose answer is JSON — with
  -- `output_config = {format = {type = "json_schema", schema = ...}}` —
  -- and decodes it: the message with `parsed_output` set, or nil, err
  -- (type `parse_error`, with `err.text` and `err.message_value`, when the
  -- text is not valid JSON).
  local function parse(a, b, c)
    local params, opts = endpoint.args(messages_api, a, b, c)
    local msg, err = messages_api.create(params, opts)
    if not msg then return nil, err end
    local text = text_of(msg)
    local value, jerr = core.decode_safe(text)
    if value == nil then
      local why = msg.stop_reason and msg.stop_reason ~= "end_turn"
        and (" (stop_reason " .. tostring(msg.stop_reason) .. ")") or ""
      local info = response.of(msg)
      return nil, errors.new({
        type = "parse_error", text = text, message_value = msg,
        message = ("the answer is not valid JSON%s: %s"):format(why, tostring(jerr)),
        request_id = info and info.request_id,
      })
    end
    msg.parsed_output = value
    return msg
  end
  return parse
end

return M
