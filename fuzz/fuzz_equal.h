/* Deep equality of two Lua values made by the JSON reader, for the fuzz
 * targets: tables member by member, empty ones of the same kind (their
 * array/object metatable). */
#ifndef FUZZ_EQUAL_H
#define FUZZ_EQUAL_H

#include <stdlib.h>

#include <lua.h>

static int fuzz_equal(lua_State *L, int a, int b, int depth) {
    if (lua_type(L, a) != lua_type(L, b)) return 0;
    if (lua_type(L, a) != LUA_TTABLE) return lua_rawequal(L, a, b);
    if (depth > 1100) return 0;
    if (!lua_checkstack(L, 8)) abort();
    {
        int na = 0, nb = 0;
        lua_pushnil(L);
        while (lua_next(L, a)) {
            int v = lua_gettop(L);
            na++;
            lua_pushvalue(L, v - 1);
            lua_rawget(L, b);
            if (!fuzz_equal(L, v, lua_gettop(L), depth + 1)) {
                lua_pop(L, 3);
                return 0;
            }
            lua_pop(L, 2);
        }
        lua_pushnil(L);
        while (lua_next(L, b)) {
            nb++;
            lua_pop(L, 1);
        }
        if (na != nb) return 0;
        /* empty tables must keep their kind */
        if (na == 0) {
            int same;
            lua_getmetatable(L, a);
            lua_getmetatable(L, b);
            same = lua_rawequal(L, -1, -2);
            lua_pop(L, 2);
            return same;
        }
    }
    return 1;
}

#endif
