--- Structured outputs: the `parsed_output` of a message, as the official
-- TypeScript SDK computes it (lib/parser.ts and lib/beta-parser.ts,
-- @anthropic-ai/sdk 1.12.0): only when the request's output format is
-- `json_schema` (`output_format`, deprecated, wins over
-- `output_config.format`), from the text blocks, each parsed as JSON, the
-- first one's value kept; a text block that is not JSON is an error.
-- @module anthropic.structured
local core = require("anthropic.core")
local errors = require("anthropic.errors")
local response = require("anthropic.response")

local M = {}

--- The request's output format table, or nil.
function M.output_format(params)
  if type(params) ~= "table" then return nil end
  local format = params.output_format
  if format == nil or format == core.null then
    local config = params.output_config
    format = type(config) == "table" and config.format or nil
  end
  return type(format) == "table" and format or nil
end

--- The parsed output of `message` answering `params`: the value, or nil
-- when the format is not `json_schema` or no text block gives one (JSON
-- null counts as none, and a later block's value is taken); nil, err when
-- a text block is not JSON (err: a `parse_error` with `text`, the block's
-- text, `block`, its index, and `message_value`, the message; a stop_reason
-- other than end_turn, such as max_tokens, is named in its message).
function M.parsed_output(params, message)
  local format = M.output_format(params)
  if not format or format.type ~= "json_schema" then return nil end
  local content = type(message) == "table" and message.content
  if type(content) ~= "table" then return nil end
  local first
  for i, block in ipairs(content) do
    if type(block) == "table" and block.type == "text" then
      local value, err = core.decode_safe(block.text)
      if value == nil then
        local stop = message.stop_reason
        local record = response.of(message)
        return nil, errors.new({
          type = "parse_error", block = i, text = block.text, message_value = message,
          request_id = record and record.request_id,
          message = ("Failed to parse structured output%s: %s"):format(
            (stop and stop ~= "end_turn") and (" (stop_reason " .. tostring(stop) .. ")") or "", tostring(err)),
        })
      end
      if first == nil and value ~= core.null then first = value end
    end
  end
  return first
end

return M
