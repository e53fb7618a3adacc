/* Host-loop driving (libuv, Neovim...) through libcurl's socket API.
 *
 * sess:watch() switches a session to socket mode: libcurl then reports which
 * sockets it wants watched, and when it wants a timeout, through the two
 * callbacks below. They never call Lua (and there is no mutable global): they
 * only record what changed into the session's driver state, which Lua pulls
 * with sess:changes() and answers with sess:socket_action(fd, r, w) and
 * sess:timeout_action().
 *
 * Once watched, a session is never driven by curl_multi_perform again:
 * anth_session_drive (blocking waits, t:wait, sess:perform) goes through
 * anth_socket_drive below, which poll(2)s the recorded sockets itself and
 * calls curl_multi_socket_action. So code that blocks by mistake while a host
 * loop drives the session still works (it just blocks that loop), and
 * whatever changed meanwhile is still queued for the host loop to pull. */
#define CURL_DISABLE_DEPRECATION /* curl_multi_socket_all, to adopt live sockets */
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>
#include "transfer.h"

typedef struct {
    curl_socket_t fd;
    int what; /* CURL_POLL_IN, _OUT, _INOUT or _REMOVE */
} anth_sock;

typedef struct {
    anth_sock *socks; /* the sockets libcurl wants watched now */
    size_t nsocks, capsocks;
    anth_sock *changes; /* what changed since the last sess:changes() */
    size_t nchanges, capchanges;
    double deadline;   /* libcurl's timer: monotonic seconds, < 0 when unset */
    int timer_changed; /* the timer changed since the last sess:changes() */
    int failed;        /* out of memory while recording */
} anth_driver;

static int push_sock(anth_sock **arr, size_t *n, size_t *cap, curl_socket_t fd, int what) {
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        anth_sock *p = realloc(*arr, ncap * sizeof *p);
        if (p == NULL) return -1;
        *arr = p;
        *cap = ncap;
    }
    (*arr)[*n].fd = fd;
    (*arr)[*n].what = what;
    (*n)++;
    return 0;
}

/* Keeps one pending change per socket, except that a socket removed then
 * added again (libcurl closed it and its number came back) stays two changes,
 * so the host closes its old watcher before making a new one. */
static int record_change(anth_driver *d, curl_socket_t fd, int what) {
    size_t i = d->nchanges;
    while (i-- > 0) {
        anth_sock *c = &d->changes[i];
        if (c->fd != fd) continue;
        if (c->what == CURL_POLL_REMOVE) {
            if (what == CURL_POLL_REMOVE) return 0;
            break;
        }
        c->what = what;
        return 0;
    }
    return push_sock(&d->changes, &d->nchanges, &d->capchanges, fd, what);
}

static int set_sock(anth_driver *d, curl_socket_t fd, int what) {
    size_t i;
    for (i = 0; i < d->nsocks; i++) {
        if (d->socks[i].fd != fd) continue;
        if (what == CURL_POLL_REMOVE)
            d->socks[i] = d->socks[--d->nsocks];
        else
            d->socks[i].what = what;
        return 0;
    }
    if (what == CURL_POLL_REMOVE) return 0;
    return push_sock(&d->socks, &d->nsocks, &d->capsocks, fd, what);
}

/* CURLMOPT_SOCKETFUNCTION: records only. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *ud, void *sockp) {
    anth_driver *d = ud;
    (void)easy;
    (void)sockp;
    if (d == NULL) return 0;
    if (what != CURL_POLL_IN && what != CURL_POLL_OUT && what != CURL_POLL_INOUT) what = CURL_POLL_REMOVE;
    if (set_sock(d, fd, what) != 0 || record_change(d, fd, what) != 0) {
        d->failed = 1;
        return -1;
    }
    return 0;
}

/* CURLOPT_CLOSESOCKETFUNCTION of every transfer: libcurl may close a socket
 * before it reports it removed (a connect refused at once); the host must
 * stop watching it before its number is gone, or reused. */
int anth_close_socket(void *ud, curl_socket_t fd) {
    anth_session *s = ud;
    if (s != NULL && s->driver != NULL) on_socket(NULL, fd, CURL_POLL_REMOVE, s->driver, NULL);
    return close(fd);
}

/* CURLMOPT_TIMERFUNCTION: records only. */
static int on_timer(CURLM *multi, long timeout_ms, void *ud) {
    anth_driver *d = ud;
    (void)multi;
    if (d == NULL) return 0;
    d->deadline = timeout_ms < 0 ? -1 : anth_now() + (double)timeout_ms / 1000;
    d->timer_changed = 1;
    return 0;
}

void anth_socket_driver_free(anth_session *s) {
    anth_driver *d = s->driver;
    if (d == NULL) return;
    if (s->multi != NULL) { /* curl_multi_cleanup may still report sockets */
        curl_multi_setopt(s->multi, CURLMOPT_SOCKETFUNCTION, (curl_socket_callback)NULL);
        curl_multi_setopt(s->multi, CURLMOPT_SOCKETDATA, (void *)NULL);
        curl_multi_setopt(s->multi, CURLMOPT_TIMERFUNCTION, (curl_multi_timer_callback)NULL);
        curl_multi_setopt(s->multi, CURLMOPT_TIMERDATA, (void *)NULL);
    }
    free(d->socks);
    free(d->changes);
    free(d);
    s->driver = NULL;
}

static int count_active(anth_session *s) {
    int n = 0;
    anth_transfer *t;
    for (t = s->active; t != NULL; t = t->next) n++;
    return n;
}

