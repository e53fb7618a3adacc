/* Lua version differences (compat.h). */
#include "compat.h"

#if LUA_VERSION_NUM < 502
void anth_setfuncs(lua_State *L, const luaL_Reg *l, int nup) {
    luaL_checkstack(L, nup + 1, "too many upvalues");
    for (; l->name != NULL; l++) {
        int i;
        for (i = 0; i < nup; i++) lua_pushvalue(L, -nup);
        lua_pushcclosure(L, l->func, nup);
        lua_setfield(L, -(nup + 2), l->name);
    }
    lua_pop(L, nup);
}

void *anth_testudata(lua_State *L, int ud, const char *tname) {
    void *p = lua_touserdata(L, ud);
    if (p != NULL && lua_getmetatable(L, ud)) {
        luaL_getmetatable(L, tname);
        if (!lua_rawequal(L, -1, -2)) p = NULL;
        lua_pop(L, 2);
        return p;
    }
    return NULL;
}
#endif

void anth_register(lua_State *L, const char *tname, const luaL_Reg *l) {
    luaL_newmetatable(L, tname);
    for (; l->name != NULL; l++) {
        if (l->name[0] == '_' && l->name[1] == '_') {
            lua_pushvalue(L, -1); /* the metatable, upvalue 1 (see anth_checkudata) */
            lua_pushcclosure(L, l->func, 1);
            lua_setfield(L, -2, l->name);
            continue;
        }
        lua_getfield(L, -1, "__index");
        if (!lua_istable(L, -1)) {
            lua_pop(L, 1);
            lua_newtable(L);
            lua_pushvalue(L, -1);
            lua_setfield(L, -3, "__index");
        }
        lua_pushvalue(L, -2);
        lua_pushcclosure(L, l->func, 1);
        lua_setfield(L, -2, l->name);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}
