/* core.now() and core.sleep(seconds): the monotonic clock, and the blocking
 * sleep of the retry back-off of blocking calls (platform.c does the work). */
#include "compat.h"
#include "platform.h"

static int core_now(lua_State *L) {
    lua_pushnumber(L, anth_clock_now());
    return 1;
}

/* Sleeps at most an hour. */
static int core_sleep(lua_State *L) {
    lua_Number sec = luaL_checknumber(L, 1);
    if (!(sec > 0)) return 0;
    anth_sleep(sec > 3600 ? 3600 : (double)sec);
    return 0;
}

void anth_open_clock(lua_State *L) {
    static const luaL_Reg funcs[] = {{"now", core_now}, {"sleep", core_sleep}, {NULL, NULL}};
    anth_setfuncs(L, funcs, 0);
}
