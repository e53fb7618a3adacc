/* The JSON writer: Lua values -> JSON text in an anth_buf (json.h).
 *
 * Generic: it knows no API. Where an empty table is "[]" comes from the rules
 * it is given (json_api.c has the API's), a foreign codec's sentinels from
 * the marks table. Numbers are formatted by fpconv.c; json_string.h says
 * which string bytes are escaped and checks UTF-8; json_path.c raises the
 * errors that name the path of the bad value. Nothing is allocated besides
 * the output buffer. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "blob.h"
#include "json_path.h"
#include "json_string.h"
#include "fpconv.h"

typedef struct enc_state {
    lua_State *L;
    anth_buf *out;
    const anth_json_rules *rules; /* or NULL */
    int marks; /* absolute stack index of the marks table, or 0 */
    int amt;   /* stack index of the ANTH_ARRAY_MT metatable */
    int omt;   /* stack index of the ANTH_OBJECT_MT metatable */
    int depth;
    anth_splice_fn splice; /* large plain strings are borrowed, not copied */
    void *splice_ud;
} enc_state;

#define enc_error(e, f, ...) anth_json_path_error((e)->L, (f), __VA_ARGS__)
#define KEY_IS(k, n, lit) ((n) == sizeof(lit) - 1 && memcmp((k), (lit), (n)) == 0)

static void enc_oom(enc_state *e) {
    luaL_error(e->L, "anthropic: out of memory while writing JSON");
}

/* ---- contexts (the rules as data) ------------------------------------------ */

/* Whether the n bytes at a and b are the same: word compares, as a key is
 * short and a libc memcmp call would cost more than the compare. */
static inline int same_key(const char *a, const char *b, size_t n) {
    if (n >= 8) { /* 8 bytes at a time, the last 8 overlapping */
        uint64_t x, y;
        size_t i;
        for (i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y) return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) { /* the first and the last 4 */
        uint32_t x, y, u, v;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return x == y && u == v;
    }
    while (n > 0 && *a == *b) a++, b++, n--;
    return n == 0;
}

/* The context of the value under key k of an object written in context ctx. */
static inline int child_of_key(const anth_json_rules *r, int ctx, const char *k, size_t n) {
    const anth_json_context *c;
    const anth_json_key *key;
    if (r == NULL) return 0;
    c = &r->contexts[ctx];
    if (n == 0 || n > ANTH_JSON_KEY_MAX || c->keys == NULL || (key = c->keys[n]) == NULL)
        return c->other; /* most keys stop here */
    for (; key->name != NULL; key++)
        if (key->name[0] == k[0] && same_key(key->name, k, n)) return key->child;
    return c->other;
}

static inline int item_of(const anth_json_rules *r, int ctx) {
    return r == NULL ? 0 : r->contexts[ctx].item;
}

/* ---- output primitives ------------------------------------------------------ */

static inline void put(enc_state *e, const void *p, size_t n) {
    if (anth_buf_append(e->out, p, n) != 0) enc_oom(e);
}

static inline void putch(enc_state *e, char c) {
    if (anth_buf_putc(e->out, c) != 0) enc_oom(e);
}

#define PUT_LIT(e, lit) put((e), (lit), sizeof(lit) - 1)

static inline void put_integer(enc_state *e, long long v) {
    char tmp[24];
    char *p = anth_fpconv_integer(v, tmp + sizeof tmp);
    put(e, p, (size_t)(tmp + sizeof tmp - p));
}

static void put_double(enc_state *e, double d, const anth_json_frame *f) {
    char buf[ANTH_FPCONV_BUF];
    if (d != d) enc_error(e, f, "NaN is not a JSON number");
    if (d == HUGE_VAL || d == -HUGE_VAL) enc_error(e, f, "%s is not a JSON number", d > 0 ? "inf" : "-inf");
    put(e, buf, (size_t)anth_fpconv_double(d, buf));
}

