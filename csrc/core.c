/* anthropic.core: the module entry. Each part of the core registers itself
 * through one opener in this list (core.h declares them). */
#include "core.h"

static const anth_opener parts[] = {
    anth_open_json,
    anth_open_base64,
    anth_open_clock,
    anth_open_body,
    anth_open_transfer,
    anth_open_response,
    anth_open_session,
    anth_open_wait,
};

int luaopen_anthropic_core(lua_State *L) {
    size_t i;
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
    for (i = 0; i < sizeof parts / sizeof parts[0]; i++) parts[i](L);
    return 1;
}
