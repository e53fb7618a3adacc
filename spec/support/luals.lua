-- Reads the LuaLS definitions in types/ (the subset of the annotation
-- language they use: ---@class with parents, ---@field, ---@alias with
-- ---| members, ---@overload, functions with ---@param / ---@return) and
-- checks decoded JSON values against them. Used by .ci/types.lua (the public
-- functions) and spec/types_spec.lua (the recorded responses and streams).
local M = {}

-- Calls at(k, ch) for each character of s outside (...) and <...>; returns
-- the first k for which it returns true.
local function top_level(s, at)
  local depth = 0
  for k = 1, #s do
    local ch = s:sub(k, k)
    if ch == "(" or ch == "<" then
      depth = depth + 1
    elseif ch == ")" or ch == ">" then
      depth = depth - 1
    elseif depth == 0 and at(k, ch) then
      return k
    end
  end
end

-- The type part of a ---@field line: it ends at the first top-level space
-- that is not around a `|` or after a `,` or `:`.
local function type_part(s)
  local k = top_level(s, function(i, ch)
    return ch == " " and not s:sub(i - 1, i - 1):match("[,:|]") and s:sub(i + 1, i + 1) ~= "|"
  end)
  return k and s:sub(1, k - 1) or s
end

--- The definitions of the files `paths`: `{classes = {name = {fields,
-- functions, parents, overload}}, aliases = {name = {member types}},
-- problems = {...}, lookup = function(class, key, "fields"|"functions")}`.
function M.read(paths)
  local classes, aliases, bound, problems = {}, {}, {}, {}
  local function class_named(name)
    classes[name] = classes[name] or { name = name, fields = {}, functions = {}, parents = {} }
    return classes[name]
  end
  for _, path in ipairs(paths) do
    local lines = {}
    for line in io.lines(path) do lines[#lines + 1] = line end
    local current
    for i, line in ipairs(lines) do
      local cname, parents = line:match("^%-%-%-@class%s+([%w_.]+)%s*:?%s*([%w_., ]*)")
      if cname then
        current = class_named(cname)
        for p in parents:gmatch("[%w_.]+") do current.parents[#current.parents + 1] = p end
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
        if fname then current.fields[fname] = { type = type_part(ftype), optional = opt == "?" } end
      elseif current and line:match("^%-%-%-@overload%s") then
        current.overload = true
      elseif current and not line:match("^%-%-%-") then
        local lhs = line:match("^local%s+([%w_]+)%s*=") or line:match("^([%w_.]+)%s*=")
        if lhs then bound[lhs] = current.name end
        current = nil
      end
      local target, args = line:match("^function%s+([%w_.:]+)%s*%(([^)]*)%)")
      if target then
        local base, sep, name = target:match("^(.-)([.:])([%w_]+)$")
        local cls = bound[base]
        if not cls then
          problems[#problems + 1] = ("%s:%d: function %s: %s is not bound to a ---@class"):format(path, i, target, base)
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
  end

  local function lookup(cname, key, what, seen)
    local c = classes[cname]
    seen = seen or {}
    if not c or seen[cname] then return nil end
    seen[cname] = true
    if c[what][key] then return c[what][key], c end
    for _, p in ipairs(c.parents) do
      local v, owner = lookup(p, key, what, seen)
      if v then return v, owner end
    end
  end

  return { classes = classes, aliases = aliases, problems = problems, lookup = lookup }
end

-- Splits a type at its top-level `|`.
local function alternatives(t)
  local out, start = {}, 1
  top_level(t, function(k, ch)
    if ch == "|" then
      out[#out + 1] = t:sub(start, k - 1)
      start = k + 1
    end
  end)
  out[#out + 1] = t:sub(start)
  for i, a in ipairs(out) do out[i] = a:match("^%s*(.-)%s*$") end
  return out
end

local function is_list(v)
  local n = 0
  for _ in pairs(v) do n = n + 1 end
  for i = 1, n do if v[i] == nil then return false end end
  return true
end

--- A checker of values against the definitions `defs` (from `read`):
-- `check(value, type, path)` returns the list of problems (fields no class
-- declares, values of the wrong type), and `checker.fields` counts the
-- fields it checked.
function M.checker(defs)
  local self = { fields = 0 }
  local classes, aliases, lookup = defs.classes, defs.aliases, defs.lookup

  -- The literal values a class's `type` field allows (nil: any).
  local function type_literals(cname)
    local f = lookup(cname, "type", "fields")
    if not f then return nil end
    local set, any = {}, false
    for _, a in ipairs(alternatives(f.type)) do
      local lit = a:match('^"(.*)"$')
      if lit then set[lit] = true else any = true end
    end
    return (not any) and set or nil
  end

  -- The classes a type names, aliases expanded; other alternatives as they are.
  local function expand(t, out)
    out = out or {}
    for _, a in ipairs(alternatives(t)) do
      a = a:gsub("%?$", "")
      if aliases[a] then
        for _, m in ipairs(aliases[a]) do expand(m, out) end
      else
        out[#out + 1] = a
      end
    end
    return out
  end

  local check
  local function check_class(v, cname, path, problems)
    for k, fv in pairs(v) do
      local sub = path .. "." .. tostring(k)
      local f = type(k) == "string" and lookup(cname, k, "fields")
      if not f then
        problems[#problems + 1] = ("%s: field not declared in %s"):format(sub, cname)
      else
        self.fields = self.fields + 1
        check(fv, f.type, sub, problems)
      end
    end
  end

  function check(v, t, path, problems)
    problems = problems or {}
    local candidates, errs = {}, {}
    for _, a in ipairs(expand(t)) do
      local lit = a:match('^"(.*)"$')
      local elem = a:match("^(.-)%[%]$")
      if a == "any" or a == "table" or a:match("^table<") or (a:match("^fun%(") and type(v) == "function") then
        return problems
      elseif lit then
        if v == lit then return problems end
      elseif a == "integer" then
        if type(v) == "number" and v % 1 == 0 then return problems end
      elseif a == "string" or a == "number" or a == "boolean" or a == "function" then
        if type(v) == a then return problems end
      elseif a == "lightuserdata" or a == "userdata" then
        if type(v) == "userdata" then return problems end
      elseif elem then
        if type(v) == "table" and is_list(v) then
          elem = elem:match("^%((.*)%)$") or elem
          local sub = {}
          for i, item in ipairs(v) do check(item, elem, ("%s[%d]"):format(path, i), sub) end
          if #sub == 0 then return problems end
          errs[#errs + 1] = sub
        end
      elseif classes[a] then
        if type(v) == "table" then candidates[#candidates + 1] = a end
      end
    end
    -- Several classes: the one whose `type` literal names the value's `type`.
    if #candidates > 1 then
      local by_type = {}
      for _, c in ipairs(candidates) do
        local lits = type_literals(c)
        if lits == nil or lits[v.type] then by_type[#by_type + 1] = c end
      end
      candidates = by_type
    end
    for _, c in ipairs(candidates) do
      local sub = {}
      local before = self.fields
      check_class(v, c, path, sub)
      if #sub == 0 then return problems end
      self.fields = before
      errs[#errs + 1] = sub
    end
    if errs[1] then
      for _, e in ipairs(errs[1]) do problems[#problems + 1] = e end
    else
      problems[#problems + 1] = ("%s: %s value does not match %s%s"):format(path, type(v), t,
        type(v) == "table" and v.type and (" (type = " .. tostring(v.type) .. ")") or "")
    end
    return problems
  end

  self.check = function(v, t, path) return check(v, t, path or "value") end
  return self
end

return M
