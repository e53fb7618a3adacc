-- Connections are reused: a second request to the same host does not open a
-- new connection (counted at the server).
local anthropic = require("anthropic")
local fake = require("support.fake")
local core = require("anthropic.core")
local limit = require("support.timing")

describe("connection reuse", function()
  local server
  setup(function() server = fake.start() end)
  teardown(function() server:stop() end)
  before_each(function() server:reset() end)

  it("sends many requests of a client over one connection", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url })
    for _ = 1, 5 do
      assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    end
    local stats = server:stats()
    assert.equal(5, stats.requests)
    assert.equal(1, stats.connections)
  end)

  it("opens a new connection when the server closes one, and goes on", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url })
    server:script({ close = true, json = { type = "message", content = {} } })
    assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    assert.equal(2, server:stats().connections)
  end)

  it("closes a client: later calls raise, closing twice is fine", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url })
    assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    client:close()
    client:close()
    assert.has_error(function() client.messages.create({ model = "m", max_tokens = 1, messages = {} }) end)
  end)

  it("asks for compressed JSON answers and reads a gzip-encoded one", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url })
    local text = string.rep("zip ", 2000)
    server:script({ gzip = true,
                    json = { type = "message", id = "msg_gz", content = { { type = "text", text = text } } } })
    local msg = assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} }))
    assert.equal("msg_gz", msg.id)
    assert.equal(string.rep("zip ", 2000), msg.content[1].text)
    assert.matches("gzip", server:last_request().headers["accept-encoding"])
  end)

  it("does not ask for compression on event streams", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url })
    local s = assert(client.messages.stream({ model = "m", max_tokens = 1, messages = {} }))
    s:close()
    assert.is_nil(server:last_request().headers["accept-encoding"])
  end)

  it("runs concurrent requests side by side on a server that does not multiplex (plain HTTP/1.1)", function()
    local client = anthropic.new({ api_key = "sk-test", base_url = server.url })
    server:script({ delay_ms = 300, times = 0 })
    local reqs = {}
    for i = 1, 8 do
      reqs[i] = client.messages.create_async({ model = "m" .. i, max_tokens = 1, messages = {} })
    end
    local t0 = core.now()
    while client:poll(20) > 0 do end
    local took = core.now() - t0
    for i = 1, 8 do
      local msg = assert(reqs[i]:wait())
      assert.equal("m" .. i, msg.model)
    end
    -- a connection each, none waiting for another's answer (that would be >= 600 ms)
    assert.equal(8, server:stats().connections)
    assert.truthy(took < limit(0.55), took)
    -- and the connections are reused afterwards
    for _ = 1, 3 do assert(client.messages.create({ model = "m", max_tokens = 1, messages = {} })) end
    assert.equal(8, server:stats().connections)
  end)
end)
