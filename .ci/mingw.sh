#!/bin/sh
# `make check-mingw`: compiles every csrc/*.c for 64-bit Windows with
# Debian's mingw-w64 cross compiler, against the Lua 5.4, libcurl, OpenSSL and
# zlib headers (copied into a private include directory: Debian keeps some of
# them under the multiarch directory, which the cross compiler must not
# search). Compile only (-c): no Windows library is linked. Any warning fails.
set -eu
cd "$(dirname "$0")/.."
sh .ci/deps.sh gcc-mingw-w64-x86-64 liblua5.4-dev libcurl4-openssl-dev libssl-dev zlib1g-dev
CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
OUT=build/mingw
rm -rf "$OUT"
mkdir -p "$OUT/include/curl" "$OUT/include/openssl" "$OUT/obj"
cp /usr/include/lua5.4/lua.h /usr/include/lua5.4/luaconf.h /usr/include/lua5.4/lauxlib.h \
  /usr/include/lua5.4/lualib.h "$OUT/include/"
multiarch=/usr/include/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
curl_dir=$(dirname "$(ls "$multiarch/curl/curl.h" /usr/include/curl/curl.h 2>/dev/null | head -n 1)")
cp "$curl_dir"/*.h "$OUT/include/curl/"
cp /usr/include/openssl/*.h "$OUT/include/openssl/"
cp "$multiarch"/openssl/*.h "$OUT/include/openssl/" # configuration.h, opensslconf.h
cp /usr/include/zlib.h /usr/include/zconf.h "$OUT/include/"
n=0
for src in csrc/*.c; do
  obj="$OUT/obj/$(basename "$src" .c).o"
  $CC -std=c99 -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter -Werror \
    -DCURL_STATICLIB -I"$OUT/include" -c -o "$obj" "$src"
  n=$((n + 1))
done
# Symbol hygiene as on Linux (.refptr.* are the compiler's own stubs), and
# the DLL exports luaopen_anthropic_core (ANTH_EXPORT's __declspec(dllexport)
# leaves an -export: directive in core.o) and nothing else.
bad=$(x86_64-w64-mingw32-nm -g --defined-only "$OUT"/obj/*.o | awk 'NF == 3 { print $3 }' |
  grep -Ev '^(anth_|luaopen_|\.refptr\.anth_)' || true)
if [ -n "$bad" ]; then
  echo "mingw.sh: global symbols without an anth_/luaopen_ prefix:"; echo "$bad"; exit 1
fi
exports=$(for o in "$OUT"/obj/*.o; do
  x86_64-w64-mingw32-objcopy -O binary --only-section=.drectve "$o" "$OUT/drectve" 2>/dev/null &&
    tr -d '"' < "$OUT/drectve" | tr -s ' \0' '\n\n' | grep -- '-export:' || true
done)
if [ "$exports" != "-export:luaopen_anthropic_core" ]; then
  echo "mingw.sh: the DLL would export: ${exports:-nothing} (want -export:luaopen_anthropic_core)"; exit 1
fi
echo "mingw.sh: $n files of csrc/ compile for Windows (x86_64-w64-mingw32, -Wall -Wextra -Werror); only luaopen_anthropic_core is exported"
