--- The lifecycle of every request: one call object attempts, waits until
-- its goal, judges the outcome, backs off and retries, and records the
-- response. Every API function and every handle (Request, Stream, Results,
-- downloads) is built on it, so the retry rules live here only.
--
-- A call's goal is what counts as success:
--
-- * `"value"`: the whole answer, decoded as a JSON object (create, count_tokens, lists...);
-- * `"head"`: a 2xx status with its headers, the body still to come (streams, batch results);
-- * `"body"`: a 2xx answer received whole into its sink (file downloads).
--
-- `call:step()` never blocks; `call:wait()` blocks, or yields inside an
-- `anthropic.async` task. A handle that learns later that an attempt failed
-- before anything reached the user (a stream cut before its first event)
-- hands the error back with `call:retry(err)`.
-- @module anthropic.call
local core = require("anthropic.core")
local async = require("anthropic.async")
local errors = require("anthropic.errors")
local retry = require("anthropic.retry")
local response = require("anthropic.response")
local wire = require("anthropic.wire")

local M = {}

local Call = {}
Call.__index = Call
M.Call = Call

-- Starts the next attempt; false (the call settled with the error) when its
-- spec cannot be made (a credential function failed): nothing is sent.
local function launch(self)
  local client = self.client
  client.backoff[self] = nil
  self.retry_at, self.waiting = false, false
  self.attempts = self.attempts + 1
  local spec, err = wire.spec(client, self.req, self.body, self.attempts - 1)
  if not spec then
    err.attempts = self.attempts
    self.transfer, self.settled, self.error = false, true, err
    return false
  end
  self.transfer = client.session:request(spec)
  self.waiting = self.goal == "head" and "head" or "done"
  return true
end

-- After a 401 on a platform with cached credentials (Vertex's token): drops
-- them, once per call; true when the next attempt may authorize differently.
local function refreshed(self, err)
  local platform = self.client.platform
  if err.status ~= 401 or self.refreshed or not (platform and platform.refresh_credentials) then return false end
  self.refreshed = true
  return platform.refresh_credentials() == true
end

--- Starts request `req` on `client` towards `goal` ("value", "head" or
-- "body"). `req`: method, path (or url), query, body (a Lua value, encoded
-- once here; misuse raises), headers, betas, accept, timeout, idle_timeout,
-- max_retries, and the sink fields stream, lines, output, multipart.
function M.start(client, req, goal)
  -- A platform (`client.platform`: Bedrock, Vertex) may rewrite the path and
  -- body, once per call, before the body is encoded.
  local platform = client.platform
  if platform then req = platform.prepare(client, req) end
  -- (Every field is in the constructor, false until set, so the table is
  -- made at its size once: a call is made for every request.)
  local self = setmetatable({
    client = client, req = req, goal = goal or "value",
    body = req.body ~= nil and wire.encode(client, req.body) or nil,
    max_retries = req.max_retries or client.max_retries,
    attempts = 0,      -- attempts started
    settled = false,   -- the goal is reached, or `error` is final
    transfer = false,  -- the transfer of the current attempt
    waiting = false,   -- what step waits for: "head", "done" or "retry"
    retry_at = false,  -- when the back-off ends (core.now() seconds)
    value = false,     -- a "value" call's decoded body
    response = false,  -- the response record, once the goal is reached
    error = false,     -- the final error
    refreshed = false, -- the platform renewed its credentials after a 401 (once per call)
  }, Call)
  launch(self)
  return self
end

--- After a failed attempt: plans the next one (true), or makes `err` the
-- call's final error (false). Nothing of a failed attempt has reached the
-- user, so starting over loses nothing.
function Call:retry(err)
  if self.transfer then self.transfer:close() end
  local delay = retry.after_failure(err, self.attempts, self.max_retries, refreshed(self, err))
  if delay then
    self.settled, self.waiting = false, "retry"
    self.retry_at = core.now() + delay
    self.client.backoff[self] = self.retry_at
    return true
  end
  self.settled, self.error = true, err
  return false
end

-- A "head" or "body" call reached its goal.
local function succeed(self, record)
  self.settled, self.response = true, record
  return true
end

-- Judges the finished attempt of a "value" call.
local function judge_value(self, t)
  local value, info = wire.outcome(self.client, t, self.attempts)
  t:close()
  if value == nil then return not self:retry(info) end
  self.settled, self.value, self.response = true, value, info
  response.remember(value, info)
  return true
end

-- Judges a failed attempt of a "head" or "body" call, once it is finished.
local function judge_failure(self, t)
  local status = t:status()
  local _, err = wire.outcome(self.client, t, self.attempts)
  if err == nil then -- a 2xx after all (it failed while writing its body, for instance)
    err = errors.new({ type = "api_response_error", message = "the response ended early", status = status })
  end
  return not self:retry(err)
end

-- Whether transfer t's answer is a success the "head" or "body" goal accepts
-- (false), still unknown (nil), or not one (true: judge it once it is over).
local function head_failed(self, t)
  local status = t:status()
  if status < 200 or status >= 300 then return true end
  local failed = t:error()
  if self.goal == "body" then return failed ~= nil end
  -- A transfer that broke before its first event is as good as a dropped connection.
  return failed ~= nil and t:stream_info() == 0
end

--- Moves the call on without blocking and without driving the network:
-- true once settled (the goal is reached, or `call.error` is set). While not
-- settled, `call.waiting` says what it waits for: "retry" (a back-off
-- until `call.retry_at`), or the transfer reaching "head" or "done".
function Call:step()
  if self.settled then return true end
  if self.retry_at then
    if core.now() < self.retry_at then
      self.waiting = "retry"
      return false
    end
    if not launch(self) then return true end
  end
  local t = self.transfer
  if self.goal == "value" then
    if not t:done() then
      self.waiting = "done"
      return false
    end
    return judge_value(self, t)
  end
  local until_ = self.goal == "head" and "head" or "done"
  if not t:wait(0, until_) then
    self.waiting = until_
    return false
  end
  if not head_failed(self, t) then return succeed(self, wire.record(self.client, t:status(), t, self.attempts)) end
  if not t:done() then
    self.waiting = "done"
    return false
  end
  return judge_failure(self, t)
end

--- Blocks (or yields, inside an `anthropic.async` task) until the call is
-- settled. Returns true when its goal was reached, false when `call.error` is set.
function Call:wait()
  while not self.settled do
    if self.waiting == "retry" then
      async.sleep(math.max(0, self.retry_at - core.now()))
    else
      async.wait(self.client, self.transfer, self.waiting)
    end
    self:step()
  end
  return not self.error
end

--- The outcome of a settled "value" call: the decoded body, or nil, err.
function Call:result()
  if self.error then return nil, self.error end
  return self.value
end

--- Abandons the call; it settles with an `aborted` error. Idempotent.
function Call:cancel()
  if self.transfer then self.transfer:close() end
  self.client.backoff[self] = nil
  if not self.settled then
    self.settled = true
    self.error = errors.new({ type = "aborted", message = "the request was cancelled" })
  end
end

--- Runs request `req` on `client` to its goal and returns the call,
-- settled (blocks, or yields inside a task).
function M.run(client, req, goal)
  local c = M.start(client, req, goal)
  c:wait()
  return c
end

return M
