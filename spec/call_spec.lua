-- anthropic.call, the lifecycle of every request: its goals, its attempt
-- count and retry header, its back-off clock (non-blocking steps and the
-- client's next_retry), its response record, and cancellation.
local call = require("anthropic.call")
local core = require("anthropic.core")
local harness = require("support.harness")

local MESSAGE = { type = "message", role = "assistant", content = {} }

local function post(body)
  return { method = "POST", path = "/v1/messages", body = body or { model = "m" }, max_retries = 2 }
end

describe("anthropic.call", function()
  local server, client
  harness.fake_api({ api_key = "sk-test-call" }, function(s, c) server, client = s, c end)

  local function overloaded(times)
    return { status = 529, times = times, headers = { ["retry-after-ms"] = "100" },
             json = { type = "error", error = { type = "overloaded_error", message = "busy" } } }
  end

  it("'value': retries, counts attempts once, sends the retry count, records the response", function()
    server:script({ overloaded(2), { json = MESSAGE } })
    local c = call.run(client, post(), "value")
    local value = assert(c:result())
    assert.equal("message", value.type)
    assert.equal(3, c.attempts)
    assert.equal(3, c.response.attempts)
    assert.equal(200, c.response.status)
    local counts = {}
    for _, r in ipairs(server:requests()) do counts[#counts + 1] = r.headers["x-stainless-retry-count"] end
    assert.same({ "0", "1", "2" }, counts)
  end)

  it("steps without blocking; its back-off is the client's next_retry", function()
    server:script({ overloaded(1), { json = MESSAGE } })
    local c = call.start(client, post(), "value")
    local saw_retry
    local deadline = core.now() + 5
    while not c:step() and core.now() < deadline do
      if c.waiting == "retry" then
        saw_retry = true
        assert.equal(c.retry_at, client:next_retry())
      end
      client.session:perform(10)
    end
    assert.truthy(saw_retry)
    assert.is_nil(client:next_retry())
    assert.truthy(c:result())
  end)

  it("gives up after max_retries with the last error, attempts counted", function()
    server:script(overloaded(3))
    local c = call.run(client, post(), "value")
    local value, err = c:result()
    assert.is_nil(value)
    assert.equal("overloaded_error", err.type)
    assert.equal(3, err.attempts)
    assert.is_true(err.retryable)
  end)

  it("'head': settles at a 2xx status with the body still open", function()
    server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" },
                    chunk_sizes = { 4 }, chunk_delay_ms = 100,
                    body = "event: ping\ndata: {}\n\n" })
    local req = post()
    req.stream, req.accept = true, "text/event-stream"
    local c = call.run(client, req, "head")
    assert.falsy(c.error)
    assert.equal(200, c.response.status)
    assert.equal(1, c.response.attempts)
    c:cancel()
  end)

  it("a handle hands a later failure back with retry(): a new attempt starts", function()
    server:script({ { status = 200, body = "" }, { json = MESSAGE } })
    local req = post()
    req.stream = true
    local c = call.run(client, req, "head")
    assert.falsy(c.error)
    assert.is_true(c:retry({ type = "incomplete_stream", events = 0, message = "cut" }))
    assert.is_false(c.settled)
    c:wait()
    assert.equal(2, c.attempts)
  end)

  it("cancel settles with aborted, idempotently", function()
    server:script({ delay_ms = 2000, json = MESSAGE })
    local c = call.start(client, post(), "value")
    c:cancel()
    c:cancel()
    assert.is_true(c:step())
    assert.equal("aborted", select(2, c:result()).type)
  end)
end)
