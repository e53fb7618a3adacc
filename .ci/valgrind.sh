#!/bin/sh
# Runs the busted suite under valgrind (memcheck) for Lua 5.4 with the normal
# build. Children (the Python fake server, child Luas) are not traced. Slow:
# timing-sensitive specs get the time they need from their generous bounds.
# Definite leaks are errors; memory still reachable at exit (libcurl's global
# state, Lua's own) is not.
set -e
cd "$(dirname "$0")/.."
LUA=${LUA:-lua5.4}
make --no-print-directory "build/$LUA/anthropic/core.so"
start=$(date +%s)
LUA_CPATH="build/$LUA/?.so;;" LUA_PATH="lua/?.lua;lua/?/init.lua;spec/?.lua;;" ANTHROPIC_TEST_LUA="$LUA" \
ANTHROPIC_TEST_TIME_SCALE=${ANTHROPIC_TEST_TIME_SCALE:-20} ANTHROPIC_TEST_NO_TIMING=1 \
  valgrind --error-exitcode=1 --trace-children=no --track-origins=no \
  --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
  --suppressions=.ci/valgrind.supp --quiet \
  "$LUA" /usr/bin/busted ${BUSTED_ARGS:-} spec
echo "valgrind.sh: passed in $(( $(date +%s) - start )) s"
