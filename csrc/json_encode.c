/* The JSON writer: Lua values -> JSON text in an anth_buf.
 *
 * Tables are walked raw (lua_next/lua_rawgeti, never __index/__pairs). A table
 * is an array when its keys are exactly 1..n, an object when they are all
 * strings; the registry metatables ANTH_ARRAY_MT/ANTH_OBJECT_MT (and a foreign
 * codec's ones, through marks) force the choice. An empty unmarked table is
 * "[]" or "{}" depending on the key it sits under (see the contexts below).
 *
 * Nothing is allocated besides the output buffer: the path of the value being
 * written lives in a chain of frames on the C stack whose keys stay on the Lua
 * stack, and is turned into text only when an error is raised. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* ---- contexts: what an empty table means where it sits ------------------ */

enum { CTX_API = 0, CTX_DATA = 1, CTX_SCHEMA = 2, CTX_NAMEMAP = 3 };
#define CTX_MASK 3
#define EMPTY_ARRAY 4 /* flag: an empty unmarked table here is "[]" */

#define KEY_IS(k, n, lit) ((n) == sizeof(lit) - 1 && memcmp((k), (lit), (n)) == 0)

/* A key of an API object (request bodies, messages, content blocks, tools). */
static int api_key(const char *k, size_t n) {
    switch (n) {
    case 5:
        if (KEY_IS(k, n, "tools") || KEY_IS(k, n, "betas") || KEY_IS(k, n, "edits"))
            return CTX_API | EMPTY_ARRAY;
        if (KEY_IS(k, n, "input")) return CTX_DATA;
        break;
    case 6:
        if (KEY_IS(k, n, "system") || KEY_IS(k, n, "skills")) return CTX_API | EMPTY_ARRAY;
        if (KEY_IS(k, n, "schema")) return CTX_SCHEMA;
        break;
    case 7:
        if (KEY_IS(k, n, "content") || KEY_IS(k, n, "sources")) return CTX_API | EMPTY_ARRAY;
        break;
    case 8:
        if (KEY_IS(k, n, "messages") || KEY_IS(k, n, "requests")) return CTX_API | EMPTY_ARRAY;
        if (KEY_IS(k, n, "metadata")) return CTX_DATA;
        break;
    case 9:
        if (KEY_IS(k, n, "citations")) return CTX_API | EMPTY_ARRAY;
        break;
    case 11:
        if (KEY_IS(k, n, "mcp_servers") || KEY_IS(k, n, "attachments"))
            return CTX_API | EMPTY_ARRAY;
        break;
    case 12:
        if (KEY_IS(k, n, "input_schema")) return CTX_SCHEMA;
        break;
    case 13:
        if (KEY_IS(k, n, "allowed_tools")) return CTX_API | EMPTY_ARRAY;
        break;
    case 14:
        if (KEY_IS(k, n, "stop_sequences")) return CTX_API | EMPTY_ARRAY;
        break;
    case 15:
        if (KEY_IS(k, n, "allowed_domains") || KEY_IS(k, n, "blocked_domains"))
            return CTX_API | EMPTY_ARRAY;
        break;
    default:
        break;
    }
    return CTX_API;
}

/* A key of a JSON Schema object. */
static int schema_key(const char *k, size_t n) {
    switch (n) {
    case 4:
        if (KEY_IS(k, n, "type") || KEY_IS(k, n, "enum")) return CTX_DATA | EMPTY_ARRAY;
        break;
    case 5:
        if (KEY_IS(k, n, "anyOf") || KEY_IS(k, n, "oneOf") || KEY_IS(k, n, "allOf"))
            return CTX_SCHEMA | EMPTY_ARRAY;
        if (KEY_IS(k, n, "$defs")) return CTX_NAMEMAP;
        if (KEY_IS(k, n, "const")) return CTX_DATA;
        break;
    case 7:
        if (KEY_IS(k, n, "default")) return CTX_DATA;
        break;
    case 8:
        if (KEY_IS(k, n, "required") || KEY_IS(k, n, "examples")) return CTX_DATA | EMPTY_ARRAY;
        break;
    case 10:
        if (KEY_IS(k, n, "properties")) return CTX_NAMEMAP;
        break;
    case 11:
        if (KEY_IS(k, n, "definitions")) return CTX_NAMEMAP;
        if (KEY_IS(k, n, "prefixItems")) return CTX_SCHEMA | EMPTY_ARRAY;
        break;
    case 16:
        if (KEY_IS(k, n, "dependentSchemas")) return CTX_NAMEMAP;
        break;
    case 17:
        if (KEY_IS(k, n, "patternProperties")) return CTX_NAMEMAP;
        break;
    default:
        break;
    }
    /* items, additionalProperties, not, if/then/else, contains, ... and any
     * other key: a (sub)schema, empty -> {} */
    return CTX_SCHEMA;
}

