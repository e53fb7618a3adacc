-- Tool use: plain tables sent exactly, and the tool runner (several rounds,
-- a tool that fails, the iteration limit, streaming).
local anthropic = require("anthropic")
local core = require("anthropic.core")
local fake = require("support.fake")
local harness = require("support.harness")
local limit = require("support.timing")

local KEY = "sk-ant-test-tools"

local WEATHER_SCHEMA = {
  type = "object",
  properties = { location = { type = "string", description = "The city and state, e.g. San Francisco, CA" } },
  required = { "location" },
}

local function tool_use_message(id, blocks, stop_reason)
  return { id = id, type = "message", role = "assistant", model = "claude-sonnet-4-5", content = blocks,
           stop_reason = stop_reason or "tool_use", stop_sequence = fake.null,
           usage = { input_tokens = 100, output_tokens = 20 } }
end

local function text_message(id, text)
  return tool_use_message(id, { { type = "text", text = text } }, "end_turn")
end

describe("tool use", function()
  local server, client
  harness.fake_api({ api_key = KEY }, function(s, c) server, client = s, c end)

  local function sent(i)
    return core.decode(server:requests()[i].body)
  end

  it("sends tools, tool_choice, tool_use and tool_result blocks exactly as plain tables", function()
    server:script({ json = text_message("msg_2", "It is 15 degrees in San Francisco.") })
    local msg = assert(client.messages.create({
      model = "claude-sonnet-4-5",
      max_tokens = 1024,
      tools = { { name = "get_weather", description = "Get the current weather in a given location",
                  input_schema = WEATHER_SCHEMA } },
      tool_choice = { type = "auto", disable_parallel_tool_use = true },
      messages = {
        { role = "user", content = "What's the weather like in San Francisco?" },
        { role = "assistant", content = {
          { type = "text", text = "Let me check." },
          { type = "tool_use", id = "toolu_01A", name = "get_weather", input = { location = "San Francisco, CA" } },
        } },
        { role = "user", content = {
          { type = "tool_result", tool_use_id = "toolu_01A", content = "15 degrees" },
        } },
      },
    }))
    assert.equal("end_turn", msg.stop_reason)
    local expected = '{"model":"claude-sonnet-4-5","max_tokens":1024,' ..
      '"tools":[{"name":"get_weather","description":"Get the current weather in a given location",' ..
      '"input_schema":{"type":"object","properties":{"location":{"type":"string",' ..
      '"description":"The city and state, e.g. San Francisco, CA"}},"required":["location"]}}],' ..
      '"tool_choice":{"type":"auto","disable_parallel_tool_use":true},' ..
      '"messages":[{"role":"user","content":"What\'s the weather like in San Francisco?"},' ..
      '{"role":"assistant","content":[{"type":"text","text":"Let me check."},' ..
      '{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"location":"San Francisco, CA"}}]},' ..
      '{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":"15 degrees"}]}]}'
    assert.same(core.decode(expected), sent(1))
  end)

  it("sends an empty input_schema properties as an object and a tool_use input {} as an object", function()
    server:script({ json = text_message("m", "ok") })
    assert(client.messages.create({ model = "m", max_tokens = 10,
      tools = { { name = "now", description = "The time", input_schema = { type = "object", properties = {} } } },
      messages = { { role = "assistant", content = { { type = "tool_use", id = "t", name = "now",
                                                       input = anthropic.object({}) } } } } }))
    local body = server:last_request().body
    assert.truthy(body:find('"properties":{}', 1, true), body)
    assert.truthy(body:find('"input":{}', 1, true), body)
  end)

  it("runs a conversation of several rounds, a failing tool included, until the model stops asking", function()
    local calls = {}
    local weather = anthropic.tool({
      name = "get_weather", description = "The weather", input_schema = WEATHER_SCHEMA,
      run = function(input)
        calls[#calls + 1] = "weather:" .. input.location
        return "15 degrees in " .. input.location
      end,
    })
    local broken = anthropic.tool({
      name = "get_time", description = "The time", input_schema = { type = "object", properties = {} },
      run = function() error("clock unavailable", 0) end,
    })
    local lookup = anthropic.tool({
      name = "lookup", description = "Facts", input_schema = { type = "object", properties = {} },
      run = function() return { population = 808988, unit = "people" } end,
    })
    local blocks = anthropic.tool({
      name = "chart", description = "A chart", input_schema = { type = "object", properties = {} },
      run = function() return { { type = "text", text = "chart drawn" } } end,
    })
    assert.is_nil(weather.run)
    server:script({
      { json = tool_use_message("msg_1", {
        { type = "text", text = "Checking." },
        { type = "tool_use", id = "tu_1", name = "get_weather", input = { location = "Paris" } },
        { type = "tool_use", id = "tu_2", name = "get_time", input = {} },
      }) },
      { json = tool_use_message("msg_2", {
        { type = "tool_use", id = "tu_3", name = "lookup", input = {} },
        { type = "tool_use", id = "tu_4", name = "chart", input = {} },
        { type = "tool_use", id = "tu_5", name = "unknown_tool", input = {} },
      }) },
      { json = text_message("msg_3", "Paris: 15 degrees, 808988 people.") },
    })
    local params = {
      model = "claude-sonnet-4-5", max_tokens = 1024,
      tools = { weather, broken, lookup, blocks },
      messages = { { role = "user", content = "Tell me about Paris" } },
    }
    local runner = client.messages.run_tools(params, { max_iterations = 5 })
    local seen = {}
    for msg in runner do seen[#seen + 1] = msg.id end
    assert.same({ "msg_1", "msg_2", "msg_3" }, seen)
    assert.is_nil(runner.error)
    assert.same({ "weather:Paris" }, calls)
    assert.equal(1, #params.messages) -- the caller's list is left alone
    assert.equal(6, #runner.messages)

    local reqs = server:requests()
    assert.equal(3, #reqs)
    -- tools are sent without their run function
    local first = sent(1)
    assert.same({ name = "get_weather", description = "The weather", input_schema = core.decode(
      '{"type":"object","properties":{"location":{"type":"string",' ..
      '"description":"The city and state, e.g. San Francisco, CA"}},"required":["location"]}') }, first.tools[1])
    assert.equal(1, #first.messages)
    local second = sent(2)
    assert.equal(3, #second.messages)
    assert.equal("assistant", second.messages[2].role)
    assert.equal("tu_1", second.messages[2].content[2].id)
    assert.same({ role = "user", content = {
      { type = "tool_result", tool_use_id = "tu_1", content = "15 degrees in Paris" },
      { type = "tool_result", tool_use_id = "tu_2", content = "clock unavailable", is_error = true },
    } }, second.messages[3])
    local third = sent(3)
    assert.equal(5, #third.messages)
    local results = third.messages[5].content
    assert.equal("tool_result", results[1].type)
    assert.equal("tu_3", results[1].tool_use_id)
    assert.is_nil(results[1].is_error)
    assert.same({ population = 808988, unit = "people" }, core.decode(results[1].content)) -- JSON text
    assert.same({ { type = "text", text = "chart drawn" } }, results[2].content)
    assert.is_true(results[3].is_error)
    assert.truthy(results[3].content:find("unknown_tool", 1, true))
    assert.equal("Paris: 15 degrees, 808988 people.", anthropic.text(runner.messages[6]))
  end)

  it("stops at max_iterations, and until_done returns the last message", function()
    local n = 0
    local counter = anthropic.tool({ name = "count", description = "Counts", input_schema = { type = "object" },
                                     run = function() n = n + 1; return tostring(n) end })
    server:script({ json = tool_use_message("msg_loop", { { type = "tool_use", id = "tu", name = "count",
                                                            input = {} } }), times = 0 })
    local runner = client.messages:run_tools({ model = "m", max_tokens = 10, tools = { counter },
                                               messages = { { role = "user", content = "count forever" } } },
                                             { max_iterations = 3 })
    local last = assert(runner:until_done())
    assert.equal("msg_loop", last.id)
    assert.equal(3, #server:requests())
    assert.equal(3, n)
    assert.is_nil(runner:next())
  end)

  it("resumes after pause_turn: the paused turn is sent back, with no tool results", function()
    server:script({
      { json = tool_use_message("msg_p", { { type = "server_tool_use", id = "srv_1", name = "web_search",
                                             input = { query = "tides" } } }, "pause_turn") },
      { json = text_message("msg_done", "Tides follow the moon.") },
    })
    local runner = client.messages.run_tools({ model = "m", max_tokens = 10,
                                               messages = { { role = "user", content = "tides?" } } })
    local last = assert(runner:until_done())
    assert.equal("msg_done", last.id)
    assert.equal(2, #server:requests())
    local second = sent(2)
    assert.equal(2, #second.messages)
    assert.equal("assistant", second.messages[2].role)
    assert.equal("srv_1", second.messages[2].content[1].id)
  end)

  it("runs the tool calls of one turn concurrently when they wait (two 200 ms tools)", function()
    local other = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 0 })
    local function slow(name)
      return anthropic.tool({ name = name, description = "Asks the API", input_schema = { type = "object" },
                              run = function()
                                local m = assert(other.messages.create({ model = "m", max_tokens = 1,
                                  messages = { { role = "user", content = name } } }))
                                return anthropic.text(m)
                              end })
    end
    server:script({
      { json = tool_use_message("msg_t", {
        { type = "tool_use", id = "tu_a", name = "a", input = {} },
        { type = "tool_use", id = "tu_b", name = "b", input = {} },
      }) },
      { delay_ms = 200, times = 2, json = text_message("msg_r", "R") },
      { json = text_message("msg_end", "done") },
    })
    local t0 = core.now()
    local runner = client.messages.run_tools({ model = "m", max_tokens = 10, tools = { slow("a"), slow("b") },
                                               messages = { { role = "user", content = "go" } } })
    local last = assert(runner:until_done())
    local took = core.now() - t0
    assert.equal("msg_end", last.id)
    assert.same({ { type = "tool_result", tool_use_id = "tu_a", content = "R" },
                  { type = "tool_result", tool_use_id = "tu_b", content = "R" } }, runner.messages[3].content)
    print(("\n  two 200 ms tools in one turn: %.0f ms for the whole loop"):format(took * 1000))
    assert.truthy(took < limit(0.39), took)
    other:close()
  end)

  it("returns nil, err from until_done when a request fails", function()
    server:script({ status = 400, json = { type = "error", error = { type = "invalid_request_error",
                                                                       message = "bad tools" } } })
    local runner = client.messages.run_tools({ model = "m", max_tokens = 10, messages = {} })
    local msg, err = runner:until_done()
    assert.is_nil(msg)
    assert.equal("invalid_request_error", err.type)
    assert.equal(err, runner.error)
  end)

  it("streams each round with stream = true, tool input arriving as input_json_delta", function()
    local got
    local weather = anthropic.tool({ name = "get_weather", description = "w", input_schema = WEATHER_SCHEMA,
                                     run = function(input) got = input; return "sunny" end })
    local function sse_tool_round()
      return { sse = {
        { event = "message_start", data = { type = "message_start", message = {
          id = "msg_s1", type = "message", role = "assistant", model = "m", content = fake.array({}),
          stop_reason = fake.null, usage = { input_tokens = 10, output_tokens = 1 } } } },
        { event = "content_block_start", data = { type = "content_block_start", index = 0,
          content_block = { type = "tool_use", id = "tu_s", name = "get_weather", input = {} } } },
        { event = "content_block_delta", data = { type = "content_block_delta", index = 0,
          delta = { type = "input_json_delta", partial_json = '{"location": "Par' } } },
        { event = "content_block_delta", data = { type = "content_block_delta", index = 0,
          delta = { type = "input_json_delta", partial_json = 'is, FR"}' } } },
        { event = "content_block_stop", data = { type = "content_block_stop", index = 0 } },
        { event = "message_delta", data = { type = "message_delta", delta = { stop_reason = "tool_use" },
                                            usage = { output_tokens = 12 } } },
        { event = "message_stop", data = { type = "message_stop" } },
      } }
    end
    local final = { sse = {
      { event = "message_start", data = { type = "message_start", message = {
        id = "msg_s2", type = "message", role = "assistant", model = "m", content = fake.array({}),
        usage = { input_tokens = 20, output_tokens = 1 } } } },
      { event = "content_block_start", data = { type = "content_block_start", index = 0,
        content_block = { type = "text", text = "" } } },
      { event = "content_block_delta", data = { type = "content_block_delta", index = 0,
        delta = { type = "text_delta", text = "Sunny in Paris." } } },
      { event = "content_block_stop", data = { type = "content_block_stop", index = 0 } },
      { event = "message_delta", data = { type = "message_delta", delta = { stop_reason = "end_turn" },
                                          usage = { output_tokens = 5 } } },
      { event = "message_stop", data = { type = "message_stop" } },
    } }
    server:script({ sse_tool_round(), final })
    local texts = {}
    local runner = client.messages.run_tools({ model = "m", max_tokens = 100, tools = { weather },
      messages = { { role = "user", content = "Weather in Paris?" } } },
      { stream = true, on_text = function(t) texts[#texts + 1] = t end })
    local ids = {}
    for msg in runner:each() do ids[#ids + 1] = msg.id end
    assert.same({ "msg_s1", "msg_s2" }, ids)
    assert.same({ location = "Paris, FR" }, got)
    assert.same({ "Sunny in Paris." }, texts)
    local second = sent(2)
    assert.is_true(second.stream)
    assert.same({ type = "tool_use", id = "tu_s", name = "get_weather", input = { location = "Paris, FR" } },
                second.messages[2].content[1])
    assert.same({ type = "tool_result", tool_use_id = "tu_s", content = "sunny" }, second.messages[3].content[1])
  end)

  it("raises on misuse", function()
    assert.has_error(function() anthropic.tool({ name = "x", input_schema = {} }) end)
    assert.has_error(function() anthropic.tool({ name = "bad name", input_schema = {}, run = print }) end)
    assert.has_error(function() anthropic.tool({ name = "x", run = print }) end)
    assert.has_error(function() client.messages.run_tools({ messages = {} }, { max_iterations = 0 }) end)
    assert.has_error(function() client.messages.run_tools({ messages = {} }, { bogus = true }) end)
    assert.has_error(function() client.messages.run_tools({ messages = {}, stream = true }) end)
  end)
end)
