/* The JSON reader: strict RFC 8259 text -> Lua values.
 *
 * Objects become tables with members whose value is null left out; arrays
 * become sequences whose null items are the lightuserdata NULL (core.null);
 * empty ones get the ANTH_OBJECT_MT/ANTH_ARRAY_MT metatables so they are
 * written back the same way. Integers that fit int64 are Lua integers on 5.3+.
 * Bad input never raises: the message ("JSON error at byte N: ...", N counted
 * from 1) is pushed and 0 returned. Scratch memory (strings with escapes, long
 * numbers) is a userdata kept in a stack slot, so nothing leaks if Lua raises. */
#include <float.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_string.h"

typedef struct dec_state {
    lua_State *L;
    const char *s, *p, *end;
    const char *err;    /* what went wrong, or NULL */
    const char *errpos; /* where */
    char errbuf[64];
    int depth;
    int scratch; /* stack slot of the scratch userdata (nil until needed) */
    char *sbuf;
    size_t scap;
} dec_state;

enum { R_ERROR = -1, R_NULL = 0, R_VALUE = 1 };

static int fail(dec_state *d, const char *at, const char *what) {
    d->err = what;
    d->errpos = at;
    return R_ERROR;
}

static char *scratch(dec_state *d, size_t n) {
    if (n > d->scap) {
        size_t cap = d->scap * 2;
        if (cap < n) cap = n;
        if (cap < 256) cap = 256;
        d->sbuf = (char *)lua_newuserdata(d->L, cap);
        d->scap = cap;
        lua_replace(d->L, d->scratch);
    }
    return d->sbuf;
}

static inline const char *skip_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    return p;
}

/* ---- strings ------------------------------------------------------------- */

static int hex4(const char *p, unsigned *out) {
    unsigned v = 0;
    int i;
    for (i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return 0;
    }
    *out = v;
    return 1;
}

static char *put_utf8(char *o, unsigned cp) {
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* d->p at the opening quote; pushes the string. */
static int parse_string(dec_state *d) {
    const char *start = d->p + 1, *q = start, *end = d->end;
    const char *r;
    char *o;
    int escaped = 0;
    for (;;) {
        unsigned char c;
        while (end - q >= 8) {
            uint64_t v;
            memcpy(&v, q, 8);
            if (anth_json_stop8(v)) break;
            q += 8;
        }
        if (q >= end) return fail(d, d->p, "unterminated string");
        c = (unsigned char)*q;
        if (c == '"') break;
        if (c == '\\') {
            escaped = 1;
            if (end - q < 2) return fail(d, d->p, "unterminated string");
            q += 2;
            continue;
        }
        if (c < 0x20) return fail(d, q, "control character in string");
        q++;
    }
    d->p = q + 1;
    if (!escaped) {
        lua_pushlstring(d->L, start, (size_t)(q - start));
        return R_VALUE;
    }
    /* escapes only shrink: the decoded string fits in q - start bytes */
    o = scratch(d, (size_t)(q - start));
    {
        char *o0 = o;
        r = start;
        while (r < q) {
            const char *run = r;
            unsigned cp, lo;
            while (r < q && *r != '\\') r++;
            memcpy(o, run, (size_t)(r - run));
            o += r - run;
            if (r >= q) break;
            switch (r[1]) {
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case '/': *o++ = '/'; break;
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'n': *o++ = '\n'; break;
            case 'r': *o++ = '\r'; break;
            case 't': *o++ = '\t'; break;
            case 'u':
                if (q - r < 6 || !hex4(r + 2, &cp)) return fail(d, r, "invalid \\u escape");
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (q - r >= 12 && r[6] == '\\' && r[7] == 'u' && hex4(r + 8, &lo) && lo >= 0xDC00 &&
                        lo <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        r += 6;
                    } else {
                        cp = 0xFFFD; /* lone high surrogate */
                    }
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    cp = 0xFFFD; /* lone low surrogate */
                }
                o = put_utf8(o, cp);
                r += 4;
                break;
            default: return fail(d, r, "invalid escape");
            }
            r += 2;
        }
        lua_pushlstring(d->L, o0, (size_t)(o - o0));
    }
    return R_VALUE;
}

