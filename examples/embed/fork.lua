-- Run by examples/embed/host (check.py): fork() with a client in use. The
-- parent's client has its network thread running and a request in flight
-- when the process forks. In the child, the parent's client and its
-- request refuse to work with a clear error, a new client works, and the
-- state closes cleanly with the parent's objects in it; the parent's client
-- goes on as if nothing happened.
--
--   host --root . examples/embed/fork.lua BASE_URL
-- luacheck: globals host
local anthropic = require("anthropic")

local base_url = assert(arg[1], "usage: fork.lua BASE_URL")
local P = { model = "claude-sonnet-4-5", max_tokens = 16, messages = { { role = "user", content = "Hello" } } }
local function new_client()
  return anthropic.new({ api_key = "sk-embed-demo", base_url = base_url, max_retries = 0 })
end

local client = new_client()
assert(client.messages.create(P))
local pending = client.messages.create_async(P) -- the fake answers it late
client:poll(0)                                  -- the network thread runs from here on

local pid = host.fork()
if pid == 0 then
  local problems = {}
  local function refused(what, fn)
    local ok, err = pcall(fn)
    if ok or not tostring(err):find("forked child", 1, true) then
      problems[#problems + 1] = ("%s: expected the forked-child error, got %s"):format(what, tostring(err))
    end
  end
  refused("create on the parent's client", function() return client.messages.create(P) end)
  refused("waiting for the parent's request", function() return pending:wait() end)
  local fresh = new_client()
  local m, err = fresh.messages.create(P)
  if not m then problems[#problems + 1] = "a new client in the child: " .. tostring(err) end
  fresh:close()
  if #problems > 0 then error(table.concat(problems, "\n"), 0) end
  return -- the host closes this state: the parent's client and request are collected here
end

local status = host.wait(pid)
local m, err = pending:wait()
if not m then error("the parent's request after the fork: " .. tostring(err), 0) end
assert(client.messages.create(P))
client:close()
host.emit(("fork: child %s; parent's client went on\n"):format(status == 0 and "ok" or "failed (" .. status .. ")"))
