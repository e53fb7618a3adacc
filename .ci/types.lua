-- `make lint` (through .ci/types.sh): every public function of lua-anthropic
-- is declared in the LuaLS definitions (types/**/*.lua) with a ---@param for
-- each of its parameters and a ---@return, and every public table and value
-- has a ---@field. "Public" is what the modules export, found at run time:
--   * require("anthropic") and require("anthropic.uv"), walked recursively
--     (classes `anthropic` and `anthropic.uv`);
--   * a client, anthropic.new{...} (class `anthropic.Client`), with its
--     resource tables;
--   * every class a module exports (M.Name = a table whose __index is itself)
--     as class `anthropic.Name`, with its methods.
-- A function, table or value found there and missing from types/ fails lint,
-- so a new public function cannot ship unannotated. Names starting with `_`
-- (metamethods) are skipped; INTERNAL below lists the methods of the handles
-- (and the fields of a client) that the SDK uses itself and users never do.
-- The other way round, a function declared in types/ for a class the walk
-- reached must exist, so a renamed or removed function fails too.
-- Usage: lua .ci/types.lua <files of types/>  (module paths set by the caller)
local INTERNAL = {
  ["anthropic.Client"] = "spec encode outcome track untrack dispatch remember codec pending session timeout_is_default",
  ["anthropic.Request"] = "launch finish step",
  ["anthropic.Stream"] = "launch retry_later connect drain step",
  ["anthropic.Results"] = "fail",
  ["anthropic.Runner"] = "request",
  ["anthropic.Driver"] = "protect closed apply sync arm dispatch after record kick act fire",
}
local internal = {}
for class, names in pairs(INTERNAL) do
  internal[class] = {}
  for n in names:gmatch("%S+") do internal[class][n] = true end
end

-- 1. The definitions: classes (fields, parents, overloads), bindings of Lua
--    expressions to classes, functions with their annotations.
local classes, aliases = {}, {}
local function class_named(name)
  classes[name] = classes[name] or { name = name, fields = {}, functions = {}, parents = {} }
  return classes[name]
