-- structured.parsed_output: only for a json_schema output format, from the
-- text blocks (the first value kept, a block that is not JSON an error);
-- compared with the official SDK's parseBetaMessage through node.
local core = require("anthropic.core")
local structured = require("anthropic.structured")
local ts = require("support.ts_sdk")

local SCHEMA = { type = "json_schema", schema = { type = "object" } }

local function message(...)
  local content = {}
  for i, block in ipairs({ ... }) do
    content[i] = type(block) == "string" and { type = "text", text = block } or block
  end
  return { id = "msg_1", type = "message", role = "assistant", content = content }
end

local CASES = {
  { "json_schema in output_config", { output_config = { format = SCHEMA } }, message('{"a": 1}') },
  { "the first text block", { output_config = { format = SCHEMA } }, message('{"a": 1}', '[2]') },
  { "after a tool block", { output_config = { format = SCHEMA } },
    message({ type = "tool_use", id = "t", name = "n", input = {} }, '"x"') },
  { "a JSON null block is passed over", { output_config = { format = SCHEMA } }, message("null", "7") },
  { "no text block", { output_config = { format = SCHEMA } }, message({ type = "thinking", thinking = "t" }) },
  { "another format type", { output_config = { format = { type = "text" } } }, message('{"a": 1}') },
  { "no format", { output_config = { effort = "low" } }, message('{"a": 1}') },
  { "no output_config", {}, message('{"a": 1}') },
  { "the deprecated output_format wins", { output_format = SCHEMA, output_config = { format = { type = "x" } } },
    message('{"b": true}') },
  { "a text block that is not JSON", { output_config = { format = SCHEMA } }, message('{"a": 1}', "not json") },
}

describe("structured.parsed_output", function()
  it("parses only for json_schema, from the first text block", function()
    local params = { output_config = { format = SCHEMA } }
    assert.same({ a = 1 }, structured.parsed_output(params, message('{"a": 1}', "[2]")))
    assert.equal(7, structured.parsed_output(params, message("null", "7")))
    assert.is_nil(structured.parsed_output({ output_config = { format = { type = "text" } } }, message('{"a":1}')))
    assert.is_nil(structured.parsed_output({}, message('{"a":1}')))
    assert.is_nil(structured.parsed_output(nil, message('{"a":1}')))
    assert.is_nil(structured.parsed_output(params, message({ type = "tool_use", input = {} })))
  end)

  it("fails with a clear error when a text block is not JSON", function()
    local value, err = structured.parsed_output({ output_config = { format = SCHEMA } }, message('{"a":1}', "{oops"))
    assert.is_nil(value)
    assert.equal("parse_error", err.type)
    assert.equal(2, err.block)
    assert.matches("^anthropic: parse_error: Failed to parse structured output: JSON error", tostring(err))
  end)

  it("agrees with the official SDK's parseBetaMessage", function()
    local ok, why = ts.available()
    if not ok then return pending(why) end
    local input = {}
    for i, case in ipairs(CASES) do input[i] = { params = case[2], message = case[3] } end
    local theirs = ts.run(input, "--parse")
    for i, case in ipairs(CASES) do
      local value, err = structured.parsed_output(case[2], case[3])
      if theirs[i].error then
        assert.is_nil(value, case[1])
        assert.truthy(err, case[1])
      else
        assert.is_nil(err, case[1])
        local want = theirs[i].value
        if want == core.null then want = nil end
        assert.same(want ~= nil and ts.normalize(want) or nil, value ~= nil and ts.normalize(value) or nil, case[1])
      end
    end
  end)
end)
