/* core.base64_encode / base64_decode / base64_check / sniff / base64_file:
 * the Lua side of base64.c, used by anthropic.image and anthropic.document. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compat.h"
#include "base64.h"
#include "platform.h"
#include "blob.h"

/* Everything base64_file holds while it works, in a userdata whose __gc lets
 * go of it if a Lua call raises (out of memory) on the way. */
#define FILE_JOB_MT "anthropic.base64.file"

typedef struct file_job {
    FILE *f;
    unsigned char *out; /* the file's bytes */
    size_t cap;         /* bytes allocated at out */
    int mapped;         /* how anth_big_alloc got out */
} file_job;

static int out_alloc(file_job *j, size_t cap) {
    j->out = (unsigned char *)anth_big_alloc(cap, &j->mapped);
    j->cap = cap;
    return j->out ? 0 : -1;
}

static void out_free(file_job *j) {
    if (j->out != NULL) anth_big_free(j->out, j->cap, j->mapped);
    j->out = NULL;
    j->cap = 0;
    j->mapped = 0;
}

/* Grows out to cap bytes, keeping its first len. */
static int out_grow(file_job *j, size_t cap, size_t len) {
    file_job old = *j;
    if (out_alloc(j, cap) != 0) {
        *j = old;
        return -1;
    }
    memcpy(j->out, old.out, len);
    out_free(&old);
    return 0;
}

static void file_job_release(file_job *j) {
    if (j->f) fclose(j->f);
    out_free(j);
    j->f = NULL;
}

static int file_job_gc(lua_State *L) {
    file_job_release((file_job *)anth_checkudata(L, 1, FILE_JOB_MT));
    return 0;
}

/* Scratch memory owned by Lua (collected even if a later call raises). */
static void *scratch(lua_State *L, size_t n) {
    return lua_newuserdata(L, n ? n : 1);
}

static int l_base64_encode(lua_State *L) {
    size_t n, elen;
    const char *s = luaL_checklstring(L, 1, &n);
    char small[1024];
    char *out;
    elen = anth_b64_encoded_len(n);
    if (elen == 0 && n != 0) return luaL_error(L, "base64_encode: input too large");
    out = elen <= sizeof small ? small : (char *)scratch(L, elen);
    anth_b64_encode((const unsigned char *)s, n, out);
    lua_pushlstring(L, out, elen);
    return 1;
}

/* nil, "invalid base64: <reason> at byte <1-based offset>" */
static int push_invalid(lua_State *L, const char *s, size_t n) {
    size_t at;
    const char *why = anth_b64_why_invalid(s, n, &at);
    lua_pushnil(L);
    if (at < n) {
        unsigned char c = (unsigned char)s[at];
        if (c >= 0x21 && c < 0x7F)
            lua_pushfstring(L, "invalid base64: %s '%c' at byte %d", why, (int)c, (int)(at + 1));
        else
            lua_pushfstring(L, "invalid base64: %s (byte value %d) at byte %d", why, (int)c, (int)(at + 1));
    } else {
        lua_pushfstring(L, "invalid base64: %s (length %d)", why, (int)n);
    }
    return 2;
}

static int l_base64_decode(lua_State *L) {
    size_t n, max;
    const char *s = luaL_checklstring(L, 1, &n);
    unsigned char small[768];
    unsigned char *out;
    ptrdiff_t len;
    max = anth_b64_decoded_max(n);
    out = max <= sizeof small ? small : (unsigned char *)scratch(L, max);
    len = anth_b64_decode(s, n, out);
    if (len < 0) return push_invalid(L, s, n);
    lua_pushlstring(L, (const char *)out, (size_t)len);
    return 1;
}

/* true, decoded length; or nil, message. Validates without decoding. */
static int l_base64_check(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    ptrdiff_t len = anth_b64_decode(s, n, NULL);
    if (len < 0) return push_invalid(L, s, n);
    lua_pushboolean(L, 1);
    lua_pushinteger(L, (lua_Integer)len);
    return 2;
}

static int l_sniff(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *type = anth_sniff_media_type((const unsigned char *)s, n);
    if (type) lua_pushstring(L, type);
    else lua_pushnil(L);
    return 1;
}

static int fail_errno(lua_State *L, file_job *j, const char *what, const char *path, int err) {
    file_job_release(j);
    lua_pushnil(L);
    lua_pushfstring(L, "cannot %s %s: %s", what, path, strerror(err));
    return 2;
}

