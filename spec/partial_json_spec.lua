-- core.partial_json: the value of a JSON prefix. Every split of several
-- tools' inputs is compared with the official SDK's partialParse (through
-- node); fixed cases pin the rules without node.
local core = require("anthropic.core")
local ts = require("support.ts_sdk")

local function obj(t) return setmetatable(t, core.object_mt) end
local function arr(t) return setmetatable(t, core.array_mt) end

local TOOL_INPUTS = {
  '{"location": "San Francisco, CA", "unit": "celsius", "days": 3}',
  '{"query": "tides \\"today\\" \\\\ \\u00e9\\ud83d\\ude00", "max_results": -12.5e-3, "safe": false}',
  '{"repo":"anthropics/sdk","labels":["bug",null,true],"nested":{"a":[{"b":[]},{}],"c":null},"n":0}',
  '[1, -0.5, 2E+10, "x", [], {"k": [true, false, null]}]',
  '  {\n\t"code": "print(1)\\n",\r\n "timeout" : 30 }  ',
  '"just a string"',
}

local function prefixes(text)
  local out = {}
  for i = 0, #text do out[#out + 1] = text:sub(1, i) end
  return out
end

describe("core.partial_json", function()
  it("follows the official SDK's rules", function()
    local cases = {
      { "{", obj({}) },
      { '{"loc', obj({}) },                       -- a cut string is dropped
      { '{"loc"', obj({}) },                      -- so is a key without its value
      { '{"loc":', obj({}) },
      { '{"loc": "San Fra', obj({}) },            -- a cut string value goes too
      { '{"loc": "SF"', { loc = "SF" } },
      { '{"loc": "SF", ', { loc = "SF" } },       -- and a trailing comma
      { '{"n": 12', obj({}) },                    -- more digits may follow
      { '{"n": 12 ', { n = 12 } },
      { '{"n": 1.', obj({}) },
      { '[1, 2', { 1 } },
      { '["a", "b"', { "a", "b" } },              -- a string item is whole
      { '{"ok": tr', obj({}) },                   -- a cut literal is dropped
      { '{"ok": true', { ok = true } },
      { '[nul ', arr({}) },
      { '{"a": [1, {"b": "c"}, "d', { a = { 1, { b = "c" } } } },
      { '{"s": "\\"', obj({}) },                  -- an escaped quote does not close
      { '{"s": "\\\\"', { s = "\\" } },           -- an escaped backslash does
      { "12 3", 12 },
    }
    for _, case in ipairs(cases) do
      assert.same(case[2], core.partial_json(case[1]), case[1])
    end
  end)

  it("returns nil and a message for what is not the start of JSON, or holds nothing yet", function()
    for _, text in ipairs({ "", "   ", '"ab', "-", "[tr, 1]", "{]", "[1., 2", "@", "{'a': 1}", "[1 2]" }) do
      local value, err = core.partial_json(text)
      assert.is_nil(value, text)
      assert.matches("JSON error at byte %d+", err)
    end
  end)

  it("raises for a value that is not a string", function()
    assert.has_error(function() core.partial_json(nil) end)
    assert.has_error(function() core.partial_json({}) end)
  end)

  it("reads whole documents as the strict reader does", function()
    for _, text in ipairs(TOOL_INPUTS) do
      assert.same(core.decode(text), core.partial_json(text))
    end
  end)

  it("gives the official SDK's value at every split of several tools' input", function()
    local ok, why = ts.available()
    if not ok then return pending(why) end
    local all = {}
    for _, text in ipairs(TOOL_INPUTS) do
      for _, p in ipairs(prefixes(text)) do all[#all + 1] = p end
    end
    -- and a few that are not truncated JSON at all
    for _, p in ipairs({ "[1., 2", "{]", "nulll", "[1 2]", "{\"a\" 1}", "[,]", "{,}", "--1", "[.5", "[1e5" }) do
      all[#all + 1] = p
    end
    local theirs = ts.run(all, "--partial")
    assert.equal(#all, #theirs)
    local compared = 0
    for i, text in ipairs(all) do
      local value, err = core.partial_json(text)
      if theirs[i].error then
        assert.is_nil(value, ("%q: the SDK fails (%s), we gave %s"):format(text, theirs[i].error,
                                                                         value ~= nil and core.encode(value) or ""))
      else
        assert.is_nil(err, text)
        assert.same(ts.normalize(theirs[i].value), ts.normalize(value), text)
      end
      compared = compared + 1
    end
    assert.equal(#all, compared)
  end)
end)
