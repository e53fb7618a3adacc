/* Tests of the AWS event stream decoder (csrc/eventstream.c), the JSON
 * member finder it uses for chunk payloads (csrc/json_member.c) and the
 * Bedrock frames-to-events step (csrc/bedrock_stream.c). Standalone,
 * no Lua.
 *
 * Build and run (from the repository root):
 *   cc -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -O2 -g -Icsrc \
 *      -o build/eventstream_test test/c/eventstream_test.c csrc/eventstream.c \
 *      csrc/bedrock_stream.c csrc/json_member.c csrc/base64.c csrc/buffer.c -lz && build/eventstream_test
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bedrock_stream.h"
#include "eventstream.h"
#include "json_member.h"
#include "check.h"
#include "rnd.h"

/* platforms.md §2.1: a chunk frame botocore decodes to {"type":"message_stop"}. */
static const char FRAME_HEX[] =
    "000000880000004b05babc220b3a6576656e742d747970650700056368756e6b0d3a636f6e74656e742d747970650700"
    "106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b226279746573223a"
    "202265794a306558426c496a6f696257567a6332466e5a56397a64473977496e303d227db76b2af1";

static size_t unhex(const char *h, char *out) {
    size_t n = strlen(h) / 2, i;
    for (i = 0; i < n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (char)v;
    }
    return n;
}


/* Frames recorded as  message-type|event-type|exception-type|payload\x1e */
typedef struct rec {
    anth_buf out;
    int frames, stop_at;
} rec;

static void add_str(anth_buf *b, anth_es_str s) {
    if (s.p) anth_buf_append(b, s.p, s.n);
    anth_buf_putc(b, '|');
}

static int on_frame(void *ud, const anth_es_frame *f) {
    rec *r = ud;
    add_str(&r->out, f->message_type);
    add_str(&r->out, f->event_type);
    add_str(&r->out, f->exception_type);
    anth_buf_append(&r->out, f->payload, f->payload_len);
    anth_buf_putc(&r->out, 0x1e);
    r->frames++;
    return r->stop_at && r->frames == r->stop_at ? 7 : 0;
}

/* Feeds input cut at the given positions; returns the first nonzero feed
 * result (or 0); the frames go to r. */
static int run_cuts(const char *in, size_t n, const size_t *cuts, size_t ncuts, rec *r, int *pending,
                    size_t max_payload) {
    anth_es d;
    size_t prev = 0, i;
    int rc = 0;
    anth_buf_init(&r->out);
    r->frames = 0;
    r->stop_at = 0;
    anth_es_init(&d, on_frame, r);
    if (max_payload) d.max_payload = max_payload;
    for (i = 0; i <= ncuts && rc == 0; i++) {
        size_t at = i < ncuts ? cuts[i] : n;
        rc = anth_es_feed(&d, in + prev, at - prev);
        prev = at;
    }
    *pending = anth_es_pending(&d);
    anth_es_free(&d);
    return rc;
}

/* Every 2-way and 3-way cut, one byte per feed and random cuts give the
 * same frames, result and pending flag as one feed. */
static void all_chunkings(const char *in, size_t n, const char *want, int want_rc, int want_pending,
                          size_t max_payload) {
    rec r;
    int pending, rc;
    size_t i, j, cuts[4096];
    int bad = 0;
#define SAME()                                                                                 \
    do {                                                                                       \
        if (rc != want_rc || pending != want_pending || r.out.len != strlen(want) ||            \
            (r.out.len && memcmp(r.out.data, want, r.out.len) != 0))                            \
            bad++;                                                                             \
        anth_buf_free(&r.out);                                                                 \
    } while (0)
    rc = run_cuts(in, n, NULL, 0, &r, &pending, max_payload);
    SAME();
    for (i = 0; i <= n; i++) {
        cuts[0] = i;
        rc = run_cuts(in, n, cuts, 1, &r, &pending, max_payload);
        SAME();
    }
    for (i = 0; i <= n && n <= 300; i++)
        for (j = i; j <= n; j++) {
            cuts[0] = i;
            cuts[1] = j;
            rc = run_cuts(in, n, cuts, 2, &r, &pending, max_payload);
            SAME();
        }
    if (n < 4096) {
        for (i = 0; i < n; i++) cuts[i] = i;
        rc = run_cuts(in, n, cuts, n, &r, &pending, max_payload);
        SAME();
    }
    for (i = 0; i < 200; i++) {
        size_t k = 0, at = 0;
        while (k < 64 && at < n) {
            at += rnd() % 40;
            if (at > n) at = n;
            cuts[k++] = at;
        }
        rc = run_cuts(in, n, cuts, k, &r, &pending, max_payload);
        SAME();
    }
    CHECK(bad == 0);
    if (bad) fprintf(stderr, "  %d chunkings differ (want rc %d pending %d)\n", bad, want_rc, want_pending);
}

