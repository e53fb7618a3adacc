--- The retry policy of the official SDKs: which failures are retried, and
-- how long to wait before the next attempt.
-- @module anthropic.retry
local log = require("anthropic.log")

local M = {}

local INITIAL_DELAY, MAX_DELAY = 0.5, 8.0
local MAX_SERVER_DELAY = (2 ^ 31 - 1) / 1000

local function header_says(headers, name)
  local v = headers and headers[name]
  return v and v:lower()
end

--- Whether an error is worth another attempt: connection failures and
-- timeouts, 408, 409, 429 and every status >= 500, unless the server's
-- `x-should-retry` header says otherwise.
-- @tparam table err an error from `anthropic.errors`
function M.should_retry(err)
  local says = header_says(err.headers, "x-should-retry")
  if says == "true" then return true end
  if says == "false" then return false end
  -- No new attempt can fix a URL libcurl refuses, nor undo a cancellation.
  if err.reason == "invalid_url" or err.reason == "aborted" then return false end
  -- A stream cut before its first event is as good as a dropped connection.
  if err.type == "incomplete_stream" and err.events == 0 then return true end
  if err.type == "connection_error" or (err.type == "timeout_error" and (err.status or 0) == 0) then
    return true
  end
  local s = err.status or 0
  return s == 408 or s == 409 or s == 429 or s >= 500
end

local months = { Jan = 1, Feb = 2, Mar = 3, Apr = 4, May = 5, Jun = 6,
                 Jul = 7, Aug = 8, Sep = 9, Oct = 10, Nov = 11, Dec = 12 }

-- Seconds until an HTTP date such as "Wed, 21 Oct 2015 07:28:00 GMT".
local function seconds_until_http_date(v)
  local d, mon, y, h, mi, s = v:match("^%a+, (%d+) (%a+) (%d+) (%d+):(%d+):(%d+) GMT$")
  if not d or not months[mon] then return nil end
  local utc_then = os.time({ year = tonumber(y), month = months[mon], day = tonumber(d),
                             hour = tonumber(h), min = tonumber(mi), sec = tonumber(s), isdst = false })
  local now = os.time()
  local offset = os.difftime(now, os.time(os.date("!*t", now)))
  return os.difftime(utc_then + offset, now)
end

--- The server's requested delay in seconds, from `retry-after-ms` or
-- `retry-after` (seconds or an HTTP date), or nil.
function M.server_delay(headers)
  if not headers then return nil end
  local ms = tonumber(headers["retry-after-ms"])
  if ms then return ms / 1000 end
  local after = headers["retry-after"]
  if not after then return nil end
  return tonumber(after) or seconds_until_http_date(after)
end

--- Seconds to wait before retry number `retries_done + 1`.
-- @tparam number retries_done retries already made (0 before the first retry)
-- @tparam table headers the failed response's headers, or nil
-- @tparam[opt] function random a `math.random`-like source of [0, 1)
function M.delay(retries_done, headers, random)
  -- As the official TypeScript SDK: the server's delay whenever it is more
  -- than 0 and at most 2^31-1 ms (no 60 s cap; a rate limit may ask for minutes).
  local server = M.server_delay(headers)
  if server and server > 0 and server <= MAX_SERVER_DELAY then return server end
  local delay = math.min(INITIAL_DELAY * 2 ^ retries_done, MAX_DELAY)
  local jitter = 1 - 0.25 * (random or math.random)()
  return delay * jitter
end

--- After failed attempt number `attempt` (1-based): records `attempts` and
-- `retryable` in err and returns the delay before the next attempt, or nil
-- when there is none. `refreshed`: the credentials were renewed after this
-- failure (a 401 whose cached token was dropped), so one more attempt is
-- worth it, at once, as the official SDK retries a 401 once after
-- invalidating its token cache.
function M.after_failure(err, attempt, max_retries, refreshed)
  err.attempts = attempt
  err.retryable = refreshed or M.should_retry(err)
  if not err.retryable or attempt > max_retries then return nil end
  local delay = refreshed and 0 or M.delay(attempt - 1, err.headers)
  if log.info then log.write("retrying in %.2f s after %s", delay, err.type) end
  return delay
end

return M
