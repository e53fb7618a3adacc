#!/bin/sh
# The API reference: `sh .ci/docs.sh` (make docs) runs LDoc over
# lua/anthropic/ (config.ld at the repository root) into doc/, then lists the
# public functions that have no doc comment.
# `sh .ci/docs.sh --check` only runs that check and fails (exit 1) when any
# public function lacks one.
#
# A public function is every `function A.b(` or `function A:b(` in
# lua/anthropic/*.lua (M.x, Client:x, Stream:x, api.x, ...), except names
# starting with `_` (metamethods). It is documented when the comment lines
# directly above it (no blank line between) include an LDoc `---` line.
set -eu
cd "$(dirname "$0")/.."

check() {
  lua=$(command -v lua5.4 || command -v lua5.3 || command -v lua5.1 || command -v lua || command -v luajit)
  "$lua" - lua/anthropic/*.lua <<'LUA'
local missing, total = {}, 0
for _, path in ipairs(arg) do
  local lines = {}
  for line in io.lines(path) do lines[#lines + 1] = line end
  for i, line in ipairs(lines) do
    local name = line:match("^%s*function%s+([%w_]+[.:][%w_.:]+)%s*%(")
    local last = name and name:match("[.:]([%w_]+)$")
    if name and last:sub(1, 1) ~= "_" then
      total = total + 1
      local documented, j = false, i - 1
      while j >= 1 and lines[j]:match("^%s*%-%-") do
        if lines[j]:match("^%s*%-%-%-%f[^-]") then documented = true end
        j = j - 1
      end
      if not documented then missing[#missing + 1] = ("%s:%d: %s"):format(path, i, name) end
    end
  end
end
for _, m in ipairs(missing) do print(m) end
print(("docs: %d of %d public functions have no doc comment"):format(#missing, total))
os.exit(#missing == 0 and 0 or 1)
LUA
}

if [ "${1:-}" = "--check" ]; then
  check
  exit $?
fi

sh .ci/deps.sh lua-ldoc lua-markdown lua5.1
# Debian's ldoc runs under Lua 5.2 by default, where Debian's markdown.lua
# (lua-markdown, 5.1 only) is not found and the Markdown in the comments and
# README would be shown as plain text: run it under 5.1.
rm -rf doc
lua5.1 /usr/bin/ldoc -q . || exit 1
echo "docs: wrote doc/index.html ($(find doc -name '*.html' | wc -l) pages)"
check || true
