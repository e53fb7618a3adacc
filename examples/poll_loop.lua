-- A game loop: the stream is driven from the frame update with client:poll(0),
-- which never blocks; the "frame" keeps running at 60 Hz while text arrives.
-- In LÖVE this is love.update(dt); see examples/love/ for the real thing.
local core = require("anthropic.core")
local env = dofile("examples/env.lua")

env.script_stream("Every frame polls the client without blocking, so the game never stutters while the "
  .. "answer streams in.", 40)
local text, done, worst = {}, false, 0
env.client.messages.stream_async({
  model = env.model, max_tokens = 200,
  messages = { { role = "user", content = "Tell me about game loops." } },
}, {
  on_text = function(delta) text[#text + 1] = delta end,
  on_done = function(_, err) done = true; if err then print("failed: " .. tostring(err)) end end,
})
local frames = 0
while not done do
  local t0 = core.now()
  env.client:poll(0)                      -- non-blocking: moves every transfer, runs callbacks
  frames = frames + 1                     -- ... update and draw the frame here ...
  worst = math.max(worst, core.now() - t0)
  core.sleep(1 / 60)
end
print(table.concat(text))
print(("[%d frames; the longest poll took %.2f ms]"):format(frames, worst * 1000))
env.finish()
