--- The API areas beyond messages.create, attached to every client:
-- `client.models`, `client.files`, `client.messages.batches`,
-- `client.messages.run_tools` and `client.messages.parse`.
-- Every function takes both call styles (`client.models.list()` and
-- `client.models:list()`), returns its result or nil, err (with the same
-- retries as `messages.create`) and raises on misuse.
-- @module anthropic.resources
local core = require("anthropic.core")
local async = require("anthropic.async")
local errors = require("anthropic.errors")
local retry = require("anthropic.retry")
local options = require("anthropic.options")
local pagination = require("anthropic.pagination")
local args = require("anthropic.messages").args
local raise = options.raise

local M = {}

--- The beta the Files API needs (sent as `anthropic-beta`).
M.FILES_BETA = "files-api-2025-04-14"

--- Seconds between two polls of `batches.wait` unless told otherwise.
M.BATCH_POLL_INTERVAL = 10

local function check_id(where, what, id)
  if type(id) ~= "string" or id == "" then
    raise(("%s: %s must be a non-empty string, got %s"):format(where, what, type(id)))
  end
  return options.urlencode(id)
end

-- A request table from the checked per-request options.
local function request_of(client, where, opts, fields)
  local o = options.request(where, opts)
  local req = {
    headers = o.headers, betas = o.betas, timeout = o.timeout or client.timeout, max_retries = o.max_retries,
  }
  for k, v in pairs(fields) do req[k] = v end
  return req
end

