-- Coroutines: sequential-looking code in anthropic.async runs concurrently.
-- Three conversations of two turns each take about as long as one.
local anthropic = require("anthropic")
local core = require("anthropic.core")
local env = dofile("examples/env.lua")

if env.server then env.server:script({ delay_ms = 300, times = 6 }) end
local t0 = core.now()
local tasks = {}
for i, topic in ipairs({ "tides", "volcanoes", "comets" }) do
  tasks[i] = anthropic.async(function()
    local chat = anthropic.conversation({ client = env.client, model = env.model, max_tokens = 100 })
    local first = assert(chat:send("One sentence about " .. topic .. "."))
    local second = assert(chat:send("And one more."))
    return topic .. ": " .. first .. " / " .. second
  end)
end
for _, line in ipairs(anthropic.async.all(tasks)) do print(line) end
print(("[6 requests in %.2f s]"):format(core.now() - t0))
env.finish()
