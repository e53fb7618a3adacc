-- One handle protocol for Request, Stream, Results and Runner: `h.error`,
-- `h:done()`, `on_done` as an option and as a method, `close()` that ends
-- an unfinished handle with `aborted`; and the module-level shortcuts that
-- mirror every member of the client's areas.
local anthropic = require("anthropic")
local harness = require("support.harness")
local streams = require("support.streams")

local PARAMS = { model = "m", max_tokens = 5, messages = { { role = "user", content = "hi" } } }
local MESSAGE = { type = "message", role = "assistant", content = { { type = "text", text = "ok" } },
                  stop_reason = "end_turn" }

describe("handles", function()
  local server, client
  harness.fake_api({ api_key = "sk-test-handles" }, function(s, c) server, client = s, c end)

  local function sse()
    server:script({ status = 200, headers = { ["content-type"] = "text/event-stream" }, sse_raw = streams.text })
  end

  local function results_url(lines)
    local url = server.url .. "/v1/messages/batches/b1/results"
    server:script({
      { match = { path = "/v1/messages/batches/b1" },
        json = { id = "b1", type = "message_batch", processing_status = "ended", results_url = url } },
      { match = { path = "/v1/messages/batches/b1/results" }, body = table.concat(lines, "\n") .. "\n" },
    })
  end

  -- Each way of making a handle that ends well: the handle, then how to run it to its end.
  local kinds = {
    request = function(on_done)
      server:script({ json = MESSAGE })
      local h = client.messages.create_async(PARAMS, { on_done = on_done })
      return h, function() return h:wait() end
    end,
    stream = function(on_done)
      sse()
      local h = assert(client.messages.stream(PARAMS, { on_done = on_done }))
      return h, function() return h:final_message() end
    end,
    results = function(on_done)
      results_url({ '{"custom_id":"a","result":{"type":"expired"}}' })
      local h = assert(client.messages.batches.results("b1", { on_done = on_done }))
      return h, function() for _ in h do end return h.count end
    end,
    runner = function(on_done)
      server:script({ json = MESSAGE })
      local h = client.messages.run_tools(PARAMS, { on_done = on_done })
      return h, function() return h:until_done() end
    end,
  }

  for name, make in pairs(kinds) do
    it(name .. ": done(), error, on_done as an option and as a method, each once", function()
      local by_option, by_method = {}, {}
      local h, run = make(function(r, e) by_option[#by_option + 1] = { r, e } end)
      assert.is_false(h:done())
      assert.equal(h, h:on_done(function(r, e) by_method[#by_method + 1] = { r, e } end))
      local result = run()
      assert.truthy(result)
      assert.is_true(h:done())
      assert.is_nil(h.error)
      assert.equal(1, #by_option)
      assert.equal(1, #by_method)
      assert.equal(result, by_option[1][1])
      local late
      h:on_done(function(r) late = r end) -- added after the end: runs at once
      assert.equal(result, late)
      h:close()
      assert.is_nil(h.error) -- closing a finished handle changes nothing
    end)
  end

  it("closing an unfinished handle ends it with aborted, and runs on_done once", function()
    server:script({ delay_ms = 2000, json = MESSAGE })
    local errs = {}
    local req = client.messages.create_async(PARAMS, { on_done = function(_, e) errs[#errs + 1] = e end })
    req:close()
    req:close()
    assert.is_true(req:done())
    assert.equal("aborted", req.error.type)
    assert.equal(1, #errs)
    local msg, err = req:wait()
    assert.is_nil(msg)
    assert.equal("aborted", err.type)
  end)

  it("a failure ends a handle with the error in h.error", function()
    server:script({ status = 400,
                    json = { type = "error", error = { type = "invalid_request_error", message = "no" } } })
    local got
    local s, err = client.messages.stream(PARAMS, { on_done = function(_, e) got = e end })
    assert.is_nil(s)
    assert.equal("invalid_request_error", err.type)
    assert.equal(err, got)
  end)
end)

describe("module-level shortcuts", function()
  it("mirror every member of the client's areas, nested tables included", function()
    local c = anthropic.new({ api_key = "sk-test-shape" })
    local function same_shape(bound, mirror, path)
      for name, member in pairs(bound) do
        local here = path .. "." .. name
        assert.equal(type(member), type(mirror[name]), here)
        if type(member) == "table" then same_shape(member, mirror[name], here) end
      end
    end
    for _, area in ipairs({ "messages", "models", "files" }) do
      assert.is_table(anthropic[area], area)
      same_shape(c[area], anthropic[area], area)
    end
    assert.is_function(anthropic.messages.parse)
    assert.is_function(anthropic.messages.run_tools)
    assert.is_function(anthropic.messages.batches.results)
    c:close()
  end)
end)
