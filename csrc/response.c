/* Reading a transfer's answer (methods of anthropic.transfer): status,
 * error, headers, body (as bytes or decoded), and the events its sink queued,
 * decoded from JSON as Lua takes them (with the API's text-delta fast path).
 * While the transfer runs, its network thread writes what these read: each
 * reads under the session's lock, copying out what it needs (into t->took;
 * events: taking the whole queue into t->batch at once), and calls Lua only
 * once it let go of the lock. A finished transfer's answer
 * no longer changes. */
#include <string.h>
#include "transfer.h"
#include "appender.h"
#include "json_api.h"
#include "ascii.h"

/* Whether t still runs: a look that never waits for the lock (while the
 * network thread holds it, t counts as running; the next look sees it end). */
static int is_running(const anth_transfer *t) {
    int running;
    if (!anth_transfer_trylock(t)) return 1;
    running = t->state == ANTH_T_RUNNING;
    anth_transfer_unlock(t);
    return running;
}

/* The bytes of b (t's head or body) as they are now: b itself once t is
 * finished, else a copy in t->took made under the lock. NULL when out of memory. */
static const anth_buf *settled(anth_transfer *t, const anth_buf *b) {
    const anth_buf *out = b;
    anth_transfer_lock(t);
    if (t->state == ANTH_T_RUNNING) {
        t->took.len = 0;
        out = anth_buf_append(&t->took, b->data ? b->data : "", b->len) == 0 ? &t->took : NULL;
    }
    anth_transfer_unlock(t);
    return out;
}

static const anth_buf *settled_or_raise(lua_State *L, anth_transfer *t, const anth_buf *b) {
    const anth_buf *out = settled(t, b);
    if (out == NULL) luaL_error(L, "anthropic: out of memory");
    return out;
}

static int transfer_done(lua_State *L) {
    lua_pushboolean(L, !is_running(anth_check_transfer(L, 1)));
    return 1;
}

static int transfer_status(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    long status;
    anth_transfer_lock(t);
    status = t->status;
    anth_transfer_unlock(t);
    lua_pushinteger(L, status);
    return 1;
}

/* t:error() -> nil while fine, else kind, message */
static int transfer_error(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    int failed;
    anth_transfer_lock(t);
    failed = t->state == ANTH_T_FAILED; /* from then on nothing below changes */
    anth_transfer_unlock(t);
    if (!failed) return 0;
    lua_pushstring(L, t->err_kind);
    if (strcmp(t->err_kind, "idle_timeout") == 0)
        lua_pushliteral(L, "no data received within the stream idle timeout");
    else if (anth_sink_error_message(t->err_kind) != NULL)
        lua_pushstring(L, anth_sink_error_message(t->err_kind));
    else if (t->errbuf[0] != '\0')
        lua_pushstring(L, t->errbuf);
    else
        lua_pushstring(L, curl_easy_strerror(t->code));
    return 2;
}

static void push_trimmed(lua_State *L, const char *p, const char *e) {
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) e--;
    lua_pushlstring(L, p, (size_t)(e - p));
}

static int push_buf(lua_State *L, const anth_buf *b) {
    lua_pushlstring(L, b->data ? b->data : "", b->len);
    return 1;
}

/* Where the header line starting at p ends (its "\n", or end). */
static const char *line_end(const char *p, const char *end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    return eol != NULL ? eol : end;
}

/* Pushes the table of a raw header block: lower-cased names; repeated
 * headers joined by ", ". */
static void push_header_table(lua_State *L, const char *p, size_t len) {
    const char *end = p + len, *eol;
    lua_newtable(L);
    for (; p != NULL && p < end; p = eol + 1) {
        const char *colon;
        eol = line_end(p, end);
        colon = memchr(p, ':', (size_t)(eol - p));
        if (colon != NULL && colon > p) {
            char name[256];
            size_t i, n = (size_t)(colon - p);
            if (n < sizeof name) {
                for (i = 0; i < n; i++) name[i] = (char)anth_ascii_lower((unsigned char)p[i]);
                lua_pushlstring(L, name, n);
                lua_pushvalue(L, -1);
                lua_rawget(L, -3);
                if (lua_isnil(L, -1)) {
                    lua_pop(L, 1);
                    push_trimmed(L, colon + 1, eol);
                } else {
                    lua_pushliteral(L, ", ");
                    push_trimmed(L, colon + 1, eol);
                    lua_concat(L, 3);
                }
                lua_rawset(L, -3);
            }
        }
    }
}

