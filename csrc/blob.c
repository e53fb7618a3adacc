/* Blobs (blob.h): bytes in C memory with a Lua handle, seen as their base64. */
#include <string.h>
#include "blob.h"
#include "platform.h"

static int blob_gc(lua_State *L) {
    anth_blob *b = anth_checkudata(L, 1, ANTH_BLOB_MT);
    if (b->p != NULL) anth_big_free(b->p, b->cap, b->mapped);
    b->p = NULL;
    b->raw = b->len = b->cap = 0;
    return 0;
}

anth_blob *anth_blob_new(lua_State *L) {
    anth_blob *b = lua_newuserdata(L, sizeof *b);
    memset(b, 0, sizeof *b);
    anth_setmetatable(L, ANTH_BLOB_MT);
    return b;
}

/* Pushes characters [off, off + n) of the blob's string. */
static void push_part(lua_State *L, const anth_blob *b, size_t off, size_t n) {
    luaL_Buffer lb;
    luaL_buffinit(L, &lb);
    while (n > 0) {
        size_t k = n < LUAL_BUFFERSIZE ? n : LUAL_BUFFERSIZE;
        anth_blob_read(b, off, luaL_prepbuffer(&lb), k);
        luaL_addsize(&lb, k);
        off += k;
        n -= k;
    }
    luaL_pushresult(&lb);
}

static int blob_tostring(lua_State *L) {
    const anth_blob *b = anth_checkudata(L, 1, ANTH_BLOB_MT);
    push_part(L, b, 0, b->len);
    return 1;
}

static int blob_len(lua_State *L) {
    const anth_blob *b = anth_checkudata(L, 1, ANTH_BLOB_MT);
    lua_pushinteger(L, (lua_Integer)b->len);
    return 1;
}

static void push_bytes(lua_State *L, int idx) {
    const anth_blob *b = anth_toblob(L, idx);
    if (b != NULL) push_part(L, b, 0, b->len);
    else lua_pushvalue(L, idx);
}

/* blob .. string and string .. blob: as with the string the blob holds. */
static int blob_concat(lua_State *L) {
    push_bytes(L, 1);
    push_bytes(L, 2);
    lua_concat(L, 2);
    return 1;
}

/* blob:sub(i [, j]) -> the string of characters i..j, as string.sub counts
 * them (negative from the end), without the whole string being made. */
static int blob_sub(lua_State *L) {
    const anth_blob *b = anth_checkudata(L, 1, ANTH_BLOB_MT);
    lua_Number n = (lua_Number)b->len;
    lua_Number i = luaL_checknumber(L, 2), j = luaL_optnumber(L, 3, -1);
    if (i < 0) i = n + i + 1;
    if (j < 0) j = n + j + 1;
    if (i < 1) i = 1;
    if (j > n) j = n;
    if (i > j) lua_pushliteral(L, "");
    else push_part(L, b, (size_t)i - 1, (size_t)(j - i + 1));
    return 1;
}

/* core.is_blob(v) -> whether v is a blob. */
static int is_blob(lua_State *L) {
    lua_pushboolean(L, anth_toblob(L, 1) != NULL);
    return 1;
}

void anth_open_blob(lua_State *L) {
    static const luaL_Reg methods[] = {{"__gc", blob_gc}, {"__tostring", blob_tostring}, {"__len", blob_len},
                                       {"__concat", blob_concat},                                        {"len", blob_len}, {"string", blob_tostring}, {"sub", blob_sub}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {{"is_blob", is_blob}, {NULL, NULL}};
    anth_register(L, ANTH_BLOB_MT, methods);
    anth_setfuncs(L, funcs, 0);
}
