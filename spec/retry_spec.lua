-- The retry policy as a unit: which failures are retried, the back-off and
-- its jitter, the server's retry-after forms, x-should-retry.
local retry = require("anthropic.retry")
local errors = require("anthropic.errors")

local function err(fields)
  return errors.new(fields)
end

local function http_date(epoch)
  return os.date("!%a, %d %b %Y %H:%M:%S GMT", epoch)
end

describe("retry.should_retry", function()
  it("retries connection failures and timeouts without a response", function()
    assert.is_true(retry.should_retry(errors.from_transport("connection", "refused")))
    assert.is_true(retry.should_retry(errors.from_transport("timeout", "timed out")))
    assert.is_true(retry.should_retry(errors.from_transport("idle_timeout", "idle")))
  end)

  it("does not retry what no new attempt can change: a bad URL, an abort", function()
    assert.is_false(retry.should_retry(errors.from_transport("invalid_url", "bad url")))
    assert.is_false(retry.should_retry(errors.from_transport("aborted", "aborted")))
  end)

  it("retries 408, 409, 429 and every status >= 500, not the other 4xx", function()
    for _, s in ipairs({ 408, 409, 429, 500, 502, 503, 504, 529, 599 }) do
      assert.is_true(retry.should_retry(errors.from_response(s, {}, "", nil)), s)
    end
    for _, s in ipairs({ 400, 401, 402, 403, 404, 405, 413, 422, 451 }) do
      assert.is_false(retry.should_retry(errors.from_response(s, {}, "", nil)), s)
    end
  end)

  it("obeys x-should-retry either way, in any case", function()
    assert.is_false(retry.should_retry(err({ type = "api_error", status = 500,
                                             headers = { ["x-should-retry"] = "false" } })))
    assert.is_false(retry.should_retry(err({ type = "overloaded_error", status = 529,
                                             headers = { ["x-should-retry"] = "FALSE" } })))
    assert.is_true(retry.should_retry(err({ type = "invalid_request_error", status = 400,
                                            headers = { ["x-should-retry"] = "true" } })))
    assert.is_true(retry.should_retry(err({ type = "authentication_error", status = 401,
                                            headers = { ["x-should-retry"] = "True" } })))
    -- anything else is no opinion
    assert.is_true(retry.should_retry(err({ type = "api_error", status = 500,
                                            headers = { ["x-should-retry"] = "maybe" } })))
    assert.is_false(retry.should_retry(err({ type = "invalid_request_error", status = 400,
                                             headers = { ["x-should-retry"] = "" } })))
  end)
end)

describe("retry.server_delay", function()
  it("reads retry-after-ms first, in milliseconds", function()
    assert.equal(0.25, retry.server_delay({ ["retry-after-ms"] = "250", ["retry-after"] = "7" }))
    assert.equal(0.0015, retry.server_delay({ ["retry-after-ms"] = "1.5" }))
  end)

  it("reads retry-after in seconds", function()
    assert.equal(7, retry.server_delay({ ["retry-after"] = "7" }))
    assert.equal(1.5, retry.server_delay({ ["retry-after"] = "1.5" }))
  end)

  it("reads retry-after as an HTTP date", function()
    local d = retry.server_delay({ ["retry-after"] = http_date(os.time() + 20) })
    assert.truthy(d >= 17 and d <= 21, d)
    d = retry.server_delay({ ["retry-after"] = http_date(os.time() - 30) })
    assert.truthy(d <= -28, d)
  end)

  it("ignores what it cannot read", function()
    assert.is_nil(retry.server_delay(nil))
    assert.is_nil(retry.server_delay({}))
    assert.is_nil(retry.server_delay({ ["retry-after"] = "soon" }))
    assert.is_nil(retry.server_delay({ ["retry-after"] = "Someday, 99 Foo 2025 10:00:00 GMT" }))
  end)
end)

