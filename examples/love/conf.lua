-- LÖVE configuration of the lua-anthropic demo (examples/love/main.lua).
-- luacheck: globals love
function love.conf(t)
  t.identity = "lua-anthropic-demo"
  t.version = "11.4"
  t.window.title = "lua-anthropic: streaming in LÖVE"
  t.window.width = 800
  t.window.height = 480
  t.window.vsync = 1
  -- Nothing here makes sound or reads controllers (and the test runs headless).
  t.modules.audio = false
  t.modules.sound = false
  t.modules.joystick = false
  t.modules.physics = false
  t.modules.video = false
end
