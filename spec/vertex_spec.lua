-- anthropic.vertex: the client surface on Google Vertex AI, against the fake
-- API and a fake token endpoint that verifies the service account's JWT with
-- python3-google-auth: the rewritten URL and body, streaming, count_tokens,
-- a token fetched once and reused, an authorized-user refresh, a fixed or
-- function access_token, a failing token endpoint, what Vertex does not offer.
local anthropic = require("anthropic")
local core = require("anthropic.core")
local harness = require("support.harness")
local streams = require("support.streams")
local google = require("support.google_fake")

local MESSAGE = { id = "msg_v", type = "message", role = "assistant", model = "claude-sonnet-4-5@20250929",
                  content = { { type = "text", text = "Hi from Vertex" } }, stop_reason = "end_turn" }
local MODEL = "claude-sonnet-4-5@20250929"
local BASE = "/projects/my-project/locations/us-east5/publishers/anthropic/models/"

describe("anthropic.vertex", function()
  local server, g
  harness.fake_api({ api_key = "unused" }, function(s) server = s end)
  setup(function() g = google.start() end)
  teardown(function() g:stop() end)
  before_each(function() g:reset() end)

  local function client(opts)
    local o = { base_url = server.url, region = "us-east5", project_id = "my-project",
                credentials = g.dir .. "/service_account.json", max_retries = 0 }
    for k, v in pairs(opts or {}) do
      if v == false then o[k] = nil else o[k] = v end
    end
    return anthropic.vertex(o)
  end

  it("sends create to {model}:rawPredict with the body rewritten and a token from a verified JWT", function()
    local c = client()
    server:script({ json = MESSAGE, times = 2 })
    local params = { model = MODEL, max_tokens = 16, messages = { { role = "user", content = "Hello" } } }
    assert.equal("Hi from Vertex", anthropic.text(assert(c.messages.create(params))))
    assert(c.messages.create(params))
    local reqs = server:requests()
    assert.equal(BASE .. "claude-sonnet-4-5@20250929:rawPredict", reqs[1].path)
    local sent = core.decode(reqs[1].body)
    assert.is_nil(sent.model)
    assert.equal("vertex-2023-10-16", sent.anthropic_version)
    assert.is_nil(reqs[1].headers["x-api-key"])
    assert.truthy(reqs[1].headers.authorization:match("^Bearer ya29%.fake%-%d+$"))
    assert.equal(reqs[1].headers.authorization, reqs[2].headers.authorization) -- cached
    local tokens = g:requests()
    assert.equal(1, #tokens)
    assert.is_true(tokens[1].ok, table.concat(tokens[1].problems or {}, "; "))
    assert.equal("https://www.googleapis.com/auth/cloud-platform", tokens[1].claims.scope)
    assert.equal(params.model, MODEL) -- the caller's table is left alone
  end)

  it("streams from :streamRawPredict", function()
    local c = client()
    server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" }, sse_raw = streams.text })
    local s = assert(c.messages.stream({ model = MODEL, max_tokens = 16, messages = {} }))
    local text = {}
    for t in s:text() do text[#text + 1] = t end
    assert.equal("Hello, wörld ✓!", table.concat(text))
    local req = server:last_request()
    assert.equal(BASE .. "claude-sonnet-4-5@20250929:streamRawPredict", req.path)
    assert.is_true(core.decode(req.body).stream)
  end)

  it("counts tokens through count-tokens:rawPredict", function()
    local c = client()
    server:script({ json = { input_tokens = 12 } })
    assert.equal(12, assert(c.messages.count_tokens({ model = MODEL, messages = {} })).input_tokens)
    local req = server:last_request()
    assert.equal(BASE .. "count-tokens:rawPredict", req.path)
    assert.equal(MODEL, core.decode(req.body).model)
  end)

  it("refreshes an authorized user's token, and takes a fixed or function access_token", function()
    local c = client({ credentials = g.dir .. "/authorized_user.json" })
    server:script({ json = MESSAGE, times = 3 })
    assert(c.messages.create({ model = MODEL, max_tokens = 1, messages = {} }))
    assert.equal("refresh_token", g:requests()[1].grant_type)
    local n = 0
    local f = client({ credentials = false, access_token = function() n = n + 1; return "tok-" .. n end })
    assert(f.messages.create({ model = MODEL, max_tokens = 1, messages = {} }))
    assert.equal("Bearer tok-1", server:last_request().headers.authorization)
    local fixed = client({ credentials = false, access_token = "ya29.fixed" })
    assert(fixed.messages.create({ model = MODEL, max_tokens = 1, messages = {} }))
    assert.equal("Bearer ya29.fixed", server:last_request().headers.authorization)
  end)

  it("after a 401, drops the cached token and tries once more with a new one (as the official SDK)", function()
    local UNAUTHORIZED = { status = 401, json = { type = "error", error = { type = "authentication_error",
                                                                           message = "token revoked" } } }
    local c = client({ max_retries = 2 })
    server:script({ json = MESSAGE })
    assert(c.messages.create({ model = MODEL, max_tokens = 1, messages = {} }))
    assert.equal(1, #g:requests())
    server:script(UNAUTHORIZED)
    server:script({ json = MESSAGE })
    local msg = assert(c.messages.create({ model = MODEL, max_tokens = 1, messages = {} }))
    assert.equal(2, anthropic.response_of(msg).attempts)
    assert.equal(2, #g:requests()) -- a new token for the second attempt
    local auth = {}
    for i, r in ipairs(server:requests()) do auth[i] = r.headers.authorization end
    assert.equal(auth[1], auth[2])
    assert.are_not.equal(auth[2], auth[3])
    -- once per call: a second 401 is final (4xx are not retried)
    server:reset()
    server:script({ status = 401, json = UNAUTHORIZED.json, times = 2 })
    local none, err = c.messages.create({ model = MODEL, max_tokens = 1, messages = {} })
    assert.is_nil(none)
    assert.equal("authentication_error", err.type)
    assert.equal(2, err.attempts)
    -- without retries, nothing more is sent; a fixed token is never "refreshed"
    server:reset()
    server:script(UNAUTHORIZED)
    none, err = client({ max_retries = 0 }).messages.create({ model = MODEL, max_tokens = 1, messages = {} })
    assert.is_nil(none)
    assert.equal(1, err.attempts)
    server:reset()
    server:script({ status = 401, json = UNAUTHORIZED.json, times = 2 })
    none, err = client({ credentials = false, access_token = "ya29.fixed", max_retries = 2 }).messages.create(
      { model = MODEL, max_tokens = 1, messages = {} })
    assert.is_nil(none)
    assert.equal(1, err.attempts)
  end)

  it("a failing token endpoint is a clear authentication_error and nothing reaches the API", function()
    local c = client()
    g:control({ fail_status = 400, fail_body = '{"error":"invalid_grant","error_description":"bad"}' })
    local msg, err = c.messages.create({ model = MODEL, max_tokens = 1, messages = {} })
    assert.is_nil(msg)
    assert.equal("authentication_error", err.type)
    assert.truthy(err.message:find("invalid_grant", 1, true), err.message)
    assert.equal(0, #server:requests())
  end)

  it("raises naming Vertex for what it does not offer, and sends nothing", function()
    local c = client()
    harness.refuses_naming(server, "vertex", {
      function() return c.messages.batches.list() end,
      function() return c.models.list() end,
      function() return c.files.list() end,
    })
  end)
end)
