--- Drives a client from a libuv loop (Neovim's `vim.uv`/`vim.loop`, or luv):
-- the loop watches libcurl's sockets and timer, so async requests and streams
-- make progress while the host's loop runs, with no blocking and no thread.
--
--   local driver = require("anthropic.uv").attach(client)  -- [, uv [, opts]]
--   client.messages.stream_async(params, { on_text = function(delta) ... end })
--   -- ... the host loop runs ...
--   driver:detach()
--
-- How: `session:watch()` puts the session in libcurl's socket mode; its
-- callbacks only record which sockets libcurl wants watched and when its
-- timer is due (no Lua runs inside libcurl). After every action, and once per
-- loop iteration (an unreferenced prepare handle, which also picks up requests
-- started from anywhere), the driver pulls those changes (`session:changes()`)
-- into one uv poll handle per socket and one uv timer, then calls
-- `client:dispatch()`: the callbacks of async requests and streams run there,
-- from a uv callback. An error they raise is caught and reported
-- (`opts.on_error(err)`, else `vim.notify` in Neovim, else stderr) and the
-- driver keeps working.
--
-- In Neovim, callbacks run in a "fast" loop context where most `vim.api`
-- calls are not allowed: wrap such code in `vim.schedule`, or attach with
-- `{ schedule = vim.schedule }` so that dispatching itself is scheduled.
--
-- Blocking calls (`client.messages.create`, `s:final_message()`...) still work
-- on an attached client: they poll(2) the same sockets themselves; they just
-- block the host loop meanwhile.
-- @module anthropic.uv
local core = require("anthropic.core")
local raise = require("anthropic.misuse").raise

local M = {}

local Driver = {}
Driver.__index = Driver
M.Driver = Driver

local floor = math.floor
local unpack = table.unpack or unpack ---@diagnostic disable-line: deprecated
local SAFETY_MS = 250 -- while async work is pending, dispatch at least this often

-- The driver's internals, defined below (forward-declared: the callbacks
-- made in attach refer to them).
local protect, closed, apply, sync, arm, dispatch, after, record, act, fire

local function default_uv()
  local vim = rawget(_G, "vim")
  if type(vim) == "table" then
    local uv = rawget(vim, "uv") or vim.uv or vim.loop
    if uv then return uv end
  end
  local ok, luv = pcall(require, "luv")
  if ok then return luv end
  raise("anthropic.uv: no libuv binding found: pass one (vim.uv, vim.loop or require('luv'))")
end

local function report(self, err)
  if self.on_error then
    local ok, e = pcall(self.on_error, err)
    if ok then return end
    err = tostring(err) .. " (and on_error failed: " .. tostring(e) .. ")"
  end
  local msg = "anthropic.uv: " .. tostring(err)
  local vim = rawget(_G, "vim")
  if type(vim) == "table" and vim.notify then
    -- vim.notify may call vim.api, which a fast (loop) context forbids.
    local level = vim.log and vim.log.levels and vim.log.levels.ERROR
    if vim.schedule then
      vim.schedule(function() vim.notify(msg, level) end)
    else
      pcall(vim.notify, msg, level)
    end
  else
    io.stderr:write(msg, "\n")
  end
end

local function traceback(err)
  return debug.traceback(tostring(err), 2)
end

