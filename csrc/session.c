/* A session owns one libcurl multi handle: every transfer of a client runs in
 * it, so connections (and HTTP/2 streams) are shared and reused. */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include "transfer.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_code = CURLE_OK;

static void global_init(void) {
    global_code = curl_global_init(CURL_GLOBAL_DEFAULT);
}

double anth_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

anth_session *anth_check_session(lua_State *L, int idx) {
    anth_session *s = luaL_checkudata(L, idx, ANTH_SESSION_MT);
    if (s->closed) luaL_error(L, "anthropic: attempt to use a closed client");
    return s;
}

static void reap(anth_session *s) {
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(s->multi, &left)) != NULL) {
        anth_transfer *t = NULL;
        if (msg->msg != CURLMSG_DONE) continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        if (t != NULL) anth_transfer_finish(t, msg->data.result);
    }
}

/* Streams with an idle timeout fail when no byte came for that long. Returns
 * the wait in ms until the nearest idle deadline (or timeout_ms). */
static int check_idle(anth_session *s, int timeout_ms) {
    double now = anth_now();
    anth_transfer *t = s->active, *next;
    for (; t != NULL; t = next) {
        double left;
        next = t->next;
        if (t->idle_timeout <= 0 || t->state != ANTH_T_RUNNING) continue;
        left = t->last_byte + t->idle_timeout - now;
        if (left <= 0) {
            t->err_kind = "idle_timeout";
            anth_transfer_finish(t, CURLE_OPERATION_TIMEDOUT);
        } else if (left * 1000 < timeout_ms) {
            timeout_ms = (int)(left * 1000) + 1;
        }
    }
    return timeout_ms;
}

int anth_session_reap(anth_session *s, int timeout_ms) {
    reap(s);
    return check_idle(s, timeout_ms);
}

int anth_session_drive(anth_session *s, int timeout_ms) {
    int running = 0;
    /* Watched by a host loop (sess:watch()): never curl_multi_perform again. */
    if (s->driver != NULL) return anth_socket_drive(s, timeout_ms);
    curl_multi_perform(s->multi, &running);
    reap(s);
    timeout_ms = check_idle(s, timeout_ms);
    if (running > 0 && timeout_ms > 0) {
        curl_multi_poll(s->multi, NULL, 0, timeout_ms, NULL);
        curl_multi_perform(s->multi, &running);
        reap(s);
        check_idle(s, 0);
    }
    return running;
}

static int session_new(lua_State *L) {
    anth_session *s;
    pthread_once(&global_once, global_init);
    if (global_code != CURLE_OK)
        return luaL_error(L, "anthropic: libcurl failed to initialise: %s",
                          curl_easy_strerror(global_code));
    s = anth_newuserdata(L, sizeof *s);
    memset(s, 0, sizeof *s);
    s->multi = curl_multi_init();
    if (s->multi == NULL) return luaL_error(L, "anthropic: curl_multi_init failed");
    curl_multi_setopt(s->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    anth_setmetatable(L, ANTH_SESSION_MT);
    return 1;
}

static int session_close(lua_State *L) {
    anth_session *s = luaL_checkudata(L, 1, ANTH_SESSION_MT);
    int i;
    if (s->closed) return 0;
    while (s->active != NULL) anth_transfer_detach(s->active);
    anth_socket_driver_free(s);
    for (i = 0; i < s->nspare; i++) curl_easy_cleanup(s->spare[i]);
    s->nspare = 0;
    curl_multi_cleanup(s->multi);
    s->multi = NULL;
    s->closed = 1;
    return 0;
}

static int session_perform(lua_State *L) {
    anth_session *s = anth_check_session(L, 1);
    lua_Number ms = luaL_optnumber(L, 2, 0);
    lua_pushinteger(L, anth_session_drive(s, ms < 0 ? 0 : ms > 1e9 ? 1000000000 : (int)ms));
    return 1;
}

static int session_request(lua_State *L) {
    anth_session *s = anth_check_session(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    return anth_transfer_start(L, s, 2);
}

static int session_tostring(lua_State *L) {
    anth_session *s = luaL_checkudata(L, 1, ANTH_SESSION_MT);
    lua_pushfstring(L, "anthropic.session (%s)", s->closed ? "closed" : "open");
    return 1;
}

/* core.sleep(seconds): blocks the thread (retry back-off of blocking calls). */
static int core_sleep(lua_State *L) {
    lua_Number sec = luaL_checknumber(L, 1);
    struct timespec ts;
    if (!(sec > 0)) return 0;
    if (sec > 3600) sec = 3600;
    ts.tv_sec = (time_t)sec;
    ts.tv_nsec = (long)((sec - (lua_Number)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    return 0;
}

static int core_now(lua_State *L) {
    lua_pushnumber(L, anth_now());
    return 1;
}

static int push_curl_version(lua_State *L) {
    lua_pushstring(L, curl_version_info(CURLVERSION_NOW)->version);
    return 1;
}

void anth_open_transfer(lua_State *L) {
    static const luaL_Reg methods[] = {
        {"request", session_request},
        {"perform", session_perform},
        {"close", session_close},
        {NULL, NULL}};
    if (luaL_newmetatable(L, ANTH_SESSION_MT)) {
        lua_newtable(L);
        anth_setfuncs(L, methods, 0);
        anth_open_socket_methods(L, lua_gettop(L));
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, session_close);
        lua_setfield(L, -2, "__gc");
#if LUA_VERSION_NUM >= 504
        lua_pushcfunction(L, session_close);
        lua_setfield(L, -2, "__close");
#endif
        lua_pushcfunction(L, session_tostring);
        lua_setfield(L, -2, "__tostring");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, session_new);
    lua_setfield(L, -2, "session");
    lua_pushcfunction(L, push_curl_version);
    lua_setfield(L, -2, "curl_version");
    lua_pushcfunction(L, core_sleep);
    lua_setfield(L, -2, "sleep");
    lua_pushcfunction(L, core_now);
    lua_setfield(L, -2, "now");
    anth_open_body(L);
    anth_open_transfer_methods(L);
}
