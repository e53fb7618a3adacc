#!/bin/sh
# Copies the checkout's files (tracked, and new ones not ignored; no build
# output) into the directory $1, as a fresh clone would have them: what
# `make rock` and the install specs build from, so their builds never write
# into the work tree.
set -eu
dest=$1
cd "$(dirname "$0")/.."
mkdir -p "$dest"
git ls-files -co --exclude-standard | grep -v -e '^anthropic/' -e '^build/' | while read -r f; do
  [ -e "$f" ] && printf '%s\n' "$f"
done | tar -cf - -T - | tar -xf - -C "$dest"
