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
    anth_buf_init(&t->partial);
    t->events_pos = 0;
}

void anth_stream_free(anth_transfer *t) {
    anth_stream_end(t);
    anth_sse_free(&t->sse);
    anth_buf_free(&t->events);
    anth_buf_free(&t->partial);
}

int anth_stream_applies(anth_transfer *t) {
    long code = 0;
    char *ctype = NULL;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code >= 300) return 0;
    if (t->sink != ANTH_SINK_EVENTS) return 1;
    curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &ctype);
    return ctype == NULL || strstr(ctype, "event-stream") != NULL;
}

/* JSONL: each complete non-blank line is queued as an event without a name. */
static int feed_lines(anth_transfer *t, const char *p, size_t len) {
    const char *end = p + len, *nl;
    while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        const char *line = p;
        size_t n = (size_t)(nl - p);
        if (t->partial.len > 0) {
            if (anth_buf_append(&t->partial, p, n) != 0) return -1;
            line = t->partial.data;
            n = t->partial.len;
        }
        if (n > 0 && line[n - 1] == '\r') n--;
        if (n > 0 && queue_event(t, "", 0, line, n) != 0) return -1;
        t->partial.len = 0;
        p = nl + 1;
    }
    if (p < end && anth_buf_append(&t->partial, p, (size_t)(end - p)) != 0) return -1;
    return 0;
}

int anth_stream_feed(anth_transfer *t, const char *p, size_t len) {
    int rc = 0;
    if (t->sink == ANTH_SINK_EVENTS) {
        rc = anth_sse_feed(&t->sse, p, len);
        if (rc == ANTH_SSE_ETOOBIG) { t->err_kind = "event_too_large"; return -1; }
    } else if (t->sink == ANTH_SINK_LINES) {
        rc = feed_lines(t, p, len);
    } else if (t->out != NULL && fwrite(p, 1, len, t->out) != len) {
        t->err_kind = "write_error";
        return -1;
    }
    if (rc != 0) { t->err_kind = "out_of_memory"; return -1; }
    return 0;
}

void anth_stream_end(anth_transfer *t) {
    if (t->sink == ANTH_SINK_LINES && t->state == ANTH_T_DONE && t->partial.len > 0) {
        if (queue_event(t, "", 0, t->partial.data, t->partial.len) == 0) t->partial.len = 0;
    }
    if (t->out != NULL) {
        if (fclose(t->out) != 0 && t->state == ANTH_T_DONE) {
            t->state = ANTH_T_FAILED;
            t->err_kind = "write_error";
        }
        t->out = NULL;
    }
}

/* The queue is empty: start it over, and let libcurl go on if it was paused
 * (it calls the write callback again from inside curl_easy_pause). */
static void drained(anth_transfer *t) {
    t->events.len = t->events_pos = 0;
    if (t->paused && t->easy != NULL) {
        t->paused = 0;
        t->last_byte = anth_now();
        curl_easy_pause(t->easy, CURLPAUSE_CONT);
    }
}

/* The next queued event without taking it: its head in *h and a pointer to
 * its name (the data follows), or NULL when none is queued. */
static const char *peek_event(const anth_transfer *t, anth_event_head *h) {
    if (t->events_pos >= t->events.len) return NULL;
    memcpy(h, t->events.data + t->events_pos, sizeof *h);
    return t->events.data + t->events_pos + sizeof *h;
}

/* t:next_event() -> nil when none is queued; else name, value (the data
 * decoded as JSON), or name, nil, message when the data is not JSON. */
static int next_event(lua_State *L) {
    anth_transfer *t = luaL_checkudata(L, 1, ANTH_TRANSFER_MT);
    anth_event_head h;
    const char *p = peek_event(t, &h);
    int n;
    if (p == NULL) return 0;
    t->events_pos += sizeof h + h.elen + h.dlen;
    lua_pushlstring(L, p, h.elen);
    n = anth_json_decode(L, p + h.elen, h.dlen) ? 2 : 3;
    if (n == 3) {
        lua_pushnil(L);
        lua_insert(L, -2);
    }
    if (t->events_pos == t->events.len) drained(t);
    return n;
}

/* The text of a text_delta event in the API's compact form, without building
 * tables: pushes the text and returns 1 with *index set, or returns 0 (the
 * event is something else, or written differently: the caller decodes it). */
static int fast_text_delta(lua_State *L, const char *p, size_t n, lua_Integer *index) {
    static const char head[] = "{\"type\":\"content_block_delta\",\"index\":";
    static const char mid[] = ",\"delta\":{\"type\":\"text_delta\",\"text\":";
    const char *end = p + n, *q, *str;
    lua_Integer i = 0;
    int escapes = 0;
    if (n < sizeof head + sizeof mid + 4 || memcmp(p, head, sizeof head - 1) != 0) return 0;
    q = p + sizeof head - 1;
    if (q >= end || *q < '0' || *q > '9') return 0;
    while (q < end && *q >= '0' && *q <= '9' && i < 100000000) i = i * 10 + (*q++ - '0');
    if ((size_t)(end - q) < sizeof mid || memcmp(q, mid, sizeof mid - 1) != 0) return 0;
    q += sizeof mid - 1;
    if (*q != '"') return 0;
    str = q++;
    while (q < end && *q != '"') {
        if (*q == '\\') { escapes = 1; q++; }
        else if ((unsigned char)*q < 0x20) return 0;
        q++;
    }
    if (q + 3 != end || q[1] != '}' || q[2] != '}') return 0;
    if (!escapes) {
        lua_pushlstring(L, str + 1, (size_t)(q - str - 1));
    } else if (!anth_json_decode(L, str, (size_t)(q - str + 1))) {
        lua_pop(L, 1);
        return 0;
    }
    *index = i;
    return 1;
}

/* t:next_fast() -> like t:next_event(), except that a text delta comes back
 * as true, index, text (no tables: the hot path of s:text()). */
static int next_fast(lua_State *L) {
    anth_transfer *t = luaL_checkudata(L, 1, ANTH_TRANSFER_MT);
    anth_event_head h;
    const char *p = peek_event(t, &h);
    lua_Integer index;
    if (p == NULL) return 0;
    if (!fast_text_delta(L, p + h.elen, h.dlen, &index)) return next_event(L);
    t->events_pos += sizeof h + h.elen + h.dlen;
    if (t->events_pos == t->events.len) drained(t);
    lua_pushboolean(L, 1);
    lua_pushinteger(L, index);
    lua_pushvalue(L, -3);
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
    lua_pushcfunction(L, next_fast);
    lua_setfield(L, methods, "next_fast");
    lua_pushcfunction(L, stream_info);
    lua_setfield(L, methods, "stream_info");
}
