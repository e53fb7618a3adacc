/* core.eventstream_decoder() and core.eventstream_chunk(payload): the Lua
 * side of eventstream.c and bedrock_stream.c, for tests and for Lua code that
 * holds a Bedrock stream's bytes. (The streaming transfer feeds them from C.) */
#include "platforms.h"
#include "bedrock_stream.h"
#include "eventstream.h"
#include "json_member.h"

#define ES_MT "anthropic.eventstream"

typedef struct es_ud {
    anth_es d;
    anth_buf frames;  /* whole frames delivered by the current feed, back to back */
    anth_buf scratch; /* decode_frame's working memory */
    anth_buf name, data; /* "events" mode: one event */
    int events;       /* "events" mode: feed gives Bedrock's stream events, not frames */
    int ended;        /* "events" mode: an exception frame ended the stream */
    int closed;
} es_ud;

/* Called inside anth_es_feed: only bytes are copied (no Lua here), so a Lua
 * error can never unwind through the decoder. */
static int keep_frame(void *ud, const anth_es_frame *f) {
    es_ud *u = ud;
    return anth_buf_append(&u->frames, f->raw, f->raw_len) != 0 ? ANTH_ES_ENOMEM : 0;
}

static es_ud *check_open(lua_State *L) {
    es_ud *u = (es_ud *)anth_checkudata(L, 1, ES_MT);
    if (u->closed) luaL_error(L, "anthropic: attempt to use a closed eventstream decoder");
    return u;
}

static int es_close(lua_State *L) {
    es_ud *u = (es_ud *)anth_checkudata(L, 1, ES_MT);
    if (u->closed) return 0;
    u->closed = 1;
    anth_es_free(&u->d);
    anth_buf_free(&u->frames);
    anth_buf_free(&u->scratch);
    anth_buf_free(&u->name);
    anth_buf_free(&u->data);
    return 0;
}

static void set_view(lua_State *L, int t, const char *k, anth_es_str s) {
    if (s.p == NULL) return;
    lua_pushlstring(L, s.p, s.n);
    lua_setfield(L, t, k);
}

static void push_header_value(lua_State *L, const anth_es_header *h) {
    if (h->type == 0 || h->type == 1) lua_pushboolean(L, (int)h->ival);
    else if (h->value != NULL) lua_pushlstring(L, h->value, h->vlen);
#if ANTH_HAS_INTEGERS
    else lua_pushinteger(L, (lua_Integer)h->ival);
#else
    else lua_pushnumber(L, (lua_Number)h->ival);
#endif
}

static void push_frame(lua_State *L, const anth_es_frame *f) {
    size_t pos = 0;
    anth_es_header h;
    int t;
    lua_createtable(L, 0, 8);
    t = lua_gettop(L);
    set_view(L, t, "message_type", f->message_type);
    set_view(L, t, "event_type", f->event_type);
    set_view(L, t, "exception_type", f->exception_type);
    set_view(L, t, "content_type", f->content_type);
    set_view(L, t, "error_code", f->error_code);
    set_view(L, t, "error_message", f->error_message);
    lua_pushlstring(L, f->payload, f->payload_len);
    lua_setfield(L, t, "payload");
    lua_newtable(L);
    while (anth_es_header_next(f->headers, f->headers_len, &pos, &h) == 1) {
        lua_pushlstring(L, h.name, h.nlen);
        push_header_value(L, &h);
        lua_rawset(L, -3);
    }
    lua_setfield(L, t, "headers");
}

static const char *err_kind(int rc) {
    switch (rc) {
    case ANTH_ES_ECRC: return "bad_crc";
    case ANTH_ES_ETOOBIG: return "too_big";
    case ANTH_ES_EFORMAT: return "malformed";
    default: return "out_of_memory";
    }
}

/* d:feed(bytes) -> frames[, kind, message]: the frames completed by these
 * bytes, in order; after a bad frame also why ("bad_crc", "too_big",
 * "malformed", "out_of_memory") and a message; every later feed repeats it.
 * In "events" mode the list holds Bedrock's stream events {event=, data=}
 * instead (bedrock_stream.h; nothing after an exception's "error" event), and
 * a chunk that cannot be read gives "bad_chunk". */
