/* Appenders (appender.h): core.appender([text]) and its methods. */
#include "appender.h"

static anth_appender *check_open(lua_State *L) {
    anth_appender *a = anth_checkudata(L, 1, ANTH_APPENDER_MT);
    if (a->closed) luaL_error(L, "anthropic: the appender is closed");
    return a;
}

anth_appender *anth_to_appender(lua_State *L, int idx) {
    anth_appender *a = anth_testudata(L, idx, ANTH_APPENDER_MT);
    return a != NULL && !a->closed ? a : NULL;
}

void anth_appender_add(lua_State *L, anth_appender *a, const char *p, size_t n) {
    if (anth_buf_append(&a->text, p, n) != 0) luaL_error(L, "anthropic: out of memory");
}

/* core.appender([text]) -> a new appender holding text (a string), or empty. */
static int appender_new(lua_State *L) {
    size_t n = 0;
    const char *p = luaL_optlstring(L, 1, "", &n);
    anth_appender *a = lua_newuserdata(L, sizeof *a);
    anth_buf_init(&a->text);
    a->closed = 0;
    anth_setmetatable(L, ANTH_APPENDER_MT);
    anth_appender_add(L, a, p, n);
    return 1;
}

/* a:add(s): appends string s (a number is not taken for one). */
static int appender_add(lua_State *L) {
    anth_appender *a = check_open(L);
    size_t n;
    const char *p;
    luaL_checktype(L, 2, LUA_TSTRING);
    p = lua_tolstring(L, 2, &n);
    anth_appender_add(L, a, p, n);
    return 0;
}

/* a:value() -> the text so far, as one string (the appender keeps it). */
static int appender_value(lua_State *L) {
    anth_appender *a = check_open(L);
    lua_pushlstring(L, a->text.data != NULL ? a->text.data : "", a->text.len);
    return 1;
}

/* #a -> the bytes held. */
static int appender_len(lua_State *L) {
    anth_appender *a = check_open(L);
    lua_pushinteger(L, (lua_Integer)a->text.len);
    return 1;
}

/* a:close(): frees the text now rather than at collection; idempotent. */
static int appender_close(lua_State *L) {
    anth_appender *a = anth_checkudata(L, 1, ANTH_APPENDER_MT);
    anth_buf_free(&a->text);
    a->closed = 1;
    return 0;
}

void anth_open_appender(lua_State *L) {
    static const luaL_Reg methods[] = {{"__gc", appender_close}, {"__close", appender_close},
                                       {"__len", appender_len},  {"add", appender_add},
                                       {"value", appender_value}, {"len", appender_len},
                                       {"close", appender_close}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {{"appender", appender_new}, {NULL, NULL}};
    anth_register(L, ANTH_APPENDER_MT, methods);
    anth_setfuncs(L, funcs, 0);
}
