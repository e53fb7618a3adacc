-- The Bedrock and Vertex request rewrites and error mapping
-- (anthropic.bedrock_request, anthropic.vertex_request): pure functions.
local bedrock = require("anthropic.bedrock_request")
local vertex = require("anthropic.vertex_request")
local core = require("anthropic.core")

local function env(t) return function(n) return t[n] end end

describe("anthropic.bedrock_request", function()
  it("builds the base URL from the option, ANTHROPIC_BEDROCK_BASE_URL or the region", function()
    assert.equal("https://bedrock-runtime.eu-west-3.amazonaws.com", bedrock.base_url("eu-west-3", nil, env({})))
    assert.equal("http://x", bedrock.base_url("r", nil, env({ ANTHROPIC_BEDROCK_BASE_URL = "http://x/" })))
    assert.equal("http://y", bedrock.base_url("r", "http://y", env({ ANTHROPIC_BEDROCK_BASE_URL = "http://x" })))
  end)

  it("path-encodes model ids: ':' kept, '/' as %2F", function()
    local id = "anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert.equal(id, bedrock.encode_model(id))
    assert.equal("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile%2Fjf2sje1c0jnb",
      bedrock.encode_model("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/jf2sje1c0jnb"))
    assert.equal("a%20b%3Fc%25", bedrock.encode_model("a b?c%"))
  end)

  it("rewrites a Messages call: path, body without model and stream, version, betas", function()
    local params = { model = "m:1", max_tokens = 5, stream = true, messages = {} }
    local call = assert(bedrock.rewrite("/v1/messages?beta=true", params, { ["Anthropic-Beta"] = " a , b,," }))
    assert.equal("/model/m:1/invoke-with-response-stream", call.path)
    assert.is_true(call.stream)
    assert.same({ max_tokens = 5, messages = {}, anthropic_version = "bedrock-2023-05-31",
      anthropic_beta = { "a", "b" } }, call.body)
    assert.equal("m:1", params.model) -- the caller's table is untouched
    assert.is_true(params.stream)
    call = assert(bedrock.rewrite("/v1/messages", { model = "m", anthropic_version = "v",
      anthropic_beta = { "x" } }, { ["anthropic-beta"] = "a" }))
    assert.equal("/model/m/invoke", call.path)
    assert.equal("v", call.body.anthropic_version)
    assert.same({ "x" }, call.body.anthropic_beta)
    -- JSON markers survive the copy
    local marked = setmetatable({ model = "m" }, core.object_mt)
    assert.equal(core.object_mt, getmetatable(assert(bedrock.rewrite("/v1/messages", marked)).body))
  end)

  it("refuses what Bedrock does not serve", function()
    assert.same({ nil, "Token counting is not supported in Bedrock yet" },
      { bedrock.rewrite("/v1/messages/count_tokens", { model = "m" }) })
    assert.same({ nil, "The Batch API is not supported in Bedrock yet" },
      { bedrock.rewrite("/v1/messages/batches/x", { model = "m" }) })
    assert.is_nil(bedrock.rewrite("/v1/models", {}))
    assert.is_nil(bedrock.rewrite("/v1/messages", { max_tokens = 1 }))
  end)

  it("maps failed answers by status, with Bedrock's error code and request id", function()
    local err = bedrock.response_error(429, { ["x-amzn-errortype"] = "ThrottlingException:http://internal",
      ["x-amzn-requestid"] = "rid-1" }, '{"message":"Too many requests"}', { message = "Too many requests" })
    assert.same({ "rate_limit_error", 429, "ThrottlingException", "rid-1", "Too many requests" },
      { err.type, err.status, err.error_code, err.request_id, err.message })
    err = bedrock.response_error(400, {}, "", { __type = "com.amazon#ValidationException", Message = "bad" })
    assert.same({ "invalid_request_error", "ValidationException", "bad" }, { err.type, err.error_code, err.message })
    err = bedrock.response_error(424, {}, "", { code = "ModelErrorException" })
    assert.equal("ModelErrorException", err.error_code)
  end)
end)

