#!/bin/sh
# Installs the official TypeScript SDK at the version spec/diff/node pins
# (package-lock.json) into spec/diff/node/node_modules, for spec/diff_spec.lua
# and spec/partial_json_spec.lua. Does nothing when it is there already or
# when node is absent (those specs then say they are pending).
set -e
cd "$(dirname "$0")/node"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || exit 0
[ -f node_modules/@anthropic-ai/sdk/package.json ] && exit 0
echo "installing @anthropic-ai/sdk into spec/diff/node/"
npm ci --no-audit --no-fund --loglevel=error
