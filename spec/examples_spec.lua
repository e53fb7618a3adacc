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
}

describe("examples", function()
  local lua = os.getenv("ANTHROPIC_TEST_LUA") or "lua5.4"
  for _, case in ipairs(examples) do
    local name, expect = case[1], case[2]
    it(name, function()
      local p = io.popen(("env -u ANTHROPIC_API_KEY -u ANTHROPIC_AUTH_TOKEN %s examples/%s.lua 2>&1; echo \"exit=$?\"")
        :format(lua, name))
      local out = p:read("*a")
      p:close()
      assert.truthy(out:find(expect, 1, true), out)
      assert.truthy(out:find("exit=0", 1, true), out)
      assert.truthy(out:find("local fake server", 1, true), out)
    end)
  end
end)
