--- A client: its options, its libcurl session (so connections are reused),
-- the handles in flight, and the API areas bound to it (`client.messages`,
-- `client.models`, `client.files`, ...). How a request travels is in
-- `anthropic.call` (the lifecycle) and `anthropic.wire` (URL, headers,
-- credentials, decoding).
-- @module anthropic.client
local core = require("anthropic.core")
local codec = require("anthropic.codec")
local options = require("anthropic.options")
local wire = require("anthropic.wire")
local response = require("anthropic.response")
local call = require("anthropic.call")
local request = require("anthropic.request")
local stream = require("anthropic.stream")
local messages = require("anthropic.messages")
local models = require("anthropic.models")
local files = require("anthropic.files")
local raise = require("anthropic.misuse").raise
local skills = require("anthropic.skills")

local M = {}

local Client = {}
Client.__index = Client
M.Client = Client

--- The API areas of a client, in the order they are bound: each module's
-- `bind(client)` returns the table stored under that name.
M.AREAS = {
  { name = "messages", module = messages },
  { name = "models", module = models },
  { name = "files", module = files },
  { name = "skills", module = skills },
}

--- Binds every API area to `target` (a client), as `target[name]`.
function M.bind_areas(target)
  for _, area in ipairs(M.AREAS) do target[area.name] = area.module.bind(target) end
  return target
end

-- client -> the options it was made with (its credentials among them), weakly.
local made_with = setmetatable({}, { __mode = "k" })

--- Makes a client.
-- @tparam[opt] table opts see `anthropic.options`
function M.new(opts)
  return M.make(opts)
end

--- Makes a client with `opts`, on `session` when given (shared with the
-- client that made it, which keeps owning it), else on a new one.
function M.make(opts, session)
  local o = options.client(opts)
  local self = setmetatable({
    base_url = o.base_url,
    anthropic_version = o.anthropic_version,
    timeout = o.timeout,
    timeout_is_default = o.timeout_is_default,
    connect_timeout = o.connect_timeout,
    stream_idle_timeout = o.stream_idle_timeout,
    max_retries = o.max_retries,
    default_headers = o.default_headers,
    proxy = o.proxy,
    ca_file = o.ca_file,
    ca_path = o.ca_path,
    insecure_skip_tls_verify = o.insecure_skip_tls_verify,
    codec = codec.adapt(o.json),
    session = session or core.session(),
    owns_session = session == nil,
    pending = {},                                  -- async handles not done yet
    turn = 0,                                      -- where the next dispatch starts among them
    backoff = setmetatable({}, { __mode = "k" }), -- calls waiting to retry -> when
  }, Client)
  wire.set_credentials(self, o)
  local copy = {}
  for k, v in pairs(opts or {}) do copy[k] = v end
  made_with[self] = copy
  return M.bind_areas(self)
end

--- A client with some options changed (`opts`, as for `anthropic.new`; the
-- credentials stay unless given) that shares this client's connections.
-- Closing it leaves them to this client.
function Client:with_options(opts)
  if type(opts) ~= "table" then raise("client:with_options: options must be a table, got " .. type(opts)) end
  local merged = {}
  for k, v in pairs(made_with[self]) do merged[k] = v end
  for k, v in pairs(opts) do merged[k] = v end
  local c = M.make(merged, self.session)
  c.platform = self.platform -- a Bedrock or Vertex client stays one
  return c
end

function Client:__tostring()
  return ("anthropic.client (%s)"):format(self.base_url)
end

--- Closes the client's connections; later calls raise. (A client made by
-- `with_options` leaves the shared connections to the client that made it.)
function Client:close()
  if self.driver then self.driver:detach() end
  if self.owns_session then self.session:close() end
end
Client.__close = Client.close -- `local client <close> = anthropic.new()` on 5.4; its session has __gc

