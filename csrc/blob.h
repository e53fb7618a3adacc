/* A blob (blob.c): anthropic.blob, bytes held in C memory rather than in a
 * Lua string, for payloads too large to copy (an image file). Lua sees a
 * blob as the string of its bytes' base64, which is made only where it is
 * read, a part at a time: a request body splices the blob and encodes it as
 * libcurl reads (body.c), so a 20 MB file costs 20 MB, not the 26.7 MB of
 * its encoding. tostring(blob) gives the whole string, #blob its length. */
#ifndef ANTH_BLOB_H
#define ANTH_BLOB_H

#include <stddef.h>
#include "base64.h"
#include "compat.h"

#define ANTH_BLOB_MT "anthropic.blob"

typedef struct anth_blob {
    unsigned char *p; /* the bytes (anth_big_alloc), NULL when empty */
    size_t raw;       /* bytes in use */
    size_t len;       /* the length of the string the blob stands for: their base64 */
    size_t cap;       /* bytes allocated at p */
    int mapped;       /* how anth_big_alloc got p */
} anth_blob;

/* Pushes a new empty blob (may raise: out of memory). The caller then hands
 * it its bytes: p from anth_big_alloc (cap bytes, raw of them used, mapped as
 * anth_big_alloc said), sets len, and the blob's __gc frees p. */
anth_blob *anth_blob_new(lua_State *L);

/* Writes characters [off, off + n) of the blob's string to dst (off + n at
 * most b->len). */
static inline void anth_blob_read(const anth_blob *b, size_t off, char *dst, size_t n) {
    if (n > 0) anth_b64_encode_range(b->p, b->raw, off, dst, n);
}

/* The blob at idx, or NULL when the value there is not one. */
static inline const anth_blob *anth_toblob(lua_State *L, int idx) {
    return (const anth_blob *)anth_testudata(L, idx, ANTH_BLOB_MT);
}

#endif