static int es_feed(lua_State *L) {
    es_ud *u = check_open(L);
    size_t n, pos = 0;
    const char *s = luaL_checklstring(L, 2, &n);
    int rc, i = 0;
    u->frames.len = 0;
    rc = anth_es_feed(&u->d, s, n);
    lua_newtable(L);
    while (pos < u->frames.len) {
        anth_es_frame f;
        const char *p = u->frames.data + pos;
        size_t len = (size_t)((unsigned char)p[0]) << 24 | (size_t)((unsigned char)p[1]) << 16 |
                     (size_t)((unsigned char)p[2]) << 8 | (unsigned char)p[3];
        if (anth_es_decode_frame(p, len, u->d.max_payload, &u->scratch, &f) != 0) break; /* cannot happen */
        pos += len;
        if (!u->events) {
            push_frame(L, &f);
            lua_rawseti(L, -2, ++i);
        } else if (!u->ended) {
            const char *why = NULL;
            int kind = anth_bedrock_frame(&f, &u->name, &u->data, &why);
            if (kind == ANTH_BEDROCK_BAD) {
                u->frames.len = 0;
                lua_pushliteral(L, "bad_chunk");
                lua_pushstring(L, why);
                return 3;
            }
            if (kind == ANTH_BEDROCK_SKIP) continue;
            lua_createtable(L, 0, 2);
            lua_pushlstring(L, u->name.data ? u->name.data : "", u->name.len);
            lua_setfield(L, -2, "event");
            lua_pushlstring(L, u->data.data ? u->data.data : "", u->data.len);
            lua_setfield(L, -2, "data");
            lua_rawseti(L, -2, ++i);
            if (kind == ANTH_BEDROCK_END) u->ended = 1;
        }
    }
    u->frames.len = 0;
    if (rc == 0) return 1;
    lua_pushstring(L, err_kind(rc));
    lua_pushstring(L, anth_es_strerror(rc));
    return 3;
}

/* d:pending() -> true when the bytes so far end inside a frame. */
static int es_pending(lua_State *L) {
    lua_pushboolean(L, anth_es_pending(&check_open(L)->d));
    return 1;
}

static int es_tostring(lua_State *L) {
    es_ud *u = (es_ud *)anth_checkudata(L, 1, ES_MT);
    lua_pushfstring(L, "anthropic.eventstream (%s)", u->closed ? "closed" : "open");
    return 1;
}

/* eventstream_decoder([max_payload [, "frames" | "events"]]) -> decoder */
static int l_decoder(lua_State *L) {
    static const char *const modes[] = {"frames", "events", NULL};
    lua_Number max = luaL_optnumber(L, 1, (lua_Number)ANTH_ES_MAX_PAYLOAD);
    int mode = luaL_checkoption(L, 2, "frames", modes);
    es_ud *u;
    if (!(max >= 0 && max <= (lua_Number)ANTH_ES_MAX_PAYLOAD))
        luaL_argerror(L, 1, "max_payload must be between 0 and 16 MiB");
    u = (es_ud *)anth_newuserdata(L, sizeof *u);
    u->closed = 0;
    u->events = mode == 1;
    u->ended = 0;
    anth_buf_init(&u->name);
    anth_buf_init(&u->data);
    anth_es_init(&u->d, keep_frame, u);
    u->d.max_payload = (size_t)max;
    anth_buf_init(&u->frames);
    anth_buf_init(&u->scratch);
    anth_setmetatable(L, ES_MT);
    return 1;
}

/* eventstream_chunk(payload) -> event_json, event_type (nil when the event
 * has no string "type"), or nil and a message. */
static int l_chunk(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *why = NULL;
    anth_buf *out = anth_new_gc_buf(L), *type = anth_new_gc_buf(L);
    if (anth_es_chunk_event(s, n, out, &why) != 0) {
        lua_pushnil(L);
        lua_pushstring(L, why);
        return 2;
    }
    lua_pushlstring(L, out->data ? out->data : "", out->len);
    if (anth_json_member_string(out->data ? out->data : "", out->len, "type", type) == 1)
        lua_pushlstring(L, type->data ? type->data : "", type->len);
    else
        lua_pushnil(L);
    anth_buf_free(out);
    anth_buf_free(type);
    return 2;
}

void anth_open_eventstream(lua_State *L) {
    static const luaL_Reg methods[] = {
        {"feed", es_feed}, {"pending", es_pending}, {"close", es_close}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {
        {"eventstream_decoder", l_decoder}, {"eventstream_chunk", l_chunk}, {NULL, NULL}};
    if (luaL_newmetatable(L, ES_MT)) {
        lua_newtable(L);
        anth_setfuncs(L, methods, 0);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, es_close);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, es_close);
        lua_setfield(L, -2, "__close");
        lua_pushcfunction(L, es_tostring);
        lua_setfield(L, -2, "__tostring");
    }
    lua_pop(L, 1);
    anth_setfuncs(L, funcs, 0);
}
