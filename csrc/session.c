/* The session (session.h): anthropic.session, one libcurl multi handle per
 * client. It starts transfers (sess:request), drives them (sess:perform, and
 * t:wait through wait.c), finishes them when libcurl reports them done or
 * they sit idle too long, and hands its sockets to a host loop (sess:watch,
 * sess:changes, sess:socket_action, sess:timeout_action) through the socket
 * driver. */
#define CURL_DISABLE_DEPRECATION /* curl_multi_socket_all, to adopt live sockets */
#include <limits.h>
#include <string.h>
#include "session.h"

/* libcurl's global state: set up once per process, whatever the thread. */
static anth_once_t global_once = ANTH_ONCE_INIT;
static CURLcode global_code = CURLE_OK;

static void global_init(void) {
    global_code = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static anth_session *check_session(lua_State *L, int idx) {
    anth_session *s = luaL_checkudata(L, idx, ANTH_SESSION_MT);
    if (s->closed) luaL_error(L, "anthropic: attempt to use a closed client");
    return s;
}

static int count_active(const anth_session *s) {
    int n = 0;
    const anth_transfer *t;
    for (t = s->active; t != NULL; t = t->next) n++;
    return n;
}

/* ---- driving ------------------------------------------------------------- */

static void reap_done(anth_session *s) {
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
    double now = anth_clock_now();
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
    reap_done(s);
    return check_idle(s, timeout_ms);
}

/* anth_session_drive once a host loop watches the session: never
 * curl_multi_perform again, but one poll round of the socket driver (no later
 * than libcurl's timer or the nearest idle deadline). So code that blocks by
 * mistake still works (it just blocks that loop), and whatever changed
 * meanwhile is still queued for the host loop to pull. */
static int drive_watched(anth_session *s, int timeout_ms) {
    anth_driver *d = s->driver;
    anth_driver_run_timer(d, s->multi);
    timeout_ms = anth_session_reap(s, timeout_ms);
    if (s->active == NULL) return 0;
    anth_driver_poll(d, s->multi, anth_driver_wait_ms(d, timeout_ms));
    anth_driver_run_timer(d, s->multi);
    anth_session_reap(s, 0);
    return count_active(s);
}

int anth_session_drive(anth_session *s, int timeout_ms) {
    int running = 0;
    if (s->driver != NULL) return drive_watched(s, timeout_ms);
    curl_multi_perform(s->multi, &running);
    reap_done(s);
    timeout_ms = check_idle(s, timeout_ms);
    if (running > 0 && timeout_ms > 0) {
        curl_multi_poll(s->multi, NULL, 0, timeout_ms, NULL);
        curl_multi_perform(s->multi, &running);
        reap_done(s);
        check_idle(s, 0);
    }
    return running;
}

/* ---- the Lua object ---------------------------------------------------------- */

static int session_new(lua_State *L) {
    anth_session *s;
    anth_once(&global_once, global_init);
    if (global_code != CURLE_OK)
        return luaL_error(L, "anthropic: libcurl failed to initialise: %s",
                          curl_easy_strerror(global_code));
    s = anth_newuserdata(L, sizeof *s);
    memset(s, 0, sizeof *s);
    s->multi = curl_multi_init();
    if (s->multi == NULL) return luaL_error(L, "anthropic: curl_multi_init failed");
    curl_multi_setopt(s->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    /* TLS session tickets and DNS answers are kept across the session's
     * connections (the connection cache is the multi handle's own). One
     * thread uses the session at a time, so the share needs no locks. A
     * failed share only costs handshakes. */
    s->share = curl_share_init();
    if (s->share != NULL) {
        curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
        curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    }
    anth_setmetatable(L, ANTH_SESSION_MT);
    return 1;
}

static int session_close(lua_State *L) {
    anth_session *s = luaL_checkudata(L, 1, ANTH_SESSION_MT);
    int i;
    if (s->closed) return 0;
    while (s->active != NULL) anth_transfer_detach(s->active);
    anth_driver_free(s->driver, s->multi);
    s->driver = NULL;
    for (i = 0; i < s->nspare; i++) curl_easy_cleanup(s->spare[i]);
    s->nspare = 0;
    curl_multi_cleanup(s->multi);
    s->multi = NULL;
    if (s->share != NULL) curl_share_cleanup(s->share); /* after every easy handle is gone */
    s->share = NULL;
    s->closed = 1;
    return 0;
}

static int session_perform(lua_State *L) {
    anth_session *s = check_session(L, 1);
    lua_Number ms = luaL_optnumber(L, 2, 0);
    lua_pushinteger(L, anth_session_drive(s, ms < 0 ? 0 : ms > 1e9 ? 1000000000 : (int)ms));
    return 1;
}

static int session_request(lua_State *L) {
    anth_session *s = check_session(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    return anth_transfer_new(L, s, 2);
}

static int session_tostring(lua_State *L) {
    anth_session *s = luaL_checkudata(L, 1, ANTH_SESSION_MT);
    lua_pushfstring(L, "anthropic.session (%s)", s->closed ? "closed" : "open");
    return 1;
}

static int push_curl_version(lua_State *L) {
    lua_pushstring(L, curl_version_info(CURLVERSION_NOW)->version);
    return 1;
}

/* ---- host-loop driving (the Lua face of socket_driver.c) -------------------- */

static anth_driver *check_driver(lua_State *L, anth_session *s) {
    if (s->driver == NULL) luaL_error(L, "anthropic: the session is not watched (call sess:watch() first)");
    return s->driver;
}

/* sess:watch(): socket mode from now on. Calling it again queues every
 * socket still watched (and the timer) as changes, so a new host driver
 * starts from the whole picture. */
static int session_watch(lua_State *L) {
    anth_session *s = check_session(L, 1);
    anth_driver *d = s->driver;
    if (d == NULL) {
        int running;
        d = anth_driver_new(s->multi);
        if (d == NULL) return luaL_error(L, "anthropic: out of memory");
        s->driver = d;
        /* Transfers already under way: have libcurl report their sockets. */
        if (s->active != NULL) {
            curl_multi_socket_all(s->multi, &running);
            anth_session_reap(s, 0);
        }
    } else if (anth_driver_restate(d) != 0) {
        return luaL_error(L, "anthropic: out of memory");
    }
    if (s->active != NULL && (d->deadline < 0 || d->deadline > anth_clock_now())) d->deadline = anth_clock_now();
    d->timer_changed = 1;
    return 0;
}

/* sess:changes() -> {{fd, what}, ...}, timer_ms | nil
 * what: "in", "out", "inout" or "remove", in the order to apply them; timer_ms
 * (when libcurl's timer changed): ms until sess:timeout_action() is due,
 * -1 for no timer. */
static int session_changes(lua_State *L) {
    anth_session *s = check_session(L, 1);
    anth_driver *d = check_driver(L, s);
    size_t i;
    if (d->failed) {
        d->failed = 0;
        return luaL_error(L, "anthropic: out of memory while recording socket changes");
    }
    lua_createtable(L, (int)d->nchanges, 0);
    for (i = 0; i < d->nchanges; i++) {
        lua_createtable(L, 2, 0);
        lua_pushinteger(L, (lua_Integer)d->changes[i].fd);
        lua_rawseti(L, -2, 1);
        lua_pushstring(L, anth_driver_what_name(d->changes[i].what));
        lua_rawseti(L, -2, 2);
        lua_rawseti(L, -2, (int)i + 1);
    }
    d->nchanges = 0;
    if (!d->timer_changed) {
        lua_pushnil(L);
    } else {
        d->timer_changed = 0;
        if (d->deadline < 0) {
            lua_pushinteger(L, -1);
        } else {
            double left = (d->deadline - anth_clock_now()) * 1000;
            lua_pushinteger(L, left <= 0 ? 0 : (lua_Integer)left + 1);
        }
    }
    return 2;
}

/* Finishes what is done and returns running, idle_ms (ms to the nearest
 * stream idle deadline, -1 when none). */
static int after_action(lua_State *L, anth_session *s) {
    int idle = anth_session_reap(s, INT_MAX);
    lua_pushinteger(L, count_active(s));
    lua_pushinteger(L, idle == INT_MAX ? -1 : idle);
    return 2;
}

/* sess:socket_action(fd, readable, writable [, failed]) -> running, idle_ms */
static int session_socket_action(lua_State *L) {
    anth_session *s = check_session(L, 1);
    lua_Number fd = luaL_checknumber(L, 2);
    int ev = 0, running;
    check_driver(L, s);
    if (lua_toboolean(L, 3)) ev |= CURL_CSELECT_IN;
    if (lua_toboolean(L, 4)) ev |= CURL_CSELECT_OUT;
    if (lua_toboolean(L, 5)) ev |= CURL_CSELECT_ERR;
    if (!(fd >= 0 && fd <= INT_MAX)) return luaL_argerror(L, 2, "not a socket");
    curl_multi_socket_action(s->multi, (curl_socket_t)fd, ev, &running);
    return after_action(L, s);
}

/* sess:timeout_action() -> running, idle_ms */
static int session_timeout_action(lua_State *L) {
    anth_session *s = check_session(L, 1);
    anth_driver *d = check_driver(L, s);
    int running;
    if (d->deadline >= 0 && d->deadline <= anth_clock_now()) d->deadline = -1;
    curl_multi_socket_action(s->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    return after_action(L, s);
}

/* sess:watched() -> whether the session is in socket mode (false once
 * closed), and whether sess:changes() has anything new (cheap: no table). */
static int session_watched(lua_State *L) {
    anth_session *s = luaL_checkudata(L, 1, ANTH_SESSION_MT);
    anth_driver *d = s->driver;
    lua_pushboolean(L, d != NULL);
    lua_pushboolean(L, d != NULL && (d->nchanges > 0 || d->timer_changed || d->failed));
    return 2;
}

void anth_open_session(lua_State *L) {
    static const luaL_Reg methods[] = {
        {"request", session_request},
        {"perform", session_perform},
        {"close", session_close},
        {"watch", session_watch},
        {"watched", session_watched},
        {"changes", session_changes},
        {"socket_action", session_socket_action},
        {"timeout_action", session_timeout_action},
        {"__gc", session_close},
#if LUA_VERSION_NUM >= 504
        {"__close", session_close},
#endif
        {"__tostring", session_tostring},
        {NULL, NULL}};
    static const luaL_Reg funcs[] = {{"session", session_new}, {"curl_version", push_curl_version}, {NULL, NULL}};
    anth_register(L, ANTH_SESSION_MT, methods);
    anth_setfuncs(L, funcs, 0);
}
