#!/bin/sh
# `make embed-test`: builds examples/embed/host, a C program embedding Lua 5.4
# with anthropic.core compiled into it (csrc/*.c, no core.so, no dlopen),
# checks that the core's objects export only anth_* and luaopen_* symbols,
# then runs examples/embed/chat.lua in it against the local fake server, in
# one state and in 2 and 8 states on as many pthreads (examples/embed/check.py).
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

sh .ci/deps.sh gcc binutils pkg-config libcurl4-openssl-dev libssl-dev zlib1g-dev liblua5.4-dev python3

OUT=${EMBED_BUILD:-build/embed}
mkdir -p "$OUT/obj"
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
STD="-std=c99 -D_POSIX_C_SOURCE=200809L"
WARN="-Wall -Wextra -Wno-unused-parameter"
LUA_CFLAGS=$(pkg-config --cflags lua5.4)
LUA_LIBS=$(pkg-config --libs lua5.4)
CURL_CFLAGS=$(pkg-config --cflags libcurl)
CURL_LIBS="$(pkg-config --libs libcurl) $(pkg-config --libs libcrypto zlib)"

# 1. The core as plain objects (as a host's build would compile them).
objs=""
for src in csrc/*.c; do
  obj="$OUT/obj/$(basename "$src" .c).o"
  # shellcheck disable=SC2086
  $CC $CFLAGS $WARN $STD $LUA_CFLAGS $CURL_CFLAGS -c -o "$obj" "$src"
  objs="$objs $obj"
done

# 2. Symbol hygiene: every global symbol the objects define is anth_* or
#    luaopen_*, so the core cannot clash with a host's own symbols.
# shellcheck disable=SC2086
# (Names a sanitizer adds, such as ASan's __odr_asan.*, are the compiler's.)
bad=$(nm -g --defined-only $objs | awk 'NF == 3 { print $3 }' | grep -Ev '^(anth_|luaopen_|__odr_asan)' || true)
if [ -n "$bad" ]; then
  echo "FAIL global symbols without an anth_/luaopen_ prefix:"; echo "$bad"; exit 1
fi
# shellcheck disable=SC2086
n=$(nm -g --defined-only $objs | awk 'NF == 3' | wc -l)
echo "ok   symbols: all $n global symbols of csrc/*.o start with anth_ or luaopen_"
# shellcheck disable=SC2086
dl=$(nm -u $objs | grep -Ew 'dlopen|dlsym|dlclose' || true)
if [ -n "$dl" ]; then echo "FAIL the core uses the dynamic loader: $dl"; exit 1; fi
echo "ok   no dlopen/dlsym/dlclose in the core"

# 3. The host, linked with the core's objects.
# shellcheck disable=SC2086
$CC $CFLAGS $WARN $STD $LUA_CFLAGS -o "$OUT/host" examples/embed/host.c $objs \
  $LUA_LIBS $CURL_LIBS -lpthread
echo "ok   built $OUT/host ($(wc -c < "$OUT/host") bytes)"
if nm "$OUT/host" | grep -q ' T luaopen_anthropic_core$'; then
  echo "ok   luaopen_anthropic_core is inside the host binary"
else
  echo "FAIL luaopen_anthropic_core is not in the host binary"; exit 1
fi

# 4. Run it (from a directory with no anthropic/core.so in reach).
cd "$OUT"
exec python3 "$ROOT/examples/embed/check.py" "$ROOT/$OUT/host" "$ROOT"
