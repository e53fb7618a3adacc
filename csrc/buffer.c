/* A growable byte buffer (buffer.h). */
#include <stdlib.h>
#include "buffer.h"

void anth_buf_init(anth_buf *b) {
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void anth_buf_free(anth_buf *b) {
    free(b->data);
    anth_buf_init(b);
}

int anth_buf_grow(anth_buf *b, size_t extra) {
    size_t need, cap;
    char *p;
    if (extra > (size_t)-1 - b->len) return -1;
    need = b->len + extra;
    if (need <= b->cap) return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < need) cap = cap > (size_t)-1 / 2 ? need : cap * 2;
    p = realloc(b->data, cap);
    if (p == NULL) return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}
