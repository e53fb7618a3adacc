/* Blocking waits, methods of anthropic.transfer: t:wait drives the
 * transfer's session until the transfer got where it was asked to (done,
 * its headers in, an event queued); t:poll drives it once without waiting. */
#include "session.h"

static anth_session *session_of(lua_State *L, int idx) {
    anth_session *s;
    anth_getuservalue(L, idx);
    lua_getfield(L, -1, "session");
    s = lua_touserdata(L, -1);
    lua_pop(L, 2);
    return s;
}

/* Whether a transfer got as far as t:wait was asked to wait for. */
static int reached(const anth_transfer *t, char until) {
    if (t->state != ANTH_T_RUNNING) return 1;
    if (until == 'h') return t->head_done;
    if (until == 'e') return anth_sink_queued(&t->sink) > 0;
    return 0;
}

/* t:wait([timeout_ms [, until]]) drives the session until t ends, or with
 * until = "head" its response headers are in, or with "event" an event is
 * queued; at most timeout_ms (nil: no limit). Returns whether it got there. */
static int transfer_wait(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    double limit = luaL_optnumber(L, 2, -1);
    char until = luaL_optstring(L, 3, "done")[0];
    double deadline = limit >= 0 ? anth_clock_now() + limit / 1000 : 0;
    while (!reached(t, until)) {
        int ms = 1000;
        anth_session *s = session_of(L, 1);
        if (s == NULL || s->closed) break;
        if (limit >= 0) {
            double left = deadline - anth_clock_now();
            if (left <= 0) break;
            if (left * 1000 < ms) ms = (int)(left * 1000) + 1;
        }
        if (s->driver != NULL) {
            anth_session_drive(s, ms);
            continue;
        }
        /* Take what has arrived and look again before sleeping: if the first
         * perform of anth_session_drive(s, ms) brought what t waits for (its
         * headers, an event), the poll after it would sleep on regardless, up
         * to ms or the nearest idle deadline, and a stream's idle timeout
         * could fire while its answer sat unread. */
        anth_session_drive(s, 0);
        if (reached(t, until)) break;
        ms = anth_session_reap(s, ms);
        if (ms > 0 && s->active != NULL) curl_multi_poll(s->multi, NULL, 0, ms, NULL);
    }
    lua_pushboolean(L, reached(t, until));
    return 1;
}

static int transfer_poll(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    if (t->state == ANTH_T_RUNNING) {
        anth_session *s = session_of(L, 1);
        if (s != NULL && !s->closed) anth_session_drive(s, 0);
    }
    lua_pushboolean(L, t->state != ANTH_T_RUNNING);
    return 1;
}

void anth_open_wait(lua_State *L) {
    static const luaL_Reg methods[] = {{"wait", transfer_wait}, {"poll", transfer_poll}, {NULL, NULL}};
    anth_register(L, ANTH_TRANSFER_MT, methods);
}