static int fail_msg(lua_State *L, file_job *j, const char *msg, const char *path) {
    file_job_release(j);
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", path, msg);
    return 2;
}

/* core.base64_file(path [, max_bytes]) -> b64, media_type | nil, size
 * or nil, message. b64 is a blob (blob.h) of the file's bytes, read now
 * into one C buffer sized from the file's size (grown if the file turns out
 * longer, as pipes and /proc do): Lua sees it as their base64, which a
 * request body encodes as it is sent, so a large file is never copied into
 * a Lua string, nor held encoded. */
static int l_base64_file(lua_State *L) {
    const char *path = luaL_checkstring(L, 1);
    lua_Number max_arg = luaL_optnumber(L, 2, -1);
    int limited = !lua_isnoneornil(L, 2);
    size_t max_bytes = (size_t)-1, total = 0, cap;
    const char *type;
    long long size;
    int is_dir;
    file_job *j;

    if (limited) {
        if (!(max_arg >= 0)) return luaL_argerror(L, 2, "max_bytes must be a non-negative number");
        if (max_arg < (lua_Number)((size_t)-1 / 2)) max_bytes = (size_t)max_arg;
    }
    lua_settop(L, 2);
    j = (file_job *)lua_newuserdata(L, sizeof *j);
    memset(j, 0, sizeof *j);
    luaL_getmetatable(L, FILE_JOB_MT);
    lua_setmetatable(L, -2);
    /* from here on no Lua call raises until the file is read */
    j->f = fopen(path, "rb");
    if (!j->f) return fail_errno(L, j, "open", path, errno);
    if (anth_file_kind(j->f, &is_dir, &size) != 0) return fail_errno(L, j, "stat", path, errno);
    if (is_dir) return fail_errno(L, j, "read", path, EISDIR);
    if (size > 0) {
        if ((unsigned long long)size > (unsigned long long)max_bytes)
            return fail_msg(L, j, "file too large", path);
        if ((unsigned long long)size > (size_t)-1 || anth_b64_encoded_len((size_t)size) == 0)
            return fail_msg(L, j, "file too large", path);
        cap = (size_t)size;
    } else {
        cap = ANTH_B64_BLOCK;
    }
    if (out_alloc(j, cap) != 0) return fail_errno(L, j, "read", path, ENOMEM);

    errno = 0;
    for (;;) {
        size_t got;
        if (total == j->cap) { /* full: is there more than the size said? */
            int c = getc(j->f);
            if (c == EOF) break;
            if (total >= max_bytes || j->cap > (size_t)-1 / 2) return fail_msg(L, j, "file too large", path);
            if (out_grow(j, j->cap * 2, total) != 0) return fail_errno(L, j, "read", path, ENOMEM);
            j->out[total++] = (unsigned char)c;
            continue;
        }
        got = fread(j->out + total, 1, j->cap - total, j->f);
        if (got == 0) break;
        if (got > max_bytes - total) return fail_msg(L, j, "file too large", path);
        total += got;
    }
    if (ferror(j->f)) return fail_errno(L, j, "read", path, errno ? errno : EIO);
    if (anth_b64_encoded_len(total) == 0 && total > 0) return fail_msg(L, j, "file too large", path);
    fclose(j->f);
    j->f = NULL;
    type = anth_sniff_media_type(j->out, total);

    {
        anth_blob *b = anth_blob_new(L); /* may raise: __gc frees out */
        b->p = j->out;                   /* the blob owns the bytes from here on */
        b->raw = total;
        b->len = anth_b64_encoded_len(total);
        b->cap = j->cap;
        b->mapped = j->mapped;
        j->out = NULL;
        j->cap = 0;
    }
    if (type) lua_pushstring(L, type);
    else lua_pushnil(L);
#if ANTH_HAS_INTEGERS
    lua_pushinteger(L, (lua_Integer)total);
#else
    lua_pushnumber(L, (lua_Number)total);
#endif
    return 3;
}

void anth_open_base64(lua_State *L) {
    static const luaL_Reg fns[] = {
        {"base64_encode", l_base64_encode},
        {"base64_decode", l_base64_decode},
        {"base64_check", l_base64_check},
        {"sniff", l_sniff},
        {"base64_file", l_base64_file},
        {NULL, NULL}
    };
    static const luaL_Reg meta[] = {{"__gc", file_job_gc}, {NULL, NULL}};
    anth_register(L, FILE_JOB_MT, meta);
    anth_setfuncs(L, fns, 0);
}
