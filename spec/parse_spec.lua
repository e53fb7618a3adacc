-- Structured output: output_config passes through unchanged (empty schema
-- tables as JSON Schema wants them); messages.parse decodes the answer.
local anthropic = require("anthropic")
local core = require("anthropic.core")
local fake = require("support.fake")
local harness = require("support.harness")

local KEY = "sk-ant-test-parse"

local function answer(text, stop_reason)
  return { json = { id = "msg_p", type = "message", role = "assistant", model = "claude-sonnet-4-5",
                    content = { { type = "text", text = text } }, stop_reason = stop_reason or "end_turn",
                    stop_sequence = fake.null, usage = { input_tokens = 50, output_tokens = 20 } },
           headers = { ["request-id"] = "req_parse" } }
end

describe("structured output", function()
  local server, client
  harness.fake_api({ api_key = KEY }, function(s, c) server, client = s, c end)

  local schema = {
    type = "object",
    properties = {
      name = { type = "string" },
      email = { type = "string" },
      plan_interest = { type = "string" },
      demo_requested = { type = "boolean" },
      tags = { type = "array", items = { type = "string" } },
      extra = { type = "object", properties = {} },
    },
    required = { "name", "email", "plan_interest", "demo_requested" },
    additionalProperties = false,
  }

  local function params()
    return {
      model = "claude-sonnet-4-5", max_tokens = 1024,
      messages = { { role = "user", content = "Extract the key information from this email: ..." } },
      output_config = { format = { type = "json_schema", schema = schema } },
    }
  end

  it("sends output_config unchanged, and parse returns the message with parsed_output", function()
    server:script(answer('{"name":"John Smith","email":"john@example.com","plan_interest":"Enterprise",' ..
                         '"demo_requested":true,"tags":[]}'))
    local msg = assert(client.messages.parse(params()))
    assert.same({ name = "John Smith", email = "john@example.com", plan_interest = "Enterprise",
                  demo_requested = true, tags = {} }, msg.parsed_output)
    assert.equal("msg_p", msg.id)
    assert.equal("req_parse", anthropic.response_of(msg).request_id)
    local req = server:last_request()
    assert.equal("POST", req.method)
    assert.equal("/v1/messages", req.path)
    local body = req.body
    local sent = core.decode(body)
    assert.same(core.decode(core.encode(params())), sent)
    assert.same({ type = "object", properties = {} }, sent.output_config.format.schema.properties.extra)
    assert.truthy(body:find('"properties":{}', 1, true), body) -- an empty schema table is an object
    assert.is_false(sent.output_config.format.schema.additionalProperties)
  end)

  it("works with both call styles and with create too", function()
    server:script(answer('[1,2,3]'))
    local msg = assert(client.messages:parse(params(), { headers = { ["x-trace"] = "1" } }))
    assert.same({ 1, 2, 3 }, msg.parsed_output)
    assert.equal("1", server:last_request().headers["x-trace"])
    server:script(answer('{"a":1}'))
    msg = assert(client.messages.create(params()))
    assert.is_nil(msg.parsed_output)
  end)

  it("returns a parse_error with the text when the answer is not JSON", function()
    server:script(answer('{"name": "John'))
    local msg, err = client.messages.parse(params())
    assert.is_nil(msg)
    assert.equal("parse_error", err.type)
    assert.equal('{"name": "John', err.text)
    assert.equal("msg_p", err.message_value.id)
    assert.equal("req_parse", err.request_id)

    server:script(answer('{"name": "Jo', "max_tokens"))
    msg, err = client.messages.parse(params())
    assert.is_nil(msg)
    assert.truthy(err.message:find("stop_reason max_tokens", 1, true), err.message)
  end)

  it("without a json_schema format, returns the message with no parsed_output and no error", function()
    server:script(answer("not json at all"))
    local p = params()
    p.output_config = nil
    local msg = assert(client.messages.parse(p))
    assert.is_nil(msg.parsed_output)
    assert.equal("not json at all", anthropic.text(msg))
  end)

  it("gives a stream's final message its parsed_output too", function()
    local streams = require("support.streams")
    server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" },
                    sse_raw = streams.sse_text('{"name":"Ann","tags":["a"]}') })
    local s = assert(client.messages.stream(params()))
    local msg = assert(s:final_message())
    assert.same({ name = "Ann", tags = { "a" } }, msg.parsed_output)
    server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" },
                    sse_raw = streams.sse_text("{oops") })
    s = assert(client.messages.stream(params()))
    local none, err = s:final_message()
    assert.is_nil(none)
    assert.equal("parse_error", err.type)
    assert.equal("{oops", anthropic.text(s:current_message()))
  end)

  it("passes API errors through", function()
    server:script({ status = 400, json = { type = "error", error = { type = "invalid_request_error",
                                                                       message = "schema too complex" } } })
    local msg, err = client.messages.parse(params())
    assert.is_nil(msg)
    assert.equal("invalid_request_error", err.type)
  end)
end)