static int child_of_key(int ctx, const char *k, size_t n) {
    switch (ctx) {
    case CTX_API: return api_key(k, n);
    case CTX_SCHEMA: return schema_key(k, n);
    case CTX_NAMEMAP: return CTX_SCHEMA;
    default: return CTX_DATA;
    }
}

/* ---- state, frames, errors ---------------------------------------------- */

typedef struct enc_frame {
    const struct enc_frame *parent;
    const void *tbl;   /* the table walked at this level (cycle reports) */
    int key;           /* stack index of the current string key, or 0 */
    lua_Integer index; /* current 1-based array index, or 0 */
} enc_frame;

typedef struct enc_state {
    lua_State *L;
    anth_buf *out;
    int marks; /* absolute stack index of the marks table, or 0 */
    int amt;   /* stack index of the ANTH_ARRAY_MT metatable */
    int omt;   /* stack index of the ANTH_OBJECT_MT metatable */
    int depth;
    anth_splice_fn splice; /* large plain strings are borrowed, not copied */
    void *splice_ud;
} enc_state;

static int is_ident(const char *s, size_t n) {
    size_t i;
    if (n == 0) return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

#define PATH_KEY_MAX 200     /* longer keys are cut in error messages */
#define PATH_SEGMENTS_MAX 40 /* so are the middles of longer paths */

static void add_quoted_key(luaL_Buffer *b, const char *s, size_t n) {
    size_t i, lim = n > PATH_KEY_MAX ? PATH_KEY_MAX : n;
    luaL_addstring(b, "[\"");
    for (i = 0; i < lim; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            luaL_addchar(b, '\\');
            luaL_addchar(b, (char)c);
        } else if (c == '\n') {
            luaL_addstring(b, "\\n");
        } else if (c < 0x20 || c == 0x7f) {
            char tmp[8];
            snprintf(tmp, sizeof tmp, "\\%u", (unsigned)c);
            luaL_addstring(b, tmp);
        } else {
            luaL_addchar(b, (char)c);
        }
    }
    if (lim < n) luaL_addstring(b, "...");
    luaL_addstring(b, "\"]");
}

/* Raises "anthropic: bad value at <path of f's current key>: <fmt...>". */
static void enc_error(enc_state *e, const enc_frame *f, const char *fmt, ...) {
    lua_State *L = e->L;
    const enc_frame *chain[ANTH_JSON_MAX_DEPTH + 2];
    const enc_frame *g;
    luaL_Buffer b;
    va_list ap;
    int n = 0, i, any = 0, msg;
    const char *m;
    size_t mlen;

    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    msg = lua_gettop(L);
    for (g = f; g != NULL && n < ANTH_JSON_MAX_DEPTH + 2; g = g->parent) chain[n++] = g;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "anthropic: bad value at ");
    for (i = n - 1; i >= 0; i--) {
        g = chain[i];
        if (n > PATH_SEGMENTS_MAX && i == n - 1 - PATH_SEGMENTS_MAX / 2) {
            luaL_addstring(&b, "...");
            i = PATH_SEGMENTS_MAX / 2; /* the deepest ones */
            g = chain[i];
        }
        if (g->key != 0) {
            size_t kn;
            const char *k = lua_tolstring(L, g->key, &kn);
            if (is_ident(k, kn) && kn <= PATH_KEY_MAX) {
                if (any) luaL_addchar(&b, '.');
                luaL_addlstring(&b, k, kn);
            } else {
                add_quoted_key(&b, k, kn);
            }
            any = 1;
        } else if (g->index != 0) {
            char tmp[32];
            snprintf(tmp, sizeof tmp, "[%lld]", (long long)g->index);
            luaL_addstring(&b, tmp);
            any = 1;
        }
    }
    if (!any) luaL_addstring(&b, "top level");
    luaL_addstring(&b, ": ");
    m = lua_tolstring(L, msg, &mlen);
    luaL_addlstring(&b, m, mlen);
    luaL_pushresult(&b);
    lua_error(L);
}

