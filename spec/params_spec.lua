-- Bad params raise a Lua error naming the path of the bad value, and nothing
-- is sent.
local harness = require("support.harness")

describe("bad params", function()
  local server, client
  harness.fake_api({ api_key = "sk-test" }, function(s, c) server, client = s, c end)

  local function raises(params, ...)
    local ok, err = pcall(client.messages.create, params)
    assert.is_false(ok, "expected an error")
    err = tostring(err)
    for _, piece in ipairs({ ... }) do
      assert.truthy(err:find(piece, 1, true), ("%q not in %q"):format(piece, err))
    end
    assert.equal(0, #server:requests())
    return err
  end

  local function with_content(block)
    return { model = "m", max_tokens = 1, messages = {
      { role = "user", content = "first" },
      { role = "user", content = { block } },
    } }
  end

  it("params that are not a table", function()
    raises(nil, "params must be a table, got nil")
    raises("hello", "params must be a table, got string")
  end)

  it("a function, a thread or a userdata inside params", function()
    raises(with_content({ type = "text", text = print }), "messages[2].content[1].text", "function")
    local thread = coroutine.create(function() end)
    raises(with_content({ type = "text", text = thread }), "messages[2].content[1].text", "thread")
    raises(with_content({ type = "text", text = io.stdout }), "messages[2].content[1].text", "userdata")
  end)

  it("a cyclic table", function()
    local block = { type = "text" }
    block.self = block
    raises(with_content(block), "messages[2].content[1].self", "cycl")
  end)

  it("a string with invalid UTF-8", function()
    raises(with_content({ type = "image", source = { type = "base64", media_type = "image/png", data = "ab\255cd" } }),
           "messages[2].content[1].source.data", "UTF-8")
  end)

  it("NaN and infinities", function()
    raises({ model = "m", max_tokens = 0 / 0, messages = {} }, "max_tokens", "NaN")
    raises({ model = "m", max_tokens = math.huge, messages = {} }, "max_tokens")
    raises({ model = "m", max_tokens = 1, temperature = -math.huge, messages = {} }, "temperature")
  end)

  it("sparse arrays, mixed keys and keys that are not strings", function()
    raises({ model = "m", max_tokens = 1, messages = { [1] = { role = "user", content = "a" }, [3] = {} } },
           "messages", "sparse")
    raises({ model = "m", max_tokens = 1, messages = { { role = "user", content = "a" }, extra = 1 } },
           "messages", "mixed")
    raises({ model = "m", max_tokens = 1, messages = {}, metadata = { [true] = 1 } }, "metadata", "boolean")
  end)

  it("names odd keys in quotes", function()
    raises({ model = "m", max_tokens = 1, messages = {}, metadata = { ["user id"] = print } }, '["user id"]')
  end)

  it("nesting 10 000 deep", function()
    local deep = {}
    local t = deep
    for _ = 1, 10000 do t.next = {}; t = t.next end
    raises({ model = "m", max_tokens = 1, messages = {}, metadata = deep }, "metadata", "nesting")
  end)

  it("leaves the client working after misuse", function()
    raises(nil, "params")
    server:script({ json = { type = "message", content = {} } })
    assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
  end)
end)
