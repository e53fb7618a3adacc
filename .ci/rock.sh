#!/bin/sh
# `make rock`: the rock as LuaRocks builds it, offline with Debian's luarocks.
# 1. luarocks lint on the rockspec.
# 2. From a copy of the checkout (so no .o or core.so lands in the work tree):
#    luarocks make into a temporary tree for Lua 5.4 and for Lua 5.1, and
#    anthropic loaded from each tree by lua5.4, lua5.1 and LuaJIT (5.1 tree).
# 3. In that copy: make (Lua 5.4 in place), luarocks make --lua-version 5.1
#    (which writes anthropic/core.so for 5.1), make again; lua5.4 must load
#    the in-place module and the stamp must name lua5.4.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
sh .ci/deps.sh luarocks lua5.1 liblua5.1-0-dev lua5.4 liblua5.4-dev luajit libcurl4-openssl-dev gcc make pkg-config
ROCKSPEC=$(ls rockspec/*.rockspec)
luarocks lint "$ROCKSPEC"
echo "rock.sh: luarocks lint $ROCKSPEC: ok"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
sh .ci/checkout.sh "$WORK/src"
cd "$WORK/src"

load() { # lua tree luaversion
  LUA_PATH="$2/share/lua/$3/?.lua;$2/share/lua/$3/?/init.lua" LUA_CPATH="$2/lib/lua/$3/?.so" \
    "$1" -e 'local a = require("anthropic"); local c = require("anthropic.core")
      io.write(("%s%s: anthropic %s, %s\n"):format(_VERSION, jit and (" (" .. jit.version .. ")") or "", a.VERSION,
        package.searchpath and package.searchpath("anthropic.core", package.cpath) or "core from the tree"))
      assert(c.curl_version())'
}
for v in 5.4 5.1; do
  luarocks make --lua-version "$v" --tree "$WORK/tree$v" "$ROCKSPEC" > "$WORK/make$v.log" 2>&1 ||
    { cat "$WORK/make$v.log"; echo "rock.sh: luarocks make --lua-version $v failed" >&2; exit 1; }
  echo "rock.sh: luarocks make --lua-version $v: installed into a temporary tree"
  [ -d "$WORK/tree$v/lib/luarocks/rocks-$v/lua-anthropic" ] && \
    ls "$WORK"/tree$v/lib/luarocks/rocks-$v/lua-anthropic/*/types/anthropic.lua >/dev/null
done
load lua5.4 "$WORK/tree5.4" 5.4
load lua5.1 "$WORK/tree5.1" 5.1
load luajit "$WORK/tree5.1" 5.1

# The in-place module and its stamp after a luarocks build in the checkout.
rm -rf anthropic build csrc/*.o
make --no-print-directory -s LUA=lua5.4 >/dev/null
luarocks make --lua-version 5.1 --tree "$WORK/tree5.1" "$ROCKSPEC" > "$WORK/inplace.log" 2>&1
make --no-print-directory -s LUA=lua5.4
[ -f anthropic/.built-for-lua5.4 ] && [ "$(ls anthropic/.built-for-* | wc -l)" = 1 ] ||
  { echo "rock.sh: the stamp does not name lua5.4: $(ls anthropic/.built-for-*)" >&2; exit 1; }
LUA_CPATH="./?.so" LUA_PATH="lua/?.lua;lua/?/init.lua" lua5.4 -e 'require("anthropic")' ||
  { echo "rock.sh: after luarocks make --lua-version 5.1 and make, lua5.4 cannot load anthropic/core.so" >&2; exit 1; }
echo "rock.sh: make after luarocks make --lua-version 5.1 in place: anthropic/core.so and its stamp are for lua5.4"
