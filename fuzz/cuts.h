/* What the chunking fuzz targets (fuzz_sse.c, fuzz_eventstream.c) share:
 * reading the cut positions from the input, and feeding a stream in pieces.
 *
 * Input layout: byte 0 = the target's options, byte 1 = a small size the
 * target may use, byte 2 = number of cuts (mod 32), then 2 bytes per cut
 * (position in the stream, mod its length + 1), then the stream itself. */
#ifndef ANTH_FUZZ_CUTS_H
#define ANTH_FUZZ_CUTS_H

#include <stdint.h>
#include <stdlib.h>

#define FUZZ_MAX_CUTS 32

static int fuzz_cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Splits the input: sorted cuts, and the stream s[0..n). Returns 0 when the
 * input is too short for its own header. */
static int fuzz_split_input(const uint8_t *data, size_t size, size_t cuts[FUZZ_MAX_CUTS], size_t *ncuts,
                            const uint8_t **s, size_t *n) {
    size_t i;
    if (size < 3) return 0;
    *ncuts = data[2] % FUZZ_MAX_CUTS;
    if (size < 3 + 2 * *ncuts) return 0;
    *s = data + 3 + 2 * *ncuts;
    *n = size - 3 - 2 * *ncuts;
    for (i = 0; i < *ncuts; i++) cuts[i] = ((size_t)data[3 + 2 * i] << 8 | data[4 + 2 * i]) % (*n + 1);
    qsort(cuts, *ncuts, sizeof cuts[0], fuzz_cmp_size);
    return 1;
}

/* A parser's feed function, wrapped to this type by each target. */
typedef int (*fuzz_feed_fn)(void *parser, const char *p, size_t n);

/* Feeds s[0..n) in pieces ending at cuts[0..ncuts) (ascending), then the
 * rest; returns the first nonzero result (and feeds nothing after it), or 0. */
static int fuzz_feed_cut(fuzz_feed_fn feed, void *parser, const uint8_t *s, size_t n, const size_t *cuts,
                         size_t ncuts) {
    size_t from = 0, i;
    for (i = 0; i <= ncuts; i++) {
        size_t to = i < ncuts ? cuts[i] : n;
        int rc = feed(parser, (const char *)s + from, to - from);
        from = to;
        if (rc != 0) return rc;
    }
    return 0;
}

/* Cuts after every byte of an n-byte stream (n - 1 of them); free() it. */
static size_t *fuzz_byte_cuts(size_t n) {
    size_t *one = malloc((n + 1) * sizeof *one), i;
    if (!one) abort();
    for (i = 0; i + 1 < n; i++) one[i] = i + 1;
    return one;
}

#endif
