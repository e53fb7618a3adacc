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

/* Frees the text; the appender is closed from then on. */
static void let_go(anth_appender *a) {
    anth_buf_free(&a->text);
    a->closed = 1;
}

/* The text as one string, made in a protected call (appender_take). */
static int push_text(lua_State *L) {
    const anth_appender *a = lua_touserdata(L, 1);
    lua_pushlstring(L, a->text.data, a->text.len);
    return 1;
}

/* a:take() -> the whole text, as one string; the appender is closed.
 *
 * A long text (a stream's whole answer, at its block's end) is made with the
 * collector stopped: the allocation would have Lua's incremental collector
 * take at once a step in proportion to its size (0.8-1.9 ms for 190 KB
 * here, inside the host loop's poll that ends the stream: bench/RESULTS.md
 * §11). Restarted, the collector goes on at its usual pace with the
 * allocations that follow; the text's memory is counted all the same. Once
 * per block, so that the pace is not pushed back for good (a:value(), which
 * a host may call every frame, does not do this). A collector the host
 * stopped stays stopped; Lua 5.1 cannot tell, and makes the string as any. */
static int appender_take(lua_State *L) {
    anth_appender *a = check_open(L);
    if (a->text.len == 0) {
        lua_pushliteral(L, "");
#ifdef LUA_GCISRUNNING
    } else if (a->text.len >= ANTH_LONG_TEXT && lua_gc(L, LUA_GCISRUNNING, 0) == 1) {
        int rc;
        lua_gc(L, LUA_GCSTOP, 0);
        lua_pushcfunction(L, push_text);
        lua_pushlightuserdata(L, a);
        rc = lua_pcall(L, 1, 1, 0);
        lua_gc(L, LUA_GCRESTART, 0); /* (also after a memory error) */
        if (rc != 0) return lua_error(L);
#endif
    } else {
        lua_pushlstring(L, a->text.data, a->text.len);
    }
    let_go(a);
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
    let_go(anth_checkudata(L, 1, ANTH_APPENDER_MT));
    return 0;
}

void anth_open_appender(lua_State *L) {
    static const luaL_Reg methods[] = {{"__gc", appender_close}, {"__close", appender_close},
                                       {"__len", appender_len},  {"add", appender_add},
                                       {"value", appender_value}, {"take", appender_take},
                                       {"len", appender_len},
                                       {"close", appender_close}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {{"appender", appender_new}, {NULL, NULL}};
    anth_register(L, ANTH_APPENDER_MT, methods);
    anth_setfuncs(L, funcs, 0);
}
