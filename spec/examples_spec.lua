-- The examples run (against the local fake server, whatever the environment).
local examples = {
  { "hello", "Hello from the fake server" },
  { "stream_blocking", "fluent writing" },
  { "stream_callbacks", "[message_stop]" },
  { "poll_loop", "frames; the longest poll" },
  { "coroutines", "[6 requests in" },
  { "batches", "farewell: Goodbye!" },
  { "files", "deleted file_demo" },
  { "tools", "Claude (end_turn): It is 18" },
  { "structured_output", "plan: Enterprise, demo requested: true" },
  { "bedrock", "signed: AWS4-HMAC-SHA256", "no AWS credentials" },
  { "vertex", "publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict", "no Google credentials" },
}

describe("examples", function()
  local lua = os.getenv("ANTHROPIC_TEST_LUA") or "lua5.4"
  for _, case in ipairs(examples) do
    local name, expect, says = case[1], case[2], case[3] or "local fake server"
    it(name, function()
      local p = io.popen(("env -u ANTHROPIC_API_KEY -u ANTHROPIC_AUTH_TOKEN -u AWS_ACCESS_KEY_ID -u AWS_PROFILE " ..
        "-u AWS_BEARER_TOKEN_BEDROCK -u GOOGLE_APPLICATION_CREDENTIALS -u ANTHROPIC_VERTEX_PROJECT_ID " ..
        "%s examples/%s.lua 2>&1; echo \"exit=$?\""):format(lua, name))
      local out = p:read("*a")
      p:close()
      assert.truthy(out:find(expect, 1, true), out)
      assert.truthy(out:find("exit=0", 1, true), out)
      assert.truthy(out:find(says, 1, true), out)
    end)
  end
end)