static void enc_oom(enc_state *e) {
    luaL_error(e->L, "anthropic: out of memory while writing JSON");
}

/* f is the frame of a table one level too deep: a cycle if some table repeats
 * on the way down (reported where it first closes), else plain deep nesting. */
static void depth_error(enc_state *e, const enc_frame *f) {
    const enc_frame *chain[ANTH_JSON_MAX_DEPTH + 2];
    const enc_frame *g;
    int n = 0, i, j, k;
    for (g = f; g != NULL && n < ANTH_JSON_MAX_DEPTH + 2; g = g->parent) chain[n++] = g;
    for (i = 0, j = n - 1; i < j; i++, j--) {
        g = chain[i];
        chain[i] = chain[j];
        chain[j] = g;
    }
    for (k = 1; k < n; k++)
        for (i = 0; i < k; i++)
            if (chain[i]->tbl == chain[k]->tbl) enc_error(e, chain[k]->parent, "cyclic table");
    enc_error(e, f->parent, "nesting deeper than %d", ANTH_JSON_MAX_DEPTH);
}

/* ---- output primitives ---------------------------------------------------- */

static inline void put(enc_state *e, const void *p, size_t n) {
    if (anth_buf_append(e->out, p, n) != 0) enc_oom(e);
}

static inline void putch(enc_state *e, char c) {
    if (anth_buf_putc(e->out, c) != 0) enc_oom(e);
}

#define PUT_LIT(e, lit) put((e), (lit), sizeof(lit) - 1)

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static void put_integer(enc_state *e, long long v) {
    char tmp[24];
    char *p = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        p -= 2;
        memcpy(p, digit_pairs + 2 * r, 2);
    }
    if (u >= 10) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * u, 2);
    } else {
        *--p = (char)('0' + u);
    }
    if (v < 0) *--p = '-';
    put(e, p, (size_t)(tmp + sizeof tmp - p));
}

/* ---- doubles: shortest digits that read back as the same double ----------
 * Grisu2 (Loitsch, "Printing floating-point numbers quickly and accurately
 * with integers", PLDI 2010): digits inside the rounding interval of the
 * double, computed with 64-bit integers and cached powers of ten
 * 10^(-348 + 8i) (significand f and binary exponent e, generated exactly). */

typedef struct diyfp {
    uint64_t f;
    int e;
} diyfp;

