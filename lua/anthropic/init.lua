--- lua-anthropic: the Lua SDK for Anthropic's Messages API.
--
--     local anthropic = require("anthropic")
--     local msg, err = anthropic.messages.create{model = "claude-sonnet-4-5", max_tokens = 1024,
--       messages = {{role = "user", content = "Hello, Claude"}}}
--
-- @module anthropic
local core = require("anthropic.core")
local client = require("anthropic.client")
local content = require("anthropic.content")
local errors = require("anthropic.errors")
local messages = require("anthropic.messages")

local async = require("anthropic.async")

local M = {
  VERSION = core.version,
  new = client.new,
  null = core.null,
  response_of = client.response_of,
  text = require("anthropic.text"),
  image = content.image,
  document = content.document,
  conversation = require("anthropic.conversation"),
  tool = require("anthropic.tools").tool,
  errors = errors,
  is_error = errors.is_error,
  --- anthropic.async(fn, ...) starts a task (see anthropic.async);
  -- anthropic.async.all(tasks) and anthropic.async.run() wait for them.
  async = setmetatable({ all = async.all, run = async.run, step = async.step },
                       { __call = function(_, fn, ...) return async.spawn(fn, ...) end }),
}

local function mark(where, t, mt)
  if t == nil then t = {} end
  if type(t) ~= "table" then error(where .. ": expected a table, got " .. type(t), 3) end
  local old = getmetatable(t)
  if old ~= nil and old ~= core.array_mt and old ~= core.object_mt then
    error(where .. ": the table already has a metatable", 3)
  end
  return setmetatable(t, mt)
end

--- Marks a table as a JSON array: `{}` is sent as `[]`.
function M.array(t) return mark("anthropic.array", t, core.array_mt) end

--- Marks a table as a JSON object: `{}` is sent as `{}`.
function M.object(t) return mark("anthropic.object", t, core.object_mt) end

local default
--- The client built from the environment on first use.
function M.default_client()
  if default == nil then default = client.new() end
  return default
end

--- `anthropic.messages.create(params [, opts])` etc. on the default client.
M.messages = {}
for _, name in ipairs({ "create", "create_async", "stream", "stream_async", "count_tokens" }) do
  M.messages[name] = function(a, b, c)
    local params, opts = messages.args(M.messages, a, b, c)
    return M.default_client().messages[name](params, opts)
  end
end

return M
