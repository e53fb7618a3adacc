--- The protocol every handle follows (Request, Stream, Results, Runner):
--
-- * `h.error`: the error that ended it, or nil;
-- * `h:done()`: whether it is over, successfully or not;
-- * `h:on_done(fn)`, or the `on_done` option: `fn(result, err)` runs once when it is over
--   (at once when added later), with what the handle produced (a message, a count...);
-- * `h:close()` (also `__close`, `__gc`-safe): stops it; closing an unfinished handle
--   ends it with an `aborted` error. Idempotent.
-- @module anthropic.handle
local errors = require("anthropic.errors")
local raise = require("anthropic.misuse").raise

local M = {}

--- Makes a handle class: a metatable with the shared `done` and `on_done`
-- methods (a class adds its own, and `close`).
function M.class()
  local C = {}
  C.__index = C

  --- Whether the handle is over, successfully or not.
  function C:done()
    return self.finished == true
  end

  --- Calls `fn(result, err)` when the handle is over (at once when it is). Returns the handle.
  function C:on_done(fn)
    if type(fn) ~= "function" then raise("on_done: expected a function, got " .. type(fn)) end
    if self.finished then
      fn(self.result, self.error)
    else
      local list = self.done_callbacks
      list[#list + 1] = fn
    end
    return self
  end

  return C
end

--- Sets up the handle fields of `self`, with an optional first on_done callback.
function M.init(self, on_done)
  self.finished = false
  self.done_callbacks = { on_done }
  return self
end

--- Ends the handle with `result` or `err`, then runs its on_done callbacks
-- once, in order (an error raised by one propagates to the caller).
function M.finish(self, result, err)
  if self.finished then return end
  self.finished, self.result, self.error = true, result, err
  local list = self.done_callbacks
  self.done_callbacks = {}
  for _, fn in ipairs(list) do fn(result, err) end
end

--- The error a handle closed before its end finishes with.
function M.aborted(what)
  return errors.new({ type = "aborted", message = what .. " was closed before its end" })
end

return M
