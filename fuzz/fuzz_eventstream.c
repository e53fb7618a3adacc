/* libFuzzer target for the AWS event stream decoder (csrc/eventstream.c) and
 * what the Bedrock stream makes of each frame (csrc/bedrock_stream.c, with
 * the chunk payload helper and the JSON member finder, csrc/json_member.c).
 *
 * Property: feeding a stream whole, cut at fuzzer-chosen points, and one byte
 * at a time gives the same frames, feed result and pending flag; no crash,
 * leak or UB; memory stays within the frame limits.
 *
 * Input layout: byte 0 = options (bits 0-1: callback stops at frame 1..3 or
 * never; bit 2: a small max_payload, from byte 1; bit 3: fix the CRCs, so that
 * mutations reach the header and payload parsers instead of failing the
 * checksum), byte 1 = max_payload when small, byte 2 = number of cuts (mod
 * 32), then 2 bytes per cut (position in the stream, mod its length + 1), then
 * the stream itself.
 *
 * Build and run (from the repository root):
 *   clang -std=c99 -D_POSIX_C_SOURCE=200809L -g -O1 \
 *     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Icsrc \
 *     -o build/fuzz_eventstream fuzz/fuzz_eventstream.c csrc/eventstream.c \
 *     csrc/bedrock_stream.c csrc/json_member.c csrc/base64.c csrc/buffer.c -lz
 *   build/fuzz_eventstream -max_total_time=180 -max_len=4096 build/fuzz-corpus/eventstream
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "bedrock_stream.h"
#include "eventstream.h"
#include "json_member.h"
#include "cuts.h"

typedef struct rec {
    anth_buf out;
    int count, stop_at;
} rec;

static void add(anth_buf *b, const void *s, size_t n) {
    if (n && anth_buf_append(b, s, n) != 0) abort();
}

static void add_view(anth_buf *b, anth_es_str s) {
    size_t n = s.p ? s.n : (size_t)-1;
    add(b, &n, sizeof n);
    if (s.p) add(b, s.p, s.n);
}

static int on_frame(void *ud, const anth_es_frame *f) {
    rec *r = ud;
    anth_buf ev, type;
    const char *why;
    size_t pos = 0;
    anth_es_header h;
    if (f->raw_len < ANTH_ES_MIN_FRAME || f->payload + f->payload_len != f->raw + f->raw_len - 4) abort();
    while (anth_es_header_next(f->headers, f->headers_len, &pos, &h) == 1) {
    }
    add_view(&r->out, f->message_type);
    add_view(&r->out, f->event_type);
    add_view(&r->out, f->exception_type);
    add(&r->out, &f->payload_len, sizeof f->payload_len);
    add(&r->out, f->payload, f->payload_len);
    /* What the Bedrock stream makes of the frame. */
    anth_buf_init(&ev);
    anth_buf_init(&type);
    switch (anth_bedrock_frame(f, &type, &ev, &why)) {
    case ANTH_BEDROCK_EVENT:
    case ANTH_BEDROCK_END:
        if (type.len == 0) abort();
        add(&r->out, type.data, type.len);
        add(&r->out, ev.data, ev.len);
        break;
    case ANTH_BEDROCK_SKIP:
    case ANTH_BEDROCK_BAD:
        break;
    default:
        abort();
    }
    anth_buf_free(&ev);
    anth_buf_free(&type);
    r->count++;
    return r->count == r->stop_at ? 42 : 0;
}

static int feed(void *d, const char *buf, size_t len) {
    return anth_es_feed(d, buf, len);
}

typedef struct outcome {
    anth_buf out;
    int rc, pending;
} outcome;

static void run(const uint8_t *s, size_t n, const size_t *cuts, size_t ncuts, int stop_at, size_t max_payload,
                outcome *o) {
    anth_es d;
    rec r;
    r.count = 0;
    r.stop_at = stop_at;
    anth_buf_init(&r.out);
    anth_es_init(&d, on_frame, &r);
    if (max_payload) d.max_payload = max_payload;
    o->rc = fuzz_feed_cut(feed, &d, s, n, cuts, ncuts);
    o->pending = anth_es_pending(&d);
    o->out = r.out;
    anth_es_free(&d);
}

static void same(const outcome *a, const outcome *b) {
    if (a->out.len != b->out.len) abort();
    if (a->out.len && memcmp(a->out.data, b->out.data, a->out.len) != 0) abort();
    if (a->rc != b->rc || a->pending != b->pending) abort();
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* Rewrites the CRCs of the frames the lengths describe. */
static void fix_crcs(uint8_t *s, size_t n) {
    size_t at = 0;
    while (n - at >= ANTH_ES_PRELUDE) {
        uint32_t total = be32(s + at);
        put32(s + at + 8, (uint32_t)crc32(0L, s + at, 8));
        if (total < ANTH_ES_MIN_FRAME || total > n - at) break;
        put32(s + at + total - 4, (uint32_t)crc32(0L, s + at, total - 4));
        at += total;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t cuts[FUZZ_MAX_CUTS], ncuts, n, max_payload;
    const uint8_t *in;
    uint8_t *s;
    int stop_at;
    outcome whole, split, bytes;
    if (!fuzz_split_input(data, size, cuts, &ncuts, &in, &n)) return 0;
    stop_at = data[0] & 3;
    max_payload = data[0] & 4 ? data[1] : 0; /* 0 keeps the default */
    s = malloc(n ? n : 1); /* a copy: the CRCs may be fixed in place */
    if (!s) abort();
    memcpy(s, in, n);
    if (data[0] & 8) fix_crcs(s, n);

    run(s, n, NULL, 0, stop_at, max_payload, &whole);
    run(s, n, cuts, ncuts, stop_at, max_payload, &split);
    same(&whole, &split);
    anth_buf_free(&split.out);
    if (n <= 4096) {
        size_t *one = fuzz_byte_cuts(n);
        run(s, n, one, n ? n - 1 : 0, stop_at, max_payload, &bytes);
        same(&whole, &bytes);
        anth_buf_free(&bytes.out);
        free(one);
    }
    anth_buf_free(&whole.out);
    /* The member finder on the raw input as a JSON text, too. */
    {
        anth_buf m;
        anth_buf_init(&m);
        if (anth_json_member_string((const char *)s, n, "bytes", &m) == 1 && m.len > n) abort();
        anth_buf_free(&m);
    }
    free(s);
    return 0;
}
