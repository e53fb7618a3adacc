-- client.files (GA: no beta header): multipart uploads streamed from disk and
-- compared byte for byte, expiry, metadata, cursor pages and the ids filter,
-- delete, downloads streamed to disk.
local anthropic = require("anthropic")
local fake = require("support.fake")

local KEY = "sk-ant-test-files"

local function write_file(path, data)
  local f = assert(io.open(path, "wb"))
  f:write(data)
  f:close()
end

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local data = f:read("*a")
  f:close()
  return data
end

local parse_multipart = require("support.multipart")

local function metadata(id, filename, mime, size)
  return { id = id, type = "file", filename = filename, mime_type = mime, size_bytes = size,
           created_at = "2025-04-14T12:00:00Z", downloadable = false }
end

describe("client.files", function()
  local server, client
  local tmp = {}

  setup(function()
    server = fake.start()
    client = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 0 })
  end)
  teardown(function()
    server:stop()
    for _, p in ipairs(tmp) do os.remove(p) end
  end)
  before_each(function() server:reset() end)

  local function tmpfile(suffix, data)
    local path = os.tmpname() .. suffix
    tmp[#tmp + 1] = path
    if data then write_file(path, data) end
    return path
  end

  local function check_headers(req)
    assert.equal(KEY, req.headers["x-api-key"])
    assert.equal("2023-06-01", req.headers["anthropic-version"])
    assert.is_nil(req.headers["anthropic-beta"]) -- the 2025 beta would bring back the legacy shapes
  end

  it("uploads a file from disk as multipart field 'file', byte for byte, with its media type", function()
    local bytes = {}
    for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
    local content = "%PDF-1.7\n" .. table.concat(bytes):rep(4096) -- about 1 MB, every byte value
    local path = tmpfile(".pdf", content)
    server:script({ match = { method = "POST", path = "/v1/files" },
                    json = metadata("file_011", "paper.pdf", "application/pdf", #content) })
    local meta = assert(client.files.upload(path))
    assert.equal("file_011", meta.id)
    local req = server:last_request()
    assert.equal("POST", req.method)
    assert.equal("/v1/files", req.path)
    check_headers(req)
    assert.truthy(req.headers["content-type"]:find("^multipart/form%-data; boundary="))
    local parts = parse_multipart(req.headers["content-type"], req.body)
    assert.equal(1, #parts)
    assert.equal("file", parts[1].name)
    assert.equal(path:match("[^/]+$"), parts[1].filename)
    assert.equal("application/pdf", parts[1].type)
    assert.equal(#content, #parts[1].data)
    assert.is_true(content == parts[1].data)

    -- the id plugs into the content helpers
    local block = anthropic.document.file_id(meta.id)
    assert.equal("file", block.source.type)
    assert.equal("file_011", block.source.file_id)
  end)

  it("uploads bytes from memory, sniffs a type the extension does not give, and sends betas given", function()
    local png = "\137PNG\r\n\26\n" .. ("\0"):rep(100)
    server:script({ json = metadata("file_012", "chart", "image/png", #png) })
    assert(client.files:upload({ data = png, filename = "chart" }, { betas = { "other-beta" } }))
    local req = server:last_request()
    assert.equal("other-beta", req.headers["anthropic-beta"])
    local part = parse_multipart(req.headers["content-type"], req.body)[1]
    assert.equal("chart", part.filename)
    assert.equal("image/png", part.type)
    assert.equal(png, part.data)

    server:script({ json = metadata("file_013", "notes.md", "text/markdown", 5) })
    local path = tmpfile(".bin", "hello")
    assert(client.files.upload({ path = path, filename = "notes.md" }))
    part = parse_multipart(server:last_request().headers["content-type"], server:last_request().body)[1]
    assert.equal("notes.md", part.filename)
    assert.equal("text/markdown", part.type)
    assert.equal("hello", part.data)

    server:script({ json = metadata("file_014", "x.dat", "application/octet-stream", 3) })
    assert(client.files.upload({ data = "abc", filename = "x.dat", type = "application/x-custom" }))
    part = parse_multipart(server:last_request().headers["content-type"], server:last_request().body)[1]
    assert.equal("application/x-custom", part.type)
  end)

  it("raises on a missing file or a bad source before sending anything", function()
    assert.has_error(function() client.files.upload("/nonexistent/file.pdf") end)
    assert.has_error(function() client.files.upload({ data = "x" }) end)
    assert.has_error(function() client.files.upload({ data = "x", path = "y", filename = "z" }) end)
    assert.has_error(function() client.files.upload(42) end)
    assert.equal(0, #server:requests())
  end)

  it("retries an upload with the whole file again, and returns API errors", function()
    local retrying = anthropic.new({ api_key = KEY, base_url = server.url, max_retries = 1 })
    local path = tmpfile(".txt", ("line\n"):rep(1000))
    server:script({
      { status = 500, json = { type = "error", error = { type = "api_error", message = "oops" } },
        headers = { ["retry-after-ms"] = "1" } },
      { json = metadata("file_015", "a.txt", "text/plain", 5000) },
    })
    assert(retrying.files.upload(path))
    local reqs = server:requests()
    assert.equal(2, #reqs)
    assert.equal(parse_multipart(reqs[2].headers["content-type"], reqs[2].body)[1].data, ("line\n"):rep(1000))
    assert.equal("text/plain", parse_multipart(reqs[1].headers["content-type"], reqs[1].body)[1].type)

    server:script({ status = 413, json = { type = "error", error = { type = "request_too_large", message = "big" } } })
    local meta, err = client.files.upload(path)
    assert.is_nil(meta)
    assert.equal("request_too_large", err.type)
  end)

  it("uploads with expires_in_seconds as a form field; metadata carries downloadable and expires_at", function()
    local meta = metadata("file_016", "a.txt", "text/plain", 2)
    meta.expires_at = "2025-04-14T13:00:00Z"
    server:script({ json = meta })
    local got = assert(client.files.upload({ data = "hi", filename = "a.txt" }, { expires_in_seconds = 3600 }))
    assert.equal("2025-04-14T13:00:00Z", got.expires_at)
    assert.is_false(got.downloadable)
    local req = server:last_request()
    local parts = parse_multipart(req.headers["content-type"], req.body)
    assert.equal(2, #parts)
    assert.equal("expires_in_seconds", parts[2].name)
    assert.equal("3600", parts[2].data)
    assert.is_nil(parts[2].filename)
    assert.has_error(function() client.files.upload({ data = "x", filename = "x" }, { expires_in_seconds = 1.5 }) end)
  end)

  it("walks three cursor pages with each(), filters by ids[] in one page, retrieves and deletes", function()
    server:script({
      { match = { path = "/v1/files?limit=1" },
        json = { data = { metadata("f3", "c.txt", "text/plain", 1) }, next_page = "cur_2" } },
      { match = { path = "/v1/files?limit=1&page=cur_2" },
        json = { data = { metadata("f2", "b.txt", "text/plain", 1) }, next_page = "cur_3" } },
      { match = { path = "/v1/files?limit=1&page=cur_3" },
        json = { data = { metadata("f1", "a.txt", "text/plain", 1) }, next_page = fake.null } },
    })
    local first = assert(client.files.list({ limit = 1 }))
    assert.is_true(first.has_more)
    assert.equal("cur_2", first.next_page)
    local names = {}
    for f in first:each() do names[#names + 1] = f.filename end
    assert.same({ "c.txt", "b.txt", "a.txt" }, names)
    assert.equal(3, #server:requests())

    server:script({ match = { path = "/v1/files?ids%5B%5D=f1&ids%5B%5D=f3" },
                    json = { data = { metadata("f1", "a.txt", "text/plain", 1), metadata("f3", "c.txt", "t", 1) },
                             next_page = fake.null } })
    local page = assert(client.files.list({ ids = { "f1", "f3" } }))
    assert.equal(2, #page.data)
    assert.is_false(page.has_more)
    assert.is_nil(page:next())
    assert.has_error(function() client.files.list({ ids = { "f1" }, limit = 2 }) end)
    assert.has_error(function() client.files.list({ ids = { 1 } }) end)
    assert.equal(4, #server:requests())
    for _, r in ipairs(server:requests()) do
      assert.equal("GET", r.method)
      check_headers(r)
    end

    server:reset()
    server:script({ match = { method = "GET", path = "/v1/files/file_1" }, json = metadata("file_1", "a", "t", 1) })
    assert.equal("file_1", assert(client.files.retrieve_metadata("file_1")).id)
    check_headers(server:last_request())

    server:script({ match = { method = "DELETE", path = "/v1/files/file_1" },
                    json = { id = "file_1", type = "file_deleted" } })
    assert.equal("file_deleted", assert(client.files:delete("file_1")).type)
    local req = server:last_request()
    assert.equal("DELETE", req.method)
    assert.equal("/v1/files/file_1", req.path)
    check_headers(req)
  end)

  it("downloads a file's content to disk, and leaves no file behind on failure", function()
    local content = ("0123456789abcdef"):rep(200000) -- 3.2 MB
    server:script({ match = { method = "GET", path = "/v1/files/file_dl/content" },
                    headers = { ["content-type"] = "application/octet-stream" }, body = content })
    local path = tmpfile(".out")
    assert.equal(path, client.files.download("file_dl", path))
    assert.is_true(read_file(path) == content)
    assert.is_nil(read_file(path .. ".part"))
    local req = server:last_request()
    assert.equal("GET", req.method)
    assert.equal("/v1/files/file_dl/content", req.path)
    check_headers(req)

    write_file(path, "previous")
    server:script({ status = 404, json = { type = "error", error = { type = "not_found_error", message = "no" } } })
    local ok, err = client.files:download("file_missing", path)
    assert.is_nil(ok)
    assert.equal("not_found_error", err.type)
    assert.equal("previous", read_file(path))
    assert.is_nil(read_file(path .. ".part"))
    assert.has_error(function() client.files.download("file_x", "/nonexistent-dir/out") end)
  end)
end)