static void put_string(enc_state *e, const char *str, size_t n, const anth_json_frame *f, int is_key) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0;
    anth_buf *b = e->out;
    if (b->cap - b->len < n + 2 && anth_buf_grow(b, n + 2) != 0) enc_oom(e);
    b->data[b->len++] = '"';
    while (i < n) {
        unsigned char c;
        while (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (anth_json_special8(v)) break;
            i += 8;
        }
        for (; i < n; i++) {
            c = s[i];
            if (anth_json_str_class[c] != 0) break;
        }
        if (i >= n) break;
        if (anth_json_str_class[c] == 2) {
            size_t l = anth_utf8_len(s + i, n - i);
            if (l == 0) {
                char pos[32];
                snprintf(pos, sizeof pos, "%llu", (unsigned long long)i + 1);
                enc_error(e, f, is_key ? "invalid UTF-8 in key at byte %s" : "invalid UTF-8 at byte %s",
                          pos);
            }
            i += l;
            continue;
        }
        if (i > run) put(e, s + run, i - run);
        switch (c) {
        case '"': PUT_LIT(e, "\\\""); break;
        case '\\': PUT_LIT(e, "\\\\"); break;
        case '\n': PUT_LIT(e, "\\n"); break;
        case '\r': PUT_LIT(e, "\\r"); break;
        case '\t': PUT_LIT(e, "\\t"); break;
        case '\b': PUT_LIT(e, "\\b"); break;
        case '\f': PUT_LIT(e, "\\f"); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(e, u, 6);
        }
        }
        run = ++i;
    }
    if (n > run) put(e, s + run, n - run);
    putch(e, '"');
}

/* ---- marks (a foreign codec's sentinels) --------------------------------- */

enum { MARK_NONE, MARK_NULL, MARK_EMPTY_ARRAY, MARK_EMPTY_OBJECT, MARK_ARRAY, MARK_OBJECT };

/* What the value at idx means in the marks table (pops what it pushes). */
static int mark_of(enc_state *e, int idx) {
    lua_State *L = e->L;
    int m = MARK_NONE;
    lua_pushvalue(L, idx);
    lua_rawget(L, e->marks);
    if (lua_type(L, -1) == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        if (KEY_IS(s, n, "null")) m = MARK_NULL;
        else if (KEY_IS(s, n, "[]")) m = MARK_EMPTY_ARRAY;
        else if (KEY_IS(s, n, "{}")) m = MARK_EMPTY_OBJECT;
        else if (KEY_IS(s, n, "array")) m = MARK_ARRAY;
        else if (KEY_IS(s, n, "object")) m = MARK_OBJECT;
    }
    lua_pop(L, 1);
    return m;
}

/* Writes a sentinel's meaning; 0 when m is not one. */
static int put_sentinel(enc_state *e, int m) {
    switch (m) {
    case MARK_NULL: PUT_LIT(e, "null"); return 1;
    case MARK_EMPTY_ARRAY: PUT_LIT(e, "[]"); return 1;
    case MARK_EMPTY_OBJECT: PUT_LIT(e, "{}"); return 1;
    default: return 0;
    }
}

/* ---- values and tables ---------------------------------------------------- */

static void enc_value(enc_state *e, int idx, int ctx, const anth_json_frame *f);

enum { MODE_AUTO, MODE_ARRAY, MODE_OBJECT };

/* Positive integer value of the number key at idx, or 0 when it is not one. */
static lua_Integer index_key(lua_State *L, int idx) {
#if ANTH_HAS_INTEGERS
    if (lua_isinteger(L, idx)) {
        lua_Integer i = lua_tointeger(L, idx);
        return i > 0 ? i : 0;
    }
    return 0;
#else
    lua_Number d = lua_tonumber(L, idx);
    if (d >= 1 && d < 9223372036854775808.0 && (lua_Number)(lua_Integer)d == d) return (lua_Integer)d;
    return 0;
#endif
}

static void bad_key(enc_state *e, const anth_json_frame *f, int kidx, int in_object) {
    lua_State *L = e->L;
    int t = lua_type(L, kidx);
    if (t == LUA_TNUMBER) {
        char num[64];
#if ANTH_HAS_INTEGERS
        if (lua_isinteger(L, kidx))
            snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, kidx));
        else
#endif
            snprintf(num, sizeof num, "%.17g", (double)lua_tonumber(L, kidx));
        enc_error(e, f, in_object ? "key of type number (%s) in an object" : "key of type number (%s)", num);
    }
    enc_error(e, f, "key of type %s", t == ANTH_TCDATA ? "cdata" : lua_typename(L, t));
}

/* A table whose traversal did not give 1, 2, 3... in order: decided from all
 * of its keys, then written through lua_rawgeti. out was rewound by the caller. */