static void encode(anth_buf *b, const char *mt, const char *et_name, const char *et, const char *payload) {
    const char *names[3] = {":message-type", et_name, ":content-type"};
    const char *values[3] = {mt, et, "application/json"};
    CHECK(anth_es_encode(b, names, values, 3, payload, strlen(payload)) == 0);
}

static void test_frame(void) {
    char f[256];
    size_t n = unhex(FRAME_HEX, f);
    rec r;
    int pending;
    anth_es_frame fr;
    anth_buf scratch, ev;
    const char *why = NULL;
    CHECK(n == 136);
    all_chunkings(f, n, "event|chunk||{\"bytes\": \"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0=\"}\x1e", 0, 0, 0);
    anth_buf_init(&scratch);
    anth_buf_init(&ev);
    CHECK(anth_es_decode_frame(f, n, ANTH_ES_MAX_PAYLOAD, &scratch, &fr) == 0);
    CHECK(fr.content_type.n == 16 && memcmp(fr.content_type.p, "application/json", 16) == 0);
    CHECK(fr.exception_type.p == NULL);
    CHECK(anth_es_chunk_event(fr.payload, fr.payload_len, &ev, &why) == 0);
    CHECK(ev.len == 23 && memcmp(ev.data, "{\"type\":\"message_stop\"}", 23) == 0);
    anth_buf_free(&scratch);
    anth_buf_free(&ev);
    /* Our encoder gives the same bytes for the same headers and payload. */
    {
        const char *names[3] = {":event-type", ":content-type", ":message-type"};
        const char *values[3] = {"chunk", "application/json", "event"};
        anth_buf b;
        anth_buf_init(&b);
        CHECK(anth_es_encode(&b, names, values, 3, fr.payload, fr.payload_len) == 0);
        CHECK(b.len == n && memcmp(b.data, f, n) == 0);
        anth_buf_free(&b);
    }
    /* Truncated: every proper prefix delivers nothing and is pending. */
    {
        size_t k;
        int bad = 0;
        for (k = 1; k < n; k++) {
            if (run_cuts(f, k, NULL, 0, &r, &pending, 0) != 0 || r.frames != 0 || !pending) bad++;
            anth_buf_free(&r.out);
        }
        CHECK(bad == 0);
    }
    /* Any flipped bit: never a frame with other contents; an error or, when a
     * length grew, an incomplete frame. */
    {
        size_t k;
        int bit, bad = 0, errors = 0;
        for (k = 0; k < n; k++)
            for (bit = 0; bit < 8; bit++) {
                int rc;
                f[k] ^= (char)(1 << bit);
                rc = run_cuts(f, n, NULL, 0, &r, &pending, 0);
                if (r.frames != 0 || !pending || rc > 0) bad++;
                if (rc < 0) errors++;
                if (k >= 8 && k < n && rc != ANTH_ES_ECRC) bad++; /* past the lengths: a CRC error */
                anth_buf_free(&r.out);
                f[k] ^= (char)(1 << bit);
            }
        CHECK(bad == 0);
        CHECK(errors >= (int)(n - 8) * 8);
    }
}

