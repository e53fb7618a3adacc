-- The tool runner: Claude asks for tools, the SDK runs them and sends their
-- results back, until Claude answers. One tool fails on purpose: its error
-- goes back to Claude as a tool_result with is_error = true.
-- Talks to the real API when ANTHROPIC_API_KEY is set, otherwise to the
-- local fake server bundled with the tests.
local anthropic = require("anthropic")

local env = dofile("examples/env.lua")
local client, server = env.client, env.server
if server then
  local function reply(id, content, stop_reason)
    return { json = { id = id, type = "message", role = "assistant", model = "claude-sonnet-4-5",
                      content = content, stop_reason = stop_reason,
                      usage = { input_tokens = 50, output_tokens = 20 } } }
  end
  server:script({
    reply("msg_1", { { type = "text", text = "Let me look that up." },
                     { type = "tool_use", id = "toolu_1", name = "get_weather", input = { city = "Paris" } },
                     { type = "tool_use", id = "toolu_2", name = "get_time", input = { city = "Paris" } } },
          "tool_use"),
    reply("msg_2", { { type = "text", text = "It is 18°C and sunny in Paris; I could not get the time." } },
          "end_turn"),
  })
end

local weather = anthropic.tool({
  name = "get_weather",
  description = "The current weather in a city",
  input_schema = { type = "object", properties = { city = { type = "string" } }, required = { "city" } },
  run = function(input)
    print("  [tool] get_weather(" .. input.city .. ")")
    return { city = input.city, temperature_c = 18, sky = "sunny" }   -- sent as JSON text
  end,
})

local clock = anthropic.tool({
  name = "get_time",
  description = "The local time in a city",
  input_schema = { type = "object", properties = { city = { type = "string" } }, required = { "city" } },
  run = function(input)
    print("  [tool] get_time(" .. input.city .. ") raises")
    error("the clock service is down")
  end,
})

local runner = client.messages.run_tools({
  model = os.getenv("ANTHROPIC_MODEL") or "claude-sonnet-4-5",
  max_tokens = 1024,
  tools = { weather, clock },
  messages = { { role = "user", content = "What is the weather and the local time in Paris?" } },
}, { max_iterations = 5 })

for msg in runner do
  print(("Claude (%s): %s"):format(msg.stop_reason, anthropic.text(msg)))
end
if runner.error then
  print("failed: " .. tostring(runner.error))
  os.exit(1)
end
print(("%d turns in the conversation"):format(#runner.messages))

if server then server:stop() end
