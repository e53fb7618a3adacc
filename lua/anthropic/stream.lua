--- Streams (`"stream": true`): pull-based, so no Lua code runs inside
-- libcurl. Events are parsed in C and pulled by `s:events()`, `s:text()`,
-- `s:poll()` or `s:final_message()`; the message is accumulated as they pass.
-- A Stream is a handle (see `anthropic.handle`): `s.error`, `s:done()`,
-- `s:on_done(fn)`. Its attempts are an `anthropic.call` whose goal is the
-- response headers; a failure before the first event is retried.
-- @module anthropic.stream
local errors = require("anthropic.errors")
local accumulator = require("anthropic.accumulator")
local add_part = accumulator.add_part
local async = require("anthropic.async")
local call = require("anthropic.call")
local handle = require("anthropic.handle")
local notify = require("anthropic.stream_notify")
local response = require("anthropic.response")
local structured = require("anthropic.structured")

local M = {}

local Stream = handle.class()
M.Stream = Stream

--- Starts streaming request `req` (see `anthropic.call`; `req.stream` is
-- set) on `client`.
-- @tparam[opt] table callbacks `on_done(message, err)` and those of `anthropic.stream_notify`:
--   `on_event`, `on_text`, `on_thinking`, `on_citation`, `on_signature`, `on_compaction`,
--   `on_input_json`, `on_content_block`, `on_message`
function M.start(client, req, callbacks)
  req.stream = true
  local self = handle.init(setmetatable({
    client = client,
    connecting = true,
    acc = accumulator.new(),
    callbacks = callbacks,
    ended = false,    -- no more events will come
    complete = false, -- message_stop was seen
  }, Stream), callbacks and callbacks.on_done)
  if callbacks then self.run = function(f, ...) return self:run_callback(f, ...) end end
  self.call = call.start(client, req, "head")
  return self
end

-- Until the answer's headers are in: the call retries failures (sleeping
-- if `block`, else coming back later). Returns true once streaming, false on
-- failure, nil when not known yet (only without `block`).
local function connect(self, block)
  if not self.connecting then return not self.error end
  local c = self.call
  if self.ended then return false end
  if block then c:wait() elseif not c:step() then return nil end
  if c.error then
    self.error, self.ended = c.error, true
    return false
  end
  self.connecting = false
  self.transfer, self.response = c.transfer, c.response
  return true
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

-- The stream is over: its on_done callbacks run (once), with the message
-- or the error.
local function settle(self)
  if self.finished or not self.ended then return end
  self.client:untrack(self)
  if self.error or not self.complete then
    handle.finish(self, nil, self.error or handle.aborted("the stream"))
    return nil
  end
  local msg = self:current_message()
  response.remember(msg, self.response)
  -- With a json_schema output format, the final message carries its
  -- parsed_output, as messages.parse's does.
  local parsed, err = structured.parsed_output(self.call.req.body, msg)
  if err then
    handle.finish(self, nil, err)
    return nil
  end
  msg.parsed_output = parsed
  handle.finish(self, msg, nil)
  return nil
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
    type = "incomplete_stream", reason = kind or "closed", status = self.response.status, events = count,
    message = ("%s (after %d events)"):format(why, count), request_id = self.response.request_id,
  })
end

--- Runs callback `f(...)` of this stream: an error it raises ends the
-- stream (`callback_error`) and is raised again to the caller.
function Stream:run_callback(f, ...)
  local ok, err = pcall(f, ...)
  if not ok then
    fail(self, errors.new({ type = "callback_error", message = tostring(err) }))
    settle(self) -- the stream is over: on_done hears of it before the error propagates
    error(err, 0)
  end
end

-- A text delta of block `index` (0-based) that the core did not add to the
-- block's text (its first, or the first after another block's): added to
-- the accumulator, and the core told to add the block's next ones itself.
local function add_text(self, index, text)
  local acc = self.acc
  if add_part(acc, index + 1, "text", text) then
    local appender = acc:text_appender(index + 1)
    if appender then self.transfer:text_to(index, appender) end
  end
end

