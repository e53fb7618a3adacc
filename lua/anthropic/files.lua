--- The Files API (GA: no beta header): `client.files` (upload, list,
-- retrieve_metadata, delete, download). Uploads are multipart bodies
-- streamed from disk; downloads are streamed to disk. The legacy 2025 beta
-- shapes are still there for whoever sends `betas = {"files-api-2025-04-14"}`.
-- @module anthropic.files
local core = require("anthropic.core")
local call = require("anthropic.call")
local errors = require("anthropic.errors")
local endpoint = require("anthropic.endpoint")
local pagination = require("anthropic.pagination")
local raise = require("anthropic.misuse").raise

local M = {}

--- Media types by file extension, for uploads.
M.media_types = {
  pdf = "application/pdf", txt = "text/plain", md = "text/markdown", markdown = "text/markdown",
  csv = "text/csv", tsv = "text/tab-separated-values", json = "application/json", jsonl = "application/jsonl",
  html = "text/html", htm = "text/html", xml = "application/xml", yaml = "application/yaml",
  yml = "application/yaml", jpg = "image/jpeg", jpeg = "image/jpeg", png = "image/png", gif = "image/gif",
  webp = "image/webp", docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zip = "application/zip",
}

local BASE = "/v1/files"

local function basename(path)
  return path:match("([^/\\]+)$") or path
end

-- The media type of a file: from its extension, else from its first bytes.
local function media_type_of(filename, head)
  local ext = filename:match("%.([%w]+)$")
  local t = ext and M.media_types[ext:lower()]
  if t then return t end
  return head and core.sniff(head) or "application/octet-stream"
end

--- The multipart part (see csrc/upload.c) of an upload named `name`, from a
-- path or `{data|path, filename, type}`; misuse raises.
function M.part(where, name, source)
  local part = { name = name }
  if type(source) == "string" then source = { path = source } end
  if type(source) ~= "table" then
    raise(("%s: expected a path or {data = ..., filename = ..., type = ...}, got %s"):format(where, type(source)))
  end
  for k, v in pairs(source) do
    if (k ~= "data" and k ~= "path" and k ~= "filename" and k ~= "type") or type(v) ~= "string" then
      raise(("%s: '%s' is not a string field of an upload (data, path, filename, type)"):format(where, tostring(k)))
    end
  end
  local head
  if source.path then
    if source.data then raise(where .. ": give data or path, not both") end
    local f, ferr = io.open(source.path, "rb")
    if not f then raise(("%s: cannot read %s"):format(where, tostring(ferr))) end
    head = f:read(16)
    f:close()
    part.path = source.path
    part.filename = source.filename or basename(source.path)
  elseif source.data then
    if not source.filename then raise(where .. ": data needs a filename") end
    part.data = source.data
    part.filename = source.filename
    head = source.data:sub(1, 16)
  else
    raise(where .. ": expected a path or {data = ..., filename = ..., type = ...}")
  end
  if part.filename == "" or part.filename:find("[%c\"]") then
    raise(where .. ": filename must be non-empty, without quotes or control characters")
  end
  part.type = source.type or media_type_of(part.filename, head)
  return part
end

--- The `files` table of a client.
function M.bind(client)
  local api = {}
  local args, id_of = endpoint.args, endpoint.id

  local function req_of(where, opts, fields)
    return endpoint.request(client, where, opts, fields)
  end

  --- Uploads a file (multipart, streamed from disk): its metadata (`id`,
  -- `filename`, `mime_type`, `size_bytes`, `created_at`, `downloadable`,
  -- `expires_at`...), or nil, err.
  -- `source`: a path, or `{data = bytes, filename = ..., type = ...}` (or
  -- `{path = ..., filename = ..., type = ...}` to override the name or type).
  -- The media type comes from the extension, else from the first bytes.
  -- opts: `expires_in_seconds` (3600 to 7776000: the file is deleted then),
  -- and the request options.
  function api.upload(a, b, c)
    local source, opts = args(api, a, b, c)
    local where = "anthropic.files.upload"
    local parts = { M.part(where, "file", source) }
    local expires
    if type(opts) == "table" and opts.expires_in_seconds ~= nil then
      expires = opts.expires_in_seconds
      if type(expires) ~= "number" or expires % 1 ~= 0 or expires < 1 then
        raise(where .. ": option 'expires_in_seconds' must be a positive integer")
      end
      local rest = {}
      for k, v in pairs(opts) do
        if k ~= "expires_in_seconds" then rest[k] = v end
      end
      opts = rest
      parts[2] = { name = "expires_in_seconds", data = ("%d"):format(expires) }
    end
    return client:request(req_of(where, opts, { method = "POST", path = BASE, multipart = parts }))
  end

  --- Lists the files, newest first: a cursor page (see `anthropic.pagination`), or nil, err.
  -- opts: `limit`, `page` (a `next_page` cursor), `ids` (a list of at most
  -- 100 file ids: just those, in one page), and the request options.
  function api.list(a, b)
    local opts = args(api, a, b)
    local where = "anthropic.files.list"
    local query, rest = pagination.split(where, opts, "cursor", { ids = "table" })
    if query.ids and (#query.ids > 100 or query.page or query.limit) then
      raise(where .. ": option 'ids' takes at most 100 ids, without page or limit")
    end
    return pagination.fetch(client, req_of(where, rest, { method = "GET", path = BASE, query = query }), "cursor")
  end

  -- A file's metadata, or nil, err.
  api.retrieve_metadata = endpoint.by_id(client, api, "anthropic.files.retrieve_metadata", "GET", BASE, "file id")
  -- Deletes a file: `{id = ..., type = "file_deleted"}`, or nil, err.
  api.delete = endpoint.by_id(client, api, "anthropic.files.delete", "DELETE", BASE, "file id")

  --- Downloads a file's content to `path`, streamed to disk (written to
  -- `path .. ".part"`, renamed when complete, so a failure never leaves half
  -- a file): returns `path`, or nil, err. Only files created by the API
  -- (skills, code execution) can be downloaded.
  function api.download(a, b, c, d)
    local id, path, opts
    if rawequal(a, api) then id, path, opts = b, c, d else id, path, opts = a, b, c end
    local where = "anthropic.files.download"
    local url_path = BASE .. "/" .. id_of(where, "file id", id) .. "/content"
    if type(path) ~= "string" or path == "" then
      raise(("%s: path must be a non-empty string, got %s"):format(where, type(path)))
    end
    local part = path .. ".part"
    local probe = io.open(part, "wb")
    if not probe then raise(("%s: cannot write %s"):format(where, part)) end
    probe:close()
    local dl = call.run(client, req_of(where, opts, { method = "GET", path = url_path, output = part,
                                                      accept = "application/binary" }), "body")
    if dl.error then
      os.remove(part)
      return nil, dl.error
    end
    dl.transfer:close()
    local ok, rerr = os.rename(part, path)
    if not ok then
      os.remove(part)
      return nil, errors.new({ type = "io_error", message = tostring(rerr) })
    end
    return path
  end

  return api
end

return M