-- The betas of a request with `beta` added (once).
local function with_beta(req, beta)
  local list = { beta }
  for _, b in ipairs(req.betas or {}) do
    if b ~= beta then list[#list + 1] = b end
  end
  req.betas = list
  return req
end

-- One attempt after another until the transfer reaches `until_` ("head" or
-- "done") with a 2xx status: returns the transfer, still open, and its
-- response record; or nil, err once the retries are spent. For requests
-- whose 2xx body is not a JSON value in memory (the `lines` and `output` sinks).
local function open_transfer(client, req, until_)
  local max_retries = req.max_retries or client.max_retries
  local attempt = 0
  while true do
    local t = client.session:request(client:spec(req, nil, attempt))
    async.wait(client, t, until_)
    attempt = attempt + 1
    local status = t:status()
    local failed = t:error()
    if status >= 200 and status < 300 and not (failed and until_ == "done") then
      local record = require("anthropic.client").record(status, t)
      record.attempts = attempt
      return t, record
    end
    async.wait(client, t, "done")
    local _, err = client:outcome(t)
    t:close()
    if err == nil then -- a 2xx after all (it failed while writing its body, for instance)
      err = errors.new({ type = "api_response_error", message = "the response ended early", status = status })
    end
    err.attempts = attempt
    local delay = retry.after_failure(err, attempt, max_retries)
    if not delay then return nil, err end
    async.sleep(delay)
  end
end

-- ---------------------------------------------------------------------------
-- Models
-- ---------------------------------------------------------------------------

local function models(client)
  local api = {}

  --- Lists the models, newest first: a page (see `anthropic.pagination`), or nil, err.
  -- opts: `limit`, `after_id`, `before_id`, and the request options.
  function api.list(a, b)
    local opts = args(api, a, b)
    local where = "anthropic.models.list"
    local query, rest = pagination.split(where, opts)
    return pagination.fetch(client, request_of(client, where, rest, { method = "GET", path = "/v1/models",
                                                                       query = query }))
  end

  --- One model (`id`, `display_name`, `created_at`, `type`), or nil, err.
  -- `id` is a model id or alias.
  function api.retrieve(a, b, c)
    local id, opts = args(api, a, b, c)
    local where = "anthropic.models.retrieve"
    local path = "/v1/models/" .. check_id(where, "model id", id)
    return client:request(request_of(client, where, opts, { method = "GET", path = path }))
  end

  return api
end

-- ---------------------------------------------------------------------------
-- Message batches
-- ---------------------------------------------------------------------------

local Results = {}
Results.__index = Results
M.Results = Results

--- The next result of a batch (a decoded JSONL line), blocking until it
-- comes; nil at the end (then see `results.error`).
function Results:next()
  if self.ended then return nil end
  local t = self.transfer
  while true do
    local name, value, jerr = t:next_event()
    if name then
      if value ~= nil then
        self.count = self.count + 1
        return value
      end
      self:fail(errors.new({ type = "api_response_error", status = self.response.status,
                             message = ("result %d is not JSON: %s"):format(self.count + 1, tostring(jerr)),
                             request_id = self.response.request_id }))
      return nil
    elseif t:done() then
      local kind, message = t:error()
      if kind then
        self:fail(errors.new({ type = kind == "timeout" and "timeout_error" or "connection_error", reason = kind,
                               message = ("%s (after %d results)"):format(message, self.count),
                               partial = true, request_id = self.response.request_id }))
      else
        self:close()
      end
      return nil
    else
      async.wait(self.client, t, "event")
    end
  end
end

--- Ends the walk with error `err` (kept in `results.error`).
function Results:fail(err)
  self.error = err
  self:close()
end

--- Iterates the results: `for result in results:each() do ... end`
-- (or simply `for result in results do`).
function Results:each()
  return function() return self:next() end
end
Results.__call = Results.next

--- Stops reading; idempotent.
function Results:close()
  self.ended = true
  self.transfer:close()
end
Results.__close = Results.close

--- "anthropic.batch_results (N read, ended)".
function Results:__tostring()
  return ("anthropic.batch_results (%d read%s)"):format(self.count,
    self.error and ", failed" or self.ended and ", ended" or "")
end

local function batches(client, messages_api)
  local api = {}
  local base = "/v1/messages/batches"

  --- Creates a batch: `params.requests` is a list of `{custom_id = ..., params = {...}}`
  -- (params as for `messages.create`). Returns the batch, or nil, err.
  function api.create(a, b, c)
    local params, opts = args(api, a, b, c)
    local where = "anthropic.messages.batches.create"
    if type(params) ~= "table" then raise(("%s: params must be a table, got %s"):format(where, type(params))) end
    if type(params.requests) ~= "table" then
      raise(where .. ": params.requests must be a list of {custom_id = ..., params = {...}}")
    end
    return client:request(request_of(client, where, opts, { method = "POST", path = base, body = params }))
  end

  --- One batch (its `processing_status`, `request_counts`, `results_url`...), or nil, err.
  function api.retrieve(a, b, c)
    local id, opts = args(api, a, b, c)
    local where = "anthropic.messages.batches.retrieve"
    local path = base .. "/" .. check_id(where, "batch id", id)
    return client:request(request_of(client, where, opts, { method = "GET", path = path }))
  end

  --- Lists the batches, newest first: a page (see `anthropic.pagination`), or nil, err.
  function api.list(a, b)
    local opts = args(api, a, b)
    local where = "anthropic.messages.batches.list"
    local query, rest = pagination.split(where, opts)
    return pagination.fetch(client, request_of(client, where, rest, { method = "GET", path = base, query = query }))
  end

  --- Asks for a batch to be cancelled: the batch (now `canceling`), or nil, err.
  function api.cancel(a, b, c)
    local id, opts = args(api, a, b, c)
    local where = "anthropic.messages.batches.cancel"
    local path = base .. "/" .. check_id(where, "batch id", id) .. "/cancel"
    return client:request(request_of(client, where, opts, { method = "POST", path = path }))
  end

  --- Deletes an ended batch: `{id = ..., type = "message_batch_deleted"}`, or nil, err.
  function api.delete(a, b, c)
    local id, opts = args(api, a, b, c)
    local where = "anthropic.messages.batches.delete"
    local path = base .. "/" .. check_id(where, "batch id", id)
    return client:request(request_of(client, where, opts, { method = "DELETE", path = path }))
  end

  --- The results of an ended batch, read from its `results_url` one line at
  -- a time in constant memory: a results object to iterate
  -- (`for r in results do`), each result `{custom_id = ..., result = {type =
  -- "succeeded"|"errored"|"canceled"|"expired", message = ..., error = ...}}`.
  -- Returns nil, err when the batch cannot be read or has no results yet
  -- (type `batch_not_ready`). A failure in the middle ends the loop and
  -- sets `results.error`. opts: the request options (`timeout` bounds the
  -- whole download; none by default).
  function api.results(a, b, c)
    local id, opts = args(api, a, b, c)
    local where = "anthropic.messages.batches.results"
    check_id(where, "batch id", id)
    local o = options.request(where, opts)
    local batch, err = api.retrieve(id, { headers = o.headers, betas = o.betas, max_retries = o.max_retries })
    if not batch then return nil, err end
    if type(batch.results_url) ~= "string" or batch.results_url == "" then
      return nil, errors.new({
        type = "batch_not_ready", processing_status = batch.processing_status,
        message = ("batch %s has no results yet: its processing_status is %s"):format(
          id, tostring(batch.processing_status)),
      })
    end
    local url = batch.results_url
    if not url:match("^[hH][tT][tT][pP][sS]?://") then url = client.base_url .. url end
    local t, info = open_transfer(client, {
      method = "GET", url = url, lines = true, accept = "application/binary",
      headers = o.headers, betas = o.betas, timeout = o.timeout, max_retries = o.max_retries,
      idle_timeout = o.stream_idle_timeout,
    }, "head")
    if not t then return nil, info end
    return setmetatable({ client = client, transfer = t, response = info, count = 0, ended = false,
                          batch = batch }, Results)
  end

  --- Polls a batch until its `processing_status` is "ended": the batch, or
  -- nil, err (a failed poll, or `timeout_error` when `opts.timeout` seconds
  -- passed). opts: `interval` (seconds between polls, default 10; the first
  -- poll is at once), `timeout` (seconds in all; none by default).
  -- Sleeps with `anthropic.async` inside a task.
  function api.wait(a, b, c)
    local id, opts = args(api, a, b, c)
    local where = "anthropic.messages.batches.wait"
    check_id(where, "batch id", id)
    opts = opts or {}
    if type(opts) ~= "table" then raise(where .. ": options must be a table") end
    for k, v in pairs(opts) do
      if k ~= "interval" and k ~= "timeout" then raise(("%s: unknown option '%s'"):format(where, tostring(k))) end
      if type(v) ~= "number" or not (v > 0 and v < math.huge) then
        raise(("%s: option '%s' must be a positive number of seconds"):format(where, k))
      end
    end
    local interval = opts.interval or M.BATCH_POLL_INTERVAL
    local deadline = opts.timeout and core.now() + opts.timeout
    while true do
      local batch, err = api.retrieve(id)
      if not batch then return nil, err end
      if batch.processing_status == "ended" then return batch end
      local left = deadline and deadline - core.now()
      if left and left <= 0 then
        return nil, errors.new({ type = "timeout_error", reason = "batch_wait", batch = batch,
          message = ("batch %s is still %s after %g seconds"):format(id, tostring(batch.processing_status),
                                                                     opts.timeout) })
      end
      async.sleep(left and math.min(interval, left) or interval)
    end
  end

  messages_api.batches = api
  return api
end

-- ---------------------------------------------------------------------------
-- Files (beta)
-- ---------------------------------------------------------------------------

--- Media types by file extension, for uploads.
M.media_types = {
  pdf = "application/pdf", txt = "text/plain", md = "text/markdown", markdown = "text/markdown",
  csv = "text/csv", tsv = "text/tab-separated-values", json = "application/json", jsonl = "application/jsonl",
  html = "text/html", htm = "text/html", xml = "application/xml", yaml = "application/yaml",
  yml = "application/yaml", jpg = "image/jpeg", jpeg = "image/jpeg", png = "image/png", gif = "image/gif",
  webp = "image/webp", docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zip = "application/zip",
}

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

-- The multipart part of an upload, from a path or {data|path, filename, type}.
local function upload_part(where, source)
  local part = { name = "file" }
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

local function files(client)
  local api = {}
  local base = "/v1/files"

  local function req_of(where, opts, fields)
    return with_beta(request_of(client, where, opts, fields), M.FILES_BETA)
  end

  --- Uploads a file (multipart, streamed from disk): its metadata (`id`,
  -- `filename`, `mime_type`, `size_bytes`, `created_at`...), or nil, err.
  -- `source`: a path, or `{data = bytes, filename = ..., type = ...}` (or
  -- `{path = ..., filename = ..., type = ...}` to override the name or type).
  -- The media type comes from the extension, else from the first bytes.
  function api.upload(a, b, c)
    local source, opts = args(api, a, b, c)
    local where = "anthropic.files.upload"
    local part = upload_part(where, source)
    return client:request(req_of(where, opts, { method = "POST", path = base, multipart = { part } }))
  end

  --- Lists the files, newest first: a page (see `anthropic.pagination`), or nil, err.
  function api.list(a, b)
    local opts = args(api, a, b)
    local where = "anthropic.files.list"
    local query, rest = pagination.split(where, opts)
    return pagination.fetch(client, req_of(where, rest, { method = "GET", path = base, query = query }))
  end

  --- A file's metadata, or nil, err.
  function api.retrieve_metadata(a, b, c)
    local id, opts = args(api, a, b, c)
    local where = "anthropic.files.retrieve_metadata"
    local path = base .. "/" .. check_id(where, "file id", id)
    return client:request(req_of(where, opts, { method = "GET", path = path }))
  end

  --- Deletes a file: `{id = ..., type = "file_deleted"}`, or nil, err.
  function api.delete(a, b, c)
    local id, opts = args(api, a, b, c)
    local where = "anthropic.files.delete"
    local path = base .. "/" .. check_id(where, "file id", id)
    return client:request(req_of(where, opts, { method = "DELETE", path = path }))
  end

  --- Downloads a file's content to `path`, streamed to disk (written to
  -- `path .. ".part"`, renamed when complete, so a failure never leaves half
  -- a file): returns `path`, or nil, err. Only files created by the API
  -- (skills, code execution) can be downloaded.
  function api.download(a, b, c, d)
    local id, path, opts
    if rawequal(a, api) then id, path, opts = b, c, d else id, path, opts = a, b, c end
    local where = "anthropic.files.download"
    local url_path = base .. "/" .. check_id(where, "file id", id) .. "/content"
    if type(path) ~= "string" or path == "" then
      raise(("%s: path must be a non-empty string, got %s"):format(where, type(path)))
    end
    local part = path .. ".part"
    local probe = io.open(part, "wb")
    if not probe then raise(("%s: cannot write %s"):format(where, part)) end
    probe:close()
    local req = req_of(where, opts, { method = "GET", path = url_path, output = part, accept = "application/binary" })
    local t, err = open_transfer(client, req, "done")
    if not t then
      os.remove(part)
      return nil, err
    end
    t:close()
    local ok, rerr = os.rename(part, path)
    if not ok then
      os.remove(part)
      return nil, errors.new({ type = "io_error", message = tostring(rerr) })
    end
    return path
  end

  return api
