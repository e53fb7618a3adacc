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
-- Usage: lua .ci/types.lua <files of types/>  (module paths set by .ci/types.sh)
local INTERNAL = {
  ["anthropic.Client"] = "track untrack dispatch codec pending turn session timeout_is_default backoff owns_session",
  ["anthropic.Request"] = "step",
  ["anthropic.Stream"] = "drain step run_callback",
  ["anthropic.Results"] = "",
  ["anthropic.Runner"] = "request",
  ["anthropic.Driver"] = "kick",
}
local internal = {}
for class, names in pairs(INTERNAL) do
  internal[class] = {}
  for n in names:gmatch("%S+") do internal[class][n] = true end
end

-- 1. The definitions (spec/support/luals.lua reads them).
local luals = require("support.luals")
local defs = luals.read(arg)
local classes, aliases, lookup = defs.classes, defs.aliases, defs.lookup
local files = #arg

-- 2. The public surface at run time, checked against the definitions.
local failures, counted = {}, { functions = 0, classes = {}, fields = 0 }
for _, p in ipairs(defs.problems) do failures[#failures + 1] = p end
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