describe("retry.delay", function()
  local function fixed(x) return function() return x end end

  it("doubles from 0.5 s up to 8 s without jitter", function()
    local want = { 0.5, 1, 2, 4, 8, 8, 8 }
    for i, w in ipairs(want) do
      assert.equal(w, retry.delay(i - 1, nil, fixed(0)))
    end
  end)

  it("takes off at most 25 % as jitter", function()
    assert.equal(0.375, retry.delay(0, nil, fixed(1)))
    assert.equal(6, retry.delay(10, nil, fixed(1)))
  end)

  it("stays within [75 %, 100 %] of the base over many draws of math.random, and varies", function()
    math.randomseed(7)
    for retries = 0, 6 do
      local base = math.min(0.5 * 2 ^ retries, 8)
      local lo, hi = math.huge, -math.huge
      for _ = 1, 2000 do
        local d = retry.delay(retries, nil)
        lo, hi = math.min(lo, d), math.max(hi, d)
      end
      assert.truthy(lo >= base * 0.75 - 1e-12, ("retries %d: %g < %g"):format(retries, lo, base * 0.75))
      assert.truthy(hi <= base + 1e-12, ("retries %d: %g > %g"):format(retries, hi, base))
      -- 2000 uniform draws spread over most of the range
      assert.truthy(hi - lo > base * 0.2, ("retries %d: spread %g"):format(retries, hi - lo))
    end
  end)

  it("uses the server's delay whenever it is over 0 and at most 2^31-1 ms, as the TypeScript SDK", function()
    assert.equal(0.2, retry.delay(3, { ["retry-after-ms"] = "200" }, fixed(0.5)))
    assert.equal(60, retry.delay(0, { ["retry-after"] = "60" }, fixed(0.5)))
    assert.equal(600, retry.delay(1, { ["retry-after-ms"] = "600000" }, fixed(0)))
    local d = retry.delay(0, { ["retry-after"] = http_date(os.time() + 10) }, fixed(0))
    assert.truthy(d >= 7 and d <= 11, d)
    d = retry.delay(1, { ["retry-after"] = http_date(os.time() + 3600) }, fixed(0))
    assert.truthy(d >= 3597 and d <= 3601, d)
  end)

  it("falls back to the back-off when the server's delay is out of range or unreadable", function()
    assert.equal(1, retry.delay(1, { ["retry-after"] = "0" }, fixed(0)))
    assert.equal(1, retry.delay(1, { ["retry-after"] = "-1" }, fixed(0)))
    assert.equal(1, retry.delay(1, { ["retry-after-ms"] = "2147483648" }, fixed(0)))
    assert.equal(1, retry.delay(1, { ["retry-after"] = http_date(os.time() - 3600) }, fixed(0)))
    assert.equal(1, retry.delay(1, { ["retry-after"] = "later" }, fixed(0)))
  end)
end)

describe("retry.after_failure", function()
  it("records attempts and retryable, and stops after max_retries", function()
    local e = err({ type = "overloaded_error", status = 529, headers = {} })
    assert.truthy(retry.after_failure(e, 1, 2))
    assert.equal(1, e.attempts)
    assert.is_true(e.retryable)
    assert.truthy(retry.after_failure(e, 2, 2))
    assert.is_nil(retry.after_failure(e, 3, 2))
    assert.equal(3, e.attempts)
    assert.truthy(tostring(e):find("after 3 attempts", 1, true))
  end)

  it("never retries with max_retries = 0, nor a non-retryable error", function()
    local e = err({ type = "api_error", status = 500, headers = {} })
    assert.is_nil(retry.after_failure(e, 1, 0))
    assert.is_true(e.retryable)
    local e2 = err({ type = "authentication_error", status = 401, headers = {} })
    assert.is_nil(retry.after_failure(e2, 1, 5))
    assert.is_false(e2.retryable)
    assert.equal(1, e2.attempts)
    assert.is_nil(tostring(e2):find("attempts", 1, true))
  end)

  it("waits the server's delay first, then the back-off", function()
    local e = err({ type = "rate_limit_error", status = 429, headers = { ["retry-after-ms"] = "30" } })
    assert.equal(0.03, retry.after_failure(e, 1, 2))
    e = err({ type = "rate_limit_error", status = 429, headers = {} })
    local d = retry.after_failure(e, 2, 2)
    assert.truthy(d >= 0.75 and d <= 1, d)
  end)
end)
