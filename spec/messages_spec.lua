-- messages.create: every request and response of the guide, the headers,
-- both call styles, the default client and response records.
local anthropic = require("anthropic")
local core = require("anthropic.core")
local fake = require("support.fake")
local harness = require("support.harness")
local guide = require("support.guide")

local KEY = "sk-ant-test-0123456789"

describe("messages.create", function()
  local server, client
  harness.fake_api({ api_key = KEY }, function(s, c) server, client = s, c end)

  local function sent_json()
    return core.decode(server:last_request().body)
  end

  local function respond(json_text)
    server:script({ status = 200, headers = { ["content-type"] = "application/json",
                                              ["request-id"] = "req_guide" }, body = json_text })
  end

  it("sends the guide's basic request and returns its response as Lua tables", function()
    respond(guide.basic_response)
    local msg = assert(client.messages.create({
      model = "claude-sonnet-4-5",
      max_tokens = 1024,
      messages = { { role = "user", content = "Hello, Claude" } },
    }))
    assert.same(core.decode(guide.basic_request), sent_json())
    assert.same({
      id = "msg_01XFDUDYJgAACzvnptvVoYEL", type = "message", role = "assistant",
      content = { { type = "text", text = "Hello!" } },
      model = "claude-sonnet-4-5", stop_reason = "end_turn",
      usage = { input_tokens = 12, output_tokens = 6 },
    }, msg)
    assert.is_nil(msg.stop_sequence)
    assert.equal("Hello!", anthropic.text(msg))
  end)

  it("returns integers as integers on Lua 5.3 and later", function()
    respond(guide.basic_response)
    local msg = assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    assert.equal("12", tostring(msg.usage.input_tokens))
    if math.type then assert.equal("integer", math.type(msg.usage.output_tokens)) end
  end)

  it("sends the multi-turn request", function()
    respond(guide.multi_turn_response)
    local msg = assert(client.messages.create({
      model = "claude-sonnet-4-5",
      max_tokens = 1024,
      messages = {
        { role = "user", content = "Hello, Claude" },
        { role = "assistant", content = "Hello!" },
        { role = "user", content = "Can you describe LLMs to me?" },
      },
    }))
    assert.same(core.decode(guide.multi_turn_request), sent_json())
    assert.equal(309, msg.usage.output_tokens)
    assert.equal("Sure, I'd be happy to provide...", anthropic.text(msg))
  end)

  it("sends the prefill request with max_tokens 1", function()
    respond(guide.prefill_response)
    local msg = assert(client.messages.create({
      model = "claude-sonnet-4-5",
      max_tokens = 1,
      messages = {
        { role = "user", content = "What is latin for Ant? (A) Apoidea, (B) Rhopalocera, (C) Formicidae" },
        { role = "assistant", content = "The answer is (" },
      },
    }))
    assert.same(core.decode(guide.prefill_request), sent_json())
    assert.equal("max_tokens", msg.stop_reason)
    assert.equal("C", anthropic.text(msg))
  end)

  it("sends the vision requests: base64 from a file, url and file id", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    local jpeg = "\255\216\255\224\0\16JFIF\0" .. ("\1\2\3"):rep(50) .. "\255\217"
    f:write(jpeg)
    f:close()
    local question = { type = "text", text = "What is in the above image?" }
    local function ask(image)
      respond(guide.basic_response)
      assert(client.messages.create({
        model = "claude-sonnet-4-5", max_tokens = 1024,
        messages = { { role = "user", content = { image, question } } },
      }))
      return sent_json()
    end
    local b64 = core.base64_encode(jpeg)
    assert.same(core.decode(guide.vision_base64_request("image/jpeg", b64)), ask(anthropic.image.file(path)))
    assert.same(core.decode(guide.vision_base64_request("image/jpeg", b64)),
                ask(anthropic.image.base64(b64, "image/jpeg")))
    assert.same(core.decode(guide.vision_url_request), ask(anthropic.image.url(guide.image_url)))
    assert.same(core.decode(guide.vision_file_request), ask(anthropic.image.file_id("file_011CNha8iCJcU1wXNR6q4V8w")))
    os.remove(path)
  end)

  it("sends the documented headers", function()
    respond(guide.basic_response)
    assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    local req = server:last_request()
    assert.equal("POST", req.method)
    assert.equal("/v1/messages", req.path)
    assert.equal(KEY, req.headers["x-api-key"])
    assert.equal("2023-06-01", req.headers["anthropic-version"])
    assert.equal("application/json", req.headers["content-type"])
    assert.equal("application/json", req.headers["accept"])
    assert.equal("0", req.headers["x-stainless-retry-count"])
    local ua = req.headers["user-agent"]
    assert.truthy(ua:find("^lua%-anthropic/" .. core.version:gsub("%.", "%%.")), ua)
    assert.truthy(ua:find("Lua", 1, true), ua)
    assert.truthy(ua:find("libcurl/" .. core.curl_version(), 1, true), ua)
    assert.is_nil(req.headers["anthropic-beta"])
  end)

  it("works called with a dot and with a colon, with per-request headers and betas", function()
    respond(guide.basic_response)
    assert(client.messages:create({ model = "m", max_tokens = 1, messages = {} },
      { headers = { ["X-Trace"] = "abc" }, betas = { "files-api-2025-04-14", "token-efficient-tools-2025-02-19" } }))
    local req = server:last_request()
    assert.equal("abc", req.headers["x-trace"])
    assert.equal("files-api-2025-04-14,token-efficient-tools-2025-02-19", req.headers["anthropic-beta"])
    respond(guide.basic_response)
    assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    assert.is_nil(server:last_request().headers["x-trace"])
  end)

  it("sends an auth token as a bearer authorization header", function()
    local c = anthropic.new({ auth_token = "tok-123", base_url = server.url, api_key = nil })
    respond(guide.basic_response)
    assert(c.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    local req = server:last_request()
    if os.getenv("ANTHROPIC_API_KEY") == nil then
      assert.equal("Bearer tok-123", req.headers["authorization"])
      assert.is_nil(req.headers["x-api-key"])
    end
  end)

  it("sends default headers and lets a request remove one with false", function()
    local c = anthropic.new({ api_key = KEY, base_url = server.url,
                              default_headers = { ["X-App"] = "demo", ["anthropic-version"] = "2099-01-01" } })
    respond(guide.basic_response)
    assert(c.messages.create({ model = "m", max_tokens = 1, messages = {} }, { headers = { ["x-app"] = false } }))
    local req = server:last_request()
    assert.is_nil(req.headers["x-app"])
    assert.equal("2099-01-01", req.headers["anthropic-version"])
  end)

  it("keeps the response record outside the message's JSON", function()
    respond(guide.basic_response)
    local msg = assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    local r = anthropic.response_of(msg)
    assert.equal(200, r.status)
    assert.equal("req_guide", r.request_id)
    assert.equal("application/json", r.headers["content-type"])
    -- Sending the reply back sends only the API's fields.
    respond(guide.basic_response)
    assert(client.messages.create({ model = "m", max_tokens = 1,
      messages = { { role = "user", content = "hi" }, { role = "assistant", content = msg.content } } }))
    assert.same(core.decode('[{"type":"text","text":"Hello!"}]'), sent_json().messages[2].content)
  end)

  it("sends the body unchanged: nothing added or dropped, explicit nulls kept", function()
    respond(guide.basic_response)
    local params = {
      model = "claude-sonnet-4-5", max_tokens = 10, messages = { { role = "user", content = "x" } },
      metadata = { user_id = "u-1" }, stop_sequences = {}, temperature = 0.5, top_k = 3,
      system = "be brief", custom_field = anthropic.null,
    }
    assert(client.messages.create(params))
    local raw = server:last_request().body
    assert.truthy(raw:find('"stop_sequences":[]', 1, true), raw)
    assert.truthy(raw:find('"custom_field":null', 1, true), raw)
    local sent = sent_json()
    local keys = {}
    for k in pairs(sent) do keys[#keys + 1] = k end
    table.sort(keys)
    assert.same({ "max_tokens", "messages", "metadata", "model", "stop_sequences", "system",
                  "temperature", "top_k" }, keys)
  end)

  it("counts tokens", function()
    server:script({ json = { input_tokens = 14 } })
    local r = assert(client.messages.count_tokens({ model = "m", messages = { { role = "user", content = "x" } } }))
    assert.equal(14, r.input_tokens)
    assert.equal("/v1/messages/count_tokens", server:last_request().path)
  end)

  it("refuses a non-streaming max_tokens that would outlive the default timeout", function()
    assert.has_error(function()
      client.messages.create({ model = "m", max_tokens = 64000, messages = {} })
    end)
    local ok, err = pcall(client.messages.create, { model = "m", max_tokens = 64000, messages = {} })
    assert.is_false(ok)
    assert.truthy(tostring(err):find("stream", 1, true))
    assert.equal(0, #server:requests())
    respond(guide.basic_response)
    assert(client.messages.create({ model = "m", max_tokens = 64000, messages = {} }, { timeout = 3600 }))
  end)
end)

describe("anthropic.messages (the default client)", function()
  local server
  setup(function() server = fake.start() end)
  teardown(function() server:stop() end)

  it("is built from the environment on first use", function()
    -- A child Lua runs with the environment set, as a user's script would.
    local lua = os.getenv("ANTHROPIC_TEST_LUA") or "lua5.4"
    local script = [[
      local anthropic = require("anthropic")
      local msg = assert(anthropic.messages.create{model = "m", max_tokens = 1,
        messages = {{role = "user", content = "Hello, Claude"}}})
      local msg2 = assert(anthropic.messages:create{model = "m", max_tokens = 1, messages = {}})
      io.write(anthropic.text(msg), "|", anthropic.text(msg2))
    ]]
    local cmd = ("ANTHROPIC_API_KEY=sk-env ANTHROPIC_BASE_URL=%s %s -e %q 2>&1"):format(server.url, lua, script)
    local p = io.popen(cmd)
    local out = p:read("*a")
    p:close()
    assert.equal("Hello from the fake server|Hello from the fake server", out)
    assert.equal("sk-env", server:last_request().headers["x-api-key"])
  end)
end)