/* t:headers() -> the table of the response's headers */
static int transfer_headers(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    const anth_buf *head = settled_or_raise(L, t, &t->head);
    push_header_table(L, head->data, head->len);
    return 1;
}

/* core.parse_headers(block) -> the table of a raw header block (t:head()) */
static int parse_headers(lua_State *L) {
    size_t len;
    const char *p = luaL_checklstring(L, 1, &len);
    push_header_table(L, p, len);
    return 1;
}

/* t:head() -> the raw header block; t:header(name) -> one header's value
 * (the first), name in lower case; both without building a table. */
static int transfer_head(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    return push_buf(L, settled_or_raise(L, t, &t->head));
}

static int transfer_header(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    size_t n;
    const char *name = luaL_checklstring(L, 2, &n);
    const anth_buf *head = settled_or_raise(L, t, &t->head);
    const char *p = head->data, *end = p + head->len, *eol;
    for (; p != NULL && p < end; p = eol + 1) {
        eol = line_end(p, end);
        if ((size_t)(eol - p) > n && p[n] == ':' && anth_ascii_caseeq(p, name, n)) {
            push_trimmed(L, p + n + 1, eol);
            return 1;
        }
    }
    return 0;
}

static int transfer_body(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    return push_buf(L, settled_or_raise(L, t, &t->body));
}

/* t:json() -> value, nil, is_object | nil, message: decodes the body
 * without copying it into a string; is_object: the value is a JSON object
 * (what a successful answer must be), said here where it is cheap to see. */
