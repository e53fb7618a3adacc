--- Requests in flight without blocking: `client.messages.create_async`.
-- A request starts at once; `req:poll()` never blocks, `req:wait()` does
-- (or yields, inside `anthropic.async`). Retries follow the same policy as
-- blocking calls, with their back-off measured instead of slept.
-- @module anthropic.request
local core = require("anthropic.core")
local async = require("anthropic.async")
local retry = require("anthropic.retry")

local M = {}

local Request = {}
Request.__index = Request
M.Request = Request

--- Starts request `req` (see `Client:request`) on `client`.
function M.start(client, req)
  local self = setmetatable({
    client = client, req = req, body = req.body ~= nil and client:encode(req.body) or nil,
    attempt = 0, done = false, callbacks = {},
  }, Request)
  self:launch()
  client:track(self)
  return self
end

--- Starts the next attempt.
function Request:launch()
  self.retry_at = nil
  self.transfer = self.client.session:request(self.client:spec(self.req, self.body, self.attempt))
end

--- Ends the request and runs its on_done callbacks.
function Request:finish(value, err)
  self.done, self.value, self.err = true, value, err
  self.transfer = nil
  self.client:untrack(self)
  for _, fn in ipairs(self.callbacks) do fn(value, err) end
end

--- Moves the request on without driving the network; true once it is done.
function Request:step()
  if self.done then return true end
  if self.retry_at then
    if core.now() < self.retry_at then return false end
    self:launch()
  end
  local t = self.transfer
  if not t:done() then return false end
  local value, info = self.client:outcome(t)
  t:close()
  self.attempt = self.attempt + 1
  if value ~= nil then
    info.attempts = self.attempt
    self.client.remember(value, info)
    self:finish(value, nil)
    return true
  end
  local delay = retry.after_failure(info, self.attempt, self.req.max_retries or self.client.max_retries)
  if delay then
    self.retry_at = core.now() + delay
    return false
  end
  self:finish(nil, info)
  return true
end

local function result(self)
  if self.value ~= nil then return self.value end
  return nil, self.err
end

--- Never blocks: the message (or nil, err) once done; nothing while pending.
function Request:poll()
  if not self.done then
    if not self.client.driver then self.client.session:perform(0) end
    self:step()
  end
  if self.done then return result(self) end
end

--- Blocks (or yields, in a task) until done; returns the message or nil, err.
function Request:wait()
  while not self:step() do
    if self.retry_at then
      async.sleep(math.max(0, self.retry_at - core.now()))
    else
      async.wait(self.client, self.transfer, "done")
    end
  end
  return result(self)
end

--- Calls fn(message, err) when the request is done (at once if it is).
function Request:on_done(fn)
  if self.done then fn(self.value, self.err) else self.callbacks[#self.callbacks + 1] = fn end
  return self
end

--- Abandons the request; it ends with an `aborted` error.
function Request:cancel()
  if self.done then return end
  if self.transfer then self.transfer:close() end
  self:finish(nil, require("anthropic.errors").new({ type = "aborted", message = "the request was cancelled" }))
end
Request.close = Request.cancel
Request.__close = Request.cancel

return M
