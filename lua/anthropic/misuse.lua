--- The one boundary for misuse: every wrong argument, option or state is
-- raised through `raise`, pointing at the first caller outside the SDK's
-- own modules, however deep inside them the check was made. (API and
-- transport failures are returned as `nil, err` instead: see `anthropic.errors`.)
-- @module anthropic.misuse
local M = {}

--- Raises `msg` at the user's line.
function M.raise(msg)
  local level = 2
  while true do
    local info = debug.getinfo(level, "S")
    if not info then return error(msg, 0) end
    -- (Lua 5.1 leaves a "tail" frame where a tail call was: not a caller.)
    if info.what ~= "C" and info.what ~= "tail" and not info.source:find("anthropic[/\\][%w_]+%.lua$") then
      break
    end
    level = level + 1
  end
  error(msg, level)
end

return M
