--- Requests in flight without blocking: `client.messages.create_async`.
-- A request starts at once; `req:poll()` never blocks, `req:wait()` does
-- (or yields, inside `anthropic.async`). Retries follow the same policy as
-- blocking calls (the same `anthropic.call`), with their back-off measured
-- instead of slept. A Request is a handle (see `anthropic.handle`):
-- `req.error`, `req:done()`, `req:on_done(fn)`; `req.result` is the message.
-- @module anthropic.request
local call = require("anthropic.call")
local handle = require("anthropic.handle")

local M = {}

local Request = handle.class()
M.Request = Request

--- Starts request `req` (see `anthropic.call`) on `client`; `on_done(message, err)` is optional.
function M.start(client, req, on_done)
  local self = handle.init(setmetatable({ client = client }, Request), on_done)
  self.call = call.start(client, req, "value")
  client:track(self)
  return self
end

local function settle(self)
  self.client:untrack(self)
  handle.finish(self, self.call:result())
end

--- Moves the request on without driving the network (for `client:dispatch()`);
-- true once it is done.
function Request:step()
  if self.finished then return true end
  if not self.call:step() then return false end
  settle(self)
  return true
end

--- Never blocks: the message (or nil, err) once done; nothing while pending.
-- Drives the network once unless a host loop does (`anthropic.uv`).
function Request:poll()
  if not self.finished then
    if not self.client.driver then self.client.session:perform(0) end
    self:step()
  end
  if self.finished then return self.call:result() end
end

--- Blocks (or yields, in a task) until done; returns the message or nil, err.
function Request:wait()
  if not self.finished then
    self.call:wait()
    settle(self)
  end
  return self.call:result()
end

--- Abandons the request; it ends with an `aborted` error. Idempotent.
function Request:close()
  if self.finished then return end
  self.call:cancel()
  settle(self)
end
Request.cancel = Request.close
Request.__close = Request.close

--- "anthropic.request (pending|done|failed: type)".
function Request:__tostring()
  return "anthropic.request (" .. (self.error and ("failed: " .. tostring(self.error.type))
    or self.finished and "done" or "pending") .. ")"
end

return M