describe("per-attempt authentication headers", function()
  it("Bedrock: a bearer key as is, AWS keys signed for the attempt's time", function()
    assert.same({ authorization = "Bearer k" }, bedrock.auth_headers({ auth = "bearer", api_key = "k" }))
    local settings = { auth = "sigv4", region = "us-east-1", access_key = "AKIDEXAMPLE",
      secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }
    local url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
      .. "us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream"
    local body = [[{"anthropic_version":"bedrock-2023-05-31","max_tokens":16,"messages":[{"role":"user",]]
      .. [["content":"hi"}]}]]
    local h = bedrock.auth_headers(settings, "POST", url, { ["content-type"] = "application/json",
      accept = "application/json" }, body, 1735787045)
    assert.truthy(h.authorization:find("Signature=03ff639a3f1f2c9d00955d9c683be2aeef3bac82637f5fb0caa5d6e7584ecdd4",
      1, true))
    local later = bedrock.auth_headers(settings, "POST", url, {}, body, 1735787046)
    assert.are_not.equal(h.authorization, later.authorization)
  end)

  it("Vertex: a bearer token from the source, or its error", function()
    local gc = require("anthropic.google_credentials")
    assert.same({ authorization = "Bearer t" }, vertex.auth_headers(assert(gc.token_source({ access_token = "t" }))))
    local h, err = vertex.auth_headers(assert(gc.token_source({ access_token = function() return nil end })))
    assert.is_nil(h)
    assert.equal("authentication_error", err.type)
  end)
end)

describe("anthropic.vertex_request", function()
  it("takes the region from the option or CLOUD_ML_REGION, else says so", function()
    assert.equal("r", vertex.region("r", env({ CLOUD_ML_REGION = "x" })))
    assert.equal("x", vertex.region(nil, env({ CLOUD_ML_REGION = "x" })))
    local r, err = vertex.region(nil, env({}))
    assert.is_nil(r)
    assert.truthy(err:find("No region was given", 1, true))
    assert.equal("p", vertex.project_id(nil, env({ ANTHROPIC_VERTEX_PROJECT_ID = "p" })))
    assert.is_nil(vertex.project_id(nil, env({})))
  end)

  it("builds the base URL of each kind of region", function()
    local e = env({})
    assert.equal("https://aiplatform.googleapis.com/v1", vertex.base_url("global", nil, e))
    assert.equal("https://aiplatform.us.rep.googleapis.com/v1", vertex.base_url("us", nil, e))
    assert.equal("https://aiplatform.eu.rep.googleapis.com/v1", vertex.base_url("eu", nil, e))
    assert.equal("https://us-east5-aiplatform.googleapis.com/v1", vertex.base_url("us-east5", nil, e))
    assert.equal("http://fake/v1", vertex.base_url("x", nil, env({ ANTHROPIC_VERTEX_BASE_URL = "http://fake/v1/" })))
    assert.equal("http://opt", vertex.base_url("x", "http://opt", env({ ANTHROPIC_VERTEX_BASE_URL = "http://e" })))
  end)

  it("rewrites Messages calls to rawPredict / streamRawPredict and count_tokens", function()
    local call = assert(vertex.rewrite("/v1/messages", { model = "claude-sonnet-4@20250514", max_tokens = 1 },
      "my-proj", "us-east5"))
    assert.equal("/projects/my-proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict",
      call.path)
    assert.same({ max_tokens = 1, anthropic_version = "vertex-2023-10-16" }, call.body)
    call = assert(vertex.rewrite("/v1/messages?beta=true", { model = "m", stream = true }, "p", "global"))
    assert.equal("/projects/p/locations/global/publishers/anthropic/models/m:streamRawPredict", call.path)
    assert.is_true(call.body.stream)
    call = assert(vertex.rewrite("/v1/messages/count_tokens", { model = "m", messages = {} }, "p", "eu"))
    assert.equal("/projects/p/locations/eu/publishers/anthropic/models/count-tokens:rawPredict", call.path)
    assert.equal("m", call.body.model)
    assert.equal("vertex-2023-10-16", call.body.anthropic_version)
    assert.equal("/projects/a%2Fb/locations/r/publishers/anthropic/models/x%3Fy:rawPredict",
      vertex.rewrite("/v1/messages", { model = "x?y" }, "a/b", "r").path)
    assert.same({ nil, "The Batch API is not supported in the Vertex client yet" },
      { vertex.rewrite("/v1/messages/batches", { model = "m" }, "p", "r") })
  end)
end)
