/* core.sigv4 / core.sha256_hex / core.rs256_sign / core.base64url_encode:
 * the Lua side of sigv4.c, digest.c and rs256.c. Misuse raises with the name
 * of the bad field; no message ever quotes a credential or a key. */
#include <stdlib.h>
#include <time.h>
#include "platforms.h"
#include "base64.h"
#include "digest.h"
#include "rs256.h"
#include "sigv4.h"
#include "body.h"

#define SIGV4_OUT_MT "anthropic.sigv4.out"
#define SIGBUF_MT "anthropic.signing.buffer"

static int sigv4_out_gc(lua_State *L) {
    anth_sigv4_out_free((anth_sigv4_out *)anth_checkudata(L, 1, SIGV4_OUT_MT));
    return 0;
}

static int sigbuf_gc(lua_State *L) {
    anth_buf_free((anth_buf *)anth_checkudata(L, 1, SIGBUF_MT));
    return 0;
}

anth_buf *anth_new_gc_buf(lua_State *L) {
    anth_buf *b = (anth_buf *)anth_newuserdata(L, sizeof *b);
    anth_buf_init(b);
    anth_setmetatable(L, SIGBUF_MT);
    return b;
}

/* Bytes of a core.json_body hashed at a time (read as libcurl reads it:
 * a spliced blob is encoded a part at a time, never whole). */
#define HASH_CHUNK ((size_t)64 * 1024)

/* The SHA-256 of a body given as nil (empty), a string, or a core.json_body. */
static void hash_body(lua_State *L, int idx, const char *what, char hex[65]) {
    unsigned char d[ANTH_SHA256_LEN];
    int rc;
    if (lua_isnoneornil(L, idx) || lua_type(L, idx) == LUA_TSTRING) {
        anth_piece one = {NULL, 0};
        if (!lua_isnoneornil(L, idx)) one.p = lua_tolstring(L, idx, &one.n);
        rc = anth_sha256(&one, 1, d);
    } else {
        const anth_body *b = (const anth_body *)anth_testudata(L, idx, ANTH_BODY_MT);
        char *chunk;
        anth_sha256_state *st;
        size_t pos = 0;
        int ok;
        if (b == NULL) luaL_error(L, "anthropic.core.%s: body must be a string or a json_body", what);
        chunk = (char *)anth_newuserdata(L, HASH_CHUNK); /* (collected: nothing raises below) */
        st = anth_sha256_begin();
        ok = st != NULL;
        while (ok && pos < b->total) {
            size_t n = anth_body_read(b, pos, chunk, HASH_CHUNK);
            ok = n > 0 && anth_sha256_add(st, chunk, n) == 0;
            pos += n;
        }
        rc = anth_sha256_end(st, ok, d);
    }
    if (rc != 0) luaL_error(L, "anthropic.core.%s: SHA-256 failed", what);
    anth_hex(d, ANTH_SHA256_LEN, hex);
}

/* opts[name] as a string left on the stack (so it stays alive), or NULL
 * when it is absent and optional. */
static const char *field(lua_State *L, int opts, const char *name, int required) {
    const char *s;
    size_t n;
    luaL_checkstack(L, 2, "anthropic.core.sigv4");
    lua_getfield(L, opts, name);
    if (lua_isnil(L, -1) && !required) {
        lua_pop(L, 1);
        return NULL;
    }
    if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "anthropic.core.sigv4: opts.%s must be a string (got %s)", name, luaL_typename(L, -1));
    s = lua_tolstring(L, -1, &n);
    if (strlen(s) != n) luaL_error(L, "anthropic.core.sigv4: opts.%s holds a NUL byte", name);
    return s;
}

static void set_str(lua_State *L, int t, const char *k, const char *v, size_t n) {
    lua_pushlstring(L, v, n);
    lua_setfield(L, t, k);
}

/* sigv4{method=, url=, headers=, body=, payload_hash=, region=, service=,
 *       access_key=, secret_key=, session_token=, time=, content_sha256=}
 * -> headers to add (host, x-amz-date, authorization, and
 *    x-amz-security-token / x-amz-content-sha256 when they apply),
 *    details {canonical_request, string_to_sign, signed_headers, signature,
 *    payload_hash}. */
