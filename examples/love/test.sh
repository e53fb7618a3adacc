#!/bin/sh
# `make test-hosts`: runs the LÖVE demo (examples/love) for real under Xvfb
# with software GL against the local fake server, in both modes (the
# non-blocking API in love.update, and a love.thread), and checks the text it
# drew, its screenshot (examples/love/screenshot.png) and its frame times
# (examples/love/check.py).
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

sh .ci/deps.sh gcc make pkg-config libcurl4-openssl-dev luajit libluajit-5.1-dev love xvfb xauth \
  libgl1-mesa-dri python3

# LÖVE 11 runs LuaJIT: the core must be built against LuaJIT's headers.
make --no-print-directory build-luajit

exec python3 examples/love/check.py "$ROOT" "$ROOT/build/love"