static const uint64_t cached_f[87] = {
    0xfa8fd5a0081c0288ULL, 0xbaaee17fa23ebf76ULL, 0x8b16fb203055ac76ULL,
    0xcf42894a5dce35eaULL, 0x9a6bb0aa55653b2dULL, 0xe61acf033d1a45dfULL,
    0xab70fe17c79ac6caULL, 0xff77b1fcbebcdc4fULL, 0xbe5691ef416bd60cULL,
    0x8dd01fad907ffc3cULL, 0xd3515c2831559a83ULL, 0x9d71ac8fada6c9b5ULL,
    0xea9c227723ee8bcbULL, 0xaecc49914078536dULL, 0x823c12795db6ce57ULL,
    0xc21094364dfb5637ULL, 0x9096ea6f3848984fULL, 0xd77485cb25823ac7ULL,
    0xa086cfcd97bf97f4ULL, 0xef340a98172aace5ULL, 0xb23867fb2a35b28eULL,
    0x84c8d4dfd2c63f3bULL, 0xc5dd44271ad3cdbaULL, 0x936b9fcebb25c996ULL,
    0xdbac6c247d62a584ULL, 0xa3ab66580d5fdaf6ULL, 0xf3e2f893dec3f126ULL,
    0xb5b5ada8aaff80b8ULL, 0x87625f056c7c4a8bULL, 0xc9bcff6034c13053ULL,
    0x964e858c91ba2655ULL, 0xdff9772470297ebdULL, 0xa6dfbd9fb8e5b88fULL,
    0xf8a95fcf88747d94ULL, 0xb94470938fa89bcfULL, 0x8a08f0f8bf0f156bULL,
    0xcdb02555653131b6ULL, 0x993fe2c6d07b7facULL, 0xe45c10c42a2b3b06ULL,
    0xaa242499697392d3ULL, 0xfd87b5f28300ca0eULL, 0xbce5086492111aebULL,
    0x8cbccc096f5088ccULL, 0xd1b71758e219652cULL, 0x9c40000000000000ULL,
    0xe8d4a51000000000ULL, 0xad78ebc5ac620000ULL, 0x813f3978f8940984ULL,
    0xc097ce7bc90715b3ULL, 0x8f7e32ce7bea5c70ULL, 0xd5d238a4abe98068ULL,
    0x9f4f2726179a2245ULL, 0xed63a231d4c4fb27ULL, 0xb0de65388cc8ada8ULL,
    0x83c7088e1aab65dbULL, 0xc45d1df942711d9aULL, 0x924d692ca61be758ULL,
    0xda01ee641a708deaULL, 0xa26da3999aef774aULL, 0xf209787bb47d6b85ULL,
    0xb454e4a179dd1877ULL, 0x865b86925b9bc5c2ULL, 0xc83553c5c8965d3dULL,
    0x952ab45cfa97a0b3ULL, 0xde469fbd99a05fe3ULL, 0xa59bc234db398c25ULL,
    0xf6c69a72a3989f5cULL, 0xb7dcbf5354e9beceULL, 0x88fcf317f22241e2ULL,
    0xcc20ce9bd35c78a5ULL, 0x98165af37b2153dfULL, 0xe2a0b5dc971f303aULL,
    0xa8d9d1535ce3b396ULL, 0xfb9b7cd9a4a7443cULL, 0xbb764c4ca7a44410ULL,
    0x8bab8eefb6409c1aULL, 0xd01fef10a657842cULL, 0x9b10a4e5e9913129ULL,
    0xe7109bfba19c0c9dULL, 0xac2820d9623bf429ULL, 0x80444b5e7aa7cf85ULL,
    0xbf21e44003acdd2dULL, 0x8e679c2f5e44ff8fULL, 0xd433179d9c8cb841ULL,
    0x9e19db92b4e31ba9ULL, 0xeb96bf6ebadf77d9ULL, 0xaf87023b9bf0ee6bULL,
};
static const int16_t cached_e[87] = {
    -1220, -1193, -1166, -1140, -1113, -1087, -1060, -1034, -1007, -980,
    -954, -927, -901, -874, -847, -821, -794, -768, -741, -715,
    -688, -661, -635, -608, -582, -555, -529, -502, -475, -449,
    -422, -396, -369, -343, -316, -289, -263, -236, -210, -183,
    -157, -130, -103, -77, -50, -24, 3, 30, 56, 83,
    109, 136, 162, 189, 216, 242, 269, 295, 322, 348,
    375, 402, 428, 455, 481, 508, 534, 561, 588, 614,
    641, 667, 694, 720, 747, 774, 800, 827, 853, 880,
    907, 933, 960, 986, 1013, 1039, 1066,
};

static diyfp diy_mul(diyfp x, diyfp y) { /* upper 64 bits of the product, rounded */
    const uint64_t M32 = 0xFFFFFFFFULL;
    uint64_t a = x.f >> 32, b = x.f & M32, c = y.f >> 32, d = y.f & M32;
    uint64_t ac = a * c, bc = b * c, ad = a * d, bd = b * d;
    uint64_t mid = (bd >> 32) + (ad & M32) + (bc & M32) + (1ULL << 31);
    diyfp r;
    r.f = ac + (ad >> 32) + (bc >> 32) + (mid >> 32);
    r.e = x.e + y.e + 64;
    return r;
}

