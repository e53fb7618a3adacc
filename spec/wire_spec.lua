-- anthropic.wire: credentials (strings, or functions called before every
-- attempt), ANTHROPIC_CUSTOM_HEADERS, params sent as headers
-- (workspace_id, user_profile_id), array query values; and
-- client:with_options sharing the connections.
local anthropic = require("anthropic")
local options = require("anthropic.options")
local harness = require("support.harness")

local PARAMS = { model = "m", max_tokens = 5, messages = { { role = "user", content = "hi" } } }
local OVERLOADED = { status = 529, headers = { ["retry-after-ms"] = "1" },
                     json = { type = "error", error = { type = "overloaded_error", message = "busy" } } }

describe("credentials and headers", function()
  local server, client
  harness.fake_api({ api_key = "sk-test-wire" }, function(s, c) server, client = s, c end)

  it("calls an api_key function before every attempt, retries included", function()
    local n = 0
    local rotating = anthropic.new({ base_url = server.url, max_retries = 2,
                                     api_key = function() n = n + 1; return "sk-rotating-" .. n end })
    server:script({ OVERLOADED, { json = { type = "message", content = {} } } })
    assert(rotating.messages.create(PARAMS))
    assert.equal(2, n)
    local reqs = server:requests()
    assert.equal("sk-rotating-1", reqs[1].headers["x-api-key"])
    assert.equal("sk-rotating-2", reqs[2].headers["x-api-key"])
    rotating:close()
  end)

  it("sends an auth_token function's value as a bearer token", function()
    local c = anthropic.new({ base_url = server.url, auth_token = function() return "tok-fresh" end })
    server:script({ json = { type = "message", content = {} } })
    assert(c.messages.create(PARAMS))
    assert.equal("Bearer tok-fresh", server:last_request().headers["authorization"])
    c:close()
  end)

  it("a credential function that fails or returns nothing gives a clear error and sends nothing", function()
    for _, f in ipairs({
      function() error("vault unreachable", 0) end,
      function() return nil end,
      function() return "" end,
      function() return "sk\r\nx-evil: 1" end,
    }) do
      local c = anthropic.new({ base_url = server.url, api_key = f, max_retries = 2 })
      local msg, err = c.messages.create(PARAMS)
      assert.is_nil(msg)
      assert.equal("authentication_error", err.type)
      assert.truthy(err.message:find("api_key function", 1, true), err.message)
      assert.is_false(err.retryable or false)
      local s, serr = c.messages.stream(PARAMS)
      assert.is_nil(s)
      assert.equal("authentication_error", serr.type)
      c:close()
    end
    assert.equal(0, #server:requests())
  end)

  it("sends workspace_id and user_profile_id params as headers, not in the body", function()
    server:script({ json = { type = "message", content = {} }, times = 2 })
    local params = { model = "m", max_tokens = 5, messages = {}, workspace_id = "wrkspc_1", user_profile_id = "up_1" }
    assert(client.messages.create(params))
    local req = server:last_request()
    assert.equal("wrkspc_1", req.headers["anthropic-workspace-id"])
    assert.equal("up_1", req.headers["anthropic-user-profile-id"])
    assert.is_nil(req.json.workspace_id)
    assert.is_nil(req.json.user_profile_id)
    assert.equal("wrkspc_1", params.workspace_id) -- the caller's table is left alone
    server:script({ json = { type = "model", id = "m" } })
    assert(client.models.retrieve("m", { workspace_id = "wrkspc_2" }))
    assert.equal("wrkspc_2", server:last_request().headers["anthropic-workspace-id"])
    assert.has_error(function() client.messages.create({ model = "m", messages = {}, workspace_id = 1 }) end)
  end)

  it("merges ANTHROPIC_CUSTOM_HEADERS beneath default_headers (in a child process's environment)", function()
    local lua = os.getenv("ANTHROPIC_TEST_LUA") or "lua5.4"
    local script = [[
      local anthropic = require("anthropic")
      local c = anthropic.new({ default_headers = { ["X-Team"] = "from-options" } })
      assert(c.messages.create{model = "m", max_tokens = 1, messages = {}})
      io.write("ok")
    ]]
    server:script({ json = { type = "message", content = {} } })
    local headers = [[X-Team: from-env\nX-Trace :  abc \nno colon here\nX-Empty:]]
    local cmd = ("ANTHROPIC_API_KEY=sk-env ANTHROPIC_BASE_URL=%s ANTHROPIC_CUSTOM_HEADERS=\"$(printf '%s')\" " ..
                 "%s -e %q 2>&1"):format(server.url, headers, lua, script)
    local p = io.popen(cmd)
    local out = p:read("*a")
    p:close()
    assert.equal("ok", out)
    local h = server:last_request().headers
    assert.equal("from-options", h["x-team"])
    assert.equal("abc", h["x-trace"])
    assert.equal("", h["x-empty"])
  end)

  it("parses custom headers as the official SDKs do", function()
    assert.same({ a = "1", ["b-c"] = "x: y" }, options.custom_headers("A: 1\r\nB-C:x: y\n\nbad line\nd e: 2"))
    assert.same({}, options.custom_headers(nil))
  end)

  it("with_options: a client with some options changed, on the same connections", function()
    server:script({ json = { type = "message", content = {} }, times = 3 })
    assert(client.messages.create(PARAMS))
    local other = client:with_options({ default_headers = { ["x-variant"] = "b" }, max_retries = 1 })
    assert.equal(1, other.max_retries)
    assert(other.messages.create(PARAMS))
    local req = server:last_request()
    assert.equal("b", req.headers["x-variant"])
    assert.equal("sk-test-wire", req.headers["x-api-key"]) -- the credentials stay
    other:close() -- leaves the shared connections to client
    assert(client.messages.create(PARAMS))
    local reqs = server:requests()
    assert.equal(3, #reqs)
    assert.equal(reqs[1].connection, reqs[2].connection)
    assert.equal(reqs[1].connection, reqs[3].connection)
    local keyed = client:with_options({ api_key = "sk-other" })
    server:script({ json = { type = "message", content = {} } })
    assert(keyed.messages.create(PARAMS))
    assert.equal("sk-other", server:last_request().headers["x-api-key"])
  end)
end)
