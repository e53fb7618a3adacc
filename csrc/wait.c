/* The blocking wait, a method of anthropic.transfer: t:wait waits until the
 * transfer got where it was asked to (done, its headers in, an event
 * queued): on the session's condition variable once its network thread
 * runs, else driving the session's rounds itself (session.h). t:wait(0)
 * only looks (t:done(), response.c, tells whether it ended), and says "not
 * yet" while the network thread holds the lock. */
#include "session.h"

/* Whether a transfer got as far as t:wait was asked to wait for (lock held). */
static int reached(const anth_transfer *t, char until) {
    if (t->state != ANTH_T_RUNNING) return 1;
    if (until == 'h') return t->head_done;
    if (until == 'e') return anth_transfer_queued(t) > 0;
    return 0;
}

/* t:wait([timeout_ms [, until]]) waits until t ends, or with until = "head"
 * its response headers are in, or with "event" an event is queued; at most
 * timeout_ms (nil: no limit). Returns whether it got there. */
static int transfer_wait(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    double limit = luaL_optnumber(L, 2, -1);
    char until = luaL_optstring(L, 3, "done")[0];
    double deadline = limit >= 0 ? anth_clock_now() + limit / 1000 : 0;
    anth_session *s = t->home;
    int got;
    if (anth_session_forked(s)) return luaL_error(L, ANTH_FORKED_MESSAGE);
    if (limit == 0) { /* only a look (a host loop's poll): never waits for the lock */
        if (!anth_transfer_trylock(t)) {
            lua_pushboolean(L, 0);
            return 1;
        }
    } else {
        anth_transfer_lock(t);
    }
    while (!(got = reached(t, until)) && t->sess != NULL && !s->closed) {
        int ms = -1;
        if (limit >= 0) {
            double left = deadline - anth_clock_now();
            if (left <= 0) break;
            ms = (int)(left * 1000) + 1;
        }
        if (s->has_thread) anth_cond_wait(&s->changed, &s->mu, ms);
        else anth_session_drive(s, ms); /* (t:wait(0) never gets here: it only looks) */
    }
    anth_transfer_unlock(t);
    lua_pushboolean(L, got);
    return 1;
}

void anth_open_wait(lua_State *L) {
    static const luaL_Reg methods[] = {{"wait", transfer_wait}, {NULL, NULL}};
    anth_register(L, ANTH_TRANSFER_MT, methods);
}