--- Attaches a driver to `client`.
-- @param client an `anthropic` client
-- @param[opt] uv a luv module (default `vim.uv or vim.loop`, else `require("luv")`)
-- @tparam[opt] table opts `on_error(err)` (default: vim.notify / stderr),
--   `schedule` (e.g. `vim.schedule`: run `client:dispatch()` through it),
--   `traceback` (report errors with a traceback, default false)
-- @return the driver (also stored as `client.driver`)
function M.attach(client, uv, opts)
  opts = opts or {}
  if client.driver then
    if uv == nil or client.driver.uv == uv then return client.driver end
    raise("anthropic.uv: the client already has a driver: detach it first")
  end
  uv = uv or default_uv()
  local self = setmetatable({
    client = client,
    session = client.session,
    uv = uv,
    polls = {},     -- fd -> uv poll handle
    modes = {},     -- fd -> "r" | "w" | "rw"
    curl_due = nil, -- uv.now() ms when libcurl's timer is due
    idle_due = nil, -- uv.now() ms of the nearest stream idle deadline
    armed = nil,    -- due time the uv timer is armed for
    running = 0,
    pending = 0,
    on_error = opts.on_error,
    schedule = opts.schedule,
    handler = opts.traceback and traceback or nil,
  }, Driver)
  self.session:watch()
  self.timer = uv.new_timer()
  self.prepare = uv.new_prepare()
  self.on_timer = function() fire(self) end
  self.prepare:start(function()
    local watched, dirty = self.session:watched()
    if not watched then return self:detach() end -- the client was closed
    if dirty and sync(self) then after(self) end
  end)
  self.prepare:unref() -- never keeps the loop alive by itself
  -- Events left queued by the dispatch budget are taken on the next loop
  -- turn by an idle handle (a 0 ms timer re-armed from a timer would run
  -- again in the same timers phase and starve the loop).
  self.check = uv.new_check()
  self.on_check = function()
    self.checking = false
    self.check:stop()
    if closed(self) then return end
    after(self)
  end
  self.idle = uv.new_idle()
  self.on_idle = function()
    if closed(self) then return end
    if self.curl_due and self.curl_due <= self.uv.now() then
      self.curl_due = nil
      record(self, protect(self, self.session.timeout_action, self.session))
    end
    after(self)
  end
  -- A loop with no active handle runs nothing, not even the prepare handle:
  -- so when an async request or stream starts, `client:track` calls
  -- `driver:kick()` to arm the handles at once.
  client.driver = self
  if sync(self) then after(self) end
  return self
end

function Driver:__tostring()
  local n = 0
  for _ in pairs(self.polls) do n = n + 1 end
  return ("anthropic.uv driver (%s, %d sockets, %d transfers)"):format(
    self.detached and "detached" or "attached", n, self.running)
end

-- Runs f(...) protected; reports and returns nil on error.
function protect(self, f, ...)
  local out
  if self.handler then
    local args, n = { ... }, select("#", ...)
    out = { xpcall(function() return f(unpack(args, 1, n)) end, self.handler) }
  else
    out = { pcall(f, ...) }
  end
  if not out[1] then
    report(self, out[2])
    return nil
  end
  return out[2], out[3]
end

-- Whether the driver is detached (detaching it when its client was closed).
function closed(self)
  if self.detached then return true end
  if not self.session:watched() then -- the client was closed
    self:detach()
    return true
  end
  return false
end

local function mode_of(what)
  if what == "in" then return "r" elseif what == "out" then return "w" else return "rw" end
end

-- Applies one socket change from libcurl to a uv poll handle.
function apply(self, fd, what)
  local uv = self.uv
  local p = self.polls[fd]
  if what == "remove" then
    if p then
      self.polls[fd], self.modes[fd] = nil, nil
      p:stop()
      if not p:is_closing() then p:close() end
    end
    return
  end
  local mode = mode_of(what)
  if not p then
    local err
    p, err = uv.new_poll(fd)
    if not p then
      report(self, ("cannot watch socket %d: %s"):format(fd, tostring(err)))
      return
    end
    self.polls[fd] = p
  elseif self.modes[fd] == mode then
    return
  end
  self.modes[fd] = mode
  p:start(mode, function(err, events)
    if self.polls[fd] ~= p then return end
    events = events or ""
    act(self, fd, events:find("r", 1, true) ~= nil, events:find("w", 1, true) ~= nil, err ~= nil)
  end)
end

-- Pulls libcurl's socket and timer changes into uv handles. True when
-- anything changed.
function sync(self)
  if closed(self) then return false end
  local changes, timer_ms = protect(self, self.session.changes, self.session)
  if not changes then return false end
  for i = 1, #changes do
    local c = changes[i]
    apply(self, c[1], c[2])
  end
  if timer_ms then
    self.curl_due = timer_ms >= 0 and self.uv.now() + timer_ms or nil
  end
  return #changes > 0 or timer_ms ~= nil
end

