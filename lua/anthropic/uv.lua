--- Drives a client from a libuv loop (Neovim's `vim.uv`/`vim.loop`, or luv):
-- async requests and streams make progress while the host's loop runs, with
-- no blocking.
--
--   local driver = require("anthropic.uv").attach(client)  -- [, uv [, opts]]
--   client.messages.stream_async(params, { on_text = function(delta) ... end })
--   -- ... the host loop runs ...
--   driver:detach()
--
-- How: the client's network runs on a thread of its own (connections, TLS,
-- reading, SSE framing); it makes one descriptor readable, `session:fd()`,
-- whenever a transfer got somewhere. The driver watches that descriptor with
-- one uv poll handle; when it turns readable the driver empties it
-- (`session:ack()`) and calls `client:dispatch()`: the callbacks of async
-- requests and streams run there, from a uv callback, within a budget (what
-- is left runs on the next loop turn, from an idle handle). A uv timer wakes
-- the driver for retry back-offs (and, while work is pending, now and then
-- anyway). An error the callbacks raise is caught and reported
-- (`opts.on_error(err)`, else `vim.notify` in Neovim, else stderr) and the
-- driver keeps working. The poll handle keeps the loop alive only while
-- work is pending, so `uv.run()` returns once everything is done.
--
-- Another host loop does the same with the descriptor: watch `fd` for
-- reading (LÖVE or Defold: nothing needed, call `client:poll(0)` each frame;
-- a C host: add it to its epoll/poll set), and when it is readable call
-- `client.session:ack()` then `client:dispatch()`.
--
-- In Neovim, callbacks run in a "fast" loop context where most `vim.api`
-- calls are not allowed: wrap such code in `vim.schedule`, or attach with
-- `{ schedule = vim.schedule }` so that dispatching itself is scheduled.
--
-- Blocking calls (`client.messages.create`, `s:final_message()`...) still work
-- on an attached client; they just block the host loop meanwhile.
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
local NO_FD_MS = 5    -- without a descriptor (Windows), how often to look while work is pending

-- The driver's internals, defined below (forward-declared: the callbacks
-- made in attach refer to them).
local protect, closed, arm, dispatch, after

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
    armed = nil,    -- uv.now() ms the timer is armed for
    running = 0,
    pending = 0,
    on_error = opts.on_error,
    schedule = opts.schedule,
    handler = opts.traceback and traceback or nil,
  }, Driver)
  self.timer = uv.new_timer()
  self.on_timer = function()
    self.armed = nil
    if closed(self) then return end
    after(self)
  end
  local fd = self.session:fd()
  if fd then
    local poll, err = uv.new_poll(fd)
    if not poll then raise("anthropic.uv: cannot watch the client's descriptor: " .. tostring(err)) end
    self.poll = poll
    poll:start("r", function()
      if closed(self) then return end
      after(self)
    end)
  end
  -- Events left queued by the dispatch budget are taken on the next loop
  -- turn by an idle handle (a 0 ms timer re-armed from a timer would run
  -- again in the same timers phase and starve the loop).
  self.idle = uv.new_idle()
  self.on_idle = function()
    if closed(self) then return end
    after(self)
  end
  client.driver = self
  after(self)
  return self
end

function Driver:__tostring()
  return ("anthropic.uv driver (%s, %d transfers)"):format(self.detached and "detached" or "attached", self.running)
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
  if not self.session:is_open() then -- the client was closed
    self:detach()
    return true
  end
  return false
end

-- The earliest retry back-off among the client's calls (ms from now).
local function nearest_retry(client)
  local at = client:next_retry()
  return at and math.max(0, (at - core.now()) * 1000)
end

-- Arms the timer (retry back-offs, the safety tick, the no-descriptor tick)
-- and the idle handle (events left by the dispatch budget); the poll handle
-- keeps the loop alive only while work is pending.
function arm(self)
  if self.detached then return end
  local busy = self.running > 0 or next(self.client.pending) ~= nil
  if self.poll then
    if busy then self.poll:ref() else self.poll:unref() end
  end
  local due
  if busy then
    local now = self.uv.now()
    local retry = nearest_retry(self.client)
    local tick = self.poll and SAFETY_MS or NO_FD_MS
    due = floor(now + (retry and math.min(retry, tick) or tick) + 0.5)
  end
  if self.more and not self.idling then
    self.idling = true
    self.idle:start(self.on_idle)
  elseif not self.more and self.idling then
    self.idling = false
    self.idle:stop()
  end
  if due == self.armed then return end
  self.timer:stop()
  self.armed = due
  if due then self.timer:start(math.max(0, due - self.uv.now()), 0, self.on_timer) end
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
      self.pending, self.more = n or self.pending, n == nil or more
      arm(self)
    end)
    return
  end
  local n, more = protect(self, self.client.dispatch, self.client)
  if n then
    self.pending, self.more = n, more
  else
    self.more = true -- a callback raised midway: dispatch the rest on the next turn
  end
end

-- Something may have changed: empty the descriptor, dispatch, re-arm.
function after(self)
  if self.detached then return end
  self.running = self.session:ack()
  dispatch(self)
  if self.detached then return end
  arm(self)
end

--- Arms the driver's handles now: called when an async request or stream
-- starts (a loop with no active handle would not run the driver at all).
function Driver:kick()
  if self.detached then return end
  self.running = self.session:is_open() and self.session:perform(0) or 0
  arm(self)
end

--- Stops and closes the driver's uv handles; `client.driver` is cleared.
-- Blocking calls keep working; attach again to drive the client from a loop.
function Driver:detach()
  if self.detached then return end
  self.detached = true
  for _, name in ipairs({ "poll", "timer", "idle" }) do
    local h = self[name]
    if h then
      pcall(h.stop, h)
      if not h:is_closing() then h:close() end
    end
  end
  if self.client.driver == self then self.client.driver = nil end
end

return M
