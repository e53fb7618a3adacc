--- Tools Claude can call, run by the SDK: `anthropic.tool{...}` makes one,
-- `client.messages.run_tools(params [, opts])` loops create → run the tools
-- asked for → send their results, until Claude stops asking.
--
--     local weather = anthropic.tool({
--       name = "get_weather", description = "The weather in a city",
--       input_schema = { type = "object", properties = { city = { type = "string" } }, required = { "city" } },
--       run = function(input) return "18°C and sunny in " .. input.city end,
--     })
--     local runner = client.messages.run_tools({ model = ..., max_tokens = 1024, tools = { weather },
--       messages = { { role = "user", content = "Weather in Paris?" } } })
--     for msg in runner do print(anthropic.text(msg)) end   -- each assistant message
--     -- or: local final, err = runner:until_done()
--
-- @module anthropic.tools
local core = require("anthropic.core")
local async = require("anthropic.async")
local errors = require("anthropic.errors")
local options = require("anthropic.options")
local endpoint = require("anthropic.endpoint")
local handle = require("anthropic.handle")
local raise = require("anthropic.misuse").raise

local M = {}

--- How many requests a runner makes at most unless told otherwise.
M.DEFAULT_MAX_ITERATIONS = 10

-- tool definition -> its run function (so the definition stays a plain API table).
local runnable = setmetatable({}, { __mode = "k" })

--- Makes a runnable tool: `{name =, description =, input_schema =, run = function(input, block) end}`
-- (other fields, such as `cache_control`, are sent as given). Returns the
-- tool definition, which goes into `params.tools`; `run` is never sent.
-- `run` returns a string, a list of content blocks, or any other table
-- (sent as JSON text); raising an error sends it back as a failed result.
function M.tool(def)
  local where = "anthropic.tool"
  if type(def) ~= "table" then raise(("%s: expected a table, got %s"):format(where, type(def))) end
  if type(def.name) ~= "string" or not def.name:match("^[%w_%-]+$") then
    raise(where .. ": name must be a string of letters, digits, '_' or '-'")
  end
  if type(def.run) ~= "function" then raise(where .. ": run must be a function") end
  if def.input_schema == nil then raise(where .. ": input_schema is missing (a JSON Schema table)") end
  if type(def.input_schema) ~= "table" then raise(where .. ": input_schema must be a table") end
  local tool = {}
  for k, v in pairs(def) do
    if k ~= "run" then tool[k] = v end
  end
  runnable[tool] = def.run
  return tool
end

--- The run function of a tool made by `anthropic.tool`, or nil.
function M.runner_of(tool)
  return runnable[tool] or (type(tool) == "table" and type(tool.run) == "function" and tool.run) or nil
end

-- Whether a table is a list of content blocks.
local function is_blocks(v)
  if #v == 0 then return false end
  for _, b in ipairs(v) do
    if type(b) ~= "table" or type(b.type) ~= "string" then return false end
  end
  for k in pairs(v) do
    if type(k) ~= "number" then return false end
  end
  return true
end

--- The `tool_result` block for a `tool_use` block, given what its tool
-- returned (`ok` false: what it raised).
function M.result_block(block, ok, value)
  local result = { type = "tool_result", tool_use_id = block.id }
  if not ok then
    result.is_error = true
    result.content = type(value) == "string" and value or tostring(value)
    return result
  end
  if type(value) == "string" then
    result.content = value
  elseif type(value) == "table" then
    if is_blocks(value) then
      result.content = value
    else
      local okj, text = pcall(core.encode, value)
      result.content = okj and text or ("the tool's result cannot be sent as JSON: " .. tostring(text))
      if not okj then result.is_error = true end
    end
  elseif value ~= nil then
    result.content = tostring(value)
  end
  return result
end

local Runner = handle.class()
M.Runner = Runner

