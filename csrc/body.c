/* core.json_body(value [, marks]): a request body encoded once, in C memory,
 * handed to libcurl without a copy and shared by every retry of a request
 * (body.h). Large strings (an image's base64) are spliced in, not copied: the
 * body points at the Lua string, which its user value keeps alive. */
#include <stdlib.h>
#include "blob.h"
#include "body.h"
#include "json.h"
#include "json_api.h"

static int body_gc(lua_State *L) {
    anth_body *b = anth_checkudata(L, 1, ANTH_BODY_MT);
    anth_buf_free(&b->buf);
    free(b->splices);
    b->splices = NULL;
    b->nsplices = b->capsplices = 0;
    return 0;
}

size_t anth_body_read(const anth_body *b, size_t pos, char *dst, size_t max) {
    size_t done = 0, start = 0, from = 0, i;
    /* Walk the pieces in order: buf[from, at), splice, ..., buf[from, len). */
    for (i = 0; i <= b->nsplices && done < max; i++) {
        size_t upto = i < b->nsplices ? b->splices[i].at : b->buf.len;
        const anth_splice *sp = i < b->nsplices ? &b->splices[i] : NULL;
        const char *pieces[2];
        size_t lens[2];
        int k;
        pieces[0] = b->buf.data + from;
        lens[0] = upto - from;
        pieces[1] = sp != NULL ? sp->p : NULL;
        lens[1] = sp != NULL ? sp->n : 0;
        for (k = 0; k < 2 && done < max; k++) {
            size_t end = start + lens[k];
            if (pos + done < end) {
                size_t off = pos + done - start, n = lens[k] - off;
                if (n > max - done) n = max - done;
                if (k == 1 && sp->blob != NULL) anth_blob_read(sp->blob, off, dst + done, n);
                else memcpy(dst + done, pieces[k] + off, n);
                done += n;
            }
            start = end;
        }
        from = upto;
    }
    return done;
}

static int body_len(lua_State *L) {
    anth_body *b = anth_checkudata(L, 1, ANTH_BODY_MT);
    lua_pushinteger(L, (lua_Integer)b->total);
    return 1;
}

static int body_string(lua_State *L) {
    anth_body *b = anth_checkudata(L, 1, ANTH_BODY_MT);
    luaL_Buffer lb;
    size_t pos = 0;
    luaL_buffinit(L, &lb);
    while (pos < b->total) {
        size_t n = anth_body_read(b, pos, luaL_prepbuffer(&lb), LUAL_BUFFERSIZE);
        luaL_addsize(&lb, n);
        pos += n;
    }
    luaL_pushresult(&lb);
    return 1;
}

static int body_splices(lua_State *L) {
    anth_body *b = anth_checkudata(L, 1, ANTH_BODY_MT);
    lua_pushinteger(L, (lua_Integer)b->nsplices);
    return 1;
}

typedef struct splicing {
    anth_body *body;
    int keep; /* stack index of the table that keeps the spliced strings */
} splicing;

/* The encoder found a large plain string (or a blob): remember where it goes
 * and keep it. */
static void splice(void *ud, lua_State *L, int value_idx, anth_buf *out, const char *s, size_t n,
                   const struct anth_blob *blob) {
    splicing *sp = ud;
    anth_body *b = sp->body;
    if (b->nsplices == b->capsplices) {
        size_t cap = b->capsplices ? b->capsplices * 2 : 4;
        anth_splice *p = realloc(b->splices, cap * sizeof *p);
        if (p == NULL) luaL_error(L, "anthropic: out of memory");
        b->splices = p;
        b->capsplices = cap;
    }
    b->splices[b->nsplices].at = out->len;
    b->splices[b->nsplices].p = s;
    b->splices[b->nsplices].blob = blob;
    b->splices[b->nsplices].n = n;
    b->nsplices++;
    if (lua_isnil(L, sp->keep)) { /* the first splice: most bodies have none */
        lua_newtable(L);
        lua_replace(L, sp->keep);
    }
    lua_pushvalue(L, value_idx);
    lua_rawseti(L, sp->keep, (int)b->nsplices);
}

static int json_body(lua_State *L) {
    anth_body *b;
    splicing sp;
    anth_json_opts opts = {&anth_api_json_rules, 0, splice, NULL};
    luaL_checkany(L, 1);
    lua_settop(L, 2);
    b = anth_newuserdata(L, sizeof *b); /* index 3 */
    memset(b, 0, sizeof *b);
    anth_buf_init(&b->buf);
    anth_setmetatable(L, ANTH_BODY_MT); /* set first: __gc frees a half-written body */
    lua_pushnil(L);                     /* index 4: the spliced strings, in a table made at the first */
    sp.body = b;
    sp.keep = 4;
    opts.marks = lua_istable(L, 2) ? 2 : 0;
    opts.splice_ud = &sp;
    anth_json_encode(L, 1, &b->buf, &opts);
    b->total = b->buf.len;
    {
        size_t i;
        for (i = 0; i < b->nsplices; i++) b->total += b->splices[i].n;
    }
    if (!lua_isnil(L, 4)) anth_setuservalue(L, 3);
    else lua_pop(L, 1);
    return 1;
}

void anth_open_body(lua_State *L) {
    static const luaL_Reg methods[] = {{"len", body_len}, {"string", body_string},
                                       {"splices", body_splices}, {"__gc", body_gc},
                                       {"__len", body_len}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {{"json_body", json_body}, {NULL, NULL}};
    anth_register(L, ANTH_BODY_MT, methods);
    anth_setfuncs(L, funcs, 0);
}