static int transfer_json(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    const anth_buf *body = settled_or_raise(L, t, &t->body);
    const char *p = body->data ? body->data : "", *end = p + body->len;
    if (anth_json_decode(L, p, body->len)) {
        while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
        lua_pushnil(L);
        lua_pushboolean(L, p < end && *p == '{');
        return 3;
    }
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

static int transfer_info(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    const char *state;
    size_t body, queued;
    int paused;
    anth_transfer_lock(t);
    state = anth_transfer_state_name(t);
    body = t->body.len;
    queued = anth_transfer_queued(t);
    paused = t->paused;
    anth_transfer_unlock(t);
    lua_newtable(L);
    lua_pushstring(L, state);
    lua_setfield(L, -2, "state");
    lua_pushinteger(L, (lua_Integer)body);
    lua_setfield(L, -2, "body_bytes");
    lua_pushinteger(L, (lua_Integer)queued);
    lua_setfield(L, -2, "queued_bytes");
    lua_pushboolean(L, paused);
    lua_setfield(L, -2, "paused");
    return 1;
}

/* --- events ----------------------------------------------------------- */

/* Adds a text delta of block index to the appender t:text_to named for that
 * block, if it is still open (the accumulator's text: no Lua call per
 * delta); whether it did. */
static int append_text(lua_State *L, anth_transfer *t, lua_Integer index, int text) {
    const char *p;
    size_t n;
    if (t->text_to == NULL || index != t->text_index || t->text_to->closed) return 0;
    p = lua_tolstring(L, text, &n);
    anth_appender_add(L, t->text_to, p, n);
    return 1;
}

/* t:text_to(index, appender): the text deltas of block index (0-based) go
 * to appender from now on, as they are taken (t:next_event, t:next_fast
 * say so: added); the transfer keeps the appender alive. Another call
 * replaces it (one block at a time: the API streams blocks one by one). */
static int transfer_text_to(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    lua_Integer index = luaL_checkinteger(L, 2);
    anth_appender *a = anth_to_appender(L, 3);
    luaL_argcheck(L, a != NULL, 3, "an open appender expected");
    anth_getuservalue(L, 1);
    lua_pushvalue(L, 3);
    lua_setfield(L, -2, "text_to");
    t->text_to = a;
    t->text_index = index;
    return 0;
}

/* The next queued event: nothing when none is queued; else name, value (the
 * data decoded as JSON), or name, nil, message when the data is not JSON. A
 * text delta is also added to the appender of its block (see append_text)
 * and comes with a fourth value, added, telling whether it was; fast: it
 * comes back as true, index, text, added instead (no tables). */
static int take_event(lua_State *L, int fast) {
    anth_transfer *t = anth_check_transfer(L, 1);
    anth_event_head h;
    const char *p;
    lua_Integer index;
    int n;
    if (t->batch_pos >= t->batch.len) { /* the batch is read: take the queue's next events */
        int wake;
        if (!anth_transfer_trylock(t)) return 0; /* (the next look takes them) */
        wake = anth_transfer_take_events(t);
        anth_transfer_unlock(t);
        if (wake) anth_session_kick(t->home);
    }
    p = anth_sink_next(&t->batch, &t->batch_pos, &h);
    if (p == NULL) return 0;
    if (anth_api_text_delta(L, p + h.elen, h.dlen, &index)) {
        int text = lua_gettop(L), added = append_text(L, t, index, text);
        if (fast) {
            lua_pushboolean(L, 1);
            lua_pushinteger(L, index);
            lua_pushvalue(L, text);
        } else {
            lua_pushlstring(L, p, h.elen);
            anth_api_push_text_delta_event(L, index, text);
            lua_pushnil(L);
        }
        lua_pushboolean(L, added);
        return 4;
    }
    lua_pushlstring(L, p, h.elen);
    n = anth_json_decode(L, p + h.elen, h.dlen) ? 2 : 3;
    if (n == 3) {
        lua_pushnil(L);
        lua_insert(L, -2);
    }
    return n;
}

/* t:next_event() -> nil when none is queued; else name, value | name, nil,
 * message; a text delta: name, value, nil, added */
static int next_event(lua_State *L) {
    return take_event(L, 0);
}

/* t:next_fast() -> like t:next_event(), except that a text delta comes back
 * as true, index, text, added (no tables: the hot path of s:text()). */
static int next_fast(lua_State *L) {
    return take_event(L, 1);
}

/* t:queued() -> bytes of events queued and not taken yet. The network
 * thread may queue the last events and finish between a t:next_event() that
 * found none and a t:done() that says the transfer is over: look here before
 * treating the stream as ended. */
static int transfer_queued(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    size_t n;
    anth_transfer_lock(t);
    n = anth_transfer_queued(t);
    anth_transfer_unlock(t);
    lua_pushinteger(L, (lua_Integer)n);
    return 1;
}

/* t:stream_info() -> events received so far, whether a partial event is
 * buffered (a stream cut short), whether the body is events ("events",
 * "body" or nil when nothing came yet). */
static int stream_info(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    size_t nevents;
    int partial, mode;
    anth_transfer_lock(t);
    nevents = t->sink.nevents;
    partial = anth_sink_partial(&t->sink);
    mode = t->mode;
    anth_transfer_unlock(t);
    lua_pushinteger(L, (lua_Integer)nevents);
    lua_pushboolean(L, partial);
    if (mode == 0) lua_pushnil(L);
    else lua_pushstring(L, mode == 2 ? "events" : "body");
    return 3;
}

void anth_open_response(lua_State *L) {
    static const luaL_Reg methods[] = {
        {"status", transfer_status},   {"error", transfer_error},
        {"headers", transfer_headers}, {"body", transfer_body},
        {"json", transfer_json},       {"info", transfer_info},
        {"done", transfer_done},       {"head", transfer_head},
        {"header", transfer_header},   {"next_event", next_event},
        {"next_fast", next_fast},      {"stream_info", stream_info},
        {"queued", transfer_queued},   {"text_to", transfer_text_to},
        {NULL, NULL}};
    static const luaL_Reg funcs[] = {{"parse_headers", parse_headers}, {NULL, NULL}};
    anth_register(L, ANTH_TRANSFER_MT, methods);
    anth_setfuncs(L, funcs, 0);
}
