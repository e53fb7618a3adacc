-- client.models and the pagination every list endpoint shares: exact
-- requests, both call styles, pages forwards and backwards, errors.
local anthropic = require("anthropic")
local fake = require("support.fake")
local harness = require("support.harness")

local KEY = "sk-ant-test-models"

local function model(id)
  return { type = "model", id = id, display_name = "Model " .. id, created_at = "2025-02-19T00:00:00Z" }
end

local function page_of(ids, has_more)
  local data = {}
  for i, id in ipairs(ids) do data[i] = model(id) end
  return { data = fake.array(data), has_more = has_more, first_id = ids[1] or fake.null,
           last_id = ids[#ids] or fake.null }
end

describe("client.models", function()
  local server, client
  harness.fake_api({ api_key = KEY }, function(s, c) server, client = s, c end)

  it("retrieves a model with GET /v1/models/{id}, the id URL-encoded", function()
    server:script({ match = { method = "GET", path = "/v1/models/claude-sonnet-4-5" },
                    json = model("claude-sonnet-4-5") })
    local m = assert(client.models.retrieve("claude-sonnet-4-5"))
    assert.same(model("claude-sonnet-4-5"), m)
    local req = server:last_request()
    assert.equal("GET", req.method)
    assert.equal("/v1/models/claude-sonnet-4-5", req.path)
    assert.equal(KEY, req.headers["x-api-key"])
    assert.equal("2023-06-01", req.headers["anthropic-version"])
    assert.equal("application/json", req.headers["accept"])
    assert.is_nil(req.headers["anthropic-beta"])
    assert.is_nil(req.headers["content-type"])
    assert.equal("", req.body)

    server:script({ json = model("a/b c") })
    assert(client.models:retrieve("a/b c", { headers = { ["x-extra"] = "1" }, betas = { "some-beta" } }))
    req = server:last_request()
    assert.equal("/v1/models/a%2Fb%20c", req.path)
    assert.equal("1", req.headers["x-extra"])
    assert.equal("some-beta", req.headers["anthropic-beta"])
  end)

  it("returns API errors as nil, err and retries like create", function()
    server:script({ status = 404,
                    json = { type = "error", error = { type = "not_found_error", message = "no model" } } })
    local m, err = client.models.retrieve("nope")
    assert.is_nil(m)
    assert.equal("not_found_error", err.type)
    assert.equal(404, err.status)

    local retrying = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 2 })
    server:script({
      { status = 529, headers = { ["retry-after-ms"] = "1" }, times = 2,
        json = { type = "error", error = { type = "overloaded_error", message = "busy" } } },
      { json = model("claude-x") },
    })
    m = assert(retrying.models.retrieve("claude-x"))
    assert.equal("claude-x", m.id)
    local reqs = server:requests()
    assert.equal(4, #reqs)
    assert.equal("0", reqs[2].headers["x-stainless-retry-count"])
    assert.equal("2", reqs[4].headers["x-stainless-retry-count"])
    assert.equal("/v1/models/claude-x", reqs[4].path)
  end)

  it("raises on misuse at the caller's line", function()
    local ok, msg = pcall(function() client.models.retrieve(nil) end)
    assert.is_false(ok)
    assert.equal("spec/models_spec.lua:" .. (debug.getinfo(1, "l").currentline - 2) ..
      ": anthropic.models.retrieve: model id must be a non-empty string, got nil", msg)
    assert.has_error(function() client.models.list({ limit = 0 }) end)
    assert.has_error(function() client.models.list({ limit = "5" }) end)
    assert.has_error(function() client.models.list({ after_id = "a", before_id = "b" }) end)
    assert.has_error(function() client.models.list({ bogus = 1 }) end)
  end)

  it("lists a page with its query, and walks the pages forwards", function()
    server:script({
      { match = { path = "/v1/models?limit=2" }, json = page_of({ "m1", "m2" }, true) },
      { match = { path = "/v1/models?after_id=m2&limit=2" }, json = page_of({ "m3", "m4" }, true) },
      { match = { path = "/v1/models?after_id=m4&limit=2" }, json = page_of({ "m5" }, false) },
    })
    local page = assert(client.models.list({ limit = 2 }))
    assert.equal(2, #page.data)
    assert.equal("m1", page.data[1].id)
    assert.is_true(page.has_more)
    assert.equal("m1", page.first_id)
    assert.equal("m2", page.last_id)
    assert.equal("/v1/models?limit=2", server:last_request().path)
    assert.equal("GET", server:last_request().method)

    local ids = {}
    for m in page:each() do ids[#ids + 1] = m.id end
    assert.same({ "m1", "m2", "m3", "m4", "m5" }, ids)
    local paths = {}
    for _, r in ipairs(server:requests()) do paths[#paths + 1] = r.path end
    assert.same({ "/v1/models?limit=2", "/v1/models?after_id=m2&limit=2", "/v1/models?after_id=m4&limit=2" }, paths)
  end)

  it("walks every page straight from list():each(), and next() returns nil after the last", function()
    server:script({
      { match = { path = "/v1/models" }, json = page_of({ "a", "b" }, true) },
      { match = { path = "/v1/models?after_id=b" }, json = page_of({ "c" }, false) },
    })
    local ids = {}
    for m in client.models.list():each() do ids[#ids + 1] = m.id end
    assert.same({ "a", "b", "c" }, ids)

    server:script({ json = page_of({ "z" }, false) })
    local page = assert(client.models:list())
    assert.is_nil(page:next())
    assert.equal(1, #server:requests() - 2)
  end)

  it("walks backwards from before_id: the next page is the one before first_id", function()
    server:script({
      { match = { path = "/v1/models?before_id=m9&limit=2" }, json = page_of({ "m7", "m8" }, true) },
      { match = { path = "/v1/models?before_id=m7&limit=2" }, json = page_of({ "m5", "m6" }, true) },
      { match = { path = "/v1/models?before_id=m5&limit=2" }, json = page_of({ "m4" }, false) },
    })
    local page = assert(client.models.list({ before_id = "m9", limit = 2 }))
    local second = assert(page:next())
    assert.same({ "m5", "m6" }, { second.data[1].id, second.data[2].id })
    local third = assert(second:next())
    assert.equal("m4", third.data[1].id)
    assert.is_nil(third:next())
    assert.equal(3, #server:requests())
  end)

  it("next() returns nil, err when a later page fails, and each() raises it", function()
    server:script({
      { match = { path = "/v1/models?limit=1" }, json = page_of({ "a" }, true), times = 2 },
      { match = { path = "/v1/models?after_id=a&limit=1" }, status = 500, times = 2,
        json = { type = "error", error = { type = "api_error", message = "boom" } } },
    })
    local page = assert(client.models.list({ limit = 1 }))
    local nxt, err = page:next()
    assert.is_nil(nxt)
    assert.equal("api_error", err.type)
    local seen = {}
    local ok, raised = pcall(function()
      for m in client.models.list({ limit = 1 }):each() do seen[#seen + 1] = m.id end
    end)
    assert.is_false(ok)
    assert.same({ "a" }, seen)
    assert.equal("api_error", raised.type)
  end)

  it("documents a page with tostring and keeps its fields to the API's", function()
    server:script({ json = page_of({ "a" }, true) })
    local page = assert(client.models.list())
    assert.equal("anthropic.page (1 items, more)", tostring(page))
    local keys = {}
    for k in pairs(page) do keys[#keys + 1] = k end
    table.sort(keys)
    assert.same({ "data", "first_id", "has_more", "last_id" }, keys)
  end)
end)
