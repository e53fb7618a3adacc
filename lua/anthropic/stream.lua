--- Streams (`"stream": true`): pull-based, so no Lua code runs inside
-- libcurl. Events are parsed in C and pulled by `s:events()`, `s:text()`,
-- `s:poll()` or `s:final_message()`; the message is accumulated as they pass.
-- @module anthropic.stream
local errors = require("anthropic.errors")
local accumulator = require("anthropic.accumulator")

local M = {}

local Stream = {}
Stream.__index = Stream
M.Stream = Stream

--- Wraps a started streaming transfer whose answer is a 2xx.
-- @param client the client
-- @param t the transfer
-- @tparam table info `{status, headers, request_id, attempts}`
-- @tparam[opt] table callbacks `on_event(event, snapshot)`, `on_text(delta, snapshot_text)`
function M.new(client, t, info, callbacks)
  return setmetatable({
    client = client,
    transfer = t,
    response = info,
    acc = accumulator.new(),
    callbacks = callbacks,
    ended = false,    -- no more events will come
    complete = false, -- message_stop was seen
    error = nil,
  }, Stream)
end

function Stream:__tostring()
  local state = self.error and ("failed: " .. self.error.type) or self.complete and "complete"
    or self.ended and "closed" or "open"
  return "anthropic.stream (" .. state .. ")"
end

local function fail(self, err)
  if not self.error then self.error = err end
  self.ended = true
  self.transfer:close()
end

-- The error of a transfer that ended before message_stop.
local function end_of_transfer(self)
  local kind, message = self.transfer:error()
  local count, partial, mode = self.transfer:stream_info()
  if mode == "body" then
    local headers = self.response.headers
    return errors.new({
      type = "api_response_error", status = self.response.status, request_id = self.response.request_id,
      message = ("expected an event stream, got %s: %s"):format(headers["content-type"] or "no content type",
                                                                self.transfer:body():sub(1, 200)),
    })
  end
  if kind == "timeout" or kind == "idle_timeout" then
    return errors.new({ type = "timeout_error", reason = kind, message = message, partial = true,
                        request_id = self.response.request_id })
  end
  local why = kind and message or
    (partial and "the connection closed in the middle of an event" or "the connection closed before message_stop")
  return errors.new({
    type = "incomplete_stream", reason = kind or "closed", status = self.response.status,
    message = ("%s (after %d events)"):format(why, count), request_id = self.response.request_id,
  })
end

local function run_callback(self, f, ...)
  local ok, err = pcall(f, ...)
  if not ok then
    fail(self, errors.new({ type = "callback_error", message = tostring(err) }))
    error(err, 0)
  end
end

-- Takes one decoded event: accumulates it and reports whether to yield it.
local function take(self, name, data, jerr)
  if data == nil then
    fail(self, errors.new({ type = "api_response_error", status = self.response.status,
                            message = ("event %q has data that is not JSON: %s"):format(name, tostring(jerr)),
                            request_id = self.response.request_id }))
    return nil
  end
  local kind = type(data) == "table" and data.type or name
  if kind == "ping" then return nil end
  if kind == "error" then
    local e = type(data.error) == "table" and data.error or {}
    fail(self, errors.new({ type = e.type or "api_error", message = e.message or "error event",
                            status = self.response.status, body = data, request_id = self.response.request_id }))
    return nil
  end
  if type(data) == "table" then self.acc:add(data) end
  if kind == "message_stop" then
    self.complete, self.ended = true, true
    -- The end of the body usually came with the event: let it finish so the
    -- connection can be reused, without waiting for it.
    self.transfer:poll()
    self.transfer:close()
  end
  local cb = self.callbacks
  if cb then
    if cb.on_event then run_callback(self, cb.on_event, data, self.acc.message) end
    if cb.on_text and kind == "content_block_delta" and data.delta and data.delta.type == "text_delta" then
      run_callback(self, cb.on_text, data.delta.text, self.acc.message)
    end
  end
  return data
end

--- The next event, blocking until it comes; nil at the end (then see `s.error`).
function Stream:next()
  local t = self.transfer
  while true do
    local name, data, jerr = t:next_event()
    if name then
      local event = take(self, name, data, jerr)
      if event then return event end
      if self.ended then return nil end
    elseif self.ended then
      return nil
    elseif t:done() then
      if not self.complete then fail(self, end_of_transfer(self)) end
      self.ended = true
      return nil
    else
      t:wait(nil, "event")
    end
  end
end

--- Iterates every event as a Lua table (`ping` is skipped; unknown events pass).
function Stream:events()
  return function() return self:next() end
end

--- Iterates the text deltas only.
function Stream:text()
  return function()
    while true do
      local event = self:next()
      if event == nil then return nil end
      if event.type == "content_block_delta" then
        local delta = event.delta
        if delta and delta.type == "text_delta" then return delta.text end
      end
    end
  end
end

--- The events that have already arrived, without blocking (a list, maybe empty).
function Stream:poll()
  local out = {}
  if self.ended then return out end
  local t = self.transfer
  t:poll()
  while true do
    local name, data, jerr = t:next_event()
    if not name then break end
    local event = take(self, name, data, jerr)
    if event then out[#out + 1] = event end
    if self.ended then return out end
  end
  if t:done() and not self.ended then
    if not self.complete then fail(self, end_of_transfer(self)) end
    self.ended = true
  end
  return out
end

--- Runs the stream to its end: the message, or nil, err (the partial
-- message stays available from `s:current_message()`).
function Stream:final_message()
  while self:next() do end
  if self.error then return nil, self.error end
  if not self.complete then
    return nil, errors.new({ type = "incomplete_stream", message = "the stream was closed before its end" })
  end
  local msg = self:current_message()
  require("anthropic.client").remember_response(msg, self.response)
  return msg
end

--- The message accumulated so far (nil before message_start).
function Stream:current_message()
  return self.acc:snapshot()
end

--- Whether the stream is over (cleanly or not).
function Stream:done()
  return self.ended
end

--- Stops the transfer at once; idempotent.
function Stream:close()
  if not self.ended then
    self.ended = true
    self.closed = true
  end
  self.transfer:close()
end
Stream.__close = Stream.close

return M
