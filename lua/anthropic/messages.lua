--- The Messages API: `client.messages.create` and `count_tokens`.
-- Both call styles work: `client.messages.create{...}` and
-- `client.messages:create{...}`.
-- @module anthropic.messages
local options = require("anthropic.options")

local M = {}

-- Output tokens a non-streaming request may ask for before it would likely
-- outlive the default ten-minute timeout (the official SDKs' estimate of
-- 128 000 tokens an hour).
M.NONSTREAMING_MAX_TOKENS = math.floor(600 * 128000 / 3600)

local function check_params(where, params)
  if type(params) ~= "table" then
    error(("%s: params must be a table, got %s"):format(where, type(params)), 3)
  end
end

-- The arguments of a function called as api.f(params, opts) or api:f(params, opts).
local function args(api, a, b, c)
  if rawequal(a, api) then return b, c end
  return a, b
end

--- The `messages` table of a client.
function M.bind(client)
  local api = {}

  function api.create(a, b, c)
    local params, opts = args(api, a, b, c)
    local where = "anthropic.messages.create"
    check_params(where, params)
    local o = options.request(where, opts)
    if params.stream == true then
      error(where .. ": stream = true needs messages.stream (create returns whole messages)", 3)
    end
    local timeout = o.timeout or client.timeout
    if client.timeout_is_default and not o.timeout and type(params.max_tokens) == "number"
        and params.max_tokens > M.NONSTREAMING_MAX_TOKENS and params.max_tokens < math.huge then
      error(("%s: max_tokens %s may take longer than 10 minutes to generate; use messages.stream, " ..
             "or set a timeout to send it anyway"):format(where, tostring(params.max_tokens)), 3)
    end
    return client:request({
      method = "POST", path = "/v1/messages", body = params,
      headers = o.headers, betas = o.betas, timeout = timeout, max_retries = o.max_retries,
    })
  end

  --- Starts a streaming request (`"stream": true` on the wire): an
  -- `anthropic.stream`, or nil, err when it failed before its first event.
  -- opts: the request options plus `on_event(event, snapshot)` and
  -- `on_text(delta, snapshot)`, called from the SDK's loop.
  function api.stream(a, b, c)
    local params, opts = args(api, a, b, c)
    local where = "anthropic.messages.stream"
    check_params(where, params)
    local o, callbacks = options.request(where, opts, true)
    local body = {}
    for k, v in pairs(params) do body[k] = v end
    body.stream = true
    return client:stream({
      method = "POST", path = "/v1/messages", body = body, accept = "text/event-stream",
      headers = o.headers, betas = o.betas, timeout = o.timeout or client.timeout,
      max_retries = o.max_retries,
      idle_timeout = o.stream_idle_timeout or client.stream_idle_timeout,
    }, callbacks)
  end

  function api.count_tokens(a, b, c)
    local params, opts = args(api, a, b, c)
    local where = "anthropic.messages.count_tokens"
    check_params(where, params)
    local o = options.request(where, opts)
    return client:request({
      method = "POST", path = "/v1/messages/count_tokens", body = params,
      headers = o.headers, betas = o.betas, timeout = o.timeout or client.timeout,
      max_retries = o.max_retries,
    })
  end

  return api
end

M.args = args

return M