-- The earliest retry back-off among the client's calls (ms from now).
local function nearest_retry(client)
  local at = client:next_retry()
  return at and math.max(0, (at - core.now()) * 1000)
end

-- Arms the uv timer for the earliest of libcurl's timer, the nearest idle
-- deadline, a retry back-off and (while work is pending) the safety tick.
function arm(self)
  if self.detached then return end
  local now = self.uv.now()
  local due = self.curl_due
  if self.idle_due and (not due or self.idle_due < due) then due = self.idle_due end
  if self.pending > 0 then
    local retry = nearest_retry(self.client)
    local limit = now + (retry and math.min(retry, SAFETY_MS) or SAFETY_MS)
    if not due or limit < due then due = limit end
  end
  if due then due = floor(due + 0.5) end
  -- Work due now (libcurl asks for 0 ms, e.g. after a pause, or events left
  -- by the dispatch budget) goes to the idle handle: a timer armed for 0 ms
  -- from a timer callback runs again in the same timers phase and starves
  -- the loop.
  local now_due = due and due <= now
  if now_due then due = nil end
  local idle = self.more or now_due
  if idle and not self.idling then
    self.idling = true
    self.idle:start(self.on_idle)
  elseif not idle and self.idling then
    self.idling = false
    self.idle:stop()
  end
  if due == self.armed then return end
  self.timer:stop()
  self.armed = due
  if due then self.timer:start(math.max(0, due - now), 0, self.on_timer) end
end

-- Dispatches the client (through opts.schedule when given).
function dispatch(self)
  if self.schedule then
    if self.scheduled then return end
    self.scheduled = true
    self.schedule(function()
      self.scheduled = false
      if self.detached then return end
      local n, more = protect(self, self.client.dispatch, self.client)
      self.pending, self.more = n or self.pending, more
      arm(self)
    end)
    return
  end
  local n, more = protect(self, self.client.dispatch, self.client)
  if n then self.pending, self.more = n, more end
end

-- After an action: changes, then dispatch, then the timer.
function after(self)
  if self.detached then return end
  sync(self)
  dispatch(self)
  if self.detached then return end
  sync(self) -- dispatch may have started requests (retries, follow-ups)
  arm(self)
end

-- Records what a libcurl action reported: transfers running, nearest idle deadline.
function record(self, running, idle_ms)
  if running == nil then return end
  self.running = running
  self.idle_due = idle_ms and idle_ms >= 0 and self.uv.now() + idle_ms or nil
end

--- Applies what changed since the last action (new transfers, a blocking
-- call's work) to the uv handles now, without dispatching: called when an
-- async request or stream starts. Safe from anywhere but libcurl callbacks.
function Driver:kick()
  if sync(self) then arm(self) end
end

-- Socket `fd` is ready: lets libcurl act on it, then dispatches.
function act(self, fd, readable, writable, failed)
  if closed(self) then return end
  record(self, protect(self, self.session.socket_action, self.session, fd, readable, writable, failed))
  -- Dispatch once per loop turn (in the check phase, after every ready
  -- socket had its turn), not once per socket.
  if not self.checking then
    self.checking = true
    self.check:start(self.on_check)
  end
end

-- The uv timer fired: libcurl's timeout, idle deadlines, dispatch.
function fire(self)
  self.armed = nil
  if closed(self) then return end
  if self.curl_due and self.curl_due <= self.uv.now() then self.curl_due = nil end
  record(self, protect(self, self.session.timeout_action, self.session))
  after(self)
end

--- Stops and closes the driver's uv handles; `client.driver` is cleared. The
-- session stays in socket mode (blocking calls keep working); attach again
-- to drive it from a loop.
function Driver:detach()
  if self.detached then return end
  self.detached = true
  for fd, p in pairs(self.polls) do
    self.polls[fd] = nil
    pcall(p.stop, p)
    if not p:is_closing() then p:close() end
  end
  self.modes = {}
  for _, h in ipairs({ self.timer, self.prepare, self.idle, self.check }) do
    pcall(h.stop, h)
    if not h:is_closing() then h:close() end
  end
  if self.client.driver == self then self.client.driver = nil end
end

return M
