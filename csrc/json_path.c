/* Error messages of the JSON writer that name the path of the bad value
 * (json_path.h). Cold code: it runs only when a value is refused. */
#include <stdarg.h>
#include <stdio.h>
#include "json.h"
#include "json_path.h"

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

void anth_json_path_error(lua_State *L, const anth_json_frame *f, const char *fmt, ...) {
    const anth_json_frame *chain[ANTH_JSON_MAX_DEPTH + 2];
    const anth_json_frame *g;
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

void anth_json_depth_error(lua_State *L, const anth_json_frame *f) {
    const anth_json_frame *chain[ANTH_JSON_MAX_DEPTH + 2];
    const anth_json_frame *g;
    int n = 0, i, j, k;
    for (g = f; g != NULL && n < ANTH_JSON_MAX_DEPTH + 2; g = g->parent) chain[n++] = g;
    for (i = 0, j = n - 1; i < j; i++, j--) {
        g = chain[i];
        chain[i] = chain[j];
        chain[j] = g;
    }
    for (k = 1; k < n; k++)
        for (i = 0; i < k; i++)
            if (chain[i]->tbl == chain[k]->tbl) anth_json_path_error(L, chain[k]->parent, "cyclic table");
    anth_json_path_error(L, f->parent, "nesting deeper than %d", ANTH_JSON_MAX_DEPTH);
}