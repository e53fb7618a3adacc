#!/bin/sh
# `make test-hosts`: runs the LÖVE demo (examples/love) for real under Xvfb
# with software GL against the local fake server, in both modes (the
# non-blocking API in love.update, and a love.thread), and checks the text it
# drew, its screenshots and its frame times (examples/love/check.py).
# Everything is written under build/love/ and the test fails if it changed a
# file of the work tree; UPDATE_SCREENSHOT=1 (`make love-screenshot`) then
# copies the async run's screenshot to examples/love/screenshot.png, the
# README's picture, on purpose.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

sh .ci/deps.sh gcc make pkg-config libcurl4-openssl-dev luajit libluajit-5.1-dev love xvfb xauth \
  libgl1-mesa-dri python3

# LÖVE 11 runs LuaJIT: the core must be built against LuaJIT's headers.
make --no-print-directory build-luajit

state() { git status --porcelain --untracked-files=all -- . ':!build' ':!anthropic' 2>/dev/null | sort; }
before=$(state)
python3 examples/love/check.py "$ROOT" "$ROOT/build/love"
after=$(state)
if [ "$before" != "$after" ]; then
  printf 'test-hosts: the run changed the work tree.\nbefore:\n%s\nafter:\n%s\n' "$before" "$after" >&2
  exit 1
fi
if [ "${UPDATE_SCREENSHOT:-}" = 1 ]; then
  cp build/love/screenshot-async.png examples/love/screenshot.png
  echo "test-hosts: examples/love/screenshot.png updated from build/love/screenshot-async.png"
fi
