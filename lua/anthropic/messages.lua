--- The Messages API: `client.messages` (create, create_async, stream,
-- stream_async, count_tokens, parse, run_tools, batches).
-- Both call styles work: `client.messages.create{...}` and
-- `client.messages:create{...}`.
-- @module anthropic.messages
local options = require("anthropic.options")
local endpoint = require("anthropic.endpoint")
local parse = require("anthropic.parse")
local tools = require("anthropic.tools")
local batches = require("anthropic.batches")
local raise = require("anthropic.misuse").raise
local args, check_params = endpoint.args, endpoint.check_params

local M = {}

-- Output tokens a non-streaming request may ask for before it would likely
-- outlive the default ten-minute timeout (the official SDKs' estimate of
-- 128 000 tokens an hour).
M.NONSTREAMING_MAX_TOKENS = math.floor(600 * 128000 / 3600)

-- A POST of body to path with the request options o; the params that are
-- headers (workspace_id, user_profile_id) go there.
local function post(client, where, path, body, o)
  local req = { method = "POST", path = path, headers = o.headers, betas = o.betas, body = body,
                timeout = o.timeout or client.timeout, max_retries = o.max_retries }
  if body.workspace_id ~= nil or body.user_profile_id ~= nil then req.body = endpoint.lift_headers(where, body, req) end
  return req
end

-- The request of `create`: checks params and options; refuses what would
-- outlive the default timeout without streaming.
local function create_request(client, where, params, opts, async)
  if type(params) ~= "table" then check_params(where, params) end
  local o, callbacks = options.request(where, opts, async and "async")
  if params.stream == true then
    raise(where .. ": stream = true needs messages.stream (create returns whole messages)")
  end
  local mt = params.max_tokens
  if client.timeout_is_default and not o.timeout and type(mt) == "number"
      and mt > M.NONSTREAMING_MAX_TOKENS and mt < math.huge then
    raise(("%s: max_tokens %s may take longer than 10 minutes to generate; use messages.stream, " ..
           "or set a timeout to send it anyway"):format(where, tostring(mt)))
  end
  return post(client, where, "/v1/messages", params, o), callbacks and callbacks.on_done
end

-- The request of `stream`: params with stream = true (the caller's table
-- is left alone), and the callbacks.
local function stream_request(client, where, params, opts)
  check_params(where, params)
  local o, callbacks = options.request(where, opts, true)
  local body = {}
  for k, v in pairs(params) do body[k] = v end
  body.stream = true
  local req = post(client, where, "/v1/messages", body, o)
  req.accept, req.stream = "text/event-stream", true
  -- A long answer may stream for more than ten minutes: unless a timeout is
  -- given for this request, a stream has no total limit, and the client's
  -- timeout bounds its silences instead (as the official SDKs bound each read).
  req.timeout = o.timeout
  req.idle_timeout = o.stream_idle_timeout or client.stream_idle_timeout or client.timeout
  return req, callbacks
end

--- The `messages` table of a client.
function M.bind(client)
  local api = {}

  --- Sends a message and waits for the whole answer: the message, or nil, err.
  function api.create(a, b, c)
    local params, opts = args(api, a, b, c)
    return client:request((create_request(client, "anthropic.messages.create", params, opts)))
  end

  --- Starts a message without waiting: an `anthropic.request` (`poll`, `wait`, `on_done`).
  -- opts: the request options plus `on_done(message, err)`.
  function api.create_async(a, b, c)
    local params, opts = args(api, a, b, c)
    return client:request_async(create_request(client, "anthropic.messages.create_async", params, opts, true))
  end

  --- Starts a streaming request (`"stream": true` on the wire): an
  -- `anthropic.stream`, or nil, err when it failed before its first event.
  -- opts: the request options plus `on_event(event, snapshot)`,
  -- `on_text(delta, snapshot)` and `on_done(message, err)`, called from the SDK's loop.
  function api.stream(a, b, c)
    local params, opts = args(api, a, b, c)
    return client:stream(stream_request(client, "anthropic.messages.stream", params, opts))
  end

  --- Starts a streaming request without waiting for its headers: the stream at once.
  function api.stream_async(a, b, c)
    local params, opts = args(api, a, b, c)
    return client:stream_async(stream_request(client, "anthropic.messages.stream_async", params, opts))
  end

  --- Counts the tokens of a request: `{input_tokens = n}`, or nil, err.
  function api.count_tokens(a, b, c)
    local params, opts = args(api, a, b, c)
    local where = "anthropic.messages.count_tokens"
    check_params(where, params)
    return client:request(post(client, where, "/v1/messages/count_tokens", params, options.request(where, opts)))
  end

  api.parse = parse.bind(api)
  api.run_tools = tools.bind(api)
  api.batches = batches.bind(client)
  return api
end

return M