--- Runs a request to its end with retries: returns the decoded body, or nil
-- and an error. `req`: method, path, query, body (a Lua value), headers,
-- betas, timeout, max_retries (see `anthropic.call`). Blocks, or yields
-- inside `anthropic.async`.
function Client:request(req)
  local c = call.start(self, req, "value")
  c:wait()
  if c.error then return nil, c.error end
  return c.value
end

--- Starts a request without waiting: an `anthropic.request`;
-- `on_done(value, err)` is optional.
function Client:request_async(req, on_done)
  return request.start(self, req, on_done)
end

--- Starts a streaming request: waits for the response headers (retrying
-- failures that come before them) and returns an `anthropic.stream`, or nil
-- and an error. `req` as for `request`, plus `idle_timeout`.
function Client:stream(req, callbacks)
  local s = stream.start(self, req, callbacks)
  if not s:connect() then return nil, s.error end
  return s
end

--- Starts a streaming request without waiting: the stream at once; its
-- failures, if any, end up in `s.error`.
function Client:stream_async(req, callbacks)
  local s = stream.start(self, req, callbacks)
  self:track(s)
  return s
end

--- Remembers a handle (anything with `h:step(max)`) until it is done, so
-- `client:poll()`, `client:dispatch()` and host-loop drivers move it on.
function Client:track(h)
  self.pending[h] = true
  if self.driver then self.driver:kick() end
end

--- Forgets a handle (it is done, or closed).
function Client:untrack(h)
  self.pending[h] = nil
end

--- When the earliest retry back-off of the client's calls ends (`core.now()`
-- seconds), or nil when none waits.
function Client:next_retry()
  local best
  for _, at in pairs(self.backoff) do
    if not best or at < best then best = at end
  end
  return best
end

-- How much one dispatch does before it gives the host loop back: events per
-- stream, and time in all (a stream's 64 text deltas take some 0.1 ms; the
-- time is looked at between handles, so a dispatch ends within about 0.5 ms:
-- a frame of a 120 Hz loop is 8.3 ms).
local DISPATCH_EVENTS, DISPATCH_SECONDS = 64, 0.0003

--- Moves every pending async request and stream on (their callbacks run
-- here), without driving the network, within a small budget so a host loop
-- never stalls. Returns how many are still pending, and whether events are
-- left queued (dispatch again soon).
function Client:dispatch()
  local list = {}
  for h in pairs(self.pending) do list[#list + 1] = h end
  local count, n, more, stepped, behind = #list, 0, false, 0, false
  local deadline = core.now() + DISPATCH_SECONDS
  -- Round robin: each dispatch starts past the handles the last one got to,
  -- so when the budget runs out early (slow callbacks, a slow machine) the
  -- handles left over come first next time instead of never.
  local first = count > 0 and self.turn % count or 0
  for k = 0, count - 1 do
    local h = list[(first + k) % count + 1]
    if k > 0 and core.now() > deadline then
      n, behind = n + 1, true -- its turn comes in a later dispatch
    else
      local done, left = h:step(DISPATCH_EVENTS)
      stepped = stepped + 1
      if done then self.pending[h] = nil else n = n + 1 end
      if left then more = true end
    end
  end
  self.turn = first + stepped
  self.backlog = more and "events" or behind and "handles"
  return n, more or behind
end

--- Drives every transfer of the client, waiting at most `timeout_ms` for
-- network activity, then dispatches. Returns how many are still pending.
function Client:poll(timeout_ms)
  if not self.driver then
    -- Events left queued: no wait. Handles the budget left unstepped (with
    -- nothing known to be ready): a wait of at most 1 ms, so that the loop
    -- does not spin against the network thread it waits for.
    local wait = timeout_ms or 0
    if self.backlog == "events" then wait = 0 elseif self.backlog and wait > 1 then wait = 1 end
    self.session:perform(wait)
  end
  return self:dispatch()
end

--- The response record of a value returned by an API call:
-- `{status, headers, request_id, attempts}`, or nil.
M.response_of = response.of

return M