end
local bound = {} -- "anthropic.image" (a Lua expression in types/) -> class name
local files = 0
for _, path in ipairs(arg) do
  files = files + 1
  local lines = {}
  for line in io.lines(path) do lines[#lines + 1] = line end
  local current, pending = nil, {}
  for i, line in ipairs(lines) do
    local cname, parents = line:match("^%-%-%-@class%s+([%w_.]+)%s*:?%s*([%w_., ]*)")
    if cname then
      current = class_named(cname)
      for p in parents:gmatch("[%w_.]+") do current.parents[#current.parents + 1] = p end
      current.file, current.line = path, i
    elseif line:match("^%-%-%-@alias%s") then
      local aname, rest = line:match("^%-%-%-@alias%s+([%w_.]+)%s*(.*)$")
      local members = {}
      for m in rest:gmatch("[^|%s]+") do members[#members + 1] = m end
      local j = i + 1
      while lines[j] and lines[j]:match("^%-%-%-|") do
        members[#members + 1] = lines[j]:match("^%-%-%-|%s*(%S+)")
        j = j + 1
      end
      aliases[aname] = members
      current = nil
    elseif current and line:match("^%-%-%-@field%s") then
      local fname, opt, ftype = line:match("^%-%-%-@field%s+([%w_]+)(%??)%s+(.-)%s*$")
      if fname then
        -- the type ends where the description starts: a space outside fun(...)/<...>
        local depth, cut = 0, #ftype
        for k = 1, #ftype do
          local ch = ftype:sub(k, k)
          if ch == "(" or ch == "<" then depth = depth + 1 elseif ch == ")" or ch == ">" then depth = depth - 1
          elseif ch == " " and depth == 0 and not ftype:sub(k - 1, k - 1):match("[,:|]")
            and not ftype:sub(k + 1, k + 1):match("[|]") then cut = k - 1 break end
        end
        current.fields[fname] = { type = ftype:sub(1, cut), optional = opt == "?" }
      end
    elseif current and line:match("^%-%-%-@overload%s") then
      current.overload = true
    elseif current and not line:match("^%-%-%-") then
      local lhs = line:match("^local%s+([%w_]+)%s*=") or line:match("^([%w_.]+)%s*=")
      if lhs and not line:match("^%s*$") then bound[lhs] = current.name end
      current = nil
    end
    -- functions: `function A.b.c(x, y)` or `function A:b(x)` with the comment block above
    local target, args = line:match("^function%s+([%w_.:]+)%s*%(([^)]*)%)")
    if target then
      local base, sep, name = target:match("^(.-)([.:])([%w_]+)$")
      local cls = bound[base]
      if not cls then
        pending[#pending + 1] = ("%s:%d: function %s: %s is not bound to a ---@class"):format(path, i, target, base)
      else
        local params, returns, j = {}, 0, i - 1
        while j >= 1 and lines[j]:match("^%-%-%-") do
          local p = lines[j]:match("^%-%-%-@param%s+([%w_.]+)")
          if p then params[p] = true end
          if lines[j]:match("^%-%-%-@return%s") then returns = returns + 1 end
          j = j - 1
        end
        local missing = {}
        for a in args:gmatch("[%w_.]+") do
          if not params[a] then missing[#missing + 1] = a end
        end
        class_named(cls).functions[name] = { method = sep == ":", missing = missing, returns = returns,
                                             where = ("%s:%d"):format(path, i) }
      end
    end
  end
  for _, p in ipairs(pending) do print(p) end
end

local function lookup(cname, key, what, seen)
  local c = classes[cname]
  if not c then return nil end
  seen = seen or {}
  if seen[cname] then return nil end
  seen[cname] = true
  if c[what][key] then return c[what][key], c end
  for _, p in ipairs(c.parents) do
    local v, owner = lookup(p, key, what, seen)
    if v then return v, owner end
  end
end

-- 2. The public surface at run time, checked against the definitions.
local failures, counted = {}, { functions = 0, classes = {}, fields = 0 }
local function fail(fmt, ...) failures[#failures + 1] = fmt:format(...) end
local visited = {}

local function class_of_type(t)
  t = t and t:gsub("%?$", "")
  if t and classes[t] then return t end
end

local walk
local function check_function(cname, key, path)
  local fn = lookup(cname, key, "functions")
  if not fn then
    local field = lookup(cname, key, "fields")
    if field and field.type:match("^fun%(") then counted.functions = counted.functions + 1 return end
    fail("%s: public function with no annotated declaration in class %s (add `function X.%s(...)` with " ..
         "---@param and ---@return to types/)", path, cname, key)
    return
  end
  counted.functions = counted.functions + 1
  if #fn.missing > 0 then
    fail("%s (%s): no ---@param for %s", path, fn.where, table.concat(fn.missing, ", "))
  end
  if fn.returns == 0 then fail("%s (%s): no ---@return", path, fn.where) end
end

function walk(value, cname, path)
  if visited[value] and visited[value][cname] then return end
  visited[value] = visited[value] or {}
  visited[value][cname] = true
  if not classes[cname] then
    fail("%s: no ---@class %s in types/", path, cname)
    return
  end
  counted.classes[cname] = counted.classes[cname] or {}
  local runtime = counted.classes[cname]
  for k, v in pairs(value) do runtime[k] = v end
  local imt = getmetatable(value)
  if type(imt) == "table" and type(imt.__index) == "table" then
    for k, v in pairs(imt.__index) do if runtime[k] == nil then runtime[k] = v end end
  end
  local mt = getmetatable(value)
  if type(mt) == "table" and mt.__call and not classes[cname].overload then
    fail("%s: callable, but ---@class %s has no ---@overload", path, cname)
  end
  local keys = {}
  for k in pairs(value) do if type(k) == "string" then keys[#keys + 1] = k end end
  -- methods reached through __index (instances of a class)
  if type(mt) == "table" and type(mt.__index) == "table" and mt.__index ~= value then
    for k, v in pairs(mt.__index) do
      if type(k) == "string" and type(v) == "function" and rawget(value, k) == nil then keys[#keys + 1] = k end
    end
  end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local v = value[k]
    local sub = path .. "." .. k
    if k:sub(1, 1) == "_" or (internal[cname] and internal[cname][k]) then -- luacheck: ignore 542
    elseif type(v) == "function" then
      check_function(cname, k, sub)
    else
      local field = lookup(cname, k, "fields")
      local fn = lookup(cname, k, "functions")
      if not field and not fn then
        fail("%s: public %s with no ---@field in class %s", sub, type(v), cname)
      elseif field then
        counted.fields = counted.fields + 1
        local sc = class_of_type(field.type)
        if type(v) == "table" and sc then walk(v, sc, sub) end
      end
    end
  end
end

local anthropic = require("anthropic")
walk(anthropic, "anthropic", "anthropic")
walk(require("anthropic.uv"), "anthropic.uv", "anthropic.uv")
local client = anthropic.new({ api_key = "sk-ant-types-check", base_url = "http://127.0.0.1:9" })
walk(client, "anthropic.Client", "client")

-- Every class a module exports: M.Name with Name.__index == Name.
local modules = 0
local ls = io.popen("cd lua && find anthropic -name '*.lua' | sort")
for file in ls:lines() do
  local name = file:gsub("%.lua$", ""):gsub("/init$", ""):gsub("/", ".")
  local ok, mod = pcall(require, name)
  if not ok then
    fail("%s: cannot be required: %s", name, tostring(mod))
  else
    modules = modules + 1
    if type(mod) == "table" then
      for k, v in pairs(mod) do
        if type(k) == "string" and k:match("^%u%l") and type(v) == "table" and rawget(v, "__index") == v then
          walk(v, "anthropic." .. k, name .. "." .. k)
        end
      end
    end
  end
end
ls:close()
client:close()

-- Declared functions that no longer exist.
for cname, runtime in pairs(counted.classes) do
  for name, fn in pairs(classes[cname].functions) do
    if type(runtime[name]) ~= "function" then
      fail("%s: %s.%s is declared but the module has no such function", fn.where, cname, name)
    end
  end
end

local nclasses = 0
for _ in pairs(classes) do nclasses = nclasses + 1 end
local reached = 0
for _ in pairs(counted.classes) do reached = reached + 1 end
for _, m in ipairs(failures) do print(m) end
print(("types: %d modules; %d public functions and %d public fields in %d classes checked against %d files " ..
       "of types/ (%d classes, %d aliases): %s"):format(modules, counted.functions, counted.fields, reached, files,
       nclasses, (function() local n = 0 for _ in pairs(aliases) do n = n + 1 end return n end)(),
       #failures == 0 and "ok" or (#failures .. " problem(s)")))
os.exit(#failures == 0 and 0 or 1)
