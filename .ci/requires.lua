-- The require graph of lua/anthropic/*.lua (lazy requires inside functions
-- included; comment lines skipped): prints it with `--print`, and fails
-- (exit 1) when modules require each other in a circle.
-- Usage: lua .ci/requires.lua [--print] lua/anthropic/*.lua
local show = arg[1] == "--print"
local deps, names = {}, {}
for i = show and 2 or 1, #arg do
  local path = arg[i]
  local base = path:match("anthropic[/\\]([%w_]+)%.lua$")
  local name = base == "init" and "anthropic" or "anthropic." .. base
  names[#names + 1] = name
  deps[name] = {}
  for line in io.lines(path) do
    if not line:match("^%s*%-%-") then
      for m in line:gmatch('require%(?%s*"(anthropic[%w_.]*)"') do
        if m ~= "anthropic.core" then deps[name][#deps[name] + 1] = m end
      end
    end
  end
end
table.sort(names)
local state, cycles = {}, 0
local function visit(n, stack)
  if state[n] == 1 then
    print("require cycle: " .. table.concat(stack, " -> ") .. " -> " .. n)
    cycles = cycles + 1
    return
  end
  if state[n] == 2 then return end
  state[n], stack[#stack + 1] = 1, n
  for _, d in ipairs(deps[n] or {}) do visit(d, stack) end
  stack[#stack], state[n] = nil, 2
end
for _, n in ipairs(names) do visit(n, {}) end
if show then
  for _, n in ipairs(names) do print(n .. " -> " .. table.concat(deps[n], ", ")) end
end
print(("requires: %d modules, %d cycles"):format(#names, cycles))
os.exit(cycles == 0 and 0 or 1)
