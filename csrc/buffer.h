/* A growable byte buffer, plain C (no Lua), shared by the JSON writer,
 * base64 and the transfers. Functions return 0 on success, -1 when memory runs out. */
#ifndef ANTH_BUFFER_H
#define ANTH_BUFFER_H

#include <stddef.h>
#include <string.h>

typedef struct anth_buf {
    char *data;
    size_t len;
    size_t cap;
} anth_buf;

void anth_buf_init(anth_buf *b);
void anth_buf_free(anth_buf *b);
int anth_buf_grow(anth_buf *b, size_t extra); /* ensures cap >= len + extra */

static inline int anth_buf_append(anth_buf *b, const void *p, size_t n) {
    if (n == 0) return 0;
    if (b->cap - b->len < n && anth_buf_grow(b, n) != 0) return -1;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static inline int anth_buf_putc(anth_buf *b, char c) {
    if (b->len == b->cap && anth_buf_grow(b, 1) != 0) return -1;
    b->data[b->len++] = c;
    return 0;
}

#endif
