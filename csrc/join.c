/* core.join(list [, n]): the strings list[1..n] (n: #list) joined into one
 * string. The accumulator joins a long answer's text with it: table.concat
 * grows a buffer by half again each time it is full and then copies it into
 * the string, some four times the text's size in fresh memory at the end
 * of a stream; lua_concat writes the pieces into a string of the exact
 * size (straight into it on Lua 5.4, through one reused buffer of that
 * size before). */
#include "compat.h"

/* Pieces pushed at once: Lua's C stack guarantees 20 slots, and joining in
 * rounds of this many keeps the stack small for any list. */
#define JOIN_ROUND 200

static int core_join(lua_State *L) {
    lua_Integer n, i, done = 0;
    luaL_checktype(L, 1, LUA_TTABLE);
    n = luaL_optinteger(L, 2, (lua_Integer)anth_rawlen(L, 1));
    lua_pushliteral(L, "");
    while (done < n) {
        lua_Integer k = n - done > JOIN_ROUND ? JOIN_ROUND : n - done;
        luaL_checkstack(L, (int)k + 1, "anthropic: join");
        for (i = 1; i <= k; i++) {
            lua_rawgeti(L, 1, (int)(done + i));
            if (lua_type(L, -1) != LUA_TSTRING)
                return luaL_error(L, "anthropic: join: item %d is a %s, not a string", (int)(done + i),
                                  luaL_typename(L, -1));
        }
        lua_concat(L, (int)k + 1); /* what is joined so far, then this round's pieces */
        done += k;
    }
    return 1;
}

void anth_open_join(lua_State *L) {
    static const luaL_Reg funcs[] = {{"join", core_join}, {NULL, NULL}};
    anth_setfuncs(L, funcs, 0);
}
