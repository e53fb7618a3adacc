-- A LÖVE game that asks Claude something and draws the answer into its window
-- as it streams in, frame by frame, without ever blocking a frame.
--
--   make build-luajit && love examples/love            -- non-blocking API in love.update
--   love examples/love --thread                        -- the request runs in a love.thread
--
-- Talks to the real API when ANTHROPIC_API_KEY is set (ANTHROPIC_BASE_URL
-- overrides the address: examples/love/test.sh points it at the local fake
-- server; ANTHROPIC_CA_FILE names a CA file for an https address, as the
-- benchmarks' TLS frame measurement does). See examples/love/README.md for
-- how LÖVE finds anthropic.core.
--
-- Test hooks (environment): LOVE_DEMO_OUT=path writes the text drawn when the
-- stream ended, LOVE_DEMO_SCREENSHOT=path captures the window as PNG, and
-- either makes the game quit by itself after the stream ends.
-- luacheck: globals love

-- Paths: inside a packaged game, lua/anthropic/*.lua sit at anthropic/*.lua in
-- the .love and LÖVE's own loader finds them. Run from this repository, the
-- game adds the repository's lua/ and the LuaJIT build of the core.
local function sdk_paths()
  local root = os.getenv("ANTHROPIC_SDK_ROOT")
  if not root then
    local source = love.filesystem.getSource()  -- real path of this game's directory
    root = source:gsub("/+$", "") .. "/../.."
  end
  package.path = root .. "/lua/?.lua;" .. root .. "/lua/?/init.lua;" .. package.path
  package.cpath = root .. "/build/luajit/?.so;" .. root .. "/?.so;" .. package.cpath
  return package.path, package.cpath
end

local PROMPT = "In a few sentences: why should a game never block its frame loop?"
local MODEL = os.getenv("ANTHROPIC_MODEL") or "claude-sonnet-4-5"

local game = {
  mode = "async",       -- or "thread"
  reply = "",           -- what has streamed in so far (and is drawn)
  deltas = 0,
  done = false,
  error = nil,
  stop_reason = nil,
  frames = 0,           -- frames drawn while streaming
  worst_frame = 0,      -- the longest frame (seconds) while streaming
  worst_poll = 0,       -- the longest client:poll(0) call (async mode)
  started = nil,
  finished = nil,
  after_done = 0,       -- frames drawn since the stream ended
  out = os.getenv("LOVE_DEMO_OUT"),
  screenshot = os.getenv("LOVE_DEMO_SCREENSHOT"),
}
game.autoquit = game.out ~= nil or game.screenshot ~= nil

local client, channel, worker

local function client_options()
  return {
    api_key = os.getenv("ANTHROPIC_API_KEY") or "sk-love-demo",
    base_url = os.getenv("ANTHROPIC_BASE_URL"),
    ca_file = os.getenv("ANTHROPIC_CA_FILE"),
  }
end

local function params()
  return { model = MODEL, max_tokens = 300, messages = { { role = "user", content = PROMPT } } }
end

-- The non-blocking API: the stream starts at once; client:poll(0) in
-- love.update moves it on and runs on_text / on_done there.
local function start_async()
  local anthropic = require("anthropic")
  client = anthropic.new(client_options())
  client.messages.stream_async(params(), {
    on_text = function(delta)
      game.reply = game.reply .. delta
      game.deltas = game.deltas + 1
    end,
    on_done = function(message, err)
      game.done, game.finished = true, love.timer.getTime()
      if message then game.stop_reason = message.stop_reason else game.error = tostring(err) end
    end,
  })
end

-- The thread variant: examples/love/worker.lua makes the blocking calls in a
-- love.thread and pushes each delta through a channel; love.update pops them.
local function start_thread(path, cpath)
  channel = love.thread.getChannel("anthropic_reply")
  channel:clear()
  worker = love.thread.newThread("worker.lua")
  local o = client_options()
  worker:start(path, cpath, "anthropic_reply", o.api_key, o.base_url or "", MODEL, PROMPT, o.ca_file or "")
end

function love.load(args)
  for _, a in ipairs(args or {}) do
    if a == "--thread" then game.mode = "thread" end
  end
  if os.getenv("LOVE_DEMO_MODE") == "thread" then game.mode = "thread" end
  love.graphics.setFont(love.graphics.newFont(16))
  game.path, game.cpath = sdk_paths()
end

-- The request starts once the game is running: a few frames in, after the
-- renderer's warm-up (its first frames compile shaders and build the font).
local START_FRAME = 5
local ticks = 0

local function start()
  game.started = love.timer.getTime()
  if game.mode == "thread" then start_thread(game.path, game.cpath) else start_async() end
end

local function finish_thread_message(v)
  game.done, game.finished = true, love.timer.getTime()
  if v.error then game.error = v.error else game.stop_reason = v.stop_reason end
end

local function save_results()
  if game.out then
    local f = assert(io.open(game.out, "wb"))
    f:write(game.reply)
    f:close()
  end
  print(("love-demo: mode=%s deltas=%d streaming_frames=%d worst_frame_ms=%.2f worst_poll_ms=%.3f " ..
         "stream_s=%.3f stop_reason=%s error=%s"):format(game.mode, game.deltas, game.frames,
         game.worst_frame * 1000, game.worst_poll * 1000, (game.finished or 0) - (game.started or 0),
         tostring(game.stop_reason), tostring(game.error)))
end

function love.update(dt)
  ticks = ticks + 1
  if not game.started then
    if ticks == START_FRAME then start() end
    return
  end
  if not game.done then
    -- Every frame from the one after the request started: dt is the whole
    -- previous frame (update, draw, present).
    if game.frames > 0 and dt > game.worst_frame then game.worst_frame = dt end
    game.frames = game.frames + 1
    if client then
      local t0 = love.timer.getTime()
      client:poll(0)                       -- never waits for the network
      local took = love.timer.getTime() - t0
      if took > game.worst_poll then game.worst_poll = took end
    elseif channel then
      local v = channel:pop()
      while v ~= nil do
        if type(v) == "string" then
          game.reply = game.reply .. v
          game.deltas = game.deltas + 1
        else
          finish_thread_message(v)
        end
        v = channel:pop()
      end
    end
    if not game.done and love.timer.getTime() - game.started > 60 then
      game.done, game.error = true, "timed out after 60 s"
    end
    return
  end
  game.after_done = game.after_done + 1
  -- The final text has been drawn once (frame 1 after done); capture frame 2.
  if game.autoquit and game.after_done == 2 then
    love.graphics.captureScreenshot(function(image)
      if game.screenshot then
        local f = assert(io.open(game.screenshot, "wb"))
        f:write(image:encode("png"):getString())
        f:close()
      end
      save_results()
      love.event.quit(game.error and 1 or 0)
    end)
  end
end

function love.threaderror(_, err)
  game.done, game.error = true, "worker thread: " .. tostring(err)
end

function love.keypressed(key)
  if key == "escape" then love.event.quit() end
end

function love.draw()
  local w, h = love.graphics.getDimensions()
  love.graphics.clear(0.08, 0.09, 0.14)
  love.graphics.setColor(0.85, 0.47, 0.34)
  love.graphics.rectangle("fill", 0, 0, w, 44)
  love.graphics.setColor(1, 1, 1)
  love.graphics.print("lua-anthropic in LÖVE (" .. game.mode .. ")", 16, 12)
  love.graphics.setColor(0.6, 0.75, 1)
  love.graphics.printf("> " .. PROMPT, 16, 60, w - 32)
  love.graphics.setColor(0.95, 0.95, 0.9)
  love.graphics.printf(game.reply, 16, 110, w - 32)
  local status
  if game.error then
    love.graphics.setColor(1, 0.4, 0.4)
    status = "error: " .. game.error
  elseif not game.started then
    love.graphics.setColor(0.7, 0.7, 0.7)
    status = "starting..."
  elseif game.done then
    love.graphics.setColor(0.5, 0.9, 0.5)
    status = ("done (%s): %d deltas, %d frames while streaming, worst frame %.1f ms"):format(
      tostring(game.stop_reason), game.deltas, game.frames, game.worst_frame * 1000)
  else
    love.graphics.setColor(0.9, 0.9, 0.5)
    status = ("streaming... %d deltas, frame %d, worst frame %.1f ms"):format(
      game.deltas, game.frames, game.worst_frame * 1000)
  end
  love.graphics.print(status, 16, h - 32)
end