static diyfp diy_normalize(diyfp x) {
    while (!(x.f & (1ULL << 63))) {
        x.f <<= 1;
        x.e--;
    }
    return x;
}

static const uint32_t pow10_u32[10] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};

static void grisu_round(char *buf, int len, uint64_t delta, uint64_t rest, uint64_t ten_kappa,
                        uint64_t wp_w) {
    while (rest < wp_w && delta - rest >= ten_kappa &&
           (rest + ten_kappa < wp_w || wp_w - rest > rest + ten_kappa - wp_w)) {
        buf[len - 1]--;
        rest += ten_kappa;
    }
}

/* d > 0, finite: writes the digits to buf (at most 17), value = digits * 10^K */
static int grisu2(double d, char *buf, int *K) {
    uint64_t bits, sig;
    int bexp, len = 0, kappa, k, index;
    diyfp v, pl, mi, c, W, Wp, Wm, one;
    uint64_t delta, wp_w, p2;
    uint32_t p1;
    double dk;
    memcpy(&bits, &d, sizeof bits);
    sig = bits & ((1ULL << 52) - 1);
    bexp = (int)((bits >> 52) & 0x7FF);
    if (bexp != 0) {
        v.f = sig | (1ULL << 52);
        v.e = bexp - 1075;
    } else {
        v.f = sig;
        v.e = -1074;
    }
    /* boundaries m- and m+ halfway to the neighbours, with m+'s exponent */
    pl.f = (v.f << 1) + 1;
    pl.e = v.e - 1;
    while (!(pl.f & (1ULL << 53))) {
        pl.f <<= 1;
        pl.e--;
    }
    pl.f <<= 10;
    pl.e -= 10;
    if (v.f == (1ULL << 52)) { /* the lower neighbour is closer */
        mi.f = (v.f << 2) - 1;
        mi.e = v.e - 2;
    } else {
        mi.f = (v.f << 1) - 1;
        mi.e = v.e - 1;
    }
    mi.f <<= mi.e - pl.e;
    mi.e = pl.e;
    /* a cached power bringing the exponent into [-60, -32] */
    dk = (-61 - pl.e) * 0.30102999566398114 + 347;
    k = (int)dk;
    if (dk - k > 0.0) k++;
    index = (k >> 3) + 1;
    *K = -(-348 + index * 8);
    c.f = cached_f[index];
    c.e = cached_e[index];
    W = diy_mul(diy_normalize(v), c);
    Wp = diy_mul(pl, c);
    Wm = diy_mul(mi, c);
    Wm.f++;
    Wp.f--;
    delta = Wp.f - Wm.f;
    /* digit generation */
    one.e = Wp.e;
    one.f = 1ULL << -one.e;
    wp_w = Wp.f - W.f;
    p1 = (uint32_t)(Wp.f >> -one.e);
    p2 = Wp.f & (one.f - 1);
    kappa = 1;
    while (kappa < 10 && p1 >= pow10_u32[kappa]) kappa++;
    while (kappa > 0) {
        uint32_t dg = p1 / pow10_u32[kappa - 1];
        uint64_t rest;
        p1 %= pow10_u32[kappa - 1];
        if (dg || len) buf[len++] = (char)('0' + dg);
        kappa--;
        rest = ((uint64_t)p1 << -one.e) + p2;
        if (rest <= delta) {
            *K += kappa;
            grisu_round(buf, len, delta, rest, (uint64_t)pow10_u32[kappa] << -one.e, wp_w);
            return len;
        }
    }
    for (;;) {
        char dg;
        p2 *= 10;
        delta *= 10;
        dg = (char)(p2 >> -one.e);
        if (dg || len) buf[len++] = (char)('0' + dg);
        p2 &= one.f - 1;
        kappa--;
        if (p2 < delta) {
            *K += kappa;
            grisu_round(buf, len, delta, p2, one.f, wp_w * (-kappa < 10 ? pow10_u32[-kappa] : 0));
            return len;
        }
    }
}

