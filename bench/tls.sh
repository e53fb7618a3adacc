#!/bin/sh
# The benchmarks' TLS material, generated once into build/bench/tls/ with the
# openssl program: a self-signed CA (ca.pem), a server certificate it signs
# for 127.0.0.1 and localhost (server.pem, server.key), and bundle.pem, the
# system's CA bundle plus ca.pem. Clients verify against bundle.pem, so that
# loading the CA store costs what it costs against the real API (about 140
# roots), not what one root costs.
#   sh bench/tls.sh      prints nothing; leaves the files in build/bench/tls/
set -eu
cd "$(dirname "$0")/.."
DIR=build/bench/tls
SYSTEM_CA=${BENCH_SYSTEM_CA:-/etc/ssl/certs/ca-certificates.crt}
mkdir -p "$DIR"
if [ ! -f "$DIR/server.pem" ] || [ ! -f "$DIR/ca.pem" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=lua-anthropic bench CA" -keyout "$DIR/ca.key" -out "$DIR/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$DIR/server.key" -out "$DIR/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
    > "$DIR/server.ext"
  openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial -days 3650 \
    -extfile "$DIR/server.ext" -out "$DIR/server.pem" 2>/dev/null
  rm -f "$DIR/server.csr"
fi
if [ -f "$SYSTEM_CA" ]; then
  cat "$SYSTEM_CA" "$DIR/ca.pem" > "$DIR/bundle.pem"
else
  cp "$DIR/ca.pem" "$DIR/bundle.pem"
fi
