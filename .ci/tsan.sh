#!/bin/sh
# ThreadSanitizer where threads run: the embed host (examples/embed: the core
# compiled into a C program) built with -fsanitize=thread, running its checks
# in one Lua state, then 2 and 8 states on as many pthreads at once, each
# with its own clients, sessions and libcurl multi handles. Any data race
# TSan sees fails the run (halt_on_error, exit code 66). Lua and libcurl are
# not instrumented: their locks are still seen (pthread is intercepted), only
# their own memory accesses are not checked.
set -eu
cd "$(dirname "$0")/.."
CC=${CC:-gcc}
if ! echo 'int main(void){return 0;}' | $CC -fsanitize=thread -x c -o /dev/null - 2>/dev/null; then
  echo "tsan.sh: $CC cannot build with -fsanitize=thread" >&2
  exit 1
fi
start=$(date +%s)
CC=$CC CFLAGS="-O1 -g -fsanitize=thread -fno-omit-frame-pointer" EMBED_BUILD=build/tsan-embed \
TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1:${TSAN_OPTIONS:-}" \
  sh examples/embed/test.sh
echo "tsan.sh: passed in $(( $(date +%s) - start )) s"
