--- The text of a message or a turn: its text blocks joined.
-- @module anthropic.text
local raise = require("anthropic.misuse").raise

return function(msg)
  if type(msg) ~= "table" then
    raise("anthropic.text: expected a message, got " .. type(msg))
  end
  local content = msg.content
  if type(content) == "string" then return content end
  local parts = {}
  if type(content) == "table" then
    for _, block in ipairs(content) do
      if type(block) == "table" and block.type == "text" and type(block.text) == "string" then
        parts[#parts + 1] = block.text
      end
    end
  end
  return table.concat(parts)
end
