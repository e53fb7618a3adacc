/* core.encode / core.decode / core.decode_safe: the JSON writer (with the
 * API's rules) and reader as Lua functions. */
#include "json.h"
#include "json_api.h"

#define ANTH_JSONBUF_MT "anthropic.json.buffer"

static int jsonbuf_gc(lua_State *L) {
    anth_buf *b = (anth_buf *)anth_checkudata(L, 1, ANTH_JSONBUF_MT);
    anth_buf_free(b);
    return 0;
}

/* encode(value [, marks]) -> string; raises on values JSON cannot hold. */
static int json_encode(lua_State *L) {
    anth_buf *b;
    anth_json_opts opts = {&anth_api_json_rules, 0, NULL, NULL};
    luaL_checkany(L, 1);
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        opts.marks = 2;
    }
    lua_settop(L, 2);
    /* the buffer lives in a userdata whose __gc frees it if the writer raises */
    b = (anth_buf *)anth_newuserdata(L, sizeof *b);
    anth_buf_init(b);
    anth_setmetatable(L, ANTH_JSONBUF_MT);
    anth_json_encode(L, 1, b, &opts);
    lua_pushlstring(L, b->data ? b->data : "", b->len);
    anth_buf_free(b);
    return 1;
}

/* decode(s) -> value; raises "JSON error at byte N: ..." on bad input. */
static int json_decode(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    lua_settop(L, 1);
    if (!anth_json_decode(L, s, n)) return lua_error(L);
    return 1;
}

/* decode_safe(s) -> value, or nil and the message. */
static int json_decode_safe(lua_State *L) {
    size_t n;
    const char *s;
    if (lua_type(L, 1) != LUA_TSTRING) {
        lua_pushnil(L);
        lua_pushfstring(L, "JSON error: expected a string, got %s", luaL_typename(L, 1));
        return 2;
    }
    s = lua_tolstring(L, 1, &n);
    lua_settop(L, 1);
    if (!anth_json_decode(L, s, n)) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    return 1;
}

void anth_open_json(lua_State *L) {
    static const luaL_Reg funcs[] = {
        {"encode", json_encode}, {"decode", json_decode}, {"decode_safe", json_decode_safe}, {NULL, NULL}};
    static const luaL_Reg meta[] = {{"__gc", jsonbuf_gc}, {NULL, NULL}};
    anth_register(L, ANTH_JSONBUF_MT, meta);
    anth_setfuncs(L, funcs, 0);
}