/* Runs libcurl's timeout when it is due. */
static void run_due_timer(anth_session *s) {
    anth_driver *d = s->driver;
    int running;
    if (d->deadline < 0 || d->deadline > anth_now()) return;
    d->deadline = -1; /* used up; libcurl sets a new one if it needs it */
    curl_multi_socket_action(s->multi, CURL_SOCKET_TIMEOUT, 0, &running);
}

/* anth_session_drive in socket mode: one round of poll(2) over the recorded
 * sockets, at most timeout_ms (and no later than libcurl's timer or the
 * nearest idle deadline). Returns the transfers still running. */
int anth_socket_drive(anth_session *s, int timeout_ms) {
    anth_driver *d = s->driver;
    struct pollfd stackfds[16], *fds = stackfds;
    size_t i, n;
    int running, rc;
    run_due_timer(s);
    timeout_ms = anth_session_reap(s, timeout_ms);
    if (s->active == NULL) return 0;
    if (d->deadline >= 0) {
        double left = (d->deadline - anth_now()) * 1000;
        if (left < timeout_ms) timeout_ms = left <= 0 ? 0 : (int)left + 1;
    }
    if (timeout_ms < 0) timeout_ms = 0;
    n = d->nsocks;
    if (n > sizeof stackfds / sizeof stackfds[0]) {
        fds = malloc(n * sizeof *fds);
        if (fds == NULL) n = 0, fds = stackfds; /* still honours the timer */
    }
    for (i = 0; i < n; i++) {
        fds[i].fd = d->socks[i].fd;
        fds[i].events = (short)(((d->socks[i].what & CURL_POLL_IN) ? POLLIN : 0) |
                                ((d->socks[i].what & CURL_POLL_OUT) ? POLLOUT : 0));
        fds[i].revents = 0;
    }
    rc = poll(fds, (nfds_t)n, timeout_ms);
    /* The copy is walked, as actions change d->socks. */
    for (i = 0; rc > 0 && i < n; i++) {
        short r = fds[i].revents;
        int ev = 0;
        if (r == 0) continue;
        if (r & (POLLIN | POLLHUP)) ev |= CURL_CSELECT_IN;
        if (r & POLLOUT) ev |= CURL_CSELECT_OUT;
        if (r & (POLLERR | POLLNVAL)) ev |= CURL_CSELECT_ERR;
        curl_multi_socket_action(s->multi, fds[i].fd, ev, &running);
    }
    if (fds != stackfds) free(fds);
    run_due_timer(s);
    anth_session_reap(s, 0);
    return count_active(s);
}

static anth_driver *check_driver(lua_State *L, anth_session *s) {
    if (s->driver == NULL) luaL_error(L, "anthropic: the session is not watched (call sess:watch() first)");
    return s->driver;
}

/* sess:watch(): socket mode from now on. Calling it again queues every
 * socket still watched (and the timer) as changes, so a new host driver
 * starts from the whole picture. */
static int session_watch(lua_State *L) {
    anth_session *s = anth_check_session(L, 1);
    anth_driver *d = s->driver;
    if (d == NULL) {
        int running;
        d = calloc(1, sizeof *d);
        if (d == NULL) return luaL_error(L, "anthropic: out of memory");
        d->deadline = -1;
        s->driver = d;
        curl_multi_setopt(s->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
        curl_multi_setopt(s->multi, CURLMOPT_SOCKETDATA, (void *)d);
        curl_multi_setopt(s->multi, CURLMOPT_TIMERFUNCTION, on_timer);
        curl_multi_setopt(s->multi, CURLMOPT_TIMERDATA, (void *)d);
        /* Transfers already under way: have libcurl report their sockets. */
        if (s->active != NULL) {
            curl_multi_socket_all(s->multi, &running);
            anth_session_reap(s, 0);
        }
    } else {
        size_t i;
        d->nchanges = 0;
        for (i = 0; i < d->nsocks; i++)
            if (push_sock(&d->changes, &d->nchanges, &d->capchanges, d->socks[i].fd, d->socks[i].what) != 0)
                return luaL_error(L, "anthropic: out of memory");
    }
    if (s->active != NULL && (d->deadline < 0 || d->deadline > anth_now())) d->deadline = anth_now();
    d->timer_changed = 1;
    return 0;
}

static const char *what_name(int what) {
    switch (what) {
    case CURL_POLL_IN: return "in";
    case CURL_POLL_OUT: return "out";
    case CURL_POLL_INOUT: return "inout";
    default: return "remove";
    }
}

/* sess:changes() -> {{fd, what}, ...}, timer_ms | nil
 * what: "in", "out", "inout" or "remove", in the order to apply them; timer_ms
 * (when libcurl's timer changed): ms until sess:timeout_action() is due,
 * -1 for no timer. */
static int session_changes(lua_State *L) {
    anth_session *s = anth_check_session(L, 1);
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
        lua_pushstring(L, what_name(d->changes[i].what));
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
            double left = (d->deadline - anth_now()) * 1000;
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
    anth_session *s = anth_check_session(L, 1);
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
    anth_session *s = anth_check_session(L, 1);
    anth_driver *d = check_driver(L, s);
    int running;
    if (d->deadline >= 0 && d->deadline <= anth_now()) d->deadline = -1;
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

void anth_open_socket_methods(lua_State *L, int methods) {
    static const luaL_Reg fns[] = {
        {"watch", session_watch},
        {"watched", session_watched},
        {"changes", session_changes},
        {"socket_action", session_socket_action},
        {"timeout_action", session_timeout_action},
        {NULL, NULL}};
    const luaL_Reg *r;
    methods = anth_absindex(L, methods);
    for (r = fns; r->name != NULL; r++) {
        lua_pushcfunction(L, r->func);
        lua_setfield(L, methods, r->name);
    }
}