static void several_frames(void) {
    anth_buf in;
    char f[256];
    size_t n = unhex(FRAME_HEX, f);
    anth_buf_init(&in);
    encode(&in, "event", ":event-type", "chunk", "{\"bytes\":\"e30=\"}");
    anth_buf_append(&in, f, n);
    encode(&in, "exception", ":exception-type", "throttlingException", "{\"message\":\"slow down\"}");
    all_chunkings(in.data, in.len,
                  "event|chunk||{\"bytes\":\"e30=\"}\x1e"
                  "event|chunk||{\"bytes\": \"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0=\"}\x1e"
                  "exception||throttlingException|{\"message\":\"slow down\"}\x1e",
                  0, 0, 0);
    /* A truncated last frame: the first two arrive, the stream is pending. */
    all_chunkings(in.data, in.len - 5,
                  "event|chunk||{\"bytes\":\"e30=\"}\x1e"
                  "event|chunk||{\"bytes\": \"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0=\"}\x1e",
                  0, 1, 0);
    /* A bad message CRC in the second frame: the first arrives, then the error. */
    in.data[in.len - 5 - 40] ^= 1; /* inside the last frame's payload */
    all_chunkings(in.data, in.len,
                  "event|chunk||{\"bytes\":\"e30=\"}\x1e"
                  "event|chunk||{\"bytes\": \"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0=\"}\x1e",
                  ANTH_ES_ECRC, 1, 0);
    anth_buf_free(&in);
}

static void put32(char *p, unsigned long v) {
    p[0] = (char)(v >> 24), p[1] = (char)(v >> 16), p[2] = (char)(v >> 8), p[3] = (char)v;
}

/* A prelude with the given lengths and a right CRC (computed by encoding a
 * frame and patching: simpler to build by hand with zlib). */
#include <zlib.h>
static void prelude(char *p, unsigned long total, unsigned long hlen) {
    put32(p, total);
    put32(p + 4, hlen);
    put32(p + 8, crc32(0L, (const Bytef *)p, 8));
}

static void limits(void) {
    char p[16];
    rec r;
    int pending;
    /* A payload over the limit is refused from its 12-byte prelude alone. */
    prelude(p, 16 + 16 * 1024 * 1024 + 1, 0);
    CHECK(run_cuts(p, 12, NULL, 0, &r, &pending, 0) == ANTH_ES_ETOOBIG && pending);
    anth_buf_free(&r.out);
    prelude(p, 16 + 16 * 1024 * 1024, 0); /* exactly the limit: waits for the rest */
    CHECK(run_cuts(p, 12, NULL, 0, &r, &pending, 0) == 0 && pending);
    anth_buf_free(&r.out);
    prelude(p, 16 + 100, 0); /* a smaller max_payload */
    CHECK(run_cuts(p, 12, NULL, 0, &r, &pending, 99) == ANTH_ES_ETOOBIG);
    anth_buf_free(&r.out);
    prelude(p, 0xFFFFFFFFUL, 128 * 1024 + 1); /* headers over 128 KiB */
    CHECK(run_cuts(p, 12, NULL, 0, &r, &pending, 0) == ANTH_ES_ETOOBIG);
    anth_buf_free(&r.out);
    prelude(p, 15, 0); /* shorter than a frame can be */
    CHECK(run_cuts(p, 12, NULL, 0, &r, &pending, 0) == ANTH_ES_EFORMAT);
    anth_buf_free(&r.out);
    prelude(p, 20, 5); /* headers longer than the frame allows */
    CHECK(run_cuts(p, 12, NULL, 0, &r, &pending, 0) == ANTH_ES_EFORMAT);
    anth_buf_free(&r.out);
    /* Errors are sticky. */
    {
        anth_es d;
        anth_es_init(&d, on_frame, &r);
        anth_buf_init(&r.out);
        prelude(p, 15, 0);
        CHECK(anth_es_feed(&d, p, 12) == ANTH_ES_EFORMAT);
        CHECK(anth_es_feed(&d, "", 0) == ANTH_ES_EFORMAT);
        CHECK(anth_es_pending(&d));
        CHECK(strstr(anth_es_strerror(ANTH_ES_ECRC), "CRC") != NULL);
        anth_es_free(&d);
        anth_buf_free(&r.out);
    }
}

