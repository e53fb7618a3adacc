-- Run by uv_spec inside `nvim --headless`: streams a long response from the
-- fake server through anthropic.uv on vim.loop (json = vim.json), while a
-- 5 ms vim.loop timer ticks; vim.wait runs the loop. Writes
-- "ok <text length> <max tick gap ms> <ms taken> <ticks>" or the failure to $ANTH_OUT.
-- luacheck: globals vim
package.cpath = "build/luajit/?.so;" .. package.cpath
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path

local function run()
  local uv = vim.loop
  local anthropic = require("anthropic")
  local client = anthropic.new({ api_key = "sk-nvim", base_url = os.getenv("ANTH_FAKE_URL"),
                                 max_retries = 0, json = vim.json })
  local driver = require("anthropic.uv").attach(client) -- defaults to vim.uv or vim.loop
  if driver.uv ~= uv then return "the driver did not pick vim.loop" end
  local max_gap, ticks, last = 0, 0, nil
  local timer = uv.new_timer()
  timer:start(5, 5, function()
    local now = uv.hrtime()
    if last then max_gap = math.max(max_gap, (now - last) / 1e6) end
    last, ticks = now, ticks + 1
  end)
  local len, done = 0, nil
  local t0 = uv.hrtime()
  client.messages.stream_async({ model = "m", max_tokens = 4096, messages = { { role = "user", content = "long" } } }, {
    on_text = function(delta) len = len + #delta end,
    on_done = function(msg, err) done = { msg = msg, err = err } end,
  })
  vim.wait(20000, function() return done ~= nil end, 5)
  local took = (uv.hrtime() - t0) / 1e6
  timer:stop()
  timer:close()
  driver:detach()
  client:close()
  if not done then return "timed out after " .. len .. " bytes of text" end
  if done.err then return "stream error: " .. tostring(done.err) end
  if done.msg.stop_reason ~= "end_turn" then return "stop_reason " .. tostring(done.msg.stop_reason) end
  if #done.msg.content[1].text ~= len then return "message text differs from the deltas" end
  return ("ok %d %.2f %.0f %d"):format(len, max_gap, took, ticks)
end

local ok, result = pcall(run)
local f = assert(io.open(os.getenv("ANTH_OUT"), "wb"))
f:write(ok and result or ("error: " .. tostring(result)))
f:close()
