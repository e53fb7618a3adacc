#!/bin/sh
# `make bench`: installs what is missing (Debian packages when root, the
# TypeScript SDK from npm into bench/node/), builds the core for Lua 5.4 and
# LuaJIT and the C floor, starts nginx (bench/server.sh: plain HTTP on
# BENCH_PORT, TLS + HTTP/2 on BENCH_PORT + 1 with a CA of its own) on core 0,
# runs every client on core 1 over both (bench/run.lua), prints the table and
# writes bench/RESULTS.md. Environment: BENCH_PORT (18471), BENCH_RUNS (5),
# BENCH_DELTAS (20000 text deltas in the recorded stream), BENCH_QUICK=1,
# BENCH_LOVE=0 (skip the LÖVE frame measurement and its packages).
set -eu
cd "$(dirname "$0")/.."

# Debian packages: the build, the server, the peers, the profilers.
sh .ci/deps.sh gcc make pkg-config libcurl4-openssl-dev libssl-dev zlib1g-dev lua5.4 liblua5.4-dev luajit \
  libluajit-5.1-dev lua-cjson lua-socket lua-sec lua-luv nginx libnginx-mod-http-echo valgrind curl openssl \
  ca-certificates
[ "${BENCH_LOVE:-1}" = 0 ] || sh .ci/deps.sh love xvfb xauth libgl1-mesa-dri
command -v node >/dev/null 2>&1 || sh .ci/deps.sh nodejs npm

# The official TypeScript SDK, at the version bench/node/package.json pins.
if [ ! -f bench/node/node_modules/@anthropic-ai/sdk/package.json ]; then
  echo "installing @anthropic-ai/sdk into bench/node/"
  (cd bench/node && npm install --no-audit --no-fund --loglevel=error)
fi

make --no-print-directory build-lua5.4 build-luajit
mkdir -p build/bench
cc -std=c99 -O2 -g -Wall -Wextra -Icsrc bench/floor.c csrc/sse.c csrc/buffer.c csrc/base64.c \
  $(pkg-config --cflags --libs libcurl) -o build/bench/floor
cc -std=c99 -O2 -Wall -Wextra bench/pagefault.c -o build/bench/pagefault

# The 20 MB image: random bytes behind a JPEG signature (what is measured is
# moving the bytes, not the picture).
if [ ! -f build/bench/image.jpg ] || [ "$(stat -c %s build/bench/image.jpg)" != 20000000 ]; then
  head -c 20000000 /dev/urandom > build/bench/image.jpg
  printf '\377\330\377\340' | dd of=build/bench/image.jpg conv=notrunc 2>/dev/null
fi

# Two cores or more: the server on one, the clients on another.
if [ "$(nproc)" -ge 2 ]; then
  SERVER_CPU=${SERVER_CPU:-0} CLIENT_CPU=${CLIENT_CPU:-1}
else
  SERVER_CPU=0 CLIENT_CPU=0
fi
export SERVER_CPU CLIENT_CPU
PORT=${BENCH_PORT:-18471}
TLS_PORT=$((PORT + 1))
sh bench/server.sh start "$PORT" "${BENCH_DELTAS:-20000}" "$TLS_PORT"
trap 'sh bench/server.sh stop' EXIT INT TERM
lua5.4 bench/run.lua "$PORT" "$TLS_PORT"
