--- The results of a message batch, read from its `results_url` one JSONL
-- line at a time in constant memory (the core pauses the download while
-- Lua falls behind). A Results object is a handle (see `anthropic.handle`):
-- `results.error`, `results:done()`, `results:on_done(fn)` with
-- `fn(count, err)`.
--
--     for r in results do print(r.custom_id, r.result.type) end
--     local list = results:poll()  -- the results already here, without blocking
-- @module anthropic.batch_results
local async = require("anthropic.async")
local call = require("anthropic.call")
local errors = require("anthropic.errors")
local handle = require("anthropic.handle")

local M = {}

local Results = handle.class()
M.Results = Results

--- Opens the results of `batch` at `url` (blocks, or yields in a task, until
-- the answer's headers are in, with retries): a Results object, or nil, err.
-- `req` holds the request options (headers, betas, timeout, max_retries,
-- idle_timeout); `on_done` is optional.
function M.open(client, batch, url, req, on_done)
  req.method, req.url, req.lines, req.accept = "GET", url, true, "application/binary"
  local c = call.run(client, req, "head")
  if c.error then return nil, c.error end
  return handle.init(setmetatable({ client = client, call = c, transfer = c.transfer, response = c.response,
                                    count = 0, ended = false, batch = batch }, Results), on_done)
end

local function stop(self, err)
  self.ended = true
  self.transfer:close()
  handle.finish(self, self.count, err)
end

-- The next result already here: a value, false when none is queued yet,
-- nil at the end.
local function take(self)
  if self.ended then return nil end
  local t = self.transfer
  local name, value, jerr = t:next_event()
  if name then
    if value ~= nil then
      self.count = self.count + 1
      return value
    end
    stop(self, errors.new({ type = "api_response_error", status = self.response.status,
                            message = ("result %d is not JSON: %s"):format(self.count + 1, tostring(jerr)),
                            request_id = self.response.request_id }))
    return nil
  end
  if not t:done() or t:queued() > 0 then return false end -- (lines may have come with the end)
  local kind, message = t:error()
  stop(self, kind and errors.new({
    type = kind == "timeout" and "timeout_error" or "connection_error", reason = kind,
    message = ("%s (after %d results)"):format(message, self.count),
    partial = true, request_id = self.response.request_id,
  }) or nil)
  return nil
end

--- The next result (a decoded JSONL line), blocking (or yielding, in a
-- task) until it comes; nil at the end (then see `results.error`).
function Results:next()
  while true do
    local value = take(self)
    if value ~= false then return value end
    async.wait(self.client, self.transfer, "event")
  end
end
Results.__call = Results.next

--- The results already here, without blocking (a list, maybe empty);
-- drives the network once unless a host loop does.
function Results:poll()
  if not self.ended and not self.client.driver then self.client.session:perform(0) end
  local out = {}
  while true do
    local value = take(self)
    if not value then return out end
    out[#out + 1] = value
  end
end

--- Iterates the results: `for result in results:each() do ... end`
-- (or simply `for result in results do`).
function Results:each()
  return function() return self:next() end
end

--- Stops reading; an unfinished walk ends with an `aborted` error. Idempotent.
function Results:close()
  if not self.finished then stop(self, handle.aborted("the batch results")) end
  self.ended = true
  self.transfer:close()
end
Results.__close = Results.close

--- "anthropic.batch_results (N read, ended)".
function Results:__tostring()
  return ("anthropic.batch_results (%d read%s)"):format(self.count,
    self.error and ", failed" or self.ended and ", ended" or "")
end

return M
