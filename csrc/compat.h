/* One source for Lua 5.1/LuaJIT, 5.2, 5.3 and 5.4: the few API differences
 * the core relies on, under anth_ names so they never clash with a host's;
 * and anth_register, which every Lua object uses to make its metatable. */
#ifndef ANTH_COMPAT_H
#define ANTH_COMPAT_H

#include <lua.h>
#include <lauxlib.h>

#if LUA_VERSION_NUM < 502
#define anth_rawlen(L, i) lua_objlen((L), (i))
#define anth_absindex(L, i) \
    (((i) > 0 || (i) <= LUA_REGISTRYINDEX) ? (i) : lua_gettop(L) + (i) + 1)
void anth_setfuncs(lua_State *L, const luaL_Reg *l, int nup);
void *anth_testudata(lua_State *L, int ud, const char *tname);
#define anth_setmetatable(L, name) \
    (luaL_getmetatable((L), (name)), lua_setmetatable((L), -2))
/* 5.1 userdata carry an environment table where later versions have a user value. */
#define anth_setuservalue(L, i) lua_setfenv((L), (i))
#define anth_getuservalue(L, i) lua_getfenv((L), (i))
#else
#define anth_rawlen(L, i) lua_rawlen((L), (i))
#define anth_absindex(L, i) lua_absindex((L), (i))
#define anth_setfuncs(L, l, n) luaL_setfuncs((L), (l), (n))
#define anth_testudata(L, i, n) luaL_testudata((L), (i), (n))
#define anth_setmetatable(L, name) luaL_setmetatable((L), (name))
#define anth_setuservalue(L, i) lua_setuservalue((L), (i))
#define anth_getuservalue(L, i) lua_getuservalue((L), (i))
#endif

#if LUA_VERSION_NUM >= 504
#define anth_newuserdata(L, size) lua_newuserdatauv((L), (size), 1)
#else
#define anth_newuserdata(L, size) lua_newuserdata((L), (size))
#endif

/* Integers exist as their own subtype from 5.3 on. */
#if LUA_VERSION_NUM >= 503
#define ANTH_HAS_INTEGERS 1
#else
#define ANTH_HAS_INTEGERS 0
#endif

/* Adds the functions of l (up to {NULL, NULL}) to the metatable named tname,
 * made when new: names starting with "__" to the metatable itself, the others
 * (methods) to its __index table, made at the first one. Several files may
 * add to one metatable, in any order. Each function gets the metatable as
 * its upvalue 1, for anth_checkudata. */
void anth_register(lua_State *L, const char *tname, const luaL_Reg *l);

/* luaL_checkudata(L, idx, tname), quicker in the usual case: a method
 * (anth_register) given an object of its own type sees the metatable it
 * holds as upvalue 1, one pointer comparison, where luaL_checkudata looks
 * tname up in the registry (~300 instructions, several per request and one
 * per stream event). Anything else (another type, a function without that
 * upvalue: it reads as nil) goes to luaL_checkudata, which decides and
 * raises with its usual message. */
static inline void *anth_checkudata(lua_State *L, int idx, const char *tname) {
    void *p = lua_touserdata(L, idx);
    if (p != NULL && lua_getmetatable(L, idx)) {
        int same = lua_rawequal(L, -1, lua_upvalueindex(1));
        lua_pop(L, 1);
        if (same) return p;
    }
    return luaL_checkudata(L, idx, tname);
}

#endif
