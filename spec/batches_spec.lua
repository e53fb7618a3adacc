-- client.messages.batches: every endpoint's exact request, results read
-- from results_url line by line in constant memory, wait.
local anthropic = require("anthropic")
local core = require("anthropic.core")
local fake = require("support.fake")
local harness = require("support.harness")

local KEY = "sk-ant-test-batches"

describe("client.messages.batches", function()
  local server, client
  harness.fake_api({ api_key = KEY }, function(s, c) server, client = s, c end)

  local function batch(id, status, results_url)
    return {
      id = id, type = "message_batch", processing_status = status,
      request_counts = { processing = 0, succeeded = 2, errored = 1, canceled = 0, expired = 0 },
      created_at = "2024-09-24T18:37:24.100435Z", expires_at = "2024-09-25T18:37:24.100435Z",
      ended_at = status == "ended" and "2024-09-24T18:39:00Z" or fake.null,
      cancel_initiated_at = fake.null, archived_at = fake.null,
      results_url = results_url or fake.null,
    }
  end

  local function script_batch(id, status, results_url, times)
    server:script({ match = { method = "GET", path = "/v1/messages/batches/" .. id },
                    json = batch(id, status, results_url), times = times })
  end

  local function check_common(req)
    assert.equal(KEY, req.headers["x-api-key"])
    assert.equal("2023-06-01", req.headers["anthropic-version"])
    assert.is_nil(req.headers["anthropic-beta"])
  end

  it("creates a batch with POST /v1/messages/batches and the requests exactly", function()
    server:script({ json = batch("msgbatch_1", "in_progress") })
    local params = {
      requests = {
        { custom_id = "first", params = { model = "claude-sonnet-4-5", max_tokens = 1024,
                                          messages = { { role = "user", content = "Hello, world" } } } },
        { custom_id = "second", params = { model = "claude-sonnet-4-5", max_tokens = 1024,
                                           messages = { { role = "user", content = "Hi again, friend" } } } },
      },
    }
    local b = assert(client.messages.batches.create(params))
    assert.equal("msgbatch_1", b.id)
    assert.equal("in_progress", b.processing_status)
    local req = server:last_request()
    assert.equal("POST", req.method)
    assert.equal("/v1/messages/batches", req.path)
    assert.equal("application/json", req.headers["content-type"])
    check_common(req)
    assert.same(core.decode('{"requests":[' ..
      '{"custom_id":"first","params":{"model":"claude-sonnet-4-5","max_tokens":1024,' ..
      '"messages":[{"role":"user","content":"Hello, world"}]}},' ..
      '{"custom_id":"second","params":{"model":"claude-sonnet-4-5","max_tokens":1024,' ..
      '"messages":[{"role":"user","content":"Hi again, friend"}]}}]}'), core.decode(req.body))
    assert.has_error(function() client.messages.batches.create({}) end)
    assert.has_error(function() client.messages.batches.create("x") end)
  end)

  it("retrieves, cancels and deletes with the right method and path (both call styles)", function()
    script_batch("msgbatch_2", "in_progress")
    local b = assert(client.messages.batches:retrieve("msgbatch_2"))
    assert.equal("msgbatch_2", b.id)
    local req = server:last_request()
    assert.equal("GET", req.method)
    assert.equal("/v1/messages/batches/msgbatch_2", req.path)
    assert.equal("", req.body)
    check_common(req)

    server:script({ match = { method = "POST", path = "/v1/messages/batches/msgbatch_2/cancel" },
                    json = batch("msgbatch_2", "canceling") })
    b = assert(client.messages.batches.cancel("msgbatch_2"))
    assert.equal("canceling", b.processing_status)
    req = server:last_request()
    assert.equal("POST", req.method)
    assert.equal("/v1/messages/batches/msgbatch_2/cancel", req.path)
    assert.equal("", req.body)
    assert.is_nil(req.headers["content-type"] ~= nil and req.headers["content-type"]:find("json") or nil)
    check_common(req)

    server:script({ match = { method = "DELETE", path = "/v1/messages/batches/msgbatch_2" },
                    json = { id = "msgbatch_2", type = "message_batch_deleted" } })
    local d = assert(client.messages.batches:delete("msgbatch_2"))
    assert.equal("message_batch_deleted", d.type)
    req = server:last_request()
    assert.equal("DELETE", req.method)
    assert.equal("/v1/messages/batches/msgbatch_2", req.path)
    check_common(req)

    server:script({ status = 404, json = { type = "error", error = { type = "not_found_error", message = "gone" } } })
    local none, err = client.messages.batches.retrieve("msgbatch_x")
    assert.is_nil(none)
    assert.equal("not_found_error", err.type)
  end)

  it("lists batches page by page", function()
    server:script({
      { match = { path = "/v1/messages/batches?limit=1" },
        json = { data = { batch("b2", "ended") }, has_more = true, first_id = "b2", last_id = "b2" } },
      { match = { path = "/v1/messages/batches?after_id=b2&limit=1" },
        json = { data = { batch("b1", "ended") }, has_more = false, first_id = "b1", last_id = "b1" } },
    })
    local ids = {}
    for b in assert(client.messages.batches.list({ limit = 1 })):each() do ids[#ids + 1] = b.id end
    assert.same({ "b2", "b1" }, ids)
    assert.equal("GET", server:last_request().method)
  end)

  it("reads the results from results_url with the same credentials, one decoded line at a time", function()
    local url = server.url .. "/v1/messages/batches/msgbatch_3/results"
    script_batch("msgbatch_3", "ended", url)
    local lines = {
      '{"custom_id":"first","result":{"type":"succeeded","message":{"id":"msg_1","type":"message",' ..
        '"role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hello!"}],' ..
        '"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":2}}}}',
      '{"custom_id":"second","result":{"type":"errored","error":{"type":"error","error":' ..
        '{"type":"invalid_request_error","message":"bad"}}}}',
      '{"custom_id":"third","result":{"type":"expired"}}',
    }
    server:script({ match = { method = "GET", path = "/v1/messages/batches/msgbatch_3/results" },
                    headers = { ["content-type"] = "application/binary" },
                    body = table.concat(lines, "\n") .. "\n", chunk_sizes = { 7 } })
    local results = assert(client.messages.batches.results("msgbatch_3"))
    local got = {}
    for r in results do got[#got + 1] = r end
    assert.is_nil(results.error)
    assert.equal(3, #got)
    assert.equal("first", got[1].custom_id)
    assert.equal("succeeded", got[1].result.type)
    assert.equal("Hello!", anthropic.text(got[1].result.message))
    assert.equal("errored", got[2].result.type)
    assert.equal("invalid_request_error", got[2].result.error.error.type)
    assert.equal("expired", got[3].result.type)
    assert.is_nil(results:next())

    local reqs = server:requests()
    assert.equal(2, #reqs)
    assert.equal("/v1/messages/batches/msgbatch_3", reqs[1].path)
    assert.equal("GET", reqs[2].method)
    assert.equal("/v1/messages/batches/msgbatch_3/results", reqs[2].path)
    assert.equal(KEY, reqs[2].headers["x-api-key"])
    assert.equal("2023-06-01", reqs[2].headers["anthropic-version"])
    assert.equal("application/binary", reqs[2].headers["accept"])
  end)

  it("never sends the credentials to a results_url on another origin", function()
    script_batch("msgbatch_x", "ended", "http://elsewhere.invalid/results")
    local ok, err = pcall(function()
      local results = client.messages.batches.results("msgbatch_x")
      if results then for _ in results do end end
    end)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("refusing to send credentials to http://elsewhere.invalid", 1, true), err)
    assert.equal(1, #server:requests())
  end)

  it("says a batch without results_url is not ready, naming its processing_status", function()
    script_batch("msgbatch_4", "in_progress")
    local results, err = client.messages.batches.results("msgbatch_4")
    assert.is_nil(results)
    assert.equal("batch_not_ready", err.type)
    assert.equal("in_progress", err.processing_status)
    assert.truthy(tostring(err):find("processing_status is in_progress", 1, true))
    assert.equal(1, #server:requests())
  end)

  it("retries a failed results download before its first line, and reports a cut in the middle", function()
    local retrying = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 1 })
    local url = server.url .. "/v1/messages/batches/msgbatch_5/results"
    script_batch("msgbatch_5", "ended", url, 2)
    local body = ('{"custom_id":"a","result":{"type":"canceled"}}\n'):rep(50)
    server:script({
      { match = { path = "/v1/messages/batches/msgbatch_5/results" }, status = 503,
        headers = { ["retry-after-ms"] = "1" },
        json = { type = "error", error = { type = "api_error", message = "later" } } },
      { match = { path = "/v1/messages/batches/msgbatch_5/results" }, body = body },
    })
    local results = assert(retrying.messages.batches.results("msgbatch_5"))
    local n = 0
    for _ in results:each() do n = n + 1 end
    assert.equal(50, n)
    assert.is_nil(results.error)
    assert.equal(1, results.response.attempts - 1)

    server:script({ match = { path = "/v1/messages/batches/msgbatch_5/results" }, body = body,
                    drop_after_bytes = 1000 })
    results = assert(client.messages.batches.results("msgbatch_5"))
    n = 0
    for _ in results do n = n + 1 end
    assert.truthy(n > 0 and n < 50, n)
    assert.equal("connection_error", results.error.type)
    assert.is_true(results.error.partial)
  end)

  it("walks 100,000 results in bounded memory", function()
    local count = 100000
    local url = server.url .. "/v1/messages/batches/msgbatch_big/results"
    script_batch("msgbatch_big", "ended", url)
    -- The body is made and scripted by a separate process: a 60 MB string
    -- built here and freed would skew this Lua's collector pacing for a while
    -- (the heap measured below would then reflect that, not the SDK).
    local py = [[
import json, sys, urllib.request
count, control = int(sys.argv[1]), sys.argv[2]
text = "lorem ipsum " * 20
line = ('{"custom_id":"req-%06d","result":{"type":"succeeded","message":{"id":"msg_%06d",'
        '"type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text",'
        '"text":"' + text + '"}],"stop_reason":"end_turn","stop_sequence":null,'
        '"usage":{"input_tokens":10,"output_tokens":60}}}}\n')
body = "".join(line % (i, i) for i in range(1, count + 1))
script = [{"match": {"path": "/v1/messages/batches/msgbatch_big/results"}, "body": body}]
urllib.request.urlopen(control + "/script", data=json.dumps(script).encode()).read()
print(len(body))
]]
    local script_path = os.tmpname()
    local f = assert(io.open(script_path, "w"))
    f:write(py)
    f:close()
    local p = assert(io.popen(("%s %s %d %s"):format(os.getenv("FAKE_SERVER_PYTHON") or "python3", script_path,
                                                     count, server.control_url)))
    local size = tonumber(p:read("*a"))
    p:close()
    os.remove(script_path)
    assert.truthy(size and size > count * 100)
    collectgarbage()
    collectgarbage()
    local results = assert(client.messages.batches.results("msgbatch_big"))
    local function rss_mb() -- the whole process (C buffers too), where /proc tells it
      local statm = io.open("/proc/self/statm")
      if not statm then return 0 end
      local pages = tonumber(statm:read("*a"):match("^%d+%s+(%d+)"))
      statm:close()
      return pages * 4096 / 1048576
    end
    local base, rss_base = collectgarbage("count"), rss_mb()
    local peak, rss_peak, n, last_id = base, rss_base, 0, nil
    local started = os.clock()
    for r in results do
      n = n + 1
      last_id = r.custom_id
      if n % 1000 == 0 then
        local kb = collectgarbage("count")
        if kb > peak then peak = kb end
        if n % 10000 == 0 then rss_peak = math.max(rss_peak, rss_mb()) end
      end
    end
    assert.is_nil(results.error)
    assert.equal(count, n)
    assert.equal(("req-%06d"):format(count), last_id)
    local growth = (peak - base) / 1024
    print(("\n  batch results: %d lines, %.1f MB walked; Lua heap growth during the walk %.2f MB " ..
           "(peak %.1f MB); process RSS growth %.1f MB; %.2f s CPU"):format(n, size / 1048576, growth,
           peak / 1024, rss_peak - rss_base, os.clock() - started))
    assert.truthy(growth < 50, growth)
    assert.truthy(rss_peak - rss_base < 50, rss_peak - rss_base)
  end)

  it("waits until processing ends, polling at the interval, and gives up at its timeout", function()
    server:script({
      { match = { path = "/v1/messages/batches/msgbatch_6" }, json = batch("msgbatch_6", "in_progress"), times = 2 },
      { match = { path = "/v1/messages/batches/msgbatch_6" }, json = batch("msgbatch_6", "ended", "http://x/r") },
    })
    local t0 = core.now()
    local b = assert(client.messages.batches.wait("msgbatch_6", { interval = 0.05 }))
    assert.equal("ended", b.processing_status)
    assert.equal(3, #server:requests())
    local took = core.now() - t0
    assert.truthy(took >= 0.09 and took < 2, took)

    server:reset()
    server:script({ match = { path = "/v1/messages/batches/msgbatch_7" }, json = batch("msgbatch_7", "canceling"),
                    times = 0 })
    local none, err = client.messages.batches:wait("msgbatch_7", { interval = 0.02, timeout = 0.1 })
    assert.is_nil(none)
    assert.equal("timeout_error", err.type)
    assert.truthy(err.message:find("still canceling", 1, true))
    assert.has_error(function() client.messages.batches.wait("x", { every = 1 }) end)
  end)
end)
