#!/bin/sh
# Starts or stops the benchmarks' nginx (bench/nginx.conf.in) under
# build/bench/nginx/, pinned to core $SERVER_CPU (default 0): plain HTTP on
# PORT, TLS + HTTP/2 on TLS_PORT (default PORT + 1) with the certificate of
# bench/tls.sh (generated on first use).
#   sh bench/server.sh start [PORT] [DELTAS] [TLS_PORT]   prints nothing, waits until both answer
#   sh bench/server.sh stop
set -eu
cd "$(dirname "$0")/.."
PREFIX="$(pwd)/build/bench/nginx"
cmd=${1:-start}
PORT=${2:-${BENCH_PORT:-18471}}
DELTAS=${3:-${BENCH_DELTAS:-20000}}
TLS_PORT=${4:-${BENCH_TLS_PORT:-$((PORT + 1))}}
TLSDIR="$(pwd)/build/bench/tls"

stop() {
  if [ -f "$PREFIX/nginx.pid" ]; then
    pid=$(cat "$PREFIX/nginx.pid")
    kill -QUIT "$pid" 2>/dev/null || true
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    rm -f "$PREFIX/nginx.pid"
  fi
}

case "$cmd" in
stop) stop; exit 0 ;;
start) ;;
*) echo "usage: server.sh start|stop [PORT] [DELTAS]" >&2; exit 2 ;;
esac

stop
sh bench/tls.sh
mkdir -p "$PREFIX/client_body" "$PREFIX/proxy" "$PREFIX/fastcgi" "$PREFIX/uwsgi" "$PREFIX/scgi"
# The stream file, regenerated only when the size asked for changes.
if [ ! -f "$PREFIX/stream.sse" ] || [ "$(cat "$PREFIX/stream.deltas" 2>/dev/null)" != "$DELTAS" ]; then
  lua5.4 bench/gen_stream.lua "$PREFIX/stream.sse" "$DELTAS" > "$PREFIX/stream.info"
  echo "$DELTAS" > "$PREFIX/stream.deltas"
fi
# The large answers of the compression figures (bench/compress.lua).
[ -f "$PREFIX/results.jsonl" ] || lua5.4 bench/gen_big.lua "$PREFIX" >/dev/null
# The paced stream (LÖVE frames): BENCH_PACED_DELTAS text deltas, BENCH_PACED_MS apart.
lua5.4 bench/gen_stream.lua "$PREFIX/paced.conf" "${BENCH_PACED_DELTAS:-100}" "${BENCH_PACED_MS:-20}" >/dev/null
# The guide's basic response, verbatim (spec/support/guide.lua).
LUA_PATH="spec/?.lua;;" lua5.4 -e 'io.write(require("support.guide").basic_response)' > "$PREFIX/basic.json"
lua5.4 - "$PREFIX" "$PORT" "$TLS_PORT" "$TLSDIR" <<'LUA'
local prefix, port, tls_port, tls_dir = arg[1], arg[2], arg[3], arg[4]
local conf = io.open("bench/nginx.conf.in"):read("a")
local response = io.open(prefix .. "/basic.json"):read("a")
assert(not response:find("[$'\\]"), "the response needs escaping")
conf = conf:gsub("@(%u+)@", { PREFIX = prefix, PORT = port, TLSPORT = tls_port, TLSDIR = tls_dir,
                              RESPONSE = response })
local f = assert(io.open(prefix .. "/nginx.conf", "w"))
f:write(conf)
f:close()
LUA
taskset -c "${SERVER_CPU:-0}" nginx -p "$PREFIX" -c "$PREFIX/nginx.conf" -e "$PREFIX/error.log" \
  >"$PREFIX/stdout.log" 2>&1 &
i=0
until curl -s -o /dev/null -X POST -d '{}' "http://127.0.0.1:$PORT/v1/messages" 2>/dev/null &&
  curl -s -o /dev/null --cacert "$TLSDIR/ca.pem" -X POST -d '{}' "https://127.0.0.1:$TLS_PORT/v1/messages" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 100 ]; then echo "nginx did not start:" >&2; cat "$PREFIX/error.log" "$PREFIX/stdout.log" >&2; exit 1; fi
  sleep 0.05
done