/* Writes finite, nonzero d as JSON: fixed notation for moderate exponents,
 * d.ddde+X otherwise. Returns the length (at most 26). */
static int format_double(double d, char *out) {
    char dig[20];
    int K, n, pt, i, o = 0, x;
    if (d < 0) {
        out[o++] = '-';
        d = -d;
    }
    n = grisu2(d, dig, &K);
    pt = n + K; /* the decimal point comes after pt digits */
    if (K < 0 && pt > 0 && pt <= 21) { /* ddd.ddd */
        memcpy(out + o, dig, (size_t)pt);
        o += pt;
        out[o++] = '.';
        memcpy(out + o, dig + pt, (size_t)(n - pt));
        return o + n - pt;
    }
    if (pt <= 0 && pt > -6) { /* 0.000ddd */
        out[o++] = '0';
        out[o++] = '.';
        for (i = pt; i < 0; i++) out[o++] = '0';
        memcpy(out + o, dig, (size_t)n);
        return o + n;
    }
    out[o++] = dig[0]; /* d.ddde+X */
    if (n > 1) {
        out[o++] = '.';
        memcpy(out + o, dig + 1, (size_t)(n - 1));
        o += n - 1;
    }
    out[o++] = 'e';
    x = pt - 1;
    if (x < 0) {
        out[o++] = '-';
        x = -x;
    } else {
        out[o++] = '+';
    }
    if (x >= 100) out[o++] = (char)('0' + x / 100);
    if (x >= 10) out[o++] = (char)('0' + x / 10 % 10);
    out[o++] = (char)('0' + x % 10);
    return o;
}

static void put_double(enc_state *e, double d, const enc_frame *f) {
    char buf[32];
    if (d != d) enc_error(e, f, "NaN is not a JSON number");
    if (d == HUGE_VAL || d == -HUGE_VAL) enc_error(e, f, "%s is not a JSON number", d > 0 ? "inf" : "-inf");
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && (double)(long long)d == d) {
        if (d == 0 && signbit(d)) PUT_LIT(e, "-0");
        else put_integer(e, (long long)d);
        return;
    }
    put(e, buf, (size_t)format_double(d, buf));
}

/* ---- strings ------------------------------------------------------------- */

/* 0: copied as is; 1: escaped; 2: first byte of a UTF-8 sequence (or invalid) */
#define C16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const unsigned char str_class[256] = {
    C16(1), C16(1),
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x22 '"' */
    C16(0), C16(0),
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x5C '\\' */
    C16(0), C16(0),
    C16(2), C16(2), C16(2), C16(2), C16(2), C16(2), C16(2), C16(2),
};
#undef C16

/* Length of the well-formed UTF-8 sequence at s, or 0 (overlong, surrogate,
 * above U+10FFFF, stray continuation byte, truncated). */