/* A frame with a raw header block (CRCs computed here). */
static size_t raw_frame(char *out, const char *headers, size_t hlen, const char *payload) {
    size_t plen = strlen(payload), total = 16 + hlen + plen;
    prelude(out, total, hlen);
    memcpy(out + 12, headers, hlen);
    memcpy(out + 12 + hlen, payload, plen);
    put32(out + total - 4, crc32(0L, (const Bytef *)out, (uInt)(total - 4)));
    return total;
}

static void headers(void) {
    char f[512];
    size_t n, pos = 0;
    anth_buf scratch;
    anth_es_frame fr;
    anth_es_header h;
    static const char block[] = "\x01" "a" "\x00"            /* true */
                                "\x01" "b" "\x01"            /* false */
                                "\x01" "c" "\x02" "\xff"     /* int8 -1 */
                                "\x01" "d" "\x03" "\x80\x00" /* int16 -32768 */
                                "\x01" "e" "\x04" "\x00\x01\x00\x00"
                                "\x01" "f" "\x05" "\xff\xff\xff\xff\xff\xff\xff\xfe"
                                "\x01" "g" "\x06" "\x00\x02" "\x00\x01"
                                "\x01" "h" "\x08" "\x00\x00\x01\x00\x00\x00\x00\x00"
                                "\x01" "i" "\x09" "0123456789abcdef"
                                "\x0d" ":message-type" "\x07" "\x00\x05" "event";
    int64_t want[] = {1, 0, -1, -32768, 65536, -2, 0, 1099511627776LL, 0, 0};
    int k = 0;
    anth_buf_init(&scratch);
    n = raw_frame(f, block, sizeof block - 1, "x");
    CHECK(anth_es_decode_frame(f, n, ANTH_ES_MAX_PAYLOAD, &scratch, &fr) == 0);
    CHECK(fr.message_type.n == 5 && memcmp(fr.message_type.p, "event", 5) == 0);
    while (anth_es_header_next(fr.headers, fr.headers_len, &pos, &h) == 1) {
        CHECK(h.ival == want[k]);
        k++;
    }
    CHECK(k == 10);
    /* Duplicate names, unknown types, cut values, empty names are malformed. */
    n = raw_frame(f, "\x01" "a" "\x00" "\x01" "b" "\x00" "\x01" "a" "\x01", 9, "");
    CHECK(anth_es_decode_frame(f, n, ANTH_ES_MAX_PAYLOAD, &scratch, &fr) == ANTH_ES_EFORMAT);
    n = raw_frame(f, "\x01" "a" "\x0a", 3, "");
    CHECK(anth_es_decode_frame(f, n, ANTH_ES_MAX_PAYLOAD, &scratch, &fr) == ANTH_ES_EFORMAT);
    n = raw_frame(f, "\x01" "a" "\x07" "\x00\x05" "abc", 8, "");
    CHECK(anth_es_decode_frame(f, n, ANTH_ES_MAX_PAYLOAD, &scratch, &fr) == ANTH_ES_EFORMAT);
    n = raw_frame(f, "\x00" "\x00", 2, "");
    CHECK(anth_es_decode_frame(f, n, ANTH_ES_MAX_PAYLOAD, &scratch, &fr) == ANTH_ES_EFORMAT);
    /* Through the decoder: a malformed frame is an error after earlier frames. */
    {
        rec r;
        int pending;
        anth_buf in;
        anth_buf_init(&in);
        encode(&in, "event", ":event-type", "chunk", "{}");
        anth_buf_append(&in, f, n);
        CHECK(run_cuts(in.data, in.len, NULL, 0, &r, &pending, 0) == ANTH_ES_EFORMAT && r.frames == 1);
        anth_buf_free(&r.out);
        anth_buf_free(&in);
    }
    anth_buf_free(&scratch);
}