-- Takes one decoded event: accumulates it (a text delta the core added to
-- its block's text already: `added`) and reports whether to yield it.
local function take(self, name, data, jerr, added)
  if data == nil then
    fail(self, errors.new({ type = "api_response_error", status = self.response.status,
                            message = ("event %q has data that is not JSON: %s"):format(name, tostring(jerr)),
                            request_id = self.response.request_id }))
    return nil
  end
  local is_table = type(data) == "table"
  local kind = is_table and data.type or name
  local text_delta = kind == "content_block_delta" and data.delta
  if text_delta and text_delta.type == "text_delta" then
    -- The hot path: most events are text deltas.
    if not added then add_text(self, data.index or 0, text_delta.text) end
  elseif kind == "ping" then
    return nil
  elseif kind == "error" then
    -- (A platform's own stream errors, such as Bedrock's exceptions, first.)
    local platform = self.client.platform
    local err = platform and platform.stream_error and platform.stream_error(data)
    if not err then
      local e = type(data.error) == "table" and data.error or {}
      err = errors.new({ type = e.type or "api_error", message = e.message or "error event",
                         status = self.response.status, body = data, request_id = self.response.request_id })
    end
    fail(self, err)
    return nil
  elseif is_table then
    self.acc:add(data)
  end
  if kind == "message_stop" then
    self.complete, self.ended = true, true
    -- The end of the body may still be on its way: a transfer left running
    -- finishes with the session's next turn, and its connection is reused.
    if self.transfer:done() then self.transfer:close() end
  end
  if self.callbacks then notify.notify(self.callbacks, data, self.acc, self.run) end
  return data
end

-- The transfer is over and nothing is left queued: ends the stream (true),
-- or plans another attempt when nothing had arrived yet (false).
local function transfer_over(self)
  if not self.complete then
    local err = end_of_transfer(self)
    if not self.acc.message and self.call:retry(err) then
      self.connecting = true -- nothing reached the user: start over
      return false
    end
    fail(self, err)
  end
  self.ended = true
  return true
end

local function wait_or_end(self, t)
  if self.ended then return true end
  if t:done() then
    -- the last events may have come with the end, after next_event found none
    if t:queued() > 0 then return false end
    return transfer_over(self)
  end
  async.wait(self.client, t, "event")
  return false
end

--- Blocks (or yields, in a task) until the response headers are in,
-- retrying failures that come before them: true once streaming, false on
-- failure (see `s.error`; the stream has ended).
function Stream:connect()
  if connect(self, true) then return true end
  settle(self)
  return false
end

--- The next event, blocking until it comes; nil at the end (then see `s.error`).
function Stream:next()
  while true do
    if self.ended or (self.connecting and not connect(self, true)) then return settle(self) end
    local t = self.transfer
    local name, data, jerr, added = t:next_event()
    if name then
      local event = take(self, name, data, jerr, added)
      if event then return event end
    elseif wait_or_end(self, t) then
      return settle(self)
    end
  end
end

--- Iterates every event as a Lua table (`ping` is skipped; unknown events pass).
function Stream:events()
  return self.next, self -- the for loop calls s:next() itself: no closure in between
end

-- A text delta that came by the core's fast path (no tables): accumulated
-- (unless the core added it to its block's appender already), with the
-- callbacks an event would get.
local function take_text(self, index, text, added)
  if not added then add_text(self, index, text) end
  if self.callbacks then notify.text(self.callbacks, index, text, self.acc, self.run) end
end

--- Iterates the text deltas only.
function Stream:text()
  local next_fast -- the transfers' method, looked up once (the hot loop)
  return function()
    while true do
      if self.ended or (self.connecting and not connect(self, true)) then return settle(self) end
      local t = self.transfer
      if not next_fast then next_fast = t.next_fast end
      local a, b, c, added = next_fast(t)
      if a == true then
        -- (the hot loop: the core added the delta to its block's text)
        if self.callbacks or not added then take_text(self, b, c, added) end
        return c
      elseif a then
        local event = take(self, a, b, c)
        if event then
          local delta = event.type == "content_block_delta" and event.delta
          if delta and delta.type == "text_delta" then return delta.text end
        elseif self.ended then
          return settle(self)
        end
      elseif wait_or_end(self, t) then
        return settle(self)
      end
    end
  end
end

--- The events that have already arrived, without blocking (a list, maybe empty).
function Stream:poll()
  if not self.ended and not self.client.driver then self.client.session:perform(0) end
  return self:drain()
end

-- Takes the events already queued (at most `max`), adding those to yield to
-- `out` when given; returns whether more are queued. Without `out` (the
-- callbacks only) and without an `on_event` callback, a text delta comes by
-- the core's fast path: no event tables, so a dispatch makes less garbage.
local function drain(self, max, out)
  if self.ended then return false end
  if self.connecting and not connect(self, false) then return false end
  local t = self.transfer
  local next_one = t.next_event
  if not out and not (self.callbacks and self.callbacks.on_event) then next_one = t.next_fast end
  local taken = 0
  while true do
    if max and taken >= max then return true end
    local a, b, c, added = next_one(t)
    if not a then break end
    taken = taken + 1
    if a == true then
      take_text(self, b, c, added)
    else
      local event = take(self, a, b, c, added)
      if event and out then out[#out + 1] = event end
    end
    if self.ended then return false end -- (a callback may have closed it)
  end
  if t:done() and not self.ended then
    if t:queued() > 0 then return true end -- came with the end: the next drain takes them
    transfer_over(self)
  end
  return false
end

--- The events already queued (at most `max`), without driving the network;
-- a second result tells whether more are queued. Runs `on_done` when the
-- stream has ended.
function Stream:drain(max)
  local out = {}
  local more = drain(self, max, out)
  if self.ended then settle(self) end
  return out, more or nil
end

--- Moves the stream on for `client:dispatch()`, taking at most `max`
-- events: runs its callbacks, and `on_done(message, err)` once it ends.
-- Returns whether it has ended, and whether events are still queued.
function Stream:step(max)
  local more = drain(self, max)
  if self.ended then settle(self) end
  return self.ended, more
end

--- Runs the stream to its end: the message, or nil, err (the partial
-- message stays available from `s:current_message()`).
function Stream:final_message()
  while self:next() do end
  settle(self)
  return self.result, self.error
end

--- The message accumulated so far (nil before message_start).
function Stream:current_message()
  return self.acc:snapshot()
end

--- Stops the transfer at once; an unfinished stream ends with an `aborted`
-- error (its partial message stays in `s:current_message()`). Idempotent.
function Stream:close()
  self.ended = true
  self.call:cancel()
  settle(self)
end
Stream.__close = Stream.close

return M
