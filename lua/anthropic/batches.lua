--- The Message Batches API: `client.messages.batches` (create, retrieve,
-- list, cancel, delete, results, wait).
-- @module anthropic.batches
local core = require("anthropic.core")
local async = require("anthropic.async")
local errors = require("anthropic.errors")
local options = require("anthropic.options")
local endpoint = require("anthropic.endpoint")
local pagination = require("anthropic.pagination")
local batch_results = require("anthropic.batch_results")
local raise = require("anthropic.misuse").raise

local M = {}

--- Seconds between two polls of `batches.wait` unless told otherwise.
M.POLL_INTERVAL = 10

local BASE = "/v1/messages/batches"

--- The `messages.batches` table of a client.
function M.bind(client)
  local api = {}
  local args, id_of = endpoint.args, endpoint.id

  --- Creates a batch: `params.requests` is a list of `{custom_id = ..., params = {...}}`
  -- (params as for `messages.create`). Returns the batch, or nil, err.
  function api.create(a, b, c)
    local params, opts = args(api, a, b, c)
    local where = "anthropic.messages.batches.create"
    endpoint.check_params(where, params)
    if type(params.requests) ~= "table" then
      raise(where .. ": params.requests must be a list of {custom_id = ..., params = {...}}")
    end
    local req = endpoint.request(client, where, opts, { method = "POST", path = BASE })
    req.body = endpoint.lift_headers(where, params, req)
    return client:request(req)
  end

  -- One batch (its `processing_status`, `request_counts`, `results_url`...), or nil, err.
  api.retrieve = endpoint.by_id(client, api, "anthropic.messages.batches.retrieve", "GET", BASE, "batch id")
  -- Asks for a batch to be cancelled: the batch (now `canceling`), or nil, err.
  api.cancel = endpoint.by_id(client, api, "anthropic.messages.batches.cancel", "POST", BASE, "batch id", "/cancel")
  -- Deletes an ended batch: `{id = ..., type = "message_batch_deleted"}`, or nil, err.
  api.delete = endpoint.by_id(client, api, "anthropic.messages.batches.delete", "DELETE", BASE, "batch id")

  --- Lists the batches, newest first: a page (see `anthropic.pagination`), or nil, err.
  function api.list(a, b)
    local opts = args(api, a, b)
    local where = "anthropic.messages.batches.list"
    local query, rest = pagination.split(where, opts, "id")
    return pagination.fetch(client, endpoint.request(client, where, rest, { method = "GET", path = BASE,
                                                                             query = query }), "id")
  end

  --- The results of an ended batch, read from its `results_url` one line at
  -- a time in constant memory: an `anthropic.batch_results` handle to
  -- iterate (`for r in results do`), each result `{custom_id = ..., result =
  -- {type = "succeeded"|"errored"|"canceled"|"expired", message = ..., error = ...}}`.
  -- Returns nil, err when the batch cannot be read or has no results yet
  -- (type `batch_not_ready`). A failure in the middle ends the loop and
  -- sets `results.error`. opts: the request options (`timeout` bounds the
  -- whole download; none by default) and `on_done(count, err)`.
  function api.results(a, b, c)
    local id, opts = args(api, a, b, c)
    local where = "anthropic.messages.batches.results"
    id_of(where, "batch id", id)
    local on_done
    if type(opts) == "table" and opts.on_done ~= nil then
      on_done = opts.on_done
      if type(on_done) ~= "function" then raise(where .. ": option 'on_done' must be a function") end
      local rest = {}
      for k, v in pairs(opts) do
        if k ~= "on_done" then rest[k] = v end
      end
      opts = rest
    end
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
    return batch_results.open(client, batch, url, {
      headers = o.headers, betas = o.betas, timeout = o.timeout, max_retries = o.max_retries,
      idle_timeout = o.stream_idle_timeout,
    }, on_done)
  end

  --- Polls a batch until its `processing_status` is "ended": the batch, or
  -- nil, err (a failed poll, or `timeout_error` when `opts.timeout` seconds
  -- passed). opts: `interval` (seconds between polls, default 10; the first
  -- poll is at once), `timeout` (seconds in all; none by default).
  -- Sleeps with `anthropic.async` inside a task.
  function api.wait(a, b, c)
    local id, opts = args(api, a, b, c)
    local where = "anthropic.messages.batches.wait"
    id_of(where, "batch id", id)
    opts = opts or {}
    if type(opts) ~= "table" then raise(where .. ": options must be a table") end
    for k, v in pairs(opts) do
      if k ~= "interval" and k ~= "timeout" then raise(("%s: unknown option '%s'"):format(where, tostring(k))) end
      if type(v) ~= "number" or not (v > 0 and v < math.huge) then
        raise(("%s: option '%s' must be a positive number of seconds"):format(where, k))
      end
    end
    local interval = opts.interval or M.POLL_INTERVAL
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

  return api
end

return M
