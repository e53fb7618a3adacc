/* core.json_body(value [, marks]): a request body encoded once, in C memory,
 * handed to libcurl without a copy and shared by every retry of a request. */
#include "transfer.h"

static int body_gc(lua_State *L) {
    anth_body *b = luaL_checkudata(L, 1, ANTH_BODY_MT);
    anth_buf_free(&b->buf);
    return 0;
}

static int body_len(lua_State *L) {
    anth_body *b = luaL_checkudata(L, 1, ANTH_BODY_MT);
    lua_pushinteger(L, (lua_Integer)b->buf.len);
    return 1;
}

static int body_string(lua_State *L) {
    anth_body *b = luaL_checkudata(L, 1, ANTH_BODY_MT);
    lua_pushlstring(L, b->buf.data ? b->buf.data : "", b->buf.len);
    return 1;
}

static int json_body(lua_State *L) {
    anth_body *b;
    int marks = lua_istable(L, 2) ? 2 : 0;
    luaL_checkany(L, 1);
    b = anth_newuserdata(L, sizeof *b);
    anth_buf_init(&b->buf);
    anth_setmetatable(L, ANTH_BODY_MT); /* set first: __gc frees a half-written body */
    anth_json_encode(L, 1, &b->buf, marks);
    return 1;
}

void anth_open_body(lua_State *L) {
    static const luaL_Reg methods[] = {{"len", body_len}, {"string", body_string}, {NULL, NULL}};
    if (luaL_newmetatable(L, ANTH_BODY_MT)) {
        lua_newtable(L);
        anth_setfuncs(L, methods, 0);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, body_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, body_len);
        lua_setfield(L, -2, "__len");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, json_body);
    lua_setfield(L, -2, "json_body");
}
