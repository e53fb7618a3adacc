/* Streaming transfers: the body of a 2xx answer goes through the SSE parser
 * into a queue of events, still inside libcurl's write callback (bytes only);
 * Lua pulls them out later with t:next_event(), which decodes the JSON. */
#include "transfer.h"

static int queue_event(void *ud, const char *event, size_t elen, const char *data, size_t dlen) {
    anth_transfer *t = ud;
    anth_event_head h;
    h.elen = elen;
    h.dlen = dlen;
    if (anth_buf_grow(&t->events, sizeof h + elen + dlen) != 0) return ANTH_SSE_ENOMEM;
    anth_buf_append(&t->events, &h, sizeof h);
    anth_buf_append(&t->events, event, elen);
    anth_buf_append(&t->events, data, dlen);
    t->nevents++;
    return 0;
}

void anth_stream_init(anth_transfer *t) {
    anth_sse_init(&t->sse, queue_event, t);
    anth_buf_init(&t->events);
    t->events_pos = 0;
}

void anth_stream_free(anth_transfer *t) {
    anth_sse_free(&t->sse);
    anth_buf_free(&t->events);
}

int anth_stream_feed(anth_transfer *t, const char *p, size_t len) {
    int rc = anth_sse_feed(&t->sse, p, len);
    if (rc == 0) return 0;
    t->err_kind = rc == ANTH_SSE_ETOOBIG ? "event_too_large" : "out_of_memory";
    return -1;
}

/* t:next_event() -> nil when none is queued; else name, value (the data
 * decoded as JSON), or name, nil, message when the data is not JSON. */
static int next_event(lua_State *L) {
    anth_transfer *t = luaL_checkudata(L, 1, ANTH_TRANSFER_MT);
    anth_event_head h;
    const char *p;
    if (t->events_pos >= t->events.len) return 0;
    p = t->events.data + t->events_pos;
    memcpy(&h, p, sizeof h);
    p += sizeof h;
    t->events_pos += sizeof h + h.elen + h.dlen;
    lua_pushlstring(L, p, h.elen);
    if (anth_json_decode(L, p + h.elen, h.dlen)) {
        if (t->events_pos == t->events.len) t->events.len = t->events_pos = 0;
        return 2;
    }
    lua_pushnil(L);
    lua_insert(L, -2);
    if (t->events_pos == t->events.len) t->events.len = t->events_pos = 0;
    return 3;
}

/* t:stream_info() -> events received so far, whether a partial event is
 * buffered (a stream cut short), whether the body is events ("events",
 * "body" or nil when nothing came yet). */
static int stream_info(lua_State *L) {
    anth_transfer *t = luaL_checkudata(L, 1, ANTH_TRANSFER_MT);
    lua_pushinteger(L, (lua_Integer)t->nevents);
    lua_pushboolean(L, anth_sse_pending(&t->sse));
    if (t->mode == 0) lua_pushnil(L);
    else lua_pushstring(L, t->mode == 2 ? "events" : "body");
    return 3;
}

void anth_open_stream_methods(lua_State *L, int methods) {
    lua_pushcfunction(L, next_event);
    lua_setfield(L, methods, "next_event");
    lua_pushcfunction(L, stream_info);
    lua_setfield(L, methods, "stream_info");
}
