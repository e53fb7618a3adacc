#!/bin/sh
# Profiles lua-anthropic's hot paths under Lua 5.4 against the bench server:
#   1. perf (C level, with call graphs): sequential creates, and streams through s:text()
#   2. callgrind (instruction counts per function, inclusive)
#   3. a Lua-level sampler (bench/lua_prof.lua): which Lua functions and lines
# Outputs go to build/bench/profile/; summaries are printed. Run after
# `make bench` (or it builds what it needs the same way).
#   sh bench/profile.sh [create|text|events|stall|all]
set -eu
cd "$(dirname "$0")/.."
what=${1:-all}
OUT=build/bench/profile
mkdir -p "$OUT"
PORT=${BENCH_PORT:-18471}
BASE=http://127.0.0.1:$PORT
export LUA_CPATH="build/lua5.4/?.so;;" LUA_PATH="lua/?.lua;lua/?/init.lua;;"
make --no-print-directory build-lua5.4 >/dev/null
sh bench/server.sh start "$PORT"
trap 'sh bench/server.sh stop' EXIT INT TERM
PIN="taskset -c ${CLIENT_CPU:-1}"

profile() { # name, lua_client args
  name=$1; shift
  echo "=== $name: $*"
  if command -v perf >/dev/null 2>&1; then
    $PIN perf record -q -g -F 4999 -o "$OUT/$name.perf.data" lua5.4 bench/lua_client.lua "$BASE" "$@" \
      >/dev/null 2>"$OUT/$name.perf.err" || true
    { perf report -i "$OUT/$name.perf.data" --stdio --no-children --sort dso 2>/dev/null \
        | grep -E '^ +[0-9.]+%' | head -8
      echo
      perf report -i "$OUT/$name.perf.data" --stdio --no-children --sort symbol,dso 2>/dev/null \
        | grep -E '^ +[0-9.]+%' | grep -v ' 0x0000' | head -25
    } > "$OUT/$name.perf.txt" || true
    echo "--- perf, self time by library, then by named symbol (Debian's lua5.4 is stripped:"
    echo "    its interpreter shows as one library; $OUT/$name.perf.txt)"
    cat "$OUT/$name.perf.txt"
  fi
  if command -v valgrind >/dev/null 2>&1; then
    valgrind --tool=callgrind --callgrind-out-file="$OUT/$name.callgrind" \
      lua5.4 bench/lua_client.lua "$BASE" "$@" >/dev/null 2>"$OUT/$name.callgrind.err" || true
    { callgrind_annotate --inclusive=no "$OUT/$name.callgrind" 2>/dev/null | sed -n '/^Ir/,$p' | head -30
      echo "inclusive, the SDK's own C functions:"
      callgrind_annotate --inclusive=yes "$OUT/$name.callgrind" 2>/dev/null | grep 'csrc/' | head -15
    } > "$OUT/$name.callgrind.txt" || true
    echo "--- callgrind, self Ir by function (top; $OUT/$name.callgrind.txt)"
    cat "$OUT/$name.callgrind.txt"
  fi
  echo "--- Lua layer ($OUT/$name.lua.txt)"
  $PIN lua5.4 bench/lua_prof.lua "$BASE" "$@" > "$OUT/$name.lua.txt" 2>&1 || true
  cat "$OUT/$name.lua.txt"
}

case "$what" in create|all) profile create create 3000 100 ;; esac
case "$what" in text|all) profile text text 10 ;; esac
case "$what" in events|all) profile events events 10 ;; esac
case "$what" in stall|all) profile stall stall 16 ;; esac
