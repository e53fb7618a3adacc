-- The C JSON writer and reader: core.encode, core.decode, core.decode_safe.
local core = require("anthropic.core")

local has_integers = math.type ~= nil ---@diagnostic disable-line: deprecated
local is_luajit = rawget(_G, "jit") ~= nil
local char = string.char
local timing = os.getenv("ANTHROPIC_TEST_NO_TIMING") == nil

local function deep_equal(a, b)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  for k, v in pairs(a) do
    if not deep_equal(v, b[k]) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

local function encode_error(value, marks)
  local ok, err = pcall(core.encode, value, marks)
  assert.is_false(ok, "expected an error")
  return err
end

local function decode_error(s)
  local ok, err = pcall(core.decode, s)
  assert.is_false(ok, "expected an error")
  local v, err2 = core.decode_safe(s)
  assert.is_nil(v)
  assert.are.equal(err, err2)
  return err
end

-- Keys of an object are written in lua_next order: compare decoded.
local function round_trip(v)
  return core.decode(core.encode(v))
end

describe("core.encode", function()
  it("writes scalars", function()
    assert.are.equal("true", core.encode(true))
    assert.are.equal("false", core.encode(false))
    assert.are.equal("null", core.encode(core.null))
    assert.are.equal("null", core.encode(nil))
    assert.are.equal('"hi"', core.encode("hi"))
    assert.are.equal("12", core.encode(12))
    assert.are.equal("-7", core.encode(-7))
    assert.are.equal("0", core.encode(0))
    assert.are.equal("1.5", core.encode(1.5))
    assert.are.equal("0.1", core.encode(0.1))
    assert.are.equal("-0.25", core.encode(-0.25))
    assert.are.equal("1e+300", core.encode(1e300))
    assert.are.equal("1e-7", core.encode(1e-7))
    assert.are.equal("0.000001", core.encode(1e-6))
    assert.are.equal("5e-324", core.encode(5e-324))
  end)

  it("writes integral floats as integers, large ones exactly", function()
    assert.are.equal("3", core.encode(3.0))
    assert.are.equal("9007199254740994", core.encode(2 ^ 53 + 2))
    assert.are.equal("-9007199254740994", core.encode(-(2 ^ 53 + 2)))
    assert.are.equal("4611686018427387904", core.encode(2 ^ 62))
    assert.are.equal("-9223372036854775808", core.encode(-2 ^ 63))
    -- 2^63 is beyond int64: written as a float that reads back the same
    assert.are.equal(2 ^ 63, core.decode(core.encode(2 ^ 63)))
    if has_integers then
      local big = math.tointeger(2 ^ 53) + 2
      assert.are.equal("integer", math.type(big))
      assert.are.equal("9007199254740994", core.encode(big))
      assert.are.equal("9223372036854775807", core.encode(math.maxinteger))
      assert.are.equal("-9223372036854775808", core.encode(math.mininteger))
    end
  end)

  it("writes -0.0 as -0 (decoded back as -0.0)", function()
    -- (computed: Lua 5.1 folds the literals 0.0 and -0.0 into one constant)
    local zero, negzero = tonumber("0.0"), tonumber("-0.0")
    assert.are.equal("-0", core.encode(negzero))
    local back = core.decode("-0")
    assert.are.equal(0, back)
    assert.are.equal(-math.huge, 1 / back)
    assert.are.equal("0", core.encode(zero))
  end)

  it("floats round-trip exactly", function()
    local values = { 0.1, 0.2, 0.3, 1 / 3, 2 / 3, math.pi, 1e300, -1e-300, 5e-324, 1.7976931348623157e308,
      2.2250738585072014e-308, 123456.789, 1e21, 1e22, 0.1 + 0.2, 100.5, -3.75 }
    for _, v in ipairs(values) do
      local s = core.encode(v)
      assert.are.equal(v, core.decode(s), s)
      assert.are.equal(v, tonumber(s), s)
    end
    -- pseudo-random doubles
    local seed = 12345
    for _ = 1, 2000 do
      seed = (seed * 1103515245 + 12345) % 2147483648
      local v = (seed / 2147483648 - 0.5) * 10 ^ ((seed % 600) - 300)
      local s = core.encode(v)
      assert.are.equal(v, core.decode(s), s)
    end
  end)

  it("refuses NaN and infinities", function()
    assert.matches("bad value at top level: NaN", encode_error(0 / 0), 1, true)
    assert.matches("bad value at top level: inf", encode_error(math.huge), 1, true)
    assert.matches("-inf is not a JSON number", encode_error({ x = { -math.huge } }), 1, true)
    assert.matches("at x[1]:", encode_error({ x = { -math.huge } }), 1, true)
  end)

  it("escapes strings", function()
    assert.are.equal('"a\\"b\\\\c/d"', core.encode('a"b\\c/d'))
    assert.are.equal('"\\n\\r\\t\\b\\f"', core.encode("\n\r\t\b\f"))
    assert.are.equal('"\\u0000\\u0001\\u001f"', core.encode(char(0, 1, 31)))
    assert.are.equal('"a\\u0000b"', core.encode("a\0b"))
    assert.are.equal('"\127"', core.encode("\127"))
    local utf8s = "h\195\169llo \230\151\165\230\156\172 \240\159\152\128 \239\191\191 \244\143\191\191"
    assert.are.equal('"' .. utf8s .. '"', core.encode(utf8s))
    -- long strings take the 8-bytes-at-a-time path with specials at every offset
    for i = 1, 20 do
      local s = string.rep("x", i) .. '"' .. string.rep("y", 20 - i) .. "\n"
      assert.are.equal(s, core.decode(core.encode(s)))
    end
  end)

  it("rejects invalid UTF-8 with the byte offset", function()
    local cases = {
      { "ab" .. char(0xC0, 0xAF), 3 }, -- overlong "/"
      { char(0xE0, 0x80, 0xAF), 1 }, -- overlong 3-byte
      { "x" .. char(0xF0, 0x80, 0x80, 0xAF), 2 }, -- overlong 4-byte
      { "abc" .. char(0xED, 0xA0, 0x80), 4 }, -- surrogate U+D800
      { char(0xED, 0xBF, 0xBF), 1 }, -- surrogate U+DFFF
      { "12345" .. char(0xF4, 0x90, 0x80, 0x80), 6 }, -- above U+10FFFF
      { "ab" .. char(0xE2, 0x82), 3 }, -- truncated at the end
      { "ab" .. char(0xE2, 0x82) .. "c", 3 }, -- truncated in the middle
      { char(0x80), 1 }, -- stray continuation byte
      { "okokokokokokokok" .. char(0xFF), 17 }, -- after a fast 8-byte run
      { char(0xF5, 0x80, 0x80, 0x80), 1 },
    }
    for _, c in ipairs(cases) do
      local err = encode_error({ text = c[1] })
      assert.are.equal("anthropic: bad value at text: invalid UTF-8 at byte " .. c[2], err)
    end
    assert.matches("bad value at top level: invalid UTF-8 in key at byte 1",
      encode_error({ [char(0xFF)] = 1 }), 1, true)
  end)

  it("writes arrays and objects", function()
    assert.are.equal("[1,2,3]", core.encode({ 1, 2, 3 }))
    assert.are.equal('{"a":1}', core.encode({ a = 1 }))
    assert.are.equal('[[1],{"b":[true]}]', core.encode({ { 1 }, { b = { true } } }))
    assert.are.equal("[1,null,3]", core.encode({ 1, core.null, 3 }))
    -- integer keys stored in the hash part, in any order
    local t = {}
    t[3] = "c"
    t[1] = "a"
    t[2] = "b"
    assert.are.equal('["a","b","c"]', core.encode(t))
    local t2 = { [2] = 2, [1] = 1 }
    assert.are.equal("[1,2]", core.encode(t2))
    -- float keys equal to integers
    assert.are.equal("[5]", core.encode({ [1.0] = 5 }))
  end)

  it("walks tables raw, ignoring __index, __pairs, __len", function()
    local t = setmetatable({ a = 1 }, {
      __index = function() return "x" end,
      __pairs = function() error("no") end,
      __len = function() return 10 end,
    })
    assert.are.equal('{"a":1}', core.encode(t))
    local arr = setmetatable({ 1, 2 }, { __index = { 3, 4, 5 } })
    assert.are.equal("[1,2]", core.encode(arr))
  end)

  it("round-trips every type", function()
    local doc = {
      s = "text", i = 42, f = 2.5, t = true, fl = false,
      arr = { 1, "two", { three = 3 }, { 4 }, core.null },
      obj = { nested = { deeper = { "x" } } },
      empty_obj = setmetatable({}, core.object_mt),
      empty_arr = setmetatable({}, core.array_mt),
    }
    local back = round_trip(doc)
    assert.is_true(deep_equal(doc, back))
    assert.are.equal(core.array_mt, getmetatable(back.empty_arr))
    assert.are.equal(core.object_mt, getmetatable(back.empty_obj))
    assert.are.equal(core.null, back.arr[5])
    if has_integers then
      assert.are.equal("integer", math.type(back.i))
      assert.are.equal("float", math.type(back.f))
    end
  end)

  describe("empty tables", function()
    it("follow the API context", function()
      local s = core.encode({
        model = "m", messages = {},
        tools = { { name = "t", input_schema = { type = "object", properties = {}, required = {} } } },
      })
      assert.matches('"messages":[]', s, 1, true)
      assert.matches('"properties":{}', s, 1, true)
      assert.matches('"required":[]', s, 1, true)
      s = core.encode({ content = { { type = "tool_use", input = {} } } })
      assert.matches('^{"content":%[{', s)
      assert.matches('"input":{}', s, 1, true)
      assert.are.equal("{}", core.encode({}))
      assert.are.equal("[{}]", core.encode({ {} }))
    end)

    it("are [] under the API's list keys and {} elsewhere", function()
      local lists = { "messages", "content", "tools", "stop_sequences", "system", "requests", "citations",
        "betas", "mcp_servers", "allowed_tools", "allowed_domains", "blocked_domains", "edits", "skills",
        "attachments", "sources" }
      for _, k in ipairs(lists) do
        assert.are.equal('{"' .. k .. '":[]}', core.encode({ [k] = {} }), k)
        assert.are.equal('[{"' .. k .. '":[]}]', core.encode({ { [k] = {} } }), k)
      end
      for _, k in ipairs({ "data", "tool_choice", "thinking", "x", "input", "metadata", "schema", "input_schema" }) do
        assert.are.equal('{"' .. k .. '":{}}', core.encode({ [k] = {} }), k)
      end
    end)

    it("are {} everywhere in user data (input, metadata)", function()
      local s = core.encode({ input = { messages = {}, a = { {} } } })
      assert.matches('"messages":{}', s, 1, true)
      assert.matches('"a":[{}]', s, 1, true)
      assert.are.equal('{"metadata":{"content":{}}}', core.encode({ metadata = { content = {} } }))
      -- marks still apply in data
      assert.are.equal('{"input":{"x":[]}}', core.encode({ input = { x = setmetatable({}, core.array_mt) } }))
    end)

    it("follow JSON Schema rules under input_schema and schema", function()
      local function in_schema(k)
        return core.encode({ input_schema = { [k] = {} } }):match("^{\"input_schema\":{\"[^\"]*\":(.*)}}$")
      end
      for _, k in ipairs({ "required", "enum", "anyOf", "oneOf", "allOf", "prefixItems", "type", "examples" }) do
        assert.are.equal("[]", in_schema(k), k)
      end
      for _, k in ipairs({ "properties", "$defs", "definitions", "patternProperties", "dependentSchemas",
        "items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
        "unevaluatedProperties", "default", "const", "description", "messages", "content" }) do
        assert.are.equal("{}", in_schema(k), k)
      end
      -- names inside properties are not keywords; their values are schemas again
      local s = core.encode({ schema = { properties = { required = {}, type = { enum = {}, properties = {} } } } })
      local d = core.decode(s)
      assert.are.equal(core.object_mt, getmetatable(d.schema.properties.required))
      assert.matches('"required":{}', s, 1, true)
      assert.matches('"enum":[]', s, 1, true)
      assert.matches('"properties":{}', s, 1, true)
      -- anyOf items are schemas; enum/default/const items are data
      assert.matches('"anyOf":[{"required":[]}]', core.encode({ schema = { anyOf = { { required = {} } } } }), 1, true)
      assert.matches('"enum":[{"required":{}}]', core.encode({ schema = { enum = { { required = {} } } } }), 1, true)
      assert.matches('"default":{"required":{}}', core.encode({ schema = { default = { required = {} } } }), 1, true)
      assert.matches('"items":{"items":{"required":[]}}',
        core.encode({ schema = { items = { items = { required = {} } } } }), 1, true)
      assert.matches('"$defs":{"a":{"type":[]}}', core.encode({ schema = { ["$defs"] = { a = { type = {} } } } }), 1,
        true)
    end)

    it("obey array_mt and object_mt", function()
      assert.are.equal("[]", core.encode(setmetatable({}, core.array_mt)))
      assert.are.equal('{"messages":{}}', core.encode({ messages = setmetatable({}, core.object_mt) }))
      assert.are.equal("[1,2]", core.encode(setmetatable({ 1, 2 }, core.array_mt)))
      assert.are.equal('{"a":1}', core.encode(setmetatable({ a = 1 }, core.object_mt)))
      assert.matches("string key in a table marked as array",
        encode_error({ x = setmetatable({ 1, a = 2 }, core.array_mt) }), 1, true)
      assert.matches("string key in a table marked as array",
        encode_error(setmetatable({ a = 2 }, core.array_mt)), 1, true)
      assert.are.equal("anthropic: bad value at x: key of type number (1) in an object",
        encode_error({ x = setmetatable({ 1 }, core.object_mt) }))
    end)
  end)

  describe("marks of a foreign codec", function()
    local NULL = io.stdout -- a userdata on every Lua version
    local EMPTY = {}
    local arr_mt, obj_mt = {}, {}
    local marks = { [NULL] = "null", [EMPTY] = "[]", [arr_mt] = "array", [obj_mt] = "object" }

    it("write sentinels and honour metatables", function()
      assert.are.equal("[null,1]", core.encode({ NULL, 1 }, marks))
      assert.are.equal('{"a":[]}', core.encode({ a = EMPTY }, marks))
      assert.are.equal('{"x":[]}', core.encode({ x = setmetatable({}, arr_mt) }, marks))
      assert.are.equal('{"messages":{}}', core.encode({ messages = setmetatable({}, obj_mt) }, marks))
      assert.are.equal("[3]", core.encode(setmetatable({ 3 }, arr_mt), marks))
      assert.are.equal('{"e":{}}', core.encode({ e = io.stderr }, { [io.stderr] = "{}" }))
      -- any value can be a sentinel (some codecs use a function)
      local fn_sentinel = function() end
      assert.are.equal('{"b":[]}', core.encode({ b = fn_sentinel }, { [fn_sentinel] = "[]" }))
      assert.are.equal("anthropic: bad value at b: function value", encode_error({ b = fn_sentinel }, marks))
      -- without marks they mean nothing special
      assert.are.equal('{"a":{}}', core.encode({ a = EMPTY }))
      assert.are.equal('{"x":{}}', core.encode({ x = setmetatable({}, arr_mt) }))
    end)

    it("still refuse unknown userdata", function()
      assert.are.equal("anthropic: bad value at a: userdata value (not a known sentinel of a JSON codec)",
        encode_error({ a = io.stderr }, marks))
      assert.matches("userdata value", encode_error({ a = NULL }), 1, true)
    end)

    it("check the marks argument", function()
      assert.has_error(function() core.encode({}, "nope") end)
    end)
  end)

  describe("errors", function()
    it("name the path of the bad value", function()
      local doc = {
        model = "m",
        messages = {
          { role = "user", content = "hi" },
          { role = "user", content = { { type = "image", source = { data = "ab" .. char(0xFF) } } } },
        },
      }
      assert.are.equal("anthropic: bad value at messages[2].content[1].source.data: invalid UTF-8 at byte 3",
        encode_error(doc))
      assert.are.equal('anthropic: bad value at ["odd key"][2]: function value',
        encode_error({ ["odd key"] = { 1, print } }))
      assert.are.equal('anthropic: bad value at a["q\\"uote"]["1x"]: function value',
        encode_error({ a = { ['q"uote'] = { ["1x"] = print } } }))
      assert.are.equal("anthropic: bad value at top level: function value", encode_error(print))
    end)

    it("refuse functions, threads and light userdata", function()
      assert.are.equal("anthropic: bad value at f: function value", encode_error({ f = function() end }))
      assert.are.equal("anthropic: bad value at [1]: thread value",
        encode_error({ coroutine.create(function() end) }))
    end)

    it("refuse sparse arrays, mixed keys and bad keys", function()
      assert.are.equal("anthropic: bad value at a: sparse array (holes between 1 and 4)",
        encode_error({ a = { 1, 2, nil, 4 } }))
      assert.matches("sparse array", encode_error({ [2] = 1 }), 1, true)
      assert.matches("sparse array", encode_error({ [1] = 1, [1000000] = 1 }), 1, true)
      assert.are.equal("anthropic: bad value at a: mixed keys (strings and numbers) in one table",
        encode_error({ a = { 1, 2, x = 3 } }))
      assert.matches("mixed keys", encode_error({ x = 1, y = 2, [1] = 3 }), 1, true)
      assert.are.equal("anthropic: bad value at top level: key of type boolean", encode_error({ [true] = 1 }))
      assert.matches("key of type table", encode_error({ [{}] = 1 }), 1, true)
      assert.matches("key of type number (1.5)", encode_error({ [1.5] = 1 }), 1, true)
      assert.matches("key of type number (0)", encode_error({ [0] = 1 }), 1, true)
      assert.matches("key of type number (-1)", encode_error({ [-1] = 1, [1] = 2 }), 1, true)
    end)

    it("detect cycles", function()
      local t = { messages = {} }
      t.messages[1] = { content = t }
      assert.are.equal("anthropic: bad value at messages[1].content: cyclic table", encode_error(t))
      local self = {}
      self[1] = self
      assert.are.equal("anthropic: bad value at [1]: cyclic table", encode_error(self))
      -- the same table twice (not a cycle) is fine
      local shared = { 1 }
      assert.are.equal("[[1],[1]]", core.encode({ shared, shared }))
    end)

    it("limit nesting to 1000 without overflowing any stack", function()
      local ok_depth = {}
      local c = ok_depth
      for _ = 2, 1000 do
        c[1] = {}
        c = c[1]
      end
      assert.are.equal(string.rep("[", 999) .. "{}" .. string.rep("]", 999), core.encode(ok_depth))
      local deep = {}
      c = deep
      for _ = 1, 10000 do
        c[1] = {}
        c = c[1]
      end
      local err = encode_error(deep)
      assert.matches("nesting deeper than 1000$", err)
      assert.matches("^anthropic: bad value at %[1%]%[1%]", err)
      assert.is_true(#err < 400)
      -- in a coroutine too
      local co = coroutine.wrap(function() return pcall(core.encode, deep) end)
      local ok, err2 = co()
      assert.is_false(ok)
      assert.matches("nesting deeper than 1000", err2, 1, true)
    end)
  end)

  if is_luajit then
    it("writes LuaJIT 64-bit integer cdata", function()
      local vals = assert(loadstring("return { 1LL, -5LL, 7ULL, 18446744073709551615ULL, -9223372036854775807LL }"))()
      vals[1] = require("bit").lshift(vals[1], 60)
      assert.are.equal("[1152921504606846976,-5,7,18446744073709551615,-9223372036854775807]", core.encode(vals))
      local cplx = assert(loadstring("return { 2i }"))()
      assert.matches("bad value at %[1%]: cdata value", encode_error(cplx))
    end)
  end
end)

describe("core.decode", function()
  it("reads scalars and containers", function()
    assert.are.equal(true, core.decode("true"))
    assert.are.equal(false, core.decode(" false "))
    assert.are.equal(core.null, core.decode("null"))
    assert.are.equal("x", core.decode('"x"'))
    assert.are.equal(1.5, core.decode("1.5"))
    assert.are.equal(-1e-7, core.decode("-1E-7"))
    assert.are.equal(1e300, core.decode("1e+300"))
    assert.are.equal(12.5, core.decode("1.25e1"))
    assert.is_true(deep_equal({ 1, { a = "b" } }, core.decode('\t\r\n[1, {"a" : "b"}]\n')))
  end)

  it("keeps integers integers", function()
    local d = core.decode('{"a":12,"b":-3,"c":0}')
    assert.are.equal(12, d.a)
    if has_integers then
      assert.are.equal("integer", math.type(d.a))
      assert.are.equal("12", tostring(d.a))
      assert.are.equal("integer", math.type(core.decode("9007199254740994")))
      assert.are.equal(math.maxinteger, core.decode("9223372036854775807"))
      assert.are.equal(math.mininteger, core.decode("-9223372036854775808"))
      assert.are.equal("float", math.type(core.decode("9223372036854775808")))
      assert.are.equal("float", math.type(core.decode("1.0")))
      assert.are.equal("float", math.type(core.decode("1e2")))
    end
    assert.are.equal(2 ^ 53 + 2, core.decode("9007199254740994"))
    assert.are.equal("9007199254740994", core.encode(core.decode("9007199254740994")))
    assert.are.equal(2 ^ 64, core.decode("18446744073709551616"))
    assert.are.equal(1e30, core.decode("1000000000000000000000000000000"))
  end)

  it("reads numbers exactly", function()
    local cases = { "0.1", "0.30000000000000004", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
      "123456789012345678901234567890e-10", "0.000000000000000000000000000001", "3.141592653589793",
      "1e-400", "9007199254740993" }
    for _, s in ipairs(cases) do
      assert.are.equal(tonumber(s), core.decode(s), s)
    end
    assert.are.equal(math.huge, core.decode("1e400"))
  end)

  it("reads nulls: absent members, kept array items", function()
    local d = core.decode('{"a":null,"b":1,"c":[null,2,null]}')
    assert.is_nil(d.a)
    assert.are.equal(1, d.b)
    assert.are.equal(3, #d.c)
    assert.are.equal(core.null, d.c[1])
    assert.are.equal(core.null, d.c[3])
    assert.are.equal('[null,2,null]', core.encode(d.c))
    local only_nulls = core.decode('{"a":null}')
    assert.are.equal(core.object_mt, getmetatable(only_nulls))
    assert.is_nil(next(only_nulls))
  end)

  it("marks empty arrays and objects", function()
    local d = core.decode('{"a":[],"b":{},"c":[1],"d":{"x":1}}')
    assert.are.equal(core.array_mt, getmetatable(d.a))
    assert.are.equal(core.object_mt, getmetatable(d.b))
    assert.is_nil(getmetatable(d.c))
    assert.is_nil(getmetatable(d.d))
    -- so they are written back the same way, whatever the context
    local s = core.encode({ messages = d.b, x = d.a })
    assert.matches('"messages":{}', s, 1, true)
    assert.matches('"x":[]', s, 1, true)
  end)

  it("reads escapes and surrogate pairs", function()
    assert.are.equal('"\\/\b\f\n\r\t', core.decode('"\\"\\\\\\/\\b\\f\\n\\r\\t"'))
    assert.are.equal("\0", core.decode('"\\u0000"'))
    assert.are.equal("A\195\169\226\130\172", core.decode('"\\u0041\\u00e9\\u20AC"'))
    assert.are.equal("\240\159\152\128", core.decode('"\\ud83d\\ude00"'))
    assert.are.equal("\244\143\191\191", core.decode('"\\uDBFF\\uDFFF"'))
    -- lone surrogates become U+FFFD
    local fffd = "\239\191\189"
    assert.are.equal(fffd, core.decode('"\\ud83d"'))
    assert.are.equal("a" .. fffd .. "b", core.decode('"a\\ude00b"'))
    assert.are.equal(fffd .. "x", core.decode('"\\ud83dx"'))
    assert.are.equal(fffd .. "A", core.decode('"\\ud83d\\u0041"'))
    -- invalid UTF-8 bytes pass through
    assert.are.equal("a" .. char(0xFF) .. "b", core.decode('"a' .. char(0xFF) .. 'b"'))
    -- raw UTF-8
    assert.are.equal("\230\151\165", core.decode('"\230\151\165"'))
  end)

  it("reports malformed input with the byte offset", function()
    local cases = {
      { "", "JSON error at byte 1: unexpected end of input" },
      { "   ", "JSON error at byte 4: unexpected end of input" },
      { "[1,2,]", "JSON error at byte 6: trailing comma in array" },
      { '{"a":1,}', "JSON error at byte 8: trailing comma in object" },
      { "01", "JSON error at byte 1: leading zero in number" },
      { "-012", "JSON error at byte 2: leading zero in number" },
      { "[1] x", "JSON error at byte 5: unexpected data after the JSON value" },
      { "1 2", "JSON error at byte 3: unexpected data after the JSON value" },
      { '{"a" 1}', "JSON error at byte 6: expected ':' after object key" },
      { "{a:1}", "JSON error at byte 2: expected a string key in object" },
      { '"abc', "JSON error at byte 1: unterminated string" },
      { '["abc\\', "JSON error at byte 2: unterminated string" },
      { '"a\nb"', "JSON error at byte 3: control character in string" },
      { '"a\0b"', "JSON error at byte 3: control character in string" },
      { '"\\x"', "JSON error at byte 2: invalid escape" },
      { '"ab\\u12G4"', "JSON error at byte 4: invalid \\u escape" },
      { '"\\u12"', "JSON error at byte 2: invalid \\u escape" },
      { "nul", "JSON error at byte 1: unexpected character 'n'" },
      { "[True]", "JSON error at byte 2: unexpected character 'T'" },
      { "NaN", "JSON error at byte 1: unexpected character 'N'" },
      { "[Infinity]", "JSON error at byte 2: unexpected character 'I'" },
      { "1.", "JSON error at byte 3: digit expected after '.'" },
      { ".5", "JSON error at byte 1: unexpected character '.'" },
      { "1e", "JSON error at byte 3: digit expected in exponent" },
      { "1e+", "JSON error at byte 4: digit expected in exponent" },
      { "-", "JSON error at byte 2: invalid number" },
      { "+1", "JSON error at byte 1: unexpected character '+'" },
      { "0x10", "JSON error at byte 2: unexpected data after the JSON value" },
      { "/* c */ 1", "JSON error at byte 1: unexpected character '/'" },
      { "[1 2]", "JSON error at byte 4: expected ',' or ']' in array" },
      { '{"a":1 "b":2}', "JSON error at byte 8: expected ',' or '}' in object" },
      { "[1,", "JSON error at byte 4: unexpected end of input" },
      { "[", "JSON error at byte 2: unexpected end of input" },
      { '{"a":1', "JSON error at byte 7: unexpected end of input in object" },
      { "[1", "JSON error at byte 3: unexpected end of input in array" },
      { "'a'", "JSON error at byte 1: unexpected character '''" },
      { char(0xEF, 0xBB, 0xBF) .. "1", "JSON error at byte 1: unexpected byte 0xEF" },
    }
    for _, c in ipairs(cases) do
      assert.are.equal(c[2], decode_error(c[1]), c[1])
    end
  end)

  it("limits nesting to 1000", function()
    assert.is_table(core.decode(string.rep("[", 1000) .. string.rep("]", 1000)))
    assert.is_table(core.decode(string.rep('{"a":', 999) .. "{}" .. string.rep("}", 999)))
    assert.are.equal("JSON error at byte 1001: nesting deeper than 1000",
      decode_error(string.rep("[", 1001) .. string.rep("]", 1001)))
    assert.are.equal("JSON error at byte 1001: nesting deeper than 1000", decode_error(string.rep("[", 10000)))
    assert.matches("nesting deeper than 1000", decode_error(string.rep('{"a":', 100000)), 1, true)
  end)

  it("decode_safe returns nil and a message", function()
    local v, err = core.decode_safe("[1,]")
    assert.is_nil(v)
    assert.are.equal("JSON error at byte 4: trailing comma in array", err)
    v, err = core.decode_safe(nil)
    assert.is_nil(v)
    assert.matches("expected a string", err, 1, true)
    assert.are.equal(3, core.decode_safe("3"))
    assert.are.equal(core.null, core.decode_safe("null"))
    assert.has_error(function() core.decode(nil) end)
  end)
end)

describe("large strings", function()
  it("encode and decode 50 MB quickly", function()
    local s = string.rep("The quick brown fox jumps over the lazy dog. \195\169\240\159\152\128 ", 800000)
    s = s:sub(1, 50 * 1024 * 1024 - 1) .. "."
    s = s:gsub("[\128-\255]+%.$", ".")
    local t0 = os.clock()
    local enc = core.encode({ text = s })
    local t1 = os.clock()
    local dec = core.decode(enc)
    local t2 = os.clock()
    assert.are.equal(s, dec.text)
    if timing then
      assert.is_true(t1 - t0 < 1, "encode took " .. (t1 - t0))
      assert.is_true(t2 - t1 < 1, "decode took " .. (t2 - t1))
    end
    local esc = string.rep('line "quoted"\n', 100000)
    assert.are.equal(esc, core.decode(core.encode(esc)))
  end)
end)

local has_cjson, cjson = pcall(require, "cjson")
if has_cjson then
  describe("interop with lua-cjson", function()
    local docs = {
      { model = "m", max_tokens = 10,
        messages = { { role = "user", content = { { type = "text", text = "h\195\169 \"q\"\n" } } } } },
      { 1, 2.5, "x", true, false, { a = { b = { c = "d" } } }, -7, 1e-5 },
      { unicode = "\240\159\152\128 \230\151\165", ctrl = "\1\31", slash = "a/b" },
    }

    it("cjson reads what we write", function()
      for _, d in ipairs(docs) do
        assert.is_true(deep_equal(d, cjson.decode(core.encode(d))))
      end
      local withnull = cjson.decode(core.encode({ 1, core.null }))
      assert.are.equal(cjson.null, withnull[2])
    end)

    it("we read what cjson writes", function()
      for _, d in ipairs(docs) do
        assert.is_true(deep_equal(d, core.decode(cjson.encode(d))))
      end
      assert.are.equal(core.null, core.decode(cjson.encode({ cjson.null }))[1])
    end)

    it("cjson.null is our null", function()
      assert.are.equal("[null]", core.encode({ cjson.null }))
    end)
  end)
end