static void enc_array_slow(enc_state *e, int idx, int ctx, anth_json_frame *f, int mode) {
    lua_State *L = e->L;
    lua_Integer count = 0, max = 0, i;
    int saw_string = 0;
    f->index = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int t = lua_type(L, -2);
        lua_pop(L, 1);
        if (t == LUA_TNUMBER) {
            lua_Integer k = index_key(L, -1);
            if (k == 0) bad_key(e, f, lua_gettop(L), 0);
            count++;
            if (k > max) max = k;
        } else if (t == LUA_TSTRING) {
            saw_string = 1;
        } else {
            bad_key(e, f, lua_gettop(L), 0);
        }
    }
    if (saw_string)
        enc_error(e, f, mode == MODE_ARRAY ? "string key in a table marked as array"
                                           : "mixed keys (strings and numbers) in one table");
    if (count != max) enc_error(e, f, "sparse array (holes between 1 and %d)", (int)(max > 2147483647 ? 2147483647 : max));
    putch(e, '[');
    for (i = 1; i <= max; i++) {
        if (i > 1) putch(e, ',');
        f->index = i;
        lua_rawgeti(L, idx, (int)i);
        enc_value(e, lua_gettop(L), ctx, f);
        lua_pop(L, 1);
    }
    putch(e, ']');
}

/* The first lua_next key/value pair is on the stack. */
static void enc_array(enc_state *e, int idx, int ctx, anth_json_frame *f, int mode) {
    lua_State *L = e->L;
    size_t start = e->out->len;
    lua_Integer i = 1;
    int item_ctx = item_of(e->rules, ctx);
    putch(e, '[');
    for (;;) {
#if ANTH_HAS_INTEGERS
        if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) != i) break;
#else
        if (lua_type(L, -2) != LUA_TNUMBER || lua_tonumber(L, -2) != (lua_Number)i) break;
#endif
        if (i > 1) putch(e, ',');
        f->index = i;
        enc_value(e, lua_gettop(L), item_ctx, f);
        lua_pop(L, 1);
        if (!lua_next(L, idx)) {
            putch(e, ']');
            return;
        }
        i++;
    }
    lua_pop(L, 2);
    e->out->len = start;
    enc_array_slow(e, idx, item_ctx, f, mode);
}

/* The first lua_next key/value pair is on the stack. */
static void enc_object(enc_state *e, int idx, int ctx, anth_json_frame *f, int mode) {
    lua_State *L = e->L;
    int first = 1;
    putch(e, '{');
    do {
        size_t kn;
        const char *k;
        int kidx = lua_gettop(L) - 1;
        if (lua_type(L, kidx) != LUA_TSTRING) {
            if (mode == MODE_AUTO && !first && lua_type(L, kidx) == LUA_TNUMBER)
                enc_error(e, f, "mixed keys (strings and numbers) in one table");
            bad_key(e, f, kidx, mode == MODE_OBJECT);
        }
        k = lua_tolstring(L, kidx, &kn);
        if (!first) putch(e, ',');
        first = 0;
        put_string(e, k, kn, f, 1);
        putch(e, ':');
        f->key = kidx;
        enc_value(e, kidx + 1, child_of_key(e->rules, ctx, k, kn), f);
        f->key = 0;
        lua_pop(L, 1);
    } while (lua_next(L, idx));
    putch(e, '}');
}

static void enc_table(enc_state *e, int idx, int ctx, const anth_json_frame *parent) {
    lua_State *L = e->L;
    int mode = MODE_AUTO;
    anth_json_frame f;
    if (lua_getmetatable(L, idx)) {
        if (lua_rawequal(L, -1, e->amt)) mode = MODE_ARRAY;
        else if (lua_rawequal(L, -1, e->omt)) mode = MODE_OBJECT;
        else if (e->marks) {
            int m = mark_of(e, lua_gettop(L));
            if (m == MARK_ARRAY) mode = MODE_ARRAY;
            else if (m == MARK_OBJECT) mode = MODE_OBJECT;
        }
        lua_pop(L, 1);
    }
    f.parent = parent;
    f.tbl = lua_topointer(L, idx);
    f.key = 0;
    f.index = 0;
    if (++e->depth > ANTH_JSON_MAX_DEPTH) anth_json_depth_error(L, &f);
    if (!lua_checkstack(L, 8)) enc_error(e, parent, "Lua stack exhausted");
    lua_pushnil(L);
    if (!lua_next(L, idx)) {
        int arr = mode == MODE_ARRAY || (mode == MODE_AUTO && (ctx & ANTH_JSON_EMPTY_ARRAY));
        if (arr) PUT_LIT(e, "[]");
        else PUT_LIT(e, "{}");
    } else if (mode == MODE_ARRAY || (mode == MODE_AUTO && lua_type(L, -2) == LUA_TNUMBER)) {
        enc_array(e, idx, ANTH_JSON_CONTEXT(ctx), &f, mode);
    } else {
        enc_object(e, idx, ANTH_JSON_CONTEXT(ctx), &f, mode);
    }
    e->depth--;
}

