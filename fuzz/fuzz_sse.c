/* libFuzzer target for the SSE parser (csrc/sse.c).
 *
 * Property: feeding a stream whole, cut at fuzzer-chosen points, and one byte
 * at a time gives the same events (type, data, id at dispatch), the same
 * feed result, pending flag, last id and retry; no crash, leak or UB.
 *
 * Input layout: byte 0 = options (bits 0-1: callback stops at event 1..3 or
 * never; bit 2: a small max_event, from byte 1), byte 1 = max_event when small,
 * byte 2 = number of cuts (mod 32), then 2 bytes per cut (position in the
 * stream, mod its length + 1), then the stream itself.
 *
 * Build and run (from the repository root):
 *   clang -std=c99 -D_POSIX_C_SOURCE=200809L -g -O1 \
 *     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Icsrc \
 *     -o build/fuzz_sse fuzz/fuzz_sse.c csrc/sse.c csrc/buffer.c
 *   mkdir -p build/fuzz_sse_corpus
 *   build/fuzz_sse -max_total_time=180 -max_len=4096 build/fuzz_sse_corpus
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sse.h"
#include "cuts.h"

typedef struct rec {
    anth_buf out;
    anth_sse *p;
    int count, stop_at;
} rec;

static void add(anth_buf *b, const void *s, size_t n) {
    if (n && anth_buf_append(b, s, n) != 0) abort();
}

static void add_len(anth_buf *b, size_t n) {
    add(b, &n, sizeof n);
}

static int on_event(void *ud, const char *e, size_t el, const char *d, size_t dl) {
    rec *r = ud;
    size_t il;
    const char *id = anth_sse_last_id(r->p, &il);
    if (e[el] != '\0' || d[dl] != '\0') abort();
    if (el == 0) abort(); /* "message" when none */
    add_len(&r->out, el);
    add(&r->out, e, el);
    add_len(&r->out, dl);
    add(&r->out, d, dl);
    add_len(&r->out, id ? il : (size_t)-1);
    if (id) add(&r->out, id, il);
    r->count++;
    return r->count == r->stop_at ? 42 : 0;
}

static int feed(void *p, const char *buf, size_t len) {
    return anth_sse_feed(p, buf, len);
}

typedef struct outcome {
    anth_buf out;
    int rc, pending;
    long retry;
} outcome;

/* Feeds s[0..n) in pieces ending at cuts[0..ncuts) (ascending) then the rest;
 * stops after a nonzero result. */
static void run(const uint8_t *s, size_t n, const size_t *cuts, size_t ncuts, int stop_at,
                size_t max_event, outcome *o) {
    anth_sse p;
    rec r;
    size_t il;
    const char *id;
    r.p = &p;
    r.count = 0;
    r.stop_at = stop_at;
    anth_buf_init(&r.out);
    anth_sse_init(&p, on_event, &r);
    if (max_event) p.max_event = max_event;
    o->rc = fuzz_feed_cut(feed, &p, s, n, cuts, ncuts);
    o->pending = anth_sse_pending(&p);
    o->retry = anth_sse_retry(&p);
    id = anth_sse_last_id(&p, &il);
    /* the final state of last_id goes into the record too */
    add_len(&r.out, id ? il : (size_t)-1);
    if (id) add(&r.out, id, il);
    o->out = r.out;
    anth_sse_free(&p);
}

static void same(const outcome *a, const outcome *b) {
    if (a->out.len != b->out.len) abort();
    if (a->out.len && memcmp(a->out.data, b->out.data, a->out.len) != 0) abort();
    if (a->rc != b->rc || a->pending != b->pending || a->retry != b->retry) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t cuts[FUZZ_MAX_CUTS], ncuts, n, max_event;
    const uint8_t *s;
    int stop_at;
    outcome whole, split, bytes;
    if (!fuzz_split_input(data, size, cuts, &ncuts, &s, &n)) return 0;
    stop_at = data[0] & 3;
    max_event = data[0] & 4 ? data[1] : 0; /* 0 keeps the default */

    run(s, n, NULL, 0, stop_at, max_event, &whole);
    run(s, n, cuts, ncuts, stop_at, max_event, &split);
    same(&whole, &split);
    anth_buf_free(&split.out);
    if (n <= 4096) {
        size_t *one = fuzz_byte_cuts(n);
        run(s, n, one, n ? n - 1 : 0, stop_at, max_event, &bytes);
        same(&whole, &bytes);
        anth_buf_free(&bytes.out);
        free(one);
    }
    anth_buf_free(&whole.out);
    return 0;
}
