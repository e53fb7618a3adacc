/* An encoded request body (body.c): core.json_body(value [, marks]) writes
 * it once, in C memory, and every attempt of the request sends it without a
 * copy. Large strings are not copied into buf: each splice says that the
 * bytes of a Lua string, or the string a blob stands for (encoded as it is
 * read), go at offset `at` of buf (both kept alive by the body's user
 * value), so the body is buf with those pieces inserted. */
#ifndef ANTH_BODY_H
#define ANTH_BODY_H

#include "compat.h"
#include "buffer.h"

#define ANTH_BODY_MT "anthropic.body"

struct anth_blob;

typedef struct anth_splice {
    size_t at;
    const char *p;                /* n bytes, or NULL: */
    const struct anth_blob *blob; /* the blob's string, n characters of it */
    size_t n;
} anth_splice;

typedef struct anth_body {
    anth_buf buf;
    anth_splice *splices;
    size_t nsplices, capsplices;
    size_t total; /* buf.len plus every splice */
} anth_body;

/* Copies up to max bytes of the body from position pos; returns how many. */
size_t anth_body_read(const anth_body *b, size_t pos, char *dst, size_t max);

#endif
