/* anthropic.core: the module entry. Each part registers its functions here. */
#include "core.h"

int luaopen_anthropic_core(lua_State *L) {
    lua_newtable(L);
    lua_pushliteral(L, ANTH_VERSION);
    lua_setfield(L, -2, "version");
    luaL_newmetatable(L, ANTH_ARRAY_MT);
    lua_pushliteral(L, "array");
    lua_setfield(L, -2, "__jsontype");
    lua_setfield(L, -2, "array_mt");
    luaL_newmetatable(L, ANTH_OBJECT_MT);
    lua_pushliteral(L, "object");
    lua_setfield(L, -2, "__jsontype");
    lua_setfield(L, -2, "object_mt");
    lua_pushlightuserdata(L, NULL);
    lua_setfield(L, -2, "null");
    anth_open_json(L);
    anth_open_base64(L);
    anth_open_partial_json(L);
    anth_open_transfer(L);
    anth_open_platforms(L);
    return 1;
}
