-- anthropic.bedrock: the client surface on Amazon Bedrock, against the fake
-- server. Every signed request is re-verified by botocore (SigV4Auth on the
-- request as the server received it): plain ids, ids with ':', ARNs with
-- '/', a session token, a retry, a spliced image body. Bedrock API keys,
-- errors with x-amzn-errortype, what Bedrock does not offer.
local anthropic = require("anthropic")
local core = require("anthropic.core")
local harness = require("support.harness")
local sigv4_check = require("support.sigv4_check")
local streams = require("support.streams")
local fake = require("support.fake")
local py = require("support.platform_python")

local CREDS = { access_key = "AKIDBEDROCKTEST", secret_key = "bedrock/secret+key=", session_token = "FwoGZX//tok=" }
local MESSAGE = { id = "msg_b", type = "message", role = "assistant", model = "claude-sonnet-4-5",
                  content = { { type = "text", text = "Hi from Bedrock" } }, stop_reason = "end_turn" }
local MODELS = {
  "anthropic.claude-sonnet-4-5-20250929-v1:0",
  "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/jf2sje1c0jnb",
}

describe("anthropic.bedrock", function()
  local server
  harness.fake_api({ api_key = "unused" }, function(s) server = s end)

  local function client(opts)
    local o = { base_url = server.url, aws_region = "us-west-2", aws_access_key = CREDS.access_key,
                aws_secret_key = CREDS.secret_key, aws_session_token = CREDS.session_token, max_retries = 0 }
    for k, v in pairs(opts or {}) do
      if v == false then o[k] = nil else o[k] = v end
    end
    return anthropic.bedrock(o)
  end

  local function all_verified(creds)
    local results, recs = sigv4_check.verify(server, creds or CREDS, "us-west-2")
    for i, r in ipairs(results) do
      assert.is_true(r.match, ("request %d: %s vs %s %s"):format(i, tostring(r.authorization),
        tostring(r.expected), table.concat(r.problems or {}, "; ")))
    end
    return recs
  end

  it("rewrites create into POST /model/{id}/invoke, signed, for plain ids and ARNs", function()
    local c = client()
    server:script({ json = MESSAGE, times = #MODELS })
    for _, model in ipairs(MODELS) do
      local msg = assert(c.messages.create({ model = model, max_tokens = 16,
                                             messages = { { role = "user", content = "Hello" } } },
                                           { betas = { "beta-a", "beta-b" } }))
      assert.equal("Hi from Bedrock", anthropic.text(msg))
    end
    local recs = all_verified()
    assert.equal("/model/anthropic.claude-sonnet-4-5-20250929-v1:0/invoke", recs[1].path)
    assert.equal("/model/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile%2Fjf2sje1c0jnb/invoke",
                 recs[2].path)
    local sent = core.decode(recs[1].body)
    assert.is_nil(sent.model)
    assert.equal("bedrock-2023-05-31", sent.anthropic_version)
    assert.same({ "beta-a", "beta-b" }, sent.anthropic_beta)
    assert.is_nil(recs[1].headers["x-api-key"])
    assert.equal(CREDS.session_token, recs[1].headers["x-amz-security-token"])
    assert.truthy(recs[1].headers.authorization:find(
      "^AWS4%-HMAC%-SHA256 Credential=AKIDBEDROCKTEST/%d+/us%-west%-2/bedrock/"))
  end)

  it("keeps a user's anthropic_version, and signs without a session token", function()
    local creds = { access_key = "AKIDPLAIN", secret_key = "plain" }
    local c = client({ aws_access_key = creds.access_key, aws_secret_key = creds.secret_key,
                       aws_session_token = false })
    server:script({ json = MESSAGE })
    assert(c.messages.create({ model = MODELS[1], max_tokens = 1, messages = {}, anthropic_version = "bedrock-x" }))
    local recs = all_verified(creds)
    assert.equal("bedrock-x", core.decode(recs[1].body).anthropic_version)
    assert.is_nil(recs[1].headers["x-amz-security-token"])
  end)

  it("signs every attempt again (a retry after a throttle) and the real body of a spliced image", function()
    local c = client({ max_retries = 1 })
    server:script({
      { status = 429, headers = { ["x-amzn-errortype"] = "ThrottlingException:http://internal.amazon.com/",
                                  ["retry-after-ms"] = "1100" },
        json = { message = "Too many requests, please wait before trying again." } },
      { json = MESSAGE },
    })
    local image = ("QUJD"):rep(100000) -- 400 KB of base64: spliced into the body, not copied
    assert(c.messages.create({ model = MODELS[2], max_tokens = 1, messages = { { role = "user", content = {
      { type = "image", source = { type = "base64", media_type = "image/png", data = image } } } } } }))
    local recs = all_verified()
    assert.equal(2, #recs)
    assert.are_not.equal(recs[1].headers.authorization, recs[2].headers.authorization)
    assert.equal(image, core.decode(recs[2].body).messages[1].content[1].source.data)
  end)

  -- A recorded SSE stream as Bedrock's frames (by the independent encoder),
  -- plus the frames in `extra`.
  local function frames(raw, extra)
    local list = {}
    for data in raw:gmatch("data: ([^\n]*)\n\n") do list[#list + 1] = { chunk = data } end
    for _, f in ipairs(extra or {}) do list[#list + 1] = f end
    return core.base64_decode(py.run("eventstream_frames.py", fake.json_encode(list)))
  end
  local EVENTSTREAM = { ["content-type"] = "application/vnd.amazon.eventstream" }

  it("streams from invoke-with-response-stream: event-stream frames in any chunking give the SSE stream's message",
    function()
      local c = client()
      local bytes = frames(streams.tool_use)
      for _, sizes in ipairs({ {}, { 1 }, { 7, 3, 50 } }) do
        server:reset()
        server:script({ headers = EVENTSTREAM, body_b64 = core.base64_encode(bytes), chunk_sizes = sizes })
        local s = assert(c.messages.stream({ model = MODELS[1], max_tokens = 64, messages = {} }))
        local msg = assert(s:final_message())
        assert.same(streams.tool_use_message.content, msg.content)
        assert.equal(streams.tool_use_message.stop_reason, msg.stop_reason)
        local req = server:last_request()
        assert.equal("/model/anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream", req.path)
        assert.is_nil(core.decode(req.body).stream)
      end
      all_verified()
      server:script({ headers = EVENTSTREAM, body_b64 = core.base64_encode(frames(streams.text)) })
      local s = assert(c.messages.stream({ model = MODELS[1], max_tokens = 64, messages = {} }))
      local text = {}
      for t in s:text() do text[#text + 1] = t end
      assert.equal("Hello, wörld ✓!", table.concat(text))
    end)

  it("ends a stream on an exception frame with the typed error, keeping what arrived", function()
    local c = client()
    local head = streams.text:sub(1, streams.text:find("event: content_block_stop", 1, true) - 1)
    server:script({ headers = EVENTSTREAM, body_b64 = core.base64_encode(frames(head,
      { { exception = "throttlingException", message = "Too many tokens, please wait" } })) })
    local s = assert(c.messages.stream({ model = MODELS[1], max_tokens = 64, messages = {} }))
    local msg, err = s:final_message()
    assert.is_nil(msg)
    assert.same({ "throttlingException", 429, true }, { err.type, err.status, err.retryable })
    assert.equal("Too many tokens, please wait", err.message)
    assert.equal("Hello, wörld ✓!", anthropic.text(s:current_message()))
  end)

  it("a corrupted or truncated event stream is incomplete_stream, never a crash", function()
    local c = client()
    local bytes = frames(streams.text)
    local at = #bytes - 20
    local corrupted = bytes:sub(1, at - 1) .. string.char((bytes:byte(at) + 1) % 256) .. bytes:sub(at + 1)
    for _, body in ipairs({ corrupted, bytes:sub(1, #bytes - 5) }) do
      server:script({ headers = EVENTSTREAM, body_b64 = core.base64_encode(body) })
      local s = assert(c.messages.stream({ model = MODELS[1], max_tokens = 64, messages = {} }))
      local msg, err = s:final_message()
      assert.is_nil(msg)
      assert.equal("incomplete_stream", err.type)
      assert.truthy(s:current_message())
    end
  end)

  it("records x-amzn-requestid as the request id of answers and streams (Bedrock sends no request-id)", function()
    local c = client()
    server:script({ json = MESSAGE, headers = { ["request-id"] = fake.null, ["x-amzn-requestid"] = "aws-ok-1" } })
    local msg = assert(c.messages.create({ model = MODELS[1], max_tokens = 16, messages = {} }))
    assert.equal("aws-ok-1", anthropic.response_of(msg).request_id)
    server:script({ headers = { ["content-type"] = EVENTSTREAM["content-type"], ["request-id"] = fake.null,
                                ["x-amzn-requestid"] = "aws-ok-2" },
                    body_b64 = core.base64_encode(frames(streams.text)) })
    local s = assert(c.messages.stream({ model = MODELS[1], max_tokens = 16, messages = {} }))
    assert.equal("aws-ok-2", anthropic.response_of(assert(s:final_message())).request_id)
    -- the direct API's own header still wins where both come
    server:script({ json = MESSAGE, headers = { ["x-amzn-requestid"] = "aws-ok-3" } })
    msg = assert(c.messages.create({ model = MODELS[1], max_tokens = 16, messages = {} }))
    assert.truthy(anthropic.response_of(msg).request_id:find("^req_fake_"))
  end)

  it("maps Bedrock errors: x-amzn-errortype, message, x-amzn-requestid", function()
    local c = client()
    server:script({ status = 400, headers = { ["x-amzn-errortype"] = "ValidationException:http://internal/",
                                              ["x-amzn-requestid"] = "aws-req-1" },
                    json = { message = "Malformed input request" } })
    local msg, err = c.messages.create({ model = MODELS[1], max_tokens = 1, messages = {} })
    assert.is_nil(msg)
    assert.equal("invalid_request_error", err.type)
    assert.equal(400, err.status)
    assert.equal("ValidationException", err.error_code)
    assert.equal("Malformed input request", err.message)
    assert.equal("aws-req-1", err.request_id)
  end)

  it("sends a Bedrock API key as a bearer token, unsigned", function()
    local c = anthropic.bedrock({ base_url = server.url, aws_region = "us-east-1", api_key = "bedrock-api-key-1" })
    server:script({ json = MESSAGE })
    assert(c.messages.create({ model = MODELS[1], max_tokens = 1, messages = {} }))
    local h = server:last_request().headers
    assert.equal("Bearer bedrock-api-key-1", h.authorization)
    assert.is_nil(h["x-amz-date"])
  end)

  it("raises naming Bedrock for what it does not offer, and sends nothing", function()
    local c = client()
    harness.refuses_naming(server, "bedrock", {
      function() return c.messages.count_tokens({ model = MODELS[1], messages = {} }) end,
      function() return c.messages.batches.list() end,
      function() return c.models.list() end,
      function() return c.files.list() end,
    })
  end)

  -- A child Lua with the environment set, as a user's script would run.
  local function child(env, script)
    local lua = os.getenv("ANTHROPIC_TEST_LUA") or "lua5.4"
    local unset = ""
    for _, v in ipairs({ "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                         "AWS_DEFAULT_PROFILE", "AWS_BEARER_TOKEN_BEDROCK", "AWS_SHARED_CREDENTIALS_FILE",
                         "AWS_CONFIG_FILE", "AWS_REGION", "AWS_DEFAULT_REGION" }) do
      unset = unset .. " -u " .. v
    end
    local p = io.popen(("env%s HOME=/nonexistent %s LUA_PATH=%q LUA_CPATH=%q %s -e %q 2>&1")
      :format(unset, env, package.path, package.cpath, lua, script))
    local out = p:read("*a")
    p:close()
    return out
  end

  local CHILD_CREATE = ([[
    local anthropic = require("anthropic")
    local c = anthropic.bedrock({ base_url = %q })
    local msg, err = c.messages.create({ model = "m", max_tokens = 1, messages = {} })
    io.write(msg and "ok" or tostring(err))
  ]])

  it("takes credentials and region from the environment of a user's process", function()
    server:script({ json = MESSAGE })
    local out = child(("AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s AWS_REGION=us-west-2")
      :format(CREDS.access_key, CREDS.secret_key, CREDS.session_token), CHILD_CREATE:format(server.url))
    assert.equal("ok", out)
    all_verified()
  end)

  it("takes a profile's keys from the shared credentials file and its region from the config file", function()
    local dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p " .. dir))
    local f = assert(io.open(dir .. "/credentials", "w"))
    f:write(("[default]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n\n[work]\n" ..
             "aws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n")
      :format(CREDS.access_key, CREDS.secret_key, CREDS.session_token))
    f:close()
    f = assert(io.open(dir .. "/config", "w"))
    f:write("[profile work]\nregion = us-west-2\n")
    f:close()
    server:script({ json = MESSAGE })
    local out = child(("AWS_PROFILE=work AWS_SHARED_CREDENTIALS_FILE=%s/credentials AWS_CONFIG_FILE=%s/config")
      :format(dir, dir), CHILD_CREATE:format(server.url))
    os.execute("rm -rf " .. dir)
    assert.equal("ok", out)
    local recs = all_verified()
    assert.truthy(recs[1].headers.authorization:find("/us%-west%-2/bedrock/"))
  end)

  it("without credentials, a request fails with a clear authentication_error, nothing sent", function()
    local out = child("", ([[
      local anthropic = require("anthropic")
      local c = anthropic.bedrock({ base_url = %q, aws_region = "us-east-1" })
      local msg, err = c.messages.create({ model = "m", max_tokens = 1, messages = {} })
      io.write(tostring(msg), "|", err.type, "|", err.message)
    ]]):format(server.url))
    assert.truthy(out:find("^nil|authentication_error|anthropic.bedrock: no AWS credentials"), out)
    assert.equal(0, #server:requests())
  end)
end)
