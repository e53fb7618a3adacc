-- Errors carry the API's codes: `error_code` from the body's
-- `error.details.error_code` (only a string) and the whole `details`, both
-- shown by tostring; the same for an SSE `error` event's body.
local anthropic = require("anthropic")
local errors = require("anthropic.errors")
local harness = require("support.harness")

local PARAMS = { model = "m", max_tokens = 5, messages = { { role = "user", content = "hi" } } }

describe("error codes", function()
  local server, client
  harness.fake_api({ api_key = "sk-test" }, function(s, c) server, client = s, c end)

  local function answer(status, body)
    server:script({ status = status, headers = { ["content-type"] = "application/json", ["request-id"] = "req_c" },
                    body = body })
    return client.messages.create(PARAMS)
  end

  it("exposes error_code and details, and shows them", function()
    local msg, err = answer(404, [[{"type":"error","error":{"type":"not_found_error",]] ..
                                 [["message":"The file expired",]] ..
                                 [["details":{"error_code":"file_expired"}},"request_id":"req_body"}]])
    assert.is_nil(msg)
    assert.is_true(anthropic.is_error(err))
    assert.equal("not_found_error", err.type)
    assert.equal("file_expired", err.error_code)
    assert.same({ error_code = "file_expired" }, err.details)
    assert.equal("anthropic: not_found_error (404 file_expired): The file expired [request_id req_c]", tostring(err))
  end)

  it("shows the other details as one line of JSON", function()
    local _, err = answer(400, [[{"type":"error","error":{"type":"invalid_request_error","message":"Too large",]] ..
                               [["details":{"error_code":"image_dimensions_too_large",]] ..
                               [["max_side_length_pixels":8000,]] ..
                               [["paths":["messages.0.content.1"]}}}]])
    assert.equal("image_dimensions_too_large", err.error_code)
    assert.equal(8000, err.details.max_side_length_pixels)
    assert.same({ "messages.0.content.1" }, err.details.paths)
    local line = tostring(err)
    assert.truthy(line:find("(400 image_dimensions_too_large): Too large", 1, true), line)
    assert.truthy(line:find('"max_side_length_pixels":8000', 1, true), line)
    assert.truthy(line:find('"paths":["messages.0.content.1"]', 1, true), line)
    assert.is_nil(line:find("\n"))
  end)

  it("keeps details whose error_code is not a string, without an error_code", function()
    local _, err = answer(409, [[{"type":"error","error":{"type":"conflict_error","message":"x",]] ..
                               [["details":{"error_code":42}}}]])
    assert.is_nil(err.error_code)
    assert.equal(42, err.details.error_code)
    assert.equal("anthropic: conflict_error (409): x [request_id req_c]", tostring(err))
  end)

  it("has neither without details", function()
    local _, err = answer(429, [[{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}]])
    assert.is_nil(err.error_code)
    assert.is_nil(err.details)
  end)

  it("takes them from an SSE error event's body too", function()
    local body = { type = "error", error = { type = "overloaded_error", message = "Overloaded",
                                             details = { error_code = "compaction_unavailable" } } }
    local err = errors.new({ type = "overloaded_error", message = "Overloaded", body = body })
    assert.equal("compaction_unavailable", err.error_code)
    assert.equal("anthropic: overloaded_error (compaction_unavailable): Overloaded", tostring(err))
  end)
end)
