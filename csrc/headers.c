/* Header sets (headers.h): building, sharing and freeing them, and the
 * anthropic.headers object. */
#include <stdlib.h>
#include "ascii.h"
#include "headers.h"

/* The object: a pointer to the set, which may outlive it (a transfer still
 * using the set when the object is collected). */
typedef struct headers_ref {
    anth_headers *h;
} headers_ref;

static void append(lua_State *L, struct curl_slist **list, const char *line) {
    struct curl_slist *next = curl_slist_append(*list, line);
    if (next == NULL) luaL_error(L, "anthropic: out of memory");
    *list = next;
}

void anth_headers_build(lua_State *L, struct curl_slist **out, int idx, const char *encoding) {
    size_t i, n = 0;
    int own_encoding = 0;
    idx = anth_absindex(L, idx);
    if (!lua_isnil(L, idx)) {
        luaL_checktype(L, idx, LUA_TTABLE);
        n = anth_rawlen(L, idx);
    }
    for (i = 1; i <= n; i++) {
        size_t len;
        const char *line;
        lua_rawgeti(L, idx, (int)i);
        if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "anthropic: header %d is not a string", (int)i);
        line = lua_tolstring(L, -1, &len);
        if (anth_has_crlf(line, len)) {
            const char *colon = memchr(line, ':', len);
            lua_pushlstring(L, line, colon ? (size_t)(colon - line) : 0);
            luaL_error(L, "anthropic: header '%s' contains CR, LF or NUL", lua_tostring(L, -1));
        }
        if (len >= 16 && anth_ascii_caseeq(line, "accept-encoding:", 16)) own_encoding = 1;
        append(L, out, line);
        lua_pop(L, 1);
    }
    if (encoding[0] != '\0' && !own_encoding) append(L, out, encoding);
}

void anth_headers_release(anth_headers *h) {
    if (h == NULL || --h->refs > 0) return;
    curl_slist_free_all(h->lines);
    curl_slist_free_all(h->encoded);
    free(h);
}

anth_headers *anth_to_headers(lua_State *L, int idx) {
    headers_ref *r = anth_testudata(L, idx, ANTH_HEADERS_MT);
    return r != NULL ? r->h : NULL;
}

void anth_headers_push(lua_State *L, int idx, const char *encoding) {
    headers_ref *r;
    idx = anth_absindex(L, idx);
    r = lua_newuserdata(L, sizeof *r);
    r->h = NULL;
    anth_setmetatable(L, ANTH_HEADERS_MT);
    r->h = calloc(1, sizeof *r->h);
    if (r->h == NULL) luaL_error(L, "anthropic: out of memory");
    r->h->refs = 1;
    anth_headers_build(L, &r->h->lines, idx, "");
    anth_headers_build(L, &r->h->encoded, idx, encoding);
}

static int headers_gc(lua_State *L) {
    headers_ref *r = anth_checkudata(L, 1, ANTH_HEADERS_MT);
    anth_headers_release(r->h);
    r->h = NULL;
    return 0;
}

void anth_open_headers(lua_State *L) {
    static const luaL_Reg methods[] = {{"__gc", headers_gc}, {NULL, NULL}};
    anth_register(L, ANTH_HEADERS_MT, methods);
}
