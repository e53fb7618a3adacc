-- The events of a recorded stream as the official SDK's SSE layer yields
-- them (core/streaming.ts): `ping` and events without an `event:` name
-- skipped, the data decoded. Only for the simple framing of the recordings
-- (LF line ends, one data line per event).
local core = require("anthropic.core")

local M = {}

function M.decode(raw)
  local out = {}
  for chunk in raw:gmatch("(.-)\n\n") do
    local name = chunk:match("^event: ([^\n]*)\n")
    local data = chunk:match("data: ([^\n]*)$")
    if name and name ~= "ping" and data then out[#out + 1] = core.decode(data) end
  end
  return out
end

return M