/* ---- numbers ------------------------------------------------------------- */

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#define IS_DIGIT(c) ((unsigned char)((c) - '0') < 10)

static int parse_number(dec_state *d) {
    const char *start = d->p, *p = d->p, *end = d->end;
    uint64_t m = 0;
    int neg = 0, is_float = 0, many = 0, fdigits = 0;
    long exp10 = 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (p >= end || !IS_DIGIT(*p)) return fail(d, p, "invalid number");
    if (*p == '0') {
        p++;
        if (p < end && IS_DIGIT(*p)) return fail(d, p - 1, "leading zero in number");
    } else {
        while (p < end && IS_DIGIT(*p)) {
            unsigned dg = (unsigned)(*p - '0');
            if (many || m > (UINT64_MAX - dg) / 10) many = 1; /* strtod reads it */
            else m = m * 10 + dg;
            p++;
        }
    }
    if (p < end && *p == '.') {
        is_float = 1;
        p++;
        if (p >= end || !IS_DIGIT(*p)) return fail(d, p, "digit expected after '.'");
        while (p < end && IS_DIGIT(*p)) {
            unsigned dg = (unsigned)(*p - '0');
            if (!many && m <= (UINT64_MAX - dg) / 10) {
                m = m * 10 + dg;
                fdigits++;
            } else {
                many = 1;
            }
            p++;
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        long ev = 0;
        int eneg = 0;
        is_float = 1;
        p++;
        if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        if (p >= end || !IS_DIGIT(*p)) return fail(d, p, "digit expected in exponent");
        while (p < end && IS_DIGIT(*p)) {
            if (ev < 100000) ev = ev * 10 + (*p - '0');
            p++;
        }
        exp10 += eneg ? -ev : ev;
    }
    d->p = p;
    if (!is_float && !many) {
        if (neg && m == 0) {
            lua_pushnumber(d->L, -0.0);
            return R_VALUE;
        }
#if ANTH_HAS_INTEGERS
        if (!neg && m <= (uint64_t)INT64_MAX) {
            lua_pushinteger(d->L, (lua_Integer)m);
            return R_VALUE;
        }
        if (neg && m <= (uint64_t)INT64_MAX + 1) {
            lua_pushinteger(d->L, (lua_Integer)(0 - m));
            return R_VALUE;
        }
#endif
        lua_pushnumber(d->L, neg ? -(lua_Number)m : (lua_Number)m); /* correctly rounded */
        return R_VALUE;
    }
#if FLT_EVAL_METHOD == 0
    /* exact operands, one correctly rounded operation (Clinger's fast path) */
    if (!many && m <= (1ULL << 53)) {
        long e = exp10 - fdigits;
        if (e >= -22 && e <= 22) {
            double v = (double)m;
            v = e < 0 ? v / pow10_exact[-e] : v * pow10_exact[e];
            lua_pushnumber(d->L, neg ? -v : v);
            return R_VALUE;
        }
    }
#endif
    {
        /* strtod, on a copy whose '.' is the locale's decimal point */
        const char *dp = localeconv()->decimal_point;
        size_t n = (size_t)(p - start), dl = strlen(dp), i, j = 0;
        char local[128], *buf, *endp;
        double v;
        buf = n + dl + 1 <= sizeof local ? local : scratch(d, n + dl + 1);
        for (i = 0; i < n; i++) {
            if (start[i] == '.') {
                memcpy(buf + j, dp, dl);
                j += dl;
            } else {
                buf[j++] = start[i];
            }
        }
        buf[j] = '\0';
        v = strtod(buf, &endp);
        if (endp != buf + j) return fail(d, start, "invalid number");
        lua_pushnumber(d->L, (lua_Number)v);
    }
    return R_VALUE;
}

/* ---- values ---------------------------------------------------------------- */

static int parse_value(dec_state *d);

static int enter(dec_state *d) {
    if (++d->depth > ANTH_JSON_MAX_DEPTH) {
        snprintf(d->errbuf, sizeof d->errbuf, "nesting deeper than %d", ANTH_JSON_MAX_DEPTH);
        return fail(d, d->p, d->errbuf);
    }
    if (!lua_checkstack(d->L, 6)) return fail(d, d->p, "nesting too deep for the Lua stack");
    return 0;
}

/* Members and items wait on the Lua stack (up to PENDING of them, in objects
 * and arrays no deeper than PENDING_DEPTH) so that the table is made at its
 * size once they are known: most of the API's objects and lists are small,
 * and a table filled from empty rehashes as it grows (a third of decoding a
 * message's table work). Past that the table is made and filled directly. */
#define PENDING 16
#define PENDING_DEPTH 16

/* Makes the table of what waits: n items, or n key-value pairs (pairs),
 * above stack slot base; leaves it alone at base + 1. */
static void make_table(lua_State *L, int base, int n, int pairs) {
    int i;
    if (pairs) {
        lua_createtable(L, 0, n);
        for (i = 0; i < n; i++) {
            lua_pushvalue(L, base + 1 + 2 * i);
            lua_pushvalue(L, base + 2 + 2 * i);
            lua_rawset(L, -3);
        }
    } else {
        lua_createtable(L, n, 0);
        for (i = 0; i < n; i++) {
            lua_pushvalue(L, base + 1 + i);
            lua_rawseti(L, -2, i + 1);
        }
    }
    if (n > 0) { /* (with none waiting, the table is at base + 1 already) */
        lua_replace(L, base + 1);
        lua_settop(L, base + 1);
    }
}

static int parse_array(dec_state *d) {
    lua_State *L = d->L;
    int base = lua_gettop(L), n = 0, made;
    if (enter(d) != 0) return R_ERROR;
    made = d->depth > PENDING_DEPTH;
    d->p = skip_ws(d->p + 1, d->end);
    if (made) lua_newtable(L);
    if (d->p < d->end && *d->p == ']') {
        d->p++;
        if (!made) lua_newtable(L);
        luaL_getmetatable(L, ANTH_ARRAY_MT);
        lua_setmetatable(L, -2);
        d->depth--;
        return R_VALUE;
    }
    for (;;) {
        int r;
        if (!made && (n == PENDING || !lua_checkstack(L, 8))) {
            make_table(L, base, n, 0);
            made = 1;
        }
        r = parse_value(d);
        if (r == R_ERROR) return R_ERROR;
        if (r == R_NULL) lua_pushlightuserdata(L, NULL);
        n++;
        if (made) lua_rawseti(L, base + 1, n);
        d->p = skip_ws(d->p, d->end);
        if (d->p >= d->end) return fail(d, d->p, "unexpected end of input in array");
        if (*d->p == ',') {
            d->p = skip_ws(d->p + 1, d->end);
            if (d->p < d->end && *d->p == ']') return fail(d, d->p, "trailing comma in array");
            continue;
        }
        if (*d->p == ']') break;
        return fail(d, d->p, "expected ',' or ']' in array");
    }
    if (!made) make_table(L, base, n, 0);
    d->p++;
    d->depth--;
    return R_VALUE;
}

static int parse_object(dec_state *d) {
    lua_State *L = d->L;
    int base = lua_gettop(L), n = 0, waiting = 0, made;
    if (enter(d) != 0) return R_ERROR;
    made = d->depth > PENDING_DEPTH;
    if (made) lua_createtable(L, 0, 4);
    d->p = skip_ws(d->p + 1, d->end);
    if (d->p < d->end && *d->p == '}') {
        d->p++;
    } else {
        for (;;) {
            int r;
            if (d->p >= d->end) return fail(d, d->p, "unexpected end of input in object");
            if (*d->p != '"') return fail(d, d->p, "expected a string key in object");
            if (!made && (waiting == PENDING || !lua_checkstack(L, 8))) {
                make_table(L, base, waiting, 1);
                made = 1;
            }
            if (parse_string(d) == R_ERROR) return R_ERROR;
            d->p = skip_ws(d->p, d->end);
            if (d->p >= d->end || *d->p != ':') return fail(d, d->p, "expected ':' after object key");
            d->p++;
            r = parse_value(d);
            if (r == R_ERROR) return R_ERROR;
            if (r == R_NULL) {
                lua_pop(L, 1); /* null member: absent field */
            } else {
                n++;
                if (made) lua_rawset(L, base + 1);
                else waiting++;
            }
            d->p = skip_ws(d->p, d->end);
            if (d->p >= d->end) return fail(d, d->p, "unexpected end of input in object");
            if (*d->p == ',') {
                d->p = skip_ws(d->p + 1, d->end);
                if (d->p < d->end && *d->p == '}') return fail(d, d->p, "trailing comma in object");
                continue;
            }
            if (*d->p == '}') break;
            return fail(d, d->p, "expected ',' or '}' in object");
        }
        d->p++;
    }
    if (!made) make_table(L, base, waiting, 1);
    if (n == 0) {
        luaL_getmetatable(L, ANTH_OBJECT_MT);
        lua_setmetatable(L, -2);
    }
    d->depth--;
    return R_VALUE;
}

static int literal(dec_state *d, const char *lit, size_t n) {
    if ((size_t)(d->end - d->p) >= n && memcmp(d->p, lit, n) == 0) {
        d->p += n;
        return 1;
    }
    return 0;
}

static int parse_value(dec_state *d) {
    unsigned char c;
    d->p = skip_ws(d->p, d->end);
    if (d->p >= d->end) return fail(d, d->p, "unexpected end of input");
    c = (unsigned char)*d->p;
    switch (c) {
    case '"': return parse_string(d);
    case '{': return parse_object(d);
    case '[': return parse_array(d);
    case 't':
        if (!literal(d, "true", 4)) break;
        lua_pushboolean(d->L, 1);
        return R_VALUE;
    case 'f':
        if (!literal(d, "false", 5)) break;
        lua_pushboolean(d->L, 0);
        return R_VALUE;
    case 'n':
        if (!literal(d, "null", 4)) break;
        return R_NULL;
    default:
        if (c == '-' || IS_DIGIT(c)) return parse_number(d);
        break;
    }
    if (c >= 0x21 && c < 0x7f) snprintf(d->errbuf, sizeof d->errbuf, "unexpected character '%c'", c);
    else snprintf(d->errbuf, sizeof d->errbuf, "unexpected byte 0x%02X", c);
    return fail(d, d->p, d->errbuf);
}

int anth_json_decode(lua_State *L, const char *s, size_t len) {
    dec_state d;
    int base = lua_gettop(L), r;
    luaL_checkstack(L, 8, "anthropic: JSON reader");
    d.L = L;
    d.s = d.p = s;
    d.end = s + len;
    d.err = NULL;
    d.errpos = s;
    d.depth = 0;
    d.sbuf = NULL;
    d.scap = 0;
    lua_pushnil(L);
    d.scratch = base + 1;
    r = parse_value(&d);
    if (r != R_ERROR) {
        d.p = skip_ws(d.p, d.end);
        if (d.p != d.end) r = fail(&d, d.p, "unexpected data after the JSON value");
    }
    if (r == R_ERROR) {
        char pos[32];
        lua_settop(L, base);
        snprintf(pos, sizeof pos, "%llu", (unsigned long long)(d.errpos - s) + 1);
        lua_pushfstring(L, "JSON error at byte %s: %s", pos, d.err);
        return 0;
    }
    if (r == R_NULL) lua_pushlightuserdata(L, NULL);
    lua_remove(L, base + 1);
    return 1;
}
