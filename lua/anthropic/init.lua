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
local default = require("anthropic.default")
local errors = require("anthropic.errors")
local async = require("anthropic.async")
local raise = require("anthropic.misuse").raise

local M = {
  VERSION = require("anthropic.version"),
  new = client.new,
  --- anthropic.bedrock(opts): a client for Claude on Amazon Bedrock (see anthropic.bedrock).
  bedrock = require("anthropic.bedrock").new,
  --- anthropic.vertex(opts): a client for Claude on Google Vertex AI (see anthropic.vertex).
  vertex = require("anthropic.vertex").new,
  null = core.null,
  response_of = client.response_of,
  default_client = default.client,
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
  if type(t) ~= "table" then raise(where .. ": expected a table, got " .. type(t)) end
  local old = getmetatable(t)
  if old ~= nil and old ~= core.array_mt and old ~= core.object_mt then
    raise(where .. ": the table already has a metatable")
  end
  return setmetatable(t, mt)
end

--- Marks a table as a JSON array: `{}` is sent as `[]`.
function M.array(t) return mark("anthropic.array", t, core.array_mt) end

--- Marks a table as a JSON object: `{}` is sent as `{}`.
function M.object(t) return mark("anthropic.object", t, core.object_mt) end

-- The module-level shortcuts mirror a client's areas: `anthropic.messages`
-- has every member of `client.messages` (and `anthropic.messages.batches`
-- every member of its batches), each calling the default client. Their
-- shape is read from the areas bound to a placeholder, so a member added to
-- an area appears here by itself.
local function mirror(shape, path)
  local out = {}
  for name, member in pairs(shape) do
    local here = path .. "." .. name
    if type(member) == "table" then
      out[name] = mirror(member, here)
    elseif type(member) == "function" then
      local function target()
        local t = default.client()
        for key in here:gmatch("[^.]+") do t = t[key] end
        return t
      end
      out[name] = function(a, ...)
        if rawequal(a, out) then return target()(...) end
        return target()(a, ...)
      end
    end
  end
  return out
end

for _, area in ipairs(client.AREAS) do
  M[area.name] = mirror(area.module.bind({}), area.name)
end

return M
