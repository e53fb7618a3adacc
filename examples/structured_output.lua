-- Structured output: ask for JSON that follows a schema, get it decoded.
-- Talks to the real API when ANTHROPIC_API_KEY is set, otherwise to the
-- local fake server bundled with the tests.
local env = dofile("examples/env.lua")
local client, server = env.client, env.server
if server then
  server:script({ json = { id = "msg_1", type = "message", role = "assistant", model = "claude-sonnet-4-5",
    content = { { type = "text", text = '{"name":"John Smith","email":"john@example.com",' ..
                                        '"plan_interest":"Enterprise","demo_requested":true}' } },
    stop_reason = "end_turn", usage = { input_tokens = 80, output_tokens = 30 } } })
end

local msg, err = client.messages.parse({
  model = os.getenv("ANTHROPIC_MODEL") or "claude-sonnet-4-5",
  max_tokens = 1024,
  messages = { { role = "user", content = "Extract the key information from this email: John Smith " ..
    "(john@example.com) is interested in our Enterprise plan and wants to schedule a demo for next " ..
    "Tuesday at 2pm." } },
  output_config = { format = { type = "json_schema", schema = {
    type = "object",
    properties = {
      name = { type = "string" },
      email = { type = "string" },
      plan_interest = { type = "string" },
      demo_requested = { type = "boolean" },
    },
    required = { "name", "email", "plan_interest", "demo_requested" },
    additionalProperties = false,
  } } },
})
if not msg then
  print("failed: " .. tostring(err))   -- a parse_error carries err.text
  if server then server:stop() end
  os.exit(1)
end
local lead = msg.parsed_output
print(("name: %s, email: %s, plan: %s, demo requested: %s"):format(lead.name, lead.email, lead.plan_interest,
                                                                   tostring(lead.demo_requested)))

if server then server:stop() end