static size_t utf8_len(const unsigned char *s, size_t left) {
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return (left >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c < 0xF0) {
        if (c == 0xE0) lo = 0xA0;
        else if (c == 0xED) hi = 0x9F;
        if (left < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80) return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (c == 0xF0) lo = 0x90;
        else if (c == 0xF4) hi = 0x8F;
        if (left < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        return 4;
    }
    return 0;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
/* nonzero when one of the 8 bytes of v is < 0x20, '"', '\\' or >= 0x80 */
static inline uint64_t special8(uint64_t v) {
    uint64_t q = v ^ (ONES * 0x22), b = v ^ (ONES * 0x5C);
    return (((v - ONES * 0x20) & ~v) | ((q - ONES) & ~q) | ((b - ONES) & ~b) | v) & HIGHS;
}

/* Whether a string can be written as it is: valid UTF-8 without a byte that
 * JSON escapes. */
static int is_plain(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        while (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (special8(v)) break;
            i += 8;
        }
        if (i >= n) break;
        if (str_class[s[i]] == 0) { i++; continue; }
        if (str_class[s[i]] != 2) return 0;
        {
            size_t l = utf8_len(s + i, n - i);
            if (l == 0) return 0;
            i += l;
        }
    }
    return 1;
}

static void put_string(enc_state *e, const char *str, size_t n, const enc_frame *f, int is_key) {
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
            if (special8(v)) break;
            i += 8;
        }
        for (; i < n; i++) {
            c = s[i];
            if (str_class[c] != 0) break;
        }
        if (i >= n) break;
        if (str_class[c] == 2) {
            size_t l = utf8_len(s + i, n - i);
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

static void enc_value(enc_state *e, int idx, int ctx, const enc_frame *f);

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

static void bad_key(enc_state *e, const enc_frame *f, int kidx, int in_object) {
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
static void enc_array_slow(enc_state *e, int idx, int ctx, enc_frame *f, int mode) {
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
static void enc_array(enc_state *e, int idx, int ctx, enc_frame *f, int mode) {
    lua_State *L = e->L;
    size_t start = e->out->len;
    lua_Integer i = 1;
    int item_ctx = ctx == CTX_NAMEMAP ? CTX_SCHEMA : ctx; /* items: empty -> {} */
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
static void enc_object(enc_state *e, int idx, int ctx, enc_frame *f, int mode) {
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
        enc_value(e, kidx + 1, child_of_key(ctx, k, kn), f);
        f->key = 0;
        lua_pop(L, 1);
    } while (lua_next(L, idx));
    putch(e, '}');
}

static void enc_table(enc_state *e, int idx, int ctx, const enc_frame *parent) {
    lua_State *L = e->L;
    int mode = MODE_AUTO;
    enc_frame f;
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
    if (++e->depth > ANTH_JSON_MAX_DEPTH) depth_error(e, &f);
    if (!lua_checkstack(L, 8)) enc_error(e, parent, "Lua stack exhausted");
    lua_pushnil(L);
    if (!lua_next(L, idx)) {
        int arr = mode == MODE_ARRAY || (mode == MODE_AUTO && (ctx & EMPTY_ARRAY));
        if (arr) PUT_LIT(e, "[]");
        else PUT_LIT(e, "{}");
    } else if (mode == MODE_ARRAY || (mode == MODE_AUTO && lua_type(L, -2) == LUA_TNUMBER)) {
        enc_array(e, idx, ctx & CTX_MASK, &f, mode);
    } else {
        enc_object(e, idx, ctx & CTX_MASK, &f, mode);
    }
    e->depth--;
}

/* Writes the value at idx (absolute); ctx: its context, maybe | EMPTY_ARRAY. */
static void enc_value(enc_state *e, int idx, int ctx, const enc_frame *f) {
    lua_State *L = e->L;
    int t = lua_type(L, idx);
    switch (t) {
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        if (e->splice != NULL && n >= ANTH_SPLICE_MIN && is_plain(s, n)) {
            putch(e, '"');
            e->splice(e->splice_ud, L, idx, e->out, s, n);
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
    case LUA_TUSERDATA:
        if (e->marks && put_sentinel(e, mark_of(e, idx))) return;
        enc_error(e, f, "userdata value (not a known sentinel of a JSON codec)");
        return;
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

void anth_json_encode(lua_State *L, int idx, anth_buf *out, int marks) {
    anth_json_encode_spliced(L, idx, out, marks, NULL, NULL);
}

void anth_json_encode_spliced(lua_State *L, int idx, anth_buf *out, int marks,
                              anth_splice_fn splice, void *ud) {
    enc_state e;
    idx = anth_absindex(L, idx);
    if (marks != 0) marks = anth_absindex(L, marks);
    luaL_checkstack(L, 16, "anthropic: JSON writer");
    e.L = L;
    e.out = out;
    e.marks = marks;
    e.depth = 0;
    e.splice = splice;
    e.splice_ud = ud;
    luaL_getmetatable(L, ANTH_ARRAY_MT);
    e.amt = lua_gettop(L);
    luaL_getmetatable(L, ANTH_OBJECT_MT);
    e.omt = lua_gettop(L);
    enc_value(&e, idx, CTX_API, NULL);
    lua_pop(L, 2);
}
