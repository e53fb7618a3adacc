/* The session (session.h): anthropic.session, one libcurl multi handle per
 * client. The Lua thread builds each transfer's easy handle (sess:request)
 * and hands it over; whoever drives the session alone calls the multi
 * functions, in rounds: it adds and removes handles, resumes paused ones,
 * runs libcurl (connection set-up, TLS, reading, SSE and JSONL framing in
 * the callbacks), finishes what is done or idle too long, and after every
 * round that changed something wakes whoever waits: the condition variable
 * (t:wait, sess:perform) and the descriptor a host loop watches (sess:fd).
 *
 * Who drives: a network thread of the session's own, from the first time
 * anything asks for progress in the background (sess:perform, the host
 * loops' poll; sess:fd). Before that, only blocking waits need progress,
 * and t:wait drives the rounds on the Lua thread itself: a script that
 * makes blocking calls only pays no hand-offs between threads (measured in
 * bench/RESULTS.md). No Lua ever runs inside a round. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "headers.h"
#include "session.h"

/* libcurl's global state: set up once per process, whatever the thread. */
static anth_once_t global_once = ANTH_ONCE_INIT;
static CURLcode global_code = CURLE_OK;

static void global_init(void) {
    global_code = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The Lua object: a pointer to the shared session. */
typedef struct session_ref {
    anth_session *s;
} session_ref;

static anth_session *check_session(lua_State *L, int idx) {
    session_ref *r = anth_checkudata(L, idx, ANTH_SESSION_MT);
    if (r->s == NULL || r->s->closed) luaL_error(L, "anthropic: attempt to use a closed client");
    if (anth_session_forked(r->s)) luaL_error(L, ANTH_FORKED_MESSAGE);
    return r->s;
}

anth_session *anth_session_of(lua_State *L, int idx) {
    session_ref *r = lua_touserdata(L, idx);
    return r != NULL ? r->s : NULL;
}

static int count_active(const anth_session *s) {
    int n = 0;
    const anth_transfer *t;
    for (t = s->active; t != NULL; t = t->next) n++;
    return n;
}

/* ---- the network thread (s->mu held unless said) ----------------------- */

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
        if (t->idle_timeout <= 0 || t->state != ANTH_T_RUNNING || !t->added) continue;
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

static void run_commands(anth_session *s) {
    anth_transfer *t;
    while ((t = s->commands) != NULL) {
        s->commands = t->next_cmd;
        t->next_cmd = NULL;
        anth_transfer_command(t);
    }
}

/* After a round (s->mu held): 0 when nothing changed; else 1, or 2 when the
 * host loop's descriptor is to be signalled too (it watches, and the
 * descriptor is not readable already). */
static int count_round(anth_session *s) {
    if (!s->dirty) return 0;
    s->dirty = 0;
    s->generation++;
    if (!s->watched || s->wake_pending) return 1;
    s->wake_pending = 1;
    return 2;
}

/* Wakes whoever waits, as count_round said. Called without s->mu held, so a
 * woken thread does not wake only to block on the mutex. */
static void wake_waiters(anth_session *s, int how) {
    if (how == 0) return;
    anth_cond_broadcast(&s->changed);
    if (how == 2) anth_wakeup_signal(s->wake);
}

/* One round of the network (s->mu held; let go of around libcurl): what the
 * Lua thread asked, libcurl's work, then what is done or idle too long.
 * Returns the longest wait (ms) before the next round is due. */
static int work(anth_session *s) {
    int running = 0;
    run_commands(s);
    anth_mutex_unlock(&s->mu);
    curl_multi_perform(s->multi, &running); /* the callbacks lock for themselves */
    anth_mutex_lock(&s->mu);
    reap_done(s);
    return check_idle(s, 1000);
}

/* Lets a thread that is ready on this core run first, after the network
 * thread woke: where the host loop shares its core, the loop's own poll woke
 * it (a resume, a new transfer), or the network did in the middle of a poll
 * or while the loop's timer was due, and the kernel would let this thread
 * run to the end of its slice (a 4 ms tick here) with the loop waiting
 * (bench/RESULTS.md §11). On a core of its own that costs a system call.
 * A loop that never sleeps is always ready: there a yield gives the core
 * away for a whole tick, and yielding at every wake would leave this thread
 * a tick per round; after such a yield it does not yield for a while. */
#define SPINNER_S 0.003   /* a yield this long: the other thread never sleeps */
#define NO_YIELD_S 0.02   /* then no yielding for this long */

static void give_way(anth_session *s) {
    double before = anth_clock_now(), after;
    if (before < s->yield_again_at) return;
    anth_yield();
    after = anth_clock_now();
    if (after - before > SPINNER_S) s->yield_again_at = after + NO_YIELD_S;
}

/* Waits in libcurl for the sockets, at most wait_ms (s->mu held; let go of
 * meanwhile), then gives way. On the network thread, curl_multi_wakeup (a
 * new transfer, a removal, a resume, close) ends the wait early; one that
 * came before it is not lost. */
static void idle(anth_session *s, int wait_ms) {
    anth_mutex_unlock(&s->mu);
    curl_multi_poll(s->multi, NULL, 0, wait_ms, NULL);
    give_way(s);
    anth_mutex_lock(&s->mu);
}

/* The same for a Lua thread that drives (no network thread yet). Nothing
 * wakes it early: only it could ask, and it is the one waiting. So it waits
 * without libcurl's wakeup descriptor, which curl_multi_poll adds to every
 * poll (measured: 1.3 microseconds more CPU per blocking create).
 * curl_multi_wait returns at once when libcurl has no descriptor to offer;
 * then the rest of the time is slept, as curl_multi_poll would wait. */
static void idle_driving(anth_session *s, int wait_ms) {
    long curl_ms = -1;
    int ready = 0;
    double start, left;
    anth_mutex_unlock(&s->mu);
    if (curl_multi_timeout(s->multi, &curl_ms) == CURLM_OK && curl_ms >= 0 && curl_ms < wait_ms)
        wait_ms = (int)curl_ms; /* (an early return for libcurl's own timer is on time) */
    start = anth_clock_now();
    curl_multi_wait(s->multi, NULL, 0, wait_ms, &ready);
    left = wait_ms / 1000.0 - (anth_clock_now() - start);
    if (ready == 0 && left > 0.0005) anth_sleep(left);
    anth_mutex_lock(&s->mu);
}

void anth_session_drive(anth_session *s, int wait_ms) {
    int due = work(s);
    if (count_round(s) != 0 || s->commands != NULL) return;
    idle_driving(s, wait_ms >= 0 && wait_ms < due ? wait_ms : due);
}

static void network_thread(void *ud) {
    anth_session *s = ud;
    anth_mutex_lock(&s->mu);
    while (!s->stop) {
        int due = work(s), how = count_round(s);
        if (how != 0) {
            anth_mutex_unlock(&s->mu);
            wake_waiters(s, how);
            anth_mutex_lock(&s->mu);
        }
        if (s->stop || s->commands != NULL) continue;
        idle(s, due);
    }
    anth_mutex_unlock(&s->mu);
}

/* Starts the network thread, the first time something asks for progress in
 * the background (a host loop's poll or descriptor). Until then the thread
 * that waits drives libcurl itself (anth_session_drive): a script that only
 * makes blocking calls pays no hand-off between threads. Lua thread. */
static void ensure_thread(lua_State *L, anth_session *s) {
    if (s->has_thread) return;
    if (anth_thread_start(&s->thread, network_thread, s) != 0)
        luaL_error(L, "anthropic: cannot start the network thread");
    s->has_thread = 1;
}

/* ---- the Lua object ---------------------------------------------------------- */

/* The Accept-Encoding header line of every encoding this libcurl decodes
 * (into out, "" when none), made once per session. The transfers send it as
 * a header of their own: libcurl 7.88 would format its own line for every
 * request (measured: some 5,000 instructions of a create's 200,000). */
static void accept_encoding(char *out, size_t cap) {
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    const char *names[3];
    int n = 0, i;
    size_t len;
    if (v->features & CURL_VERSION_LIBZ) names[n++] = "gzip, deflate";
#ifdef CURL_VERSION_BROTLI
    if (v->features & CURL_VERSION_BROTLI) names[n++] = "br";
#endif
#ifdef CURL_VERSION_ZSTD
    if (v->features & CURL_VERSION_ZSTD) names[n++] = "zstd";
#endif
    out[0] = '\0';
    if (n == 0) return;
    len = (size_t)snprintf(out, cap, "Accept-Encoding: %s", names[0]);
    for (i = 1; i < n && len < cap; i++) len += (size_t)snprintf(out + len, cap - len, ", %s", names[i]);
}

/* Whether a proxy variable of the environment is set: libcurl reads them
 * for every request that names no proxy (five getenv calls scanning the
 * environment, some 1,700 instructions of a create); a session made where
 * none is set tells its transfers to skip that (transfer.c set_network). */
static int proxy_in_env(void) {
    static const char *const names[] = {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy",
                                        "ALL_PROXY",  "no_proxy",    "NO_PROXY"};
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        if (v != NULL && v[0] != '\0') return 1; /* (libcurl takes an empty one for none) */
    }
    return 0;
}