static void callback_stop(void) {
    anth_buf in;
    rec r;
    anth_es d;
    anth_buf_init(&in);
    encode(&in, "event", ":event-type", "chunk", "1");
    encode(&in, "event", ":event-type", "chunk", "2");
    encode(&in, "event", ":event-type", "chunk", "3");
    anth_buf_init(&r.out);
    r.frames = 0;
    r.stop_at = 1;
    anth_es_init(&d, on_frame, &r);
    CHECK(anth_es_feed(&d, in.data, in.len) == 7); /* the rest of the call's input is dropped */
    CHECK(r.frames == 1 && !anth_es_pending(&d));
    r.stop_at = 0;
    CHECK(anth_es_feed(&d, in.data + in.len / 3 * 2, in.len - in.len / 3 * 2) == 0);
    CHECK(r.frames == 2);
    anth_es_free(&d);
    anth_buf_free(&r.out);
    anth_buf_free(&in);
}

static int member(const char *json, const char *key, const char *want) {
    anth_buf b;
    int rc;
    anth_buf_init(&b);
    anth_buf_append(&b, "keep", 4);
    rc = anth_json_member_string(json, strlen(json), key, &b);
    if (rc == 1 && !(b.len == 4 + strlen(want) && memcmp(b.data + 4, want, b.len - 4) == 0)) rc = 99;
    if (rc != 1 && b.len != 4) rc = 98; /* out untouched when nothing is found */
    anth_buf_free(&b);
    return rc;
}

static void json_members(void) {
    CHECK(member("{\"bytes\":\"e30=\"}", "bytes", "e30=") == 1);
    CHECK(member(" { \"p\" : \"abc\" , \"bytes\" : \"a\\/b=\" } ", "bytes", "a/b=") == 1);
    CHECK(member("{\"x\":{\"bytes\":\"no\"},\"y\":[1,-2.5e3,true,null,\"]\"],\"bytes\":\"yes\"}", "bytes",
                 "yes") == 1);
    CHECK(member("{\"type\":\"a\",\"type\":\"b\"}", "type", "b") == 1);
    CHECK(member("{\"t\\u0079pe\":\"\\u00e9\\ud83d\\ude00\\n\"}", "type", "\xc3\xa9\xf0\x9f\x98\x80\n") == 1);
    CHECK(member("{\"type\":7}", "type", "") == 0);
    CHECK(member("{}", "type", "") == 0);
    CHECK(member("{\"a\":\"b\"}", "type", "") == 0);
    CHECK(member("[\"type\"]", "type", "") == -1);
    CHECK(member("{\"type\":\"a\"", "type", "") == -1);
    CHECK(member("{\"type\":\"a\"} x", "type", "") == -1);
    CHECK(member("{\"type\":\"a\\x\"}", "type", "") == -1);
    CHECK(member("{\"type\":\"\\ud800\"}", "type", "") == -1);
    CHECK(member("{\"type\":\"a\nb\"}", "type", "") == -1);
    CHECK(member("{\"a\":[1,}", "type", "") == -1);
    CHECK(member("{\"a\" 1}", "type", "") == -1);
    CHECK(member("", "type", "") == -1);
    {
        /* Deep nesting is refused, not recursed into without bound. */
        char deep[5000];
        size_t i;
        memcpy(deep, "{\"a\":", 5);
        for (i = 0; i < 2000; i++) deep[5 + i] = '[';
        for (i = 0; i < 2000; i++) deep[2005 + i] = ']';
        deep[4005] = '}';
        deep[4006] = 0;
        CHECK(member(deep, "type", "") == -1);
    }
}

