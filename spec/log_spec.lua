-- ANTHROPIC_LOG: requests, responses and retries on stderr; the credentials
-- redacted.
local fake = require("support.fake")

describe("ANTHROPIC_LOG", function()
  local server
  setup(function() server = fake.start() end)
  teardown(function() server:stop() end)

  local function run_logged(level)
    local lua = os.getenv("ANTHROPIC_TEST_LUA") or "lua5.4"
    local script = [[
      local anthropic = require("anthropic")
      local c = anthropic.new({ api_key = "sk-ant-LOGSECRET-1", auth_token = "tok-LOGSECRET-2",
                                base_url = os.getenv("URL"), max_retries = 1 })
      assert(c.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    ]]
    server:reset()
    server:script({ status = 529, headers = { ["retry-after-ms"] = "10" },
                    json = { type = "error", error = { type = "overloaded_error", message = "busy" } } })
    local p = io.popen(("ANTHROPIC_LOG=%s URL=%s %s -e %q 2>&1"):format(level, server.url, lua, script))
    local out = p:read("*a")
    p:close()
    return out
  end

  it("debug: every attempt with its headers, the credentials redacted", function()
    local out = run_logged("debug")
    assert.truthy(out:find("POST " .. server.url .. "/v1/messages (attempt 1)", 1, true), out)
    assert.truthy(out:find("(attempt 2)", 1, true), out)
    assert.truthy(out:find("retrying in", 1, true), out)
    assert.truthy(out:find("overloaded_error", 1, true), out)
    assert.truthy(out:find("x-api-key: <redacted>", 1, true), out)
    assert.truthy(out:find("authorization: <redacted>", 1, true), out)
    assert.truthy(out:find("200 [request_id req_fake_2]", 1, true), out)
    assert.is_nil(out:find("LOGSECRET", 1, true), out)
  end)

  it("info: requests and responses without headers; unset: nothing", function()
    local out = run_logged("info")
    assert.truthy(out:find("(attempt 1)", 1, true), out)
    assert.is_nil(out:find("x-api-key", 1, true))
    assert.equal("", run_logged("off"))
  end)
end)