static int session_new(lua_State *L) {
    session_ref *r;
    anth_session *s;
    anth_once(&global_once, global_init);
    if (global_code != CURLE_OK)
        return luaL_error(L, "anthropic: libcurl failed to initialise: %s",
                          curl_easy_strerror(global_code));
    r = anth_newuserdata(L, sizeof *r);
    r->s = NULL;
    s = calloc(1, sizeof *s);
    if (s == NULL) return luaL_error(L, "anthropic: out of memory");
    s->wake[0] = s->wake[1] = -1;
    accept_encoding(s->accept_encoding, sizeof s->accept_encoding);
    s->proxy_env = proxy_in_env();
    if (anth_mutex_init(&s->mu) != 0) {
        free(s);
        return luaL_error(L, "anthropic: cannot make a mutex");
    }
    if (anth_cond_init(&s->changed) != 0) {
        anth_mutex_free(&s->mu);
        free(s);
        return luaL_error(L, "anthropic: cannot make a condition variable");
    }
    s->refs = 1;
    anth_fork_guard_init(&s->fork_guard);
    r->s = s;
    anth_setmetatable(L, ANTH_SESSION_MT); /* from here on __gc frees s */
    s->multi = curl_multi_init();
    if (s->multi == NULL) return luaL_error(L, "anthropic: curl_multi_init failed");
    curl_multi_setopt(s->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    /* TLS session tickets and DNS answers are kept across the session's
     * connections (the connection cache is the multi handle's own). Only
     * the network thread uses them, so the share needs no locks. A failed
     * share only costs handshakes. */
    s->share = curl_share_init();
    if (s->share != NULL) {
        curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
        curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    }
    anth_wakeup_open(s->wake); /* none on Windows: host loops poll there */
    return 1;
}

static int session_close(lua_State *L) {
    session_ref *r = anth_checkudata(L, 1, ANTH_SESSION_MT);
    anth_session *s = r->s;
    int i, mine;
    if (s == NULL || s->closed) return 0;
    mine = !anth_session_forked(s);
    if (s->has_thread && mine) {
        anth_mutex_lock(&s->mu);
        s->stop = 1;
        anth_mutex_unlock(&s->mu);
        curl_multi_wakeup(s->multi);
        anth_thread_join(s->thread);
        s->has_thread = 0;
    }
    /* The network thread is gone (or, in a forked child, was never there):
     * this thread has the session to itself. */
    if (mine) anth_mutex_lock(&s->mu);
    s->closed = 1;
    if (mine) {
        while (s->active != NULL) anth_transfer_detach(s->active);
        for (i = 0; i < s->nspare; i++) anth_easy_cleanup(&s->spare[i]);
        s->nspare = 0;
        if (s->multi != NULL) curl_multi_cleanup(s->multi);
        if (s->share != NULL) curl_share_cleanup(s->share); /* after every easy handle is gone */
    } else {
        /* A forked child: the handles share sockets and TLS state with the
         * parent; touching them would disturb its connections. Left as is. */
        while (s->active != NULL) {
            anth_transfer *t = s->active;
            s->active = t->next;
            t->sess = NULL;
            t->easy.curl = NULL;
        }
    }
    s->multi = NULL;
    s->share = NULL;
    s->commands = NULL;
    if (mine) {
        anth_cond_broadcast(&s->changed);
        anth_mutex_unlock(&s->mu);
    }
    anth_wakeup_close(s->wake);
    return 0;
}

static int session_gc(lua_State *L) {
    session_ref *r = anth_checkudata(L, 1, ANTH_SESSION_MT);
    session_close(L);
    if (r->s != NULL) anth_session_release(r->s);
    r->s = NULL;
    return 0;
}

/* sess:perform([timeout_ms]) -> running: unless something changed since the
 * last sess:perform, waits at most timeout_ms (0: not at all) for the
 * network thread to get any transfer somewhere; returns how many transfers
 * are still running. */
static int session_perform(lua_State *L) {
    anth_session *s = check_session(L, 1);
    lua_Number ms = luaL_optnumber(L, 2, 0);
    int wait_ms = ms < 0 ? 0 : ms > 1e9 ? 1000000000 : (int)ms, n;
    ensure_thread(L, s);
    if (wait_ms == 0) {
        /* A host loop's look: never waits for the lock (the network thread
         * may be descheduled holding it); the last count stands meanwhile. */
        if (!anth_mutex_trylock(&s->mu)) {
            lua_pushinteger(L, s->last_count);
            return 1;
        }
    } else {
        anth_mutex_lock(&s->mu);
    }
    /* Waits only when nothing changed since the Lua thread last looked. */
    if (wait_ms > 0 && s->active != NULL && s->generation == s->seen) {
        unsigned long gen = s->generation;
        double deadline = anth_clock_now() + wait_ms / 1000.0;
        while (s->generation == gen && s->active != NULL && !s->closed) {
            double left = deadline - anth_clock_now();
            if (left <= 0) break;
            anth_cond_wait(&s->changed, &s->mu, (int)(left * 1000) + 1);
        }
    }
    s->seen = s->generation;
    n = s->last_count = count_active(s);
    anth_mutex_unlock(&s->mu);
    lua_pushinteger(L, n);
    return 1;
}

static int session_request(lua_State *L) {
    anth_session *s = check_session(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    return anth_transfer_new(L, s, 2);
}

/* sess:headers(list) -> a header set (headers.h) for the session's
 * transfers to share: the lines of list, checked and built once, with this
 * session's Accept-Encoding line for the answers read whole. */
static int session_headers(lua_State *L) {
    anth_session *s = check_session(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    anth_headers_push(L, 2, s->accept_encoding);
    return 1;
}

static int session_tostring(lua_State *L) {
    session_ref *r = anth_checkudata(L, 1, ANTH_SESSION_MT);
    lua_pushfstring(L, "anthropic.session (%s)", r->s == NULL || r->s->closed ? "closed" : "open");
    return 1;
}

static int push_curl_version(lua_State *L) {
    lua_pushstring(L, curl_version_info(CURLVERSION_NOW)->version);
    return 1;
}

/* ---- host loops ---------------------------------------------------------- */

/* sess:fd() -> the descriptor a host loop watches for reading: readable once
 * the network thread got a transfer somewhere (then call sess:ack() and
 * dispatch); nil where there is none (Windows: poll instead). */
static int session_fd(lua_State *L) {
    anth_session *s = check_session(L, 1);
    if (s->wake[0] < 0) return 0;
    ensure_thread(L, s);
    anth_mutex_lock(&s->mu);
    s->watched = 1;
    anth_mutex_unlock(&s->mu);
    lua_pushinteger(L, s->wake[0]);
    return 1;
}

/* sess:ack() -> running: empties the descriptor (until the next change);
 * returns how many transfers are still running. */
static int session_ack(lua_State *L) {
    anth_session *s = check_session(L, 1);
    int n;
    /* Drained before the flag is cleared: a change between the two is not
     * signalled, but the dispatch that follows an ack sees it. */
    anth_wakeup_drain(s->wake);
    anth_mutex_lock(&s->mu);
    s->wake_pending = 0;
    n = count_active(s);
    anth_mutex_unlock(&s->mu);
    lua_pushinteger(L, n);
    return 1;
}

/* sess:is_open() -> false once closed. */
static int session_is_open(lua_State *L) {
    session_ref *r = anth_checkudata(L, 1, ANTH_SESSION_MT);
    lua_pushboolean(L, r->s != NULL && !r->s->closed);
    return 1;
}

void anth_open_session(lua_State *L) {
    static const luaL_Reg methods[] = {
        {"request", session_request},
        {"headers", session_headers},
        {"perform", session_perform},
        {"close", session_close},
        {"fd", session_fd},
        {"ack", session_ack},
        {"is_open", session_is_open},
        {"__gc", session_gc},
#if LUA_VERSION_NUM >= 504
        {"__close", session_close},
#endif
        {"__tostring", session_tostring},
        {NULL, NULL}};
    static const luaL_Reg funcs[] = {{"session", session_new}, {"curl_version", push_curl_version}, {NULL, NULL}};
    anth_register(L, ANTH_SESSION_MT, methods);
    anth_setfuncs(L, funcs, 0);
}