static void chunks(void) {
    anth_buf out;
    const char *why = NULL;
    anth_buf_init(&out);
    CHECK(anth_es_chunk_event("{\"bytes\":\"e30=\",\"p\":\"abcdefgh\"}", 31, &out, &why) == 0);
    CHECK(out.len == 2 && memcmp(out.data, "{}", 2) == 0);
    CHECK(anth_es_chunk_event("{\"bytes\":\"e30\"}", 15, &out, &why) == -1 && strstr(why, "base64"));
    CHECK(out.len == 2);
    CHECK(anth_es_chunk_event("{\"byte\":\"e30=\"}", 15, &out, &why) == -1 && strstr(why, "no \"bytes\""));
    CHECK(anth_es_chunk_event("nope", 4, &out, &why) == -1 && strstr(why, "not a JSON object"));
    CHECK(anth_es_chunk_event("{\"bytes\":\"\"}", 12, &out, &why) == 0 && out.len == 2);
    anth_buf_free(&out);
}

static int bedrock_kind(anth_buf *frame, anth_buf *name, anth_buf *data) {
    anth_buf scratch;
    anth_es_frame f;
    const char *why = NULL;
    int kind;
    anth_buf_init(&scratch);
    CHECK(anth_es_decode_frame(frame->data, frame->len, ANTH_ES_MAX_PAYLOAD, &scratch, &f) == 0);
    kind = anth_bedrock_frame(&f, name, data, &why);
    anth_buf_free(&scratch);
    frame->len = 0;
    return kind;
}

#define IS(b, lit) ((b).len == sizeof lit - 1 && memcmp((b).data, lit, (b).len) == 0)

static void bedrock_events(void) {
    anth_buf fr, name, data;
    anth_buf_init(&fr);
    anth_buf_init(&name);
    anth_buf_init(&data);
    /* {"type":"ping"} */
    encode(&fr, "event", ":event-type", "chunk", "{\"bytes\":\"eyJ0eXBlIjoicGluZyJ9\"}");
    CHECK(bedrock_kind(&fr, &name, &data) == ANTH_BEDROCK_EVENT);
    CHECK(IS(name, "ping") && IS(data, "{\"type\":\"ping\"}"));
    /* {"a":1}: no type, skipped; other event types skipped */
    encode(&fr, "event", ":event-type", "chunk", "{\"bytes\":\"eyJhIjoxfQ==\"}");
    CHECK(bedrock_kind(&fr, &name, &data) == ANTH_BEDROCK_SKIP);
    encode(&fr, "event", ":event-type", "initial-response", "{}");
    CHECK(bedrock_kind(&fr, &name, &data) == ANTH_BEDROCK_SKIP);
    encode(&fr, "event", ":event-type", "chunk", "{\"bytes\":\"!!!!\"}");
    CHECK(bedrock_kind(&fr, &name, &data) == ANTH_BEDROCK_BAD);
    encode(&fr, "exception", ":exception-type", "throttlingException",
           "{\"message\":\"Too \\\"many\\\"\\nrequests\"}");
    CHECK(bedrock_kind(&fr, &name, &data) == ANTH_BEDROCK_END);
    CHECK(IS(name, "error"));
    CHECK(IS(data, "{\"type\":\"error\",\"error\":{\"type\":\"throttlingException\","
                   "\"message\":\"Too \\\"many\\\"\\u000arequests\"}}"));
    {
        const char *names[3] = {":message-type", ":error-code", ":error-message"};
        const char *values[3] = {"error", "InternalFailure", "boom"};
        CHECK(anth_es_encode(&fr, names, values, 3, "", 0) == 0);
        CHECK(bedrock_kind(&fr, &name, &data) == ANTH_BEDROCK_END);
        CHECK(IS(data, "{\"type\":\"error\",\"error\":{\"type\":\"InternalFailure\",\"message\":\"boom\"}}"));
    }
    anth_buf_free(&fr);
    anth_buf_free(&name);
    anth_buf_free(&data);
}

int main(void) {
    test_frame();
    several_frames();
    limits();
    headers();
    callback_stop();
    json_members();
    chunks();
    bedrock_events();
    printf("eventstream_test: %d checks, %d failed\n", checks, failures);
    return failures != 0;
}
