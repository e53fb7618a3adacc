-- Failures come back as nil, err: every status maps to its type, bodies that
-- are not JSON, no answer at all; the key never shows.
local anthropic = require("anthropic")
local fake = require("support.fake")
local harness = require("support.harness")

local KEY = "sk-ant-secret-KEY-0000"

local function error_body(etype, message)
  return ('{"type":"error","error":{"type":"%s","message":"%s"},"request_id":"req_x"}'):format(etype, message)
end

describe("errors", function()
  local server, client
  harness.fake_api({ api_key = KEY }, function(s, c) server, client = s, c end)

  local function call(c)
    local params = { model = "m", max_tokens = 5, messages = { { role = "user", content = "hi" } } }
    return (c or client).messages.create(params)
  end

  local cases = {
    { 400, "invalid_request_error" }, { 401, "authentication_error" }, { 403, "permission_error" },
    { 404, "not_found_error" }, { 413, "request_too_large" }, { 429, "rate_limit_error" },
    { 500, "api_error" }, { 529, "overloaded_error" },
  }
  for _, case in ipairs(cases) do
    local status, etype = case[1], case[2]
    it(("maps %d to %s"):format(status, etype), function()
      server:script({ status = status,
                      headers = { ["content-type"] = "application/json", ["request-id"] = "req_" .. status },
                      body = error_body(etype, "it went wrong " .. status) })
      local msg, err = call()
      assert.is_nil(msg)
      assert.equal(etype, err.type)
      assert.equal(status, err.status)
      assert.equal("it went wrong " .. status, err.message)
      assert.equal("req_" .. status, err.request_id)
      assert.equal(etype, err.body.error.type)
      assert.equal(status >= 429, err.retryable)
      assert.equal(1, err.attempts)
      assert.is_true(anthropic.is_error(err))
      local line = tostring(err)
      assert.truthy(line:find(etype, 1, true) and line:find(tostring(status), 1, true) and
                    line:find("req_" .. status, 1, true), line)
      assert.is_nil(line:find("\n"))
      assert.is_nil(line:find(KEY, 1, true))
    end)
  end

  it("maps a status from the status alone when the body has no error type", function()
    server:script({ status = 404, body = "" })
    local _, err = call()
    assert.equal("not_found_error", err.type)
    assert.truthy(err.message:find("404"))
  end)

  it("reports a proxy's HTML page with its status and a snippet", function()
    local html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>"
    server:script({ status = 502, headers = { ["content-type"] = "text/html" }, body = html })
    local _, err = call()
    assert.equal(502, err.status)
    assert.equal("api_error", err.type)
    assert.equal(html, err.body)
    assert.truthy(err.message:find("502 Bad Gateway", 1, true), err.message)
    assert.truthy(err.message:find("text/html", 1, true), err.message)
    assert.is_nil(tostring(err):find("\n"))
  end)

  it("reports a 200 whose body is not JSON, or empty", function()
    server:script({ status = 200, body = '{"id": "msg_1", "content": [' })
    local _, err = call()
    assert.equal("api_response_error", err.type)
    assert.equal(200, err.status)
    server:script({ status = 200, body = "" })
    _, err = call()
    assert.equal("api_response_error", err.type)
    assert.truthy(err.message:find("empty"))
  end)

  it("reports connection refused as a connection_error", function()
    local c = anthropic.new({ api_key = KEY, base_url = fake.dead_url(), max_retries = 0 })
    local msg, err = call(c)
    assert.is_nil(msg)
    assert.equal("connection_error", err.type)
    assert.equal(0, err.status)
    assert.is_true(err.retryable)
    assert.truthy(tostring(err):find("connection_error", 1, true))
  end)

  it("reports a total timeout as a timeout_error", function()
    server:script({ delay_ms = 1500, json = { id = "late" } })
    local c = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 0, timeout = 0.3 })
    local _, err = call(c)
    assert.equal("timeout_error", err.type)
  end)

  it("raises a clear error naming both variables when there is no credential", function()
    local c = anthropic.new({ base_url = server.url })
    -- The environment of the test run may hold a key; only check when it does not.
    if os.getenv("ANTHROPIC_API_KEY") == nil and os.getenv("ANTHROPIC_AUTH_TOKEN") == nil then
      local ok, e = pcall(call, c)
      assert.is_false(ok)
      assert.truthy(e:find("ANTHROPIC_API_KEY", 1, true) and e:find("ANTHROPIC_AUTH_TOKEN", 1, true), e)
      assert.equal(0, #server:requests())
    end
  end)

  it("never shows the key: not in the client, its errors or its requests' errors", function()
    assert.is_nil(tostring(client):find(KEY, 1, true))
    for k, v in pairs(client) do
      assert.is_nil(tostring(k):find(KEY, 1, true))
      assert.is_nil(tostring(v):find(KEY, 1, true))
    end
    local ok, e = pcall(anthropic.new, { api_key = KEY .. "\r\nX-Evil: 1" })
    assert.is_false(ok)
    assert.is_nil(e:find(KEY, 1, true))
    assert.truthy(e:find("api_key", 1, true))
  end)

  it("raises on misuse of options, naming the option", function()
    local function raises(opts, pattern)
      local ok, e = pcall(anthropic.new, opts)
      assert.is_false(ok)
      assert.truthy(e:find(pattern, 1, true), e)
    end
    raises({ api_keys = "x" }, "unknown option 'api_keys'")
    raises({ timeout = "10" }, "option 'timeout' must be a number")
    raises({ timeout = -1 }, "'timeout' must be a positive number")
    raises({ max_retries = 1.5 }, "max_retries")
    raises({ base_url = "ftp://x" }, "base_url")
    raises({ base_url = "http://x\r\nHost: evil" }, "base_url")
    raises({ default_headers = { ["x-a"] = "1\r\nx-b: 2" } }, "header 'x-a' contains CR, LF or NUL")
    raises({ default_headers = { ["bad name"] = "1" } }, "invalid header name")
    local ok, e = pcall(client.messages.create, { model = "m", max_tokens = 1, messages = {} }, { betas = { "a,b" } })
    assert.is_false(ok)
    assert.truthy(e:find("betas[1]", 1, true), e)
    ok, e = pcall(client.messages.create, { model = "m", max_tokens = 1, messages = {} }, { timeot = 1 })
    assert.is_false(ok)
    assert.truthy(e:find("unknown option 'timeot'", 1, true), e)
  end)
end)
