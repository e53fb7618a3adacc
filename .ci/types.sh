#!/bin/sh
# Part of `make lint`: the LuaLS definitions in types/ cover every public
# function, table and value of the modules (.ci/types.lua says how).
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory -s build/lua5.4/anthropic/core.so
LUA_CPATH="build/lua5.4/?.so" LUA_PATH="lua/?.lua;lua/?/init.lua;spec/?.lua" \
  lua5.4 .ci/types.lua $(find types -name '*.lua' | sort)
