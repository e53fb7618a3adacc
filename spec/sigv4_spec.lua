-- SigV4 signing (core.sigv4): botocore's known-answer vector (platforms.md
-- §1.3), then real requests sent through the core's transfers to the local
-- fake server and re-verified there by botocore (spec/support/sigv4_verify.py)
-- exactly as received: model ids plain, with ':', ARNs with '/', with and
-- without a session token, and a retry re-signed at a later time.
local core = require("anthropic.core")
local fake = require("support.fake")
local py = require("support.platform_python")
local sigv4_check = require("support.sigv4_check")
local bedrock = require("anthropic.bedrock_request")

local AKID, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
local BODY = [[{"anthropic_version":"bedrock-2023-05-31","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}]]
local T0 = 1735787045 -- 2025-01-02T03:04:05Z

describe("core.sigv4", function()
  it("reproduces botocore's known-answer vector", function()
    local h, info = core.sigv4({
      method = "POST",
      url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
        .. "us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream",
      headers = { ["content-type"] = "application/json", accept = "application/json" },
      body = BODY, region = "us-east-1", service = "bedrock", access_key = AKID, secret_key = SECRET, time = T0,
    })
    assert.equal(102, #BODY)
    assert.equal("616eb59224eb795b641b4c541ad9ee8b939a1e8798f73b54fce66bb79ddbb992", info.payload_hash)
    assert.equal("accept;content-type;host;x-amz-date", info.signed_headers)
    assert.equal("a9a5751ed575dda183f85b4c2d50768bb98c3adc916cb5b4c23a8d970e72e661",
      core.sha256_hex(info.canonical_request))
    assert.truthy(info.canonical_request:find(
      "\n/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream\n", 1, true))
    assert.equal("03ff639a3f1f2c9d00955d9c683be2aeef3bac82637f5fb0caa5d6e7584ecdd4", info.signature)
    assert.same({
      host = "bedrock-runtime.us-east-1.amazonaws.com",
      ["x-amz-date"] = "20250102T030405Z",
      authorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250102/us-east-1/bedrock/aws4_request, "
        .. "SignedHeaders=accept;content-type;host;x-amz-date, "
        .. "Signature=03ff639a3f1f2c9d00955d9c683be2aeef3bac82637f5fb0caa5d6e7584ecdd4",
    }, h)
  end)

  it("hashes a json_body with spliced strings as the bytes it sends", function()
    local big = ("x"):rep(300 * 1024)
    local body = core.json_body({ messages = { { role = "user", content = big } }, max_tokens = 1 })
    assert.equal(1, body:splices())
    assert.equal(core.sha256_hex(body:string()), core.sha256_hex(body))
    local _, a = core.sigv4({ url = "https://h/", body = body, region = "r", service = "s",
      access_key = "A", secret_key = "S", time = T0 })
    assert.equal(core.sha256_hex(body:string()), a.payload_hash)
    assert.equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", core.sha256_hex(nil))
  end)

  it("hashes and writes a spliced file blob as its base64, encoded as it is read", function()
    local bytes = {}
    for i = 1, 300 * 1024 + 2 do bytes[i] = string.char((i * 7919) % 256) end -- not a multiple of 3
    bytes = table.concat(bytes)
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    f:write(bytes)
    f:close()
    local blob = assert(core.base64_file(path))
    os.remove(path)
    local b64 = core.base64_encode(bytes)
    assert.equal(#b64, #blob)
    local body = core.json_body({ source = { data = blob }, max_tokens = 1 })
    assert.equal(1, body:splices())
    local text = body:string()
    assert.equal(#text, #body)
    assert.equal(core.encode({ source = { data = b64 }, max_tokens = 1 }), text)
    assert.equal(core.sha256_hex(text), core.sha256_hex(body))
    assert.equal(b64:sub(-70000, -3), blob:sub(-70000, -3))
  end)

  it("signs the session token and the content hash header when asked", function()
    local h, info = core.sigv4({ url = "https://h/x", region = "r", service = "s", access_key = "A",
      secret_key = "S", session_token = "TOKEN", content_sha256 = true, time = T0 })
    assert.equal("TOKEN", h["x-amz-security-token"])
    assert.equal(core.sha256_hex(""), h["x-amz-content-sha256"])
    assert.equal("host;x-amz-content-sha256;x-amz-date;x-amz-security-token", info.signed_headers)
  end)

  it("refuses misuse with the field's name and never quotes a secret", function()
    local base = function()
      return { url = "https://h/", region = "r", service = "s", access_key = "AKID", secret_key = "VERYSECRET" }
    end
    local cases = {
      { "url", function(o) o.url = nil end },
      { "secret_key", function(o) o.secret_key = 42 end },
      { "time", function(o) o.time = -5 end },
      { "url", function(o) o.url = "ftp://VERYSECRET/" end },
      { "headers", function(o) o.headers = { ["x-a"] = true } end },
      { "body", function(o) o.body = {} end },
      { "payload_hash", function(o) o.payload_hash = "abc" end },
    }
    for _, c in ipairs(cases) do
      local o = base()
      c[2](o)
      local ok, err = pcall(core.sigv4, o)
      assert.is_false(ok)
      assert.truthy(tostring(err):find(c[1], 1, true), tostring(err))
      if c[1] ~= "url" then assert.falsy(tostring(err):find("VERYSECRET", 1, true)) end
    end
  end)
end)

describe("SigV4 re-verified by botocore on the requests the fake server received", function()
  local server, session

  setup(function()
    py.python()
    server = fake.start()
    session = core.session()
  end)
  teardown(function()
    session:close()
    server:stop()
  end)
  before_each(function() server:reset() end)

  -- Sends one attempt as the Bedrock client will: rewritten, signed (bedrock_request.auth_headers), sent.
  local function attempt(model, creds, t, extra_headers)
    local call = assert(bedrock.rewrite("/v1/messages", { model = model, max_tokens = 16, stream = true,
      messages = { { role = "user", content = "hi" } } }, { ["anthropic-beta"] = "a-1, b-2" }))
    local body = core.json_body(call.body)
    local url = server.url .. call.path
    local headers = { ["content-type"] = "application/json", accept = "application/json",
      ["anthropic-beta"] = "a-1, b-2" }
    for k, v in pairs(extra_headers or {}) do headers[k] = v end
    local add = bedrock.auth_headers({ auth = "sigv4", region = "us-west-2", access_key = creds.access_key,
      secret_key = creds.secret_key, session_token = creds.session_token }, "POST", url, headers, body, t)
    local list = {}
    for k, v in pairs(headers) do list[#list + 1] = k .. ": " .. v end
    for k, v in pairs(add) do list[#list + 1] = k .. ": " .. v end
    local tr = session:request({ method = "POST", url = url, headers = list, body = body })
    tr:wait()
    assert.equal(200, tr:status())
    return call
  end

  local function verify(creds)
    return sigv4_check.verify(server, creds, "us-west-2")
  end

  local models = {
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/jf2sje1c0jnb",
  }
  for _, token in ipairs({ false, true }) do
    it("matches for plain ids, ids with ':' and ARNs with '/'" .. (token and ", with a session token" or ""),
      function()
        local creds = { access_key = "AKIDTEST", secret_key = "test/secret+key=",
          session_token = token and "FwoGZXIvYXdzE//token+with/odd=chars" or nil }
        for i, model in ipairs(models) do attempt(model, creds, T0 + i) end
        local results, recs = verify(creds)
        assert.equal(#models, #results)
        for i, r in ipairs(results) do
          assert.is_true(r.match, ("request %d: %s vs %s %s"):format(i, tostring(r.authorization),
            tostring(r.expected), table.concat(r.problems or {}, "; ")))
        end
        -- the wire paths: ':' literal, '/' of the ARN as %2F
        assert.equal("/model/anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream", recs[1].path)
        assert.equal("/model/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile%2Fjf2sje1c0jnb"
          .. "/invoke-with-response-stream", recs[3].path)
        local sent = core.decode(recs[1].body)
        assert.same({ "a-1", "b-2" }, sent.anthropic_beta)
        assert.equal("bedrock-2023-05-31", sent.anthropic_version)
        assert.is_nil(sent.model)
        assert.is_nil(sent.stream)
        if token then assert.equal(creds.session_token, recs[1].headers["x-amz-security-token"]) end
      end)
  end

  it("re-signs a retry: each attempt has its own date and signature, both valid", function()
    local creds = { access_key = "AKIDTEST", secret_key = "retry-secret", session_token = "tok" }
    attempt(models[3], creds, T0)
    attempt(models[3], creds, T0 + 7, { ["x-stainless-retry-count"] = "1" })
    local results, recs = verify(creds)
    assert.is_true(results[1].match and results[2].match)
    assert.are_not.equal(recs[1].headers["x-amz-date"], recs[2].headers["x-amz-date"])
    assert.are_not.equal(recs[1].headers.authorization, recs[2].headers.authorization)
  end)

  it("a request changed on the way does not verify (the check can fail)", function()
    local creds = { access_key = "AKIDTEST", secret_key = "s" }
    attempt(models[1], creds, T0)
    local recs = server:requests()
    local r = recs[1]
    local input = fake.json_encode({ access_key = "AKIDTEST", secret_key = "s", session_token = fake.null,
      region = "us-west-2", service = "bedrock", scheme = "http",
      requests = { { method = r.method, path = r.path, header_list = r.header_list,
        body_b64 = core.base64_encode(r.body .. " ") } } })
    assert.is_false(fake.json_decode(py.run("sigv4_verify.py", input))[1].match)
  end)
end)
