-- JSON codecs: the builtin, Debian's lua-cjson, an openresty-style codec with
-- sentinels, and Neovim's vim.json; empty lists and objects, integers, nulls.
local anthropic = require("anthropic")
local core = require("anthropic.core")
local fake = require("support.fake")
local nvim = require("support.nvim")

local has_cjson, cjson = pcall(require, "cjson")

local MESSAGE = [[{"id":"msg_1","type":"message","role":"assistant","model":"m",
  "content":[{"type":"tool_use","id":"tu_1","name":"get_time","input":{}},
             {"type":"text","text":"ok","citations":[]}],
  "stop_reason":"tool_use","stop_sequence":null,
  "usage":{"input_tokens":12,"output_tokens":6,"cache_creation_input_tokens":null},
  "container":null,"list":[1,null,3],"big":9007199254740993}]]

-- Sends the reply back as the next turn and returns the raw body that was sent.
local function round_trip(server, client)
  server:reset()
  server:script({ body = MESSAGE, headers = { ["content-type"] = "application/json" } })
  local msg = assert(client.messages.create({ model = "m", max_tokens = 5, messages = {} }))
  server:script({ body = MESSAGE })
  assert(client.messages.create({
    model = "m", max_tokens = 5, stop_sequences = {}, tools = {},
    messages = { { role = "user", content = "time?" },
                 { role = "assistant", content = msg.content },
                 { role = "user", content = { { type = "tool_result", tool_use_id = "tu_1", content = {} } } } },
  }))
  return msg, server:last_request().body
end

local function check_reply(msg, raw)
  assert.is_nil(msg.stop_sequence)
  assert.is_nil(msg.container)
  assert.is_nil(msg.usage.cache_creation_input_tokens)
  assert.equal("12", tostring(msg.usage.input_tokens))
  assert.equal(anthropic.null, msg.list[2])
  assert.equal(3, msg.list[3])
  assert.truthy(raw:find('"input":{}', 1, true), raw)
  assert.truthy(raw:find('"citations":[]', 1, true), raw)
  assert.truthy(raw:find('"stop_sequences":[]', 1, true), raw)
  assert.truthy(raw:find('"tools":[]', 1, true), raw)
  assert.truthy(raw:find('"content":[]', 1, true), raw)
end

describe("JSON codecs", function()
  local server
  setup(function() server = fake.start() end)
  teardown(function() server:stop() end)

  local function client_with(json)
    return anthropic.new({ api_key = "sk-test", base_url = server.url, max_retries = 0, json = json })
  end

  it("builtin: empty lists and objects, integers, nulls", function()
    local msg, raw = round_trip(server, client_with(nil))
    check_reply(msg, raw)
    if math.type then
      assert.equal(9007199254740993, msg.big)
      assert.equal("integer", math.type(msg.big))
    end
  end)

  it("sends [] where the API wants a list and {} where it wants an object", function()
    local client = client_with(nil)
    server:reset()
    server:script({ json = { type = "message", content = {} } })
    assert(client.messages.create({
      model = "m", max_tokens = 1, messages = {}, system = {}, stop_sequences = {},
      metadata = {},
      tool_choice = { type = "auto" },
      tools = { { name = "t", description = "d", input_schema = {
        type = "object", properties = {}, required = {},
        ["$defs"] = {}, additionalProperties = {},
      } } },
    }))
    local raw = server:last_request().body
    for _, piece in ipairs({ '"messages":[]', '"system":[]', '"stop_sequences":[]', '"metadata":{}',
                             '"properties":{}', '"required":[]', '"$defs":{}', '"additionalProperties":{}' }) do
      assert.truthy(raw:find(piece, 1, true), piece .. " in " .. raw)
    end
  end)

  it("anthropic.array and anthropic.object say it explicitly", function()
    local s = core.encode({ a = anthropic.array(), b = anthropic.object({}), c = anthropic.array({ 1, 2 }) })
    for _, piece in ipairs({ '"a":[]', '"b":{}', '"c":[1,2]' }) do
      assert.truthy(s:find(piece, 1, true), piece .. " in " .. s)
    end
    assert.has_error(function() anthropic.array(setmetatable({}, {})) end)
  end)

  it("does not round large integers on the way out", function()
    local client = client_with(nil)
    server:reset()
    server:script({ json = { type = "message", content = {} } })
    local big = math.tointeger and math.tointeger(2 ^ 53) + 3 or 2 ^ 53 + 2
    assert(client.messages.create({ model = "m", max_tokens = 1, messages = {}, metadata = { n = big } }))
    local raw = server:last_request().body
    local want = math.tointeger and "9007199254740995" or "9007199254740994"
    assert.truthy(raw:find('"n":' .. want, 1, true), raw)
    if math.maxinteger then
      assert.truthy(core.encode({ x = math.maxinteger }):find("9223372036854775807", 1, true))
    end
  end)

  if has_cjson then
    it("lua-cjson (" .. tostring(cjson._VERSION) .. "): same results as the builtin", function()
      local msg, raw = round_trip(server, client_with(cjson))
      check_reply(msg, raw)
      assert.is_nil(getmetatable(msg))
    end)

    it("an openresty-style codec: its null, empty_array and array_mt sentinels are understood", function()
      local empty_array = function() end -- any unique value works as a sentinel
      local codec = {
        encode = cjson.encode,
        decode = cjson.decode,
        null = cjson.null,
        empty_array = empty_array,
        array_mt = { __name = "array_mt" },
        empty_array_mt = { __name = "empty_array_mt" },
      }
      local client = client_with(codec)
      local msg, raw = round_trip(server, client)
      check_reply(msg, raw)
      server:reset()
      server:script({ json = { type = "message", content = {} } })
      assert(client.messages.create({
        model = "m", max_tokens = 1, messages = {},
        metadata = { a = codec.null, b = empty_array, c = setmetatable({}, codec.array_mt),
                     d = setmetatable({}, codec.empty_array_mt) },
      }))
      local sent = server:last_request().body
      for _, piece in ipairs({ '"a":null', '"b":[]', '"c":[]', '"d":[]' }) do
        assert.truthy(sent:find(piece, 1, true), piece .. " in " .. sent)
      end
    end)
  end

  it("Neovim's vim.json, inside nvim --headless", function()
    if not nvim.available() then return pending(nvim.missing) end
    server:reset()
    local result, log = nvim.run("nvim_codec", { ANTH_FAKE_URL = server.url })
    assert.equal("ok", result, log)
  end)
end)
