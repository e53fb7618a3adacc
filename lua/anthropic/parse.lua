--- Structured output: `client.messages.parse` sends a message whose answer
-- is JSON and decodes it.
-- @module anthropic.parse
local endpoint = require("anthropic.endpoint")
local structured = require("anthropic.structured")

local M = {}

--- The `parse` function of a client's `messages` table (`messages_api`
-- provides `create`).
function M.bind(messages_api)
  --- Sends a message (as `create`) and, when its `output_config.format` is
  -- `{type = "json_schema", schema = ...}`, decodes the answer as the
  -- official SDKs do (the first text block): the message with
  -- `parsed_output` set, or nil, err (type `parse_error`, with `err.text`
  -- and `err.message_value`, when a text block is not valid JSON). Without
  -- such a format it returns the message as `create` does.
  local function parse(a, b, c)
    local params, opts = endpoint.args(messages_api, a, b, c)
    local msg, err = messages_api.create(params, opts)
    if not msg then return nil, err end
    local value, perr = structured.parsed_output(params, msg)
    if perr then return nil, perr end
    msg.parsed_output = value
    return msg
  end
  return parse
end

return M