-- Runs the tools a message asks for and returns their results, in the
-- order of its tool_use blocks. Each call is an `anthropic.async` task, so
-- calls that wait (a tool that calls the API itself) run concurrently, inside
-- a task or not; a missing or raising tool gives an is_error result.
local function run_calls(self, msg)
  local calls = {}
  for _, block in ipairs(msg.content or {}) do
    if type(block) == "table" and block.type == "tool_use" then
      local run = self.tools[block.name]
      local call = { block = block }
      if not run then
        call.failed = ("no runnable tool named %q"):format(tostring(block.name))
      elseif block.input == nil then
        call.failed = block.input_error or "the tool input is missing"
      else
        call.task = async.spawn(run, block.input, block)
      end
      calls[#calls + 1] = call
    end
  end
  local results = {}
  for i, call in ipairs(calls) do
    if call.task then
      local ok, value = call.task:join()
      results[i] = M.result_block(call.block, ok, value)
    else
      results[i] = M.result_block(call.block, false, call.failed)
    end
  end
  return results
end

--- The stop reasons after which the loop goes on without tool results: the
-- turn was paused (a long server tool) and is resumed by sending it back.
M.RESUME = { pause_turn = true, compaction = true }

--- Sends one request of the loop: the assistant message, or nil, err.
function Runner:request()
  local body = {}
  for k, v in pairs(self.params) do body[k] = v end
  body.messages = self.messages
  body.tools = self.sent_tools
  if self.stream then
    local s, err = self.api.stream(body, self.request_opts)
    if not s then return nil, err end
    return s:final_message()
  end
  return self.api.create(body, self.request_opts)
end

-- Ends the runner: with its last message, or with `err`.
local function finish(self, err)
  self.over = true
  if err == nil and not self.last then
    err = errors.new({ type = "invalid_request_error", message = "the runner made no request" })
  end
  handle.finish(self, err == nil and self.last or nil, err)
end

--- The next assistant message (running the tools it asks for, so the
-- following call sends their results), or nil at the end (then see
-- `runner.error`).
function Runner:next()
  if self.over then
    if not self.finished then finish(self, self.error) end
    return nil
  end
  if self.iterations >= self.max_iterations then
    finish(self)
    return nil
  end
  self.iterations = self.iterations + 1
  local msg, err = self:request()
  if not msg then
    finish(self, err)
    return nil
  end
  self.last = msg
  self.messages[#self.messages + 1] = { role = "assistant", content = msg.content }
  if M.RESUME[msg.stop_reason] then
    if self.iterations >= self.max_iterations then self.over = true end
    return msg
  end
  if msg.stop_reason ~= "tool_use" then
    self.over = true
    return msg
  end
  local results = run_calls(self, msg)
  if #results == 0 then
    self.over = true
    return msg
  end
  self.messages[#self.messages + 1] = { role = "user", content = results }
  if self.iterations >= self.max_iterations then self.over = true end
  return msg
end
Runner.__call = Runner.next

--- Iterates each assistant message: `for msg in runner:each() do` (or `for msg in runner do`).
function Runner:each()
  return function() return self:next() end
end

--- Runs the loop to its end: the last assistant message, or nil, err.
function Runner:until_done()
  while self:next() do end
  return self.result, self.error
end

--- Stops the loop: no further request is made; an unfinished runner ends
-- with an `aborted` error. Idempotent. (A runner has no `poll`: each step
-- is a whole request; run it inside an `anthropic.async` task to overlap it
-- with other work.)
function Runner:close()
  if self.finished then return end
  self.over = true
  finish(self, handle.aborted("the tool runner"))
end
Runner.__close = Runner.close

--- "anthropic.tool_runner (N requests, done)".
function Runner:__tostring()
  return ("anthropic.tool_runner (%d requests%s)"):format(self.iterations,
    self.error and ", failed" or self.over and ", done" or "")
end

--- The `run_tools` function of a client's messages table (`messages_api`
-- provides `create` and `stream`).
function M.bind(messages_api)
  --- Starts a tool runner (nothing is sent until it is iterated).
  -- `params` as for `create`; `params.tools` may hold runnable tools
  -- (`anthropic.tool`) next to plain definitions. opts: `max_iterations`
  -- (requests at most, default 10), `stream` (true: each request streams,
  -- with `on_event` / `on_text` callbacks if given), and the request options.
  -- `runner.messages` holds the conversation: params.messages, then each
  -- assistant message and the tool results sent after it. `on_done(message, err)`
  -- runs when the loop ends.
  local function run_tools(a, b, c)
    local params, opts = endpoint.args(messages_api, a, b, c)
    local where = "anthropic.messages.run_tools"
    if type(params) ~= "table" then raise(("%s: params must be a table, got %s"):format(where, type(params))) end
    if type(params.messages) ~= "table" then raise(where .. ": params.messages must be a list") end
    if params.stream ~= nil then raise(where .. ": use opts.stream, not params.stream") end
    opts = opts or {}
    if type(opts) ~= "table" then raise(("%s: options must be a table, got %s"):format(where, type(opts))) end
    local max = opts.max_iterations or M.DEFAULT_MAX_ITERATIONS
    if type(max) ~= "number" or max < 1 or max % 1 ~= 0 then
      raise(where .. ": option 'max_iterations' must be a positive integer")
    end
    local request_opts = {}
    for k, v in pairs(opts) do
      if k ~= "max_iterations" and k ~= "stream" and k ~= "on_done" then request_opts[k] = v end
    end
    options.request(where, request_opts, opts.stream) -- checks them now, at the caller's line
    local tools, sent = {}, nil
    if params.tools ~= nil then
      if type(params.tools) ~= "table" then raise(where .. ": params.tools must be a list") end
      sent = {}
      for i, t in ipairs(params.tools) do
        local run = M.runner_of(t)
        if run then
          local copy = {}
          for k, v in pairs(t) do
            if k ~= "run" then copy[k] = v end
          end
          sent[i] = copy
          tools[t.name] = run
        else
          sent[i] = t
        end
      end
    end
    local messages = {}
    for i, m in ipairs(params.messages) do messages[i] = m end
    if opts.on_done ~= nil and type(opts.on_done) ~= "function" then
      raise(where .. ": option 'on_done' must be a function")
    end
    return handle.init(setmetatable({
      api = messages_api, params = params, request_opts = request_opts, stream = opts.stream and true or false,
      max_iterations = max, iterations = 0, messages = messages, tools = tools, sent_tools = sent,
      over = false,
    }, Runner), opts.on_done)
  end
  return run_tools
end

return M