/* Writes the value at idx (absolute); ctx: its context, maybe | ANTH_JSON_EMPTY_ARRAY. */
static void enc_value(enc_state *e, int idx, int ctx, const anth_json_frame *f) {
    lua_State *L = e->L;
    int t = lua_type(L, idx);
    switch (t) {
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        if (e->splice != NULL && n >= ANTH_SPLICE_MIN && anth_json_is_plain(s, n)) {
            putch(e, '"');
            e->splice(e->splice_ud, L, idx, e->out, s, n, NULL);
            putch(e, '"');
            return;
        }
        put_string(e, s, n, f, 0);
        return;
    }
    case LUA_TNUMBER:
#if ANTH_HAS_INTEGERS
        if (lua_isinteger(L, idx)) {
            put_integer(e, (long long)lua_tointeger(L, idx));
            return;
        }
#endif
        put_double(e, (double)lua_tonumber(L, idx), f);
        return;
    case LUA_TBOOLEAN:
        if (lua_toboolean(L, idx)) PUT_LIT(e, "true");
        else PUT_LIT(e, "false");
        return;
    case LUA_TTABLE:
        if (e->marks && put_sentinel(e, mark_of(e, idx))) return;
        enc_table(e, idx, ctx, f);
        return;
    case LUA_TNIL:
        PUT_LIT(e, "null");
        return;
    case LUA_TLIGHTUSERDATA:
        if (e->marks && put_sentinel(e, mark_of(e, idx))) return;
        if (lua_touserdata(L, idx) == NULL) {
            PUT_LIT(e, "null");
            return;
        }
        enc_error(e, f, "light userdata value");
        return;
    case LUA_TUSERDATA: {
        const anth_blob *b = anth_toblob(L, idx);
        if (b != NULL) { /* the string a blob stands for (base64: never escaped), spliced when large */
            putch(e, '"');
            if (e->splice != NULL && b->len >= ANTH_SPLICE_MIN) {
                e->splice(e->splice_ud, L, idx, e->out, NULL, b->len, b);
            } else {
                if (anth_buf_grow(e->out, b->len) != 0) enc_oom(e);
                anth_blob_read(b, 0, e->out->data + e->out->len, b->len);
                e->out->len += b->len;
            }
            putch(e, '"');
            return;
        }
        if (e->marks && put_sentinel(e, mark_of(e, idx))) return;
        enc_error(e, f, "userdata value (not a known sentinel of a JSON codec)");
        return;
    }
    case LUA_TFUNCTION:
    case LUA_TTHREAD:
        /* any value a codec picked as a sentinel (some use a function) */
        if (e->marks && put_sentinel(e, mark_of(e, idx))) return;
        enc_error(e, f, "%s value", lua_typename(L, t));
        return;
    case ANTH_TCDATA: {
        /* LuaJIT 64-bit integers: tostring gives e.g. -12LL or 7ULL */
        size_t n, i = 0;
        const char *s;
        if (!luaL_callmeta(L, idx, "__tostring")) enc_error(e, f, "cdata value");
        s = lua_tolstring(L, -1, &n);
        if (s != NULL && n > 0 && s[0] == '-') i = 1;
        if (s != NULL) {
            size_t d = i;
            while (d < n && s[d] >= '0' && s[d] <= '9') d++;
            if (d > i && ((n - d == 2 && memcmp(s + d, "LL", 2) == 0) ||
                          (n - d == 3 && memcmp(s + d, "ULL", 3) == 0))) {
                put(e, s, d);
                lua_pop(L, 1);
                return;
            }
        }
        enc_error(e, f, "cdata value (only 64-bit integers are written)");
        return;
    }
    default:
        enc_error(e, f, "%s value", lua_typename(L, t));
    }
}

void anth_json_encode(lua_State *L, int idx, anth_buf *out, const anth_json_opts *opts) {
    enc_state e;
    idx = anth_absindex(L, idx);
    luaL_checkstack(L, 16, "anthropic: JSON writer");
    e.L = L;
    e.out = out;
    e.rules = opts->rules;
    e.marks = opts->marks != 0 ? anth_absindex(L, opts->marks) : 0;
    e.depth = 0;
    e.splice = opts->splice;
    e.splice_ud = opts->splice_ud;
    luaL_getmetatable(L, ANTH_ARRAY_MT);
    e.amt = lua_gettop(L);
    luaL_getmetatable(L, ANTH_OBJECT_MT);
    e.omt = lua_gettop(L);
    enc_value(&e, idx, e.rules != NULL ? e.rules->top : 0, NULL);
    lua_pop(L, 2);
}