end

-- ---------------------------------------------------------------------------
-- Structured output
-- ---------------------------------------------------------------------------

local function parse(messages_api)
  --- Sends a message (as `create`) whose answer is JSON — with
  -- `output_config = {format = {type = "json_schema", schema = ...}}` —
  -- and decodes it: the message with `parsed_output` set, or nil, err
  -- (type `parse_error`, with `err.text` and `err.message_value`, when the
  -- text is not valid JSON).
  function messages_api.parse(a, b, c)
    local params, opts = args(messages_api, a, b, c)
    local msg, err = messages_api.create(params, opts)
    if not msg then return nil, err end
    local text = require("anthropic.text")(msg)
    local value, jerr = core.decode_safe(text)
    if value == nil then
      local why = msg.stop_reason and msg.stop_reason ~= "end_turn"
        and (" (stop_reason " .. tostring(msg.stop_reason) .. ")") or ""
      local info = require("anthropic.client").response_of(msg)
      return nil, errors.new({
        type = "parse_error", text = text, message_value = msg,
        message = ("the answer is not valid JSON%s: %s"):format(why, tostring(jerr)),
        request_id = info and info.request_id,
      })
    end
    msg.parsed_output = value
    return msg
  end
end

--- Adds the resource tables (models, files, batches, ...) to a client.
function M.attach(client)
  client.models = models(client)
  client.files = files(client)
  batches(client, client.messages)
  parse(client.messages)
  require("anthropic.tools").attach(client, client.messages)
end

return M
