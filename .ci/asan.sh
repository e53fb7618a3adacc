#!/bin/sh
# Builds anthropic.core with AddressSanitizer and UBSan into build/asan/ and
# runs the busted suite under Lua 5.4 against it. Lua itself is not
# instrumented, so libasan is preloaded; -z nodelete keeps the module mapped
# at exit so leak reports have names. Any ASan/UBSan report fails the run
# (halt_on_error, UBSan's -fno-sanitize-recover), leaks included (child
# processes' own are suppressed: .ci/lsan.supp). ASAN_SPECS="spec/a_spec.lua ..."
# runs only those spec files (and skips the embed host, which runs under ASan
# after the suite otherwise).
set -e
cd "$(dirname "$0")/.."
LUA=${LUA:-lua5.4}
CC=${CC:-gcc}
OUT=build/asan
mkdir -p "$OUT/anthropic"
# shellcheck disable=SC2046
$CC -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
  -Wall -Wextra -Wno-unused-parameter -std=c99 -D_POSIX_C_SOURCE=200809L -fPIC -fvisibility=hidden -Wl,-z,nodelete \
  $(pkg-config --cflags "$LUA") $(pkg-config --cflags libcurl libcrypto zlib) -shared \
  -o "$OUT/anthropic/core.so" csrc/*.c $(pkg-config --libs libcurl libcrypto zlib) -lpthread
LIBASAN=$($CC -print-file-name=libasan.so)
[ -f "$LIBASAN" ] || { echo "asan.sh: libasan.so not found for $CC" >&2; exit 1; }
start=$(date +%s)
LD_PRELOAD="$LIBASAN" \
LSAN_OPTIONS="suppressions=$(pwd)/.ci/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}" \
ANTHROPIC_TEST_TIME_SCALE=${ANTHROPIC_TEST_TIME_SCALE:-10} ANTHROPIC_TEST_NO_TIMING=1 \
ASAN_OPTIONS="detect_leaks=1:quarantine_size_mb=16:halt_on_error=1:abort_on_error=0:exitcode=86:detect_stack_use_after_return=0:${ASAN_OPTIONS:-}" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}" \
LUA_CPATH="$OUT/?.so;;" LUA_PATH="lua/?.lua;lua/?/init.lua;spec/?.lua;;" ANTHROPIC_TEST_LUA="$LUA" \
  "$LUA" /usr/bin/busted ${BUSTED_ARGS:-} ${ASAN_SPECS:-spec}
# The embed host under ASan too: one state, 2 and 8 states on pthreads. Not
# fork.lua: GCC 12's libasan does not hold its allocator's locks across
# fork(), so a child forked while another thread allocates can block for
# ever inside ASan's allocator (seen about once in 12 runs, the child's stack
# in SizeClassAllocator64::GetFromAllocator). fork.lua runs in `make
# embed-test` and under TSan, whose runtime takes its locks around fork().
if [ -z "${ASAN_SPECS:-}" ]; then
  EMBED_SKIP_FORK=1 CC=$CC CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  EMBED_BUILD=build/asan-embed ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:exitcode=86:${ASAN_OPTIONS:-}" \
  LSAN_OPTIONS="suppressions=$(pwd)/.ci/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}" \
    sh examples/embed/test.sh
fi
echo "asan.sh: passed in $(( $(date +%s) - start )) s"
