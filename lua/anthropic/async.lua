--- Coroutines: inside `anthropic.async(function() ... end)`, calls that
-- would block (create, stream iterators, retry back-off) yield to this
-- scheduler instead, so sequential-looking code runs concurrently.
-- Outside a task the same calls simply block.
-- (Plain Lua 5.1 cannot yield from inside a `for ... in` iterator: there,
-- use `while true do local e = s:next() ... end`; LuaJIT and 5.2+ can.)
-- @module anthropic.async
local core = require("anthropic.core")
local raise = require("anthropic.misuse").raise

local M = {}

local tasks = setmetatable({}, { __mode = "k" }) -- coroutine -> task
local live = {}                                   -- tasks not finished, in start order

local Task = {}
Task.__index = Task

local function current()
  local co = coroutine.running()
  return co and tasks[co]
end
M.current = current

--- Blocks (or, in a task, yields) until transfer `t` of `client` reaches
-- `until_` ("done", "head" or "event").
function M.wait(client, t, until_)
  local task = current()
  if not task then return t:wait(nil, until_) end
  while not t:wait(0, until_) do
    task.client, task.deadline = client, nil
    coroutine.yield()
  end
  return true
end

--- Sleeps (or, in a task, yields) for `seconds`.
function M.sleep(seconds)
  local task = current()
  if not task then return core.sleep(seconds) end
  local deadline = core.now() + seconds
  while core.now() < deadline do
    task.client, task.deadline = nil, deadline
    coroutine.yield()
  end
end

local unpack = table.unpack or unpack ---@diagnostic disable-line: deprecated

local function resume(task)
  local out = { coroutine.resume(task.co, unpack(task.args or {})) }
  task.args = nil
  if coroutine.status(task.co) == "dead" then
    task.done = true
    if out[1] then
      task.results = { n = #out - 1, select(2, unpack(out)) }
    else
      task.error = out[2]
    end
  end
end

local function remove_finished()
  for i = #live, 1, -1 do
    if live[i].done then table.remove(live, i) end
  end
end

--- Runs every live task one step, then drives their clients' transfers,
-- waiting at most `timeout_ms`. Returns the number of tasks still running.
function M.step(timeout_ms)
  local clients, nearest = {}, nil
  for _, task in ipairs(live) do
    if not task.done then resume(task) end
    if not task.done then
      if task.client then clients[task.client] = true end
      if task.deadline and (not nearest or task.deadline < nearest) then nearest = task.deadline end
    end
  end
  remove_finished()
  if #live == 0 then return 0 end
  local wait = timeout_ms or 50
  if nearest then wait = math.max(0, math.min(wait, (nearest - core.now()) * 1000)) end
  local list = {}
  for c in pairs(clients) do list[#list + 1] = c end
  -- (A client driven by a host loop can still be driven here: the core
  -- then polls the sockets the loop watches.)
  if #list == 1 then
    list[1].session:perform(wait)
  else
    for _, c in ipairs(list) do c.session:perform(0) end
    if wait > 0 then core.sleep(math.min(wait, 1) / 1000) end
  end
  return #live
end

--- Starts `fn(...)` as a task and runs it up to its first wait.
-- @return a task: `task:wait()` returns fn's results (raising its error), `task.done`
function M.spawn(fn, ...)
  if type(fn) ~= "function" then raise("anthropic.async: expected a function, got " .. type(fn)) end
  local task = setmetatable({ co = coroutine.create(fn), args = { ... }, done = false }, Task)
  tasks[task.co] = task
  live[#live + 1] = task
  resume(task)
  remove_finished()
  return task
end

--- Runs the scheduler until this task ends; returns its results or raises its error.
function Task:wait()
  if current() then
    -- Waiting from inside another task: yield until this one is done.
    while not self.done do coroutine.yield() end
  else
    while not self.done do M.step(50) end
  end
  if self.error ~= nil then error(self.error, 0) end
  return unpack(self.results, 1, self.results.n)
end

--- Waits for the task like `wait`, without raising: true and fn's results,
-- or false and its error (as `pcall` returns).
function Task:join()
  local ok, err = pcall(self.wait, self)
  if not ok then return false, err end
  return true, unpack(self.results, 1, self.results.n)
end

--- Runs the scheduler until every task has ended.
function M.run()
  while M.step(50) > 0 do end
end

--- Waits for every task of the list; returns their first results in order.
function M.all(list)
  local out = {}
  for i, task in ipairs(list) do out[i] = task:wait() end
  return out
end

return M