static int l_sigv4(lua_State *L) {
    anth_sigv4_in in;
    anth_sigv4_out *out;
    anth_header *hs = NULL;
    char hash[65];
    const char *err = NULL;
    size_t nh = 0;
    int res, info;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    memset(&in, 0, sizeof in);
    in.method = field(L, 1, "method", 0);
    if (in.method == NULL) in.method = "POST";
    in.url = field(L, 1, "url", 1);
    in.url_len = strlen(in.url);
    in.region = field(L, 1, "region", 1);
    in.service = field(L, 1, "service", 1);
    in.access_key = field(L, 1, "access_key", 1);
    in.secret_key = field(L, 1, "secret_key", 1);
    in.session_token = field(L, 1, "session_token", 0);
    if (in.session_token && in.session_token[0] == '\0') in.session_token = NULL;
    lua_getfield(L, 1, "content_sha256");
    in.content_sha256 = lua_toboolean(L, -1);
    lua_pop(L, 1);

    lua_getfield(L, 1, "time");
    if (lua_isnil(L, -1)) {
        anth_sigv4_date((double)time(NULL), in.amz_date);
    } else if (lua_type(L, -1) != LUA_TNUMBER || anth_sigv4_date(lua_tonumber(L, -1), in.amz_date) != 0) {
        luaL_error(L, "anthropic.core.sigv4: opts.time must be Unix seconds between 1970 and 9999");
    }
    lua_pop(L, 1);

    {
        const char *given = field(L, 1, "payload_hash", 0);
        if (given) {
            size_t i;
            for (i = 0; given[i]; i++)
                if (!((given[i] >= '0' && given[i] <= '9') || (given[i] >= 'a' && given[i] <= 'f'))) break;
            if (i != 64 || given[i]) luaL_error(L, "anthropic.core.sigv4: opts.payload_hash must be 64 lower-case hex digits");
            memcpy(hash, given, 65);
        } else {
            lua_getfield(L, 1, "body");
            hash_body(L, lua_gettop(L), "sigv4", hash);
        }
    }
    in.payload_hash = hash;

    lua_getfield(L, 1, "headers");
    if (!lua_isnil(L, -1)) {
        int t = lua_gettop(L);
        size_t cap = 0;
        if (!lua_istable(L, t)) luaL_error(L, "anthropic.core.sigv4: opts.headers must be a table");
        lua_pushnil(L);
        while (lua_next(L, t)) {
            cap++;
            lua_pop(L, 1);
        }
        hs = (anth_header *)anth_newuserdata(L, (cap ? cap : 1) * sizeof *hs); /* collected with the call */
        lua_pushnil(L);
        while (lua_next(L, t)) {
            if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
                luaL_error(L, "anthropic.core.sigv4: opts.headers must map names to strings");
            /* both strings stay alive: they are in the headers table */
            hs[nh].name = lua_tolstring(L, -2, &hs[nh].nlen);
            hs[nh].value = lua_tolstring(L, -1, &hs[nh].vlen);
            nh++;
            lua_pop(L, 1);
        }
    }
    in.headers = hs;
    in.nheaders = nh;

    out = (anth_sigv4_out *)anth_newuserdata(L, sizeof *out);
    anth_sigv4_out_init(out);
    anth_setmetatable(L, SIGV4_OUT_MT);
    if (anth_sigv4_sign(&in, out, &err) != 0) luaL_error(L, "anthropic.core.sigv4: %s", err);

    lua_createtable(L, 0, 5);
    res = lua_gettop(L);
    set_str(L, res, "host", out->host.data, out->host.len);
    set_str(L, res, "x-amz-date", in.amz_date, 16);
    if (in.session_token) set_str(L, res, "x-amz-security-token", in.session_token, strlen(in.session_token));
    if (in.content_sha256) set_str(L, res, "x-amz-content-sha256", hash, 64);
    set_str(L, res, "authorization", out->authorization.data, out->authorization.len);
    lua_createtable(L, 0, 5);
    info = lua_gettop(L);
    set_str(L, info, "canonical_request", out->canonical.data, out->canonical.len);
    set_str(L, info, "string_to_sign", out->to_sign.data, out->to_sign.len);
    set_str(L, info, "signed_headers", out->signed_headers.data, out->signed_headers.len);
    set_str(L, info, "signature", out->signature, 64);
    set_str(L, info, "payload_hash", hash, 64);
    anth_sigv4_out_free(out);
    return 2;
}

/* sha256_hex(body) -> 64 hex digits; body a string, a json_body or nil. */
static int l_sha256_hex(lua_State *L) {
    char hex[65];
    lua_settop(L, 1);
    hash_body(L, 1, "sha256_hex", hex);
    lua_pushlstring(L, hex, 64);
    return 1;
}

/* rs256_sign(pem, data) -> signature bytes, or nil and a message (which never
 * quotes the key). */
static int l_rs256_sign(lua_State *L) {
    size_t pemlen, n;
    const char *pem = luaL_checklstring(L, 1, &pemlen);
    const char *data = luaL_checklstring(L, 2, &n);
    const char *err = NULL;
    anth_buf *sig = anth_new_gc_buf(L);
    if (anth_rs256_sign(pem, pemlen, data, n, sig, &err) != 0) {
        lua_pushnil(L);
        lua_pushstring(L, err);
        return 2;
    }
    lua_pushlstring(L, sig->data, sig->len);
    anth_buf_free(sig);
    return 1;
}

/* base64url_encode(s) -> the URL-safe alphabet without padding (RFC 4648 §5,
 * as JWTs use it). */
static int l_base64url_encode(lua_State *L) {
    size_t n, m, i;
    const char *s = luaL_checklstring(L, 1, &n);
    anth_buf *b = anth_new_gc_buf(L);
    m = anth_b64_encoded_len(n);
    if ((m == 0 && n > 0) || anth_buf_grow(b, m ? m : 1) != 0) return luaL_error(L, "anthropic: out of memory");
    anth_b64_encode((const unsigned char *)s, n, b->data);
    while (m > 0 && b->data[m - 1] == '=') m--;
    for (i = 0; i < m; i++) {
        if (b->data[i] == '+') b->data[i] = '-';
        else if (b->data[i] == '/') b->data[i] = '_';
    }
    lua_pushlstring(L, b->data, m);
    anth_buf_free(b);
    return 1;
}

void anth_open_signing(lua_State *L) {
    static const luaL_Reg funcs[] = {{"sigv4", l_sigv4},
                                     {"sha256_hex", l_sha256_hex},
                                     {"rs256_sign", l_rs256_sign},
                                     {"base64url_encode", l_base64url_encode},
                                     {NULL, NULL}};
    if (luaL_newmetatable(L, SIGV4_OUT_MT)) {
        lua_pushcfunction(L, sigv4_out_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    if (luaL_newmetatable(L, SIGBUF_MT)) {
        lua_pushcfunction(L, sigbuf_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    anth_setfuncs(L, funcs, 0);
}
