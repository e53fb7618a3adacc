-- The example Neovim plugin (examples/nvim), in a headless Neovim against the
-- fake server: :Claude streams a long answer into its buffer while a 5 ms
-- vim.loop timer keeps ticking; <C-c> in that buffer cancels and the transfer
-- stops; a second :Claude cancels the first. The spec runs under any Lua; the
-- plugin runs in Neovim's LuaJIT (build/luajit).
local fake = require("support.fake")
local nvim = require("support.nvim")
local limit = require("support.timing")
local streams = require("support.streams")
local socket = require("socket")

local SSE = { ["content-type"] = "text/event-stream" }
local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    local esc = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\t"] = "\\t" }
    return esc[c] or ("\\u%04x"):format(c:byte())
  end) .. '"'
end

-- A long answer: n text deltas (some carry newlines, some multi-byte
-- characters); returns the SSE bytes and the text.
local function long_answer(n)
  local raw = {
    "event: message_start\ndata: " ..
      [[{"type":"message_start","message":{"id":"msg_long","type":"message","role":"assistant",]] ..
      [["content":[],"model":"m","stop_reason":null,"stop_sequence":null,]] ..
      [["usage":{"input_tokens":5,"output_tokens":1}}}]] .. "\n\n",
    "event: content_block_start\ndata: " ..
      [[{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}]] .. "\n\n",
  }
  local text = {}
  for i = 1, n do
    local piece = ("w%d "):format(i)
    if i % 97 == 0 then piece = piece .. "é✓" end
    if i % 40 == 0 then piece = piece .. "\n" end
    if i % 400 == 0 then piece = piece .. "\n" end
    text[i] = piece
    raw[#raw + 1] = "event: content_block_delta\ndata: " ..
      [[{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":]] ..
      json_string(piece) .. "}}\n\n"
  end
  raw[#raw + 1] = "event: content_block_stop\ndata: " .. [[{"type":"content_block_stop","index":0}]] .. "\n\n"
  raw[#raw + 1] = "event: message_delta\ndata: " ..
    [[{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},]] ..
    [["usage":{"output_tokens":2000}}]] .. "\n\n"
  raw[#raw + 1] = "event: message_stop\ndata: " .. [[{"type":"message_stop"}]] .. "\n\n"
  return table.concat(raw), table.concat(text)
end

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

-- Starts nvim on case `name`; `during(out)` (optional) runs while it does.
-- Returns the info table and the buffer's text.
local function run_nvim(server, name, during)
  -- Without LUA_PATH / LUA_CPATH: the plugin finds the SDK by itself.
  local result, log, out = nvim.run("nvim_plugin", { ANTH_CASE = name, ANTH_FAKE_URL = server.url },
                                    { bare = true, during = during })
  os.remove(out .. ".cancelled")
  os.remove(out .. ".checked")
  local head, buffer = result:match("^ok ([^\n]*)\n(.*)$")
  assert.truthy(head, result .. "\n" .. log)
  local info = {}
  for k, v in head:gmatch("(%w+)=(%S+)") do info[k] = v end
  return info, buffer
end

describe("examples/nvim (the :Claude plugin)", function()
  if not nvim.available() then
    it("needs nvim", function() pending(nvim.missing) end)
    return
  end

  local server
  setup(function() server = fake.start() end)
  teardown(function() server:stop() end)
  before_each(function() server:reset() end)

  it("streams a long answer into its buffer while the loop keeps ticking", function()
    local N = 2000
    local raw, text = long_answer(N)
    server:script({ status = 200, headers = SSE, sse_raw = raw, chunk_sizes = { 700, 300, 1200 }, chunk_delay_ms = 1 })
    local info, buffer = run_nvim(server, "stream")
    print(("\n  nvim plugin: %d deltas, %d bytes of text (%d of SSE) in %s ms, %s buffer writes, "
           .. "%s ticks, max tick gap %s ms"):format(N, #text, #raw, info.took, info.flushes, info.ticks, info.gap))
    assert.equal("done", info.status)
    assert.equal("end_turn", info.stop)
    assert.equal("> hello\n" .. text, buffer)
    assert.truthy(tonumber(info.gap) < limit(50), "max tick gap " .. info.gap .. " ms")
    local req = server:last_request()
    assert.equal("sk-nvim", req.headers["x-api-key"])
    assert.equal(true, req.json.stream)
    assert.equal("hello", req.json.messages[1].content)
  end)

  it("cancels with <C-c> in its buffer, and when a second :Claude starts", function()
    local raw = long_answer(2000)
    local slow = { status = 200, headers = SSE, sse_raw = raw, chunk_sizes = { 60 }, chunk_delay_ms = 10 }
    server:script({ slow, slow, { status = 200, headers = SSE, sse_raw = streams.text } })
    local open_after, waited
    local info, buffer = run_nvim(server, "cancel", function(out)
      local deadline = socket.gettime() + 20
      while not read_file(out .. ".cancelled") and socket.gettime() < deadline do socket.sleep(0.01) end
      assert(read_file(out .. ".cancelled"), "nvim never cancelled")
      -- nvim is still running: the server must see the connection go.
      local t0 = socket.gettime()
      repeat
        open_after = server:stats().open_connections
        if open_after == 0 then break end
        socket.sleep(0.01)
      until socket.gettime() - t0 > 3
      waited = (socket.gettime() - t0) * 1000
      local f = assert(io.open(out .. ".checked", "wb"))
      f:close()
    end)
    print(("\n  nvim plugin: cancelled; server saw the connection closed after %.0f ms; max tick gap %s ms")
      :format(waited, info.gap))
    assert.equal(0, open_after)
    assert.equal("cancelled", info.status)
    assert.equal("0", info.pending)  -- the client no longer tracks it
    assert.equal("0", info.after)    -- and nothing arrived after the cancel
    assert.equal("cancelled", info.again)
    assert.equal("done", info.third)
    local first, second, third = buffer:match("^> hello\n(.-)\n%[cancelled%]\n\n> again\n(.-)\n%[cancelled%]\n\n"
                                              .. "> third\n(.*)$")
    assert.truthy(first, buffer)
    assert.truthy(first:find("^w1 w2 w3 "), first)
    assert.truthy(second:find("^w1 w2 "), second)
    assert.equal("Hello, wörld ✓!", third)
    assert.equal(3, #server:requests())
    assert.truthy(tonumber(info.gap) < limit(50), "max tick gap " .. info.gap .. " ms")
  end)
end)
