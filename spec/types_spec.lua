-- The LuaLS definitions (types/) against what the API really sends: every
-- recorded response and stream of the suite (spec/support/guide.lua, the
-- streams of spec/support/streams.lua and the messages they accumulate to,
-- and the JSON fixtures written inline in the specs) is decoded and walked;
-- each table is matched to its annotated class (by its `type` discriminator
-- where a union allows several) and any field the class does not declare
-- fails, so the types cannot drift from the API quietly. The guide's
-- requests are checked against the request parameters the same way, and what
-- the SDK itself hands out (each recorded stream's events and final message,
-- the fake server's default message) is walked too.
local core = require("anthropic.core")
local harness = require("support.harness")
local luals = require("support.luals")
local guide = require("support.guide")
local streams = require("support.streams")

local function type_files()
  local p = io.popen("find types -name '*.lua' | sort")
  local out = {}
  for f in p:lines() do out[#out + 1] = f end
  p:close()
  return out
end

-- The JSON of each `data:` line of an SSE text.
local function sse_events(raw)
  local out = {}
  for data in raw:gmatch("data: ([^\n]*)") do out[#out + 1] = data end
  return out
end

-- Root type of a decoded JSON value, by its `type`.
local ROOT = {
  message = "anthropic.Message",
  error = "anthropic.ErrorBody",
  message_batch = "anthropic.MessageBatch",
  model = "anthropic.ModelInfo",
  file = "anthropic.FileMetadata",
}
local function root_of(v)
  if type(v) ~= "table" then return nil end
  if v.type == nil and v.custom_id then return "anthropic.BatchResult" end
  return ROOT[v.type] or (type(v.type) == "string" and "anthropic.MessageStreamEvent") or nil
end

-- Every long-bracket string of the spec files that is a whole JSON object
-- or SSE text (fragments that are concatenated at run time are skipped).
-- codec_spec's message is not a recording: it adds made-up fields (`list`,
-- `big`) to test the codecs' number and null handling.
-- streams_current.lua builds its recordings from fragments: they are walked
-- whole by the recorded-streams test below.
local NOT_RECORDINGS = { ["spec/codec_spec.lua"] = true, ["spec/types_spec.lua"] = true,
                         ["spec/support/streams_current.lua"] = true }
local function inline_fixtures()
  local out = {}
  local p = io.popen("ls spec/*_spec.lua spec/support/*.lua")
  for path in p:lines() do
    if not NOT_RECORDINGS[path] then
      local f = assert(io.open(path, "rb"))
      local src = f:read("*a")
      f:close()
      for s in src:gmatch("%[%[(.-)%]%]") do
        if s:find("data: ", 1, true) then
          for _, d in ipairs(sse_events(s)) do out[#out + 1] = { path, d } end
        elseif s:match("^%s*{") then
          out[#out + 1] = { path, s }
        end
      end
    end
  end
  p:close()
  return out
end

describe("types/ (LuaLS definitions)", function()
  local defs = luals.read(type_files())
  local checker = luals.checker(defs)
  local checked, problems = 0, {}

  local function check(value, t, where)
    checked = checked + 1
    for _, m in ipairs(checker.check(value, t, where)) do problems[#problems + 1] = m end
  end

  it("parse without problems", function()
    assert.same({}, defs.problems)
    assert.truthy(defs.classes["anthropic.Message"])
    assert.truthy(defs.aliases["anthropic.ContentBlock"])
  end)

  it("declare every field of the guide's requests and responses", function()
    local n = 0
    for name, text in pairs(guide) do
      if type(text) == "string" and text:match("^%s*{") then
        local t = name:match("_request$") and "anthropic.MessageCreateParams" or "anthropic.Message"
        check(core.decode(text), t, "guide." .. name)
        n = n + 1
      end
    end
    assert.is_true(n >= 6)
    assert.same({}, problems)
  end)

  it("declare every field of every recorded stream event and accumulated message", function()
    local events = 0
    local recorded = {}
    for name, v in pairs(streams) do recorded[name] = v end
    -- The current API's recordings, but for the one made of types no API has
    -- (the SDK must pass them through; the types cannot know them).
    for name, v in pairs(require("support.streams_current")) do
      if type(v) == "string" and name ~= "unknown" then recorded["current." .. name] = v end
    end
    for name, v in pairs(recorded) do
      if type(v) == "string" then
        for i, data in ipairs(sse_events(v)) do
          local ok, e = pcall(core.decode, data)
          if ok and type(e) == "table" then
            check(e, "anthropic.MessageStreamEvent", ("streams.%s[%d]"):format(name, i))
            events = events + 1
          end
        end
      elseif type(v) == "table" then
        check(v, "anthropic.Message", "streams." .. name)
      end
    end
    assert.is_true(events > 20)
    assert.same({}, problems)
  end)

  it("declare every field of the JSON fixtures written in the specs", function()
    local n = 0
    for _, fx in ipairs(inline_fixtures()) do
      local ok, v = pcall(core.decode, fx[2])
      local root = ok and root_of(v)
      if root then
        check(v, root, fx[1])
        n = n + 1
      end
    end
    assert.is_true(n > 0)
    assert.same({}, problems)
  end)

  describe("what the SDK returns", function()
    local server, client
    harness.fake_api({ api_key = "sk-ant-types" }, function(sv, c) server, client = sv, c end)
    local PARAMS = { model = "claude-sonnet-4-5", max_tokens = 64, messages = { { role = "user", content = "Hi" } } }

    it("declare every field of the events and final message of each recorded stream", function()
      local n = 0
      for name, v in pairs(streams) do
        if type(v) == "string" and name ~= "truncated" then
          server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" }, sse_raw = v })
          local st = assert(client.messages.stream(PARAMS))
          for event in st:events() do check(event, "anthropic.MessageStreamEvent", "stream " .. name .. " event") end
          local msg = st:final_message()
          if msg then check(msg, "anthropic.Message", "stream " .. name .. ": final_message()") end
          check(st:current_message(), "anthropic.Message", "stream " .. name .. ": current_message()")
          if st.error then check(st.error, "anthropic.Error", "stream " .. name .. ": stream.error") end
          n = n + 1
        end
      end
      assert.is_true(n >= 4)
      assert.same({}, problems)
    end)

    it("declare every field of the default message and of an API error", function()
      check(assert(client.messages.create(PARAMS)), "anthropic.Message", "create()")
      server:script({ status = 529, json = { type = "error", request_id = "req_1",
                                             error = { type = "overloaded_error", message = "Overloaded" } } })
      local _, err = client.messages.create(PARAMS)
      check(err, "anthropic.Error", "create() error")
      assert.same({}, problems)
    end)
  end)

  it("fail on a field the class does not declare, and on a wrong type", function()
    local c = luals.checker(defs)
    local bad = core.decode([[{"type":"message","id":"m","role":"assistant","model":"x","content":
      [{"type":"text","text":"hi","surprise":1}],"usage":{"input_tokens":1,"output_tokens":"2"}}]])
    local found = c.check(bad, "anthropic.Message", "bad")
    assert.same({ "bad.content[1].surprise: field not declared in anthropic.TextBlock",
                  "bad.usage.output_tokens: string value does not match integer" },
                (function() table.sort(found) return found end)())
    local delta = core.decode([[{"type":"content_block_delta","index":0,"delta":{"type":"new_delta","x":1}}]])
    assert.equal(1, #c.check(delta, "anthropic.MessageStreamEvent", "event"))
    print(("\ntypes_spec: %d recorded and returned values, %d fields checked against types/")
      :format(checked, checker.fields))
  end)
end)
