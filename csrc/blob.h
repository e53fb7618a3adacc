/* A blob (blob.c): anthropic.blob, bytes held in C memory rather than in a
 * Lua string, for payloads too large to copy (an image file's base64). The
 * JSON writer writes a blob as the string it holds, spliced into a request
 * body without a copy (body.c); tostring(blob) gives the string, #blob its
 * length. */
#ifndef ANTH_BLOB_H
#define ANTH_BLOB_H

#include <stddef.h>
#include "compat.h"

#define ANTH_BLOB_MT "anthropic.blob"

typedef struct anth_blob {
    char *p;     /* the bytes (anth_big_alloc), NULL when empty */
    size_t len;  /* bytes in use */
    size_t cap;  /* bytes allocated at p */
    int mapped;  /* how anth_big_alloc got p */
} anth_blob;

/* Pushes a new empty blob (may raise: out of memory). The caller then hands
 * it its bytes: p from anth_big_alloc (cap bytes, len of them used, mapped as
 * anth_big_alloc said), which the blob's __gc frees. */
anth_blob *anth_blob_new(lua_State *L);

/* The blob at idx, or NULL when the value there is not one. */
static inline const anth_blob *anth_toblob(lua_State *L, int idx) {
    return (const anth_blob *)anth_testudata(L, idx, ANTH_BLOB_MT);
}

#endif
