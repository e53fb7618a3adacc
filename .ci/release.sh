#!/bin/sh
# Part of `make lint`: the version is written once (lua/anthropic/version.lua)
# and everything that repeats it agrees, and the rock builds what the
# Makefile builds. Fails (exit 1) when
# - there is not exactly one rockspec, or its file name, `version` or tag
#   differ from version.lua;
# - CHANGELOG.md's latest release (the first `## [x.y.z]` after Unreleased)
#   is not that version;
# - csrc/core.h still defines ANTH_VERSION and it differs;
# - the C sources the rockspec lists are not exactly csrc/*.c.
set -eu
cd "$(dirname "$0")/.."
lua=$(command -v lua5.4 || command -v lua5.3 || command -v lua5.1 || command -v luajit)
"$lua" - rockspec/*.rockspec <<'LUA'
local failures = {}
local function fail(fmt, ...) failures[#failures + 1] = fmt:format(...) end
local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local version = dofile("lua/anthropic/version.lua")
if type(version) ~= "string" or not version:match("^%d+%.%d+%.%d+$") then
  fail("lua/anthropic/version.lua: expected a version string x.y.z, got %s", tostring(version))
end

if #arg ~= 1 then fail("rockspec/: expected exactly one rockspec, found %d", #arg) end
local path = arg[1]
local spec = {}
local chunk = assert((loadstring or load)(read(path), "=" .. path, "t", spec))
if setfenv then setfenv(chunk, spec) end
chunk()
local want = ("rockspec/%s-%s-%s.rockspec"):format(spec.package, version, (spec.version or ""):match("%-(%d+)$") or "?")
if path ~= want then fail("%s: the file name should be %s", path, want) end
if (spec.version or ""):match("^(.-)%-%d+$") ~= version then
  fail("%s: version %s is not %s-<revision>", path, tostring(spec.version), version)
end
if spec.source and spec.source.tag and spec.source.tag ~= "v" .. version then
  fail("%s: source.tag %s is not v%s", path, spec.source.tag, version)
end

local latest
for line in read("CHANGELOG.md"):gmatch("[^\n]+") do
  local v = line:match("^## %[(%d+%.%d+%.%d+)%]")
  if v then latest = v break end
end
if latest ~= version then
  fail("CHANGELOG.md: the latest release section is %s, version.lua says %s", tostring(latest), version)
end

local core_h = read("csrc/core.h"):match('#define%s+ANTH_VERSION%s+"([^"]*)"')
if core_h and core_h ~= version then
  fail("csrc/core.h: ANTH_VERSION %s, version.lua says %s", core_h, version)
end

-- The C sources: the rockspec's list (base and platform overrides) against csrc/*.c.
local listed, count = {}, 0
local function collect(modules)
  for _, m in pairs(modules or {}) do
    if type(m) == "table" then
      for _, src in ipairs(m.sources or m) do
        if type(src) == "string" and src:match("%.c$") and not listed[src] then listed[src] = true count = count + 1 end
      end
    end
  end
end
collect(spec.build.modules)
for _, p in pairs(spec.build.platforms or {}) do collect(p.modules) end
local actual = {}
local ls = io.popen("ls csrc/*.c")
for f in ls:lines() do actual[f] = true end
ls:close()
for f in pairs(actual) do if not listed[f] then fail("%s: csrc source %s is not in build.modules", path, f) end end
for f in pairs(listed) do if not actual[f] then fail("%s: lists %s, which is not in csrc/", path, f) end end

for _, m in ipairs(failures) do print(m) end
print(("release: version %s; rockspec, CHANGELOG.md%s agree; %d C sources listed: %s"):format(
  version, core_h and ", csrc/core.h" or "", count, #failures == 0 and "ok" or (#failures .. " problem(s)")))
os.exit(#failures == 0 and 0 or 1)
LUA
