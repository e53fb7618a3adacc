/* Throughput of the SSE parser on a realistic Anthropic Messages stream:
 * message_start, content_block_start, then many content_block_delta events
 * with short text deltas (about 110 bytes per event, a ping every 200 events),
 * content_block_stop, message_delta, message_stop. Fed in 16 KiB chunks and
 * one byte at a time; median of 5 runs each.
 * Build: cc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 -Icsrc bench/sse_bench.c \
 *          csrc/sse.c csrc/buffer.c -o build/sse_bench
 * Run:   build/sse_bench [deltas]   (default 100000, about 11 MB) */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sse.h"

#define RUNS 5

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct counts {
    size_t events, bytes;
} counts;

static int on_event(void *ud, const char *e, size_t el, const char *d, size_t dl) {
    counts *c = ud;
    c->events++;
    c->bytes += el + dl + (size_t)(unsigned char)d[0];
    (void)e;
    return 0;
}

static void put(anth_buf *b, const char *s) {
    if (anth_buf_append(b, s, strlen(s)) != 0) exit(1);
}

static void build(anth_buf *b, long deltas) {
    static const char *const words[] = {"The", " quick", " brown", " fox", " jumps", " over",
                                        " the", " lazy", " dog", ".", " Streaming", " text",
                                        " arrives", " in", " small", " pieces", ",", " ok"};
    char line[256];
    long i;
    put(b, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":"
           "\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\",\"role\":\"assistant\","
           "\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,"
           "\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n");
    put(b, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
           "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    for (i = 0; i < deltas; i++) {
        if (i % 200 == 0) put(b, "event: ping\ndata: {\"type\": \"ping\"}\n\n");
        snprintf(line, sizeof line,
                 "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                 "\"delta\":{\"type\":\"text_delta\",\"text\":\"%s%s\"}}\n\n",
                 words[i % 18], words[(i * 7 + 3) % 18]);
        put(b, line);
    }
    put(b, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
    put(b, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
           "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n");
    put(b, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median seconds to parse the stream fed in chunks of `chunk` bytes. */
static double measure(const anth_buf *s, size_t chunk, size_t want_events) {
    double t[RUNS];
    int r;
    for (r = 0; r < RUNS; r++) {
        anth_sse p;
        counts c = {0, 0};
        size_t off;
        int rc = 0;
        anth_sse_init(&p, on_event, &c);
        t[r] = now();
        for (off = 0; off < s->len && rc == 0; off += chunk)
            rc = anth_sse_feed(&p, s->data + off, s->len - off < chunk ? s->len - off : chunk);
        t[r] = now() - t[r];
        if (rc != 0 || c.events != want_events || anth_sse_pending(&p)) {
            fprintf(stderr, "bad parse: rc %d, %zu events (want %zu)\n", rc, c.events,
                    want_events);
            exit(1);
        }
        anth_sse_free(&p);
    }
    qsort(t, RUNS, sizeof t[0], cmp_double);
    return t[RUNS / 2];
}

int main(int argc, char **argv) {
    long deltas = argc > 1 ? atol(argv[1]) : 100000;
    size_t want = (size_t)deltas + (size_t)(deltas + 199) / 200 + 5;
    anth_buf s;
    static const size_t chunks[] = {16384, 1};
    int i;
    if (deltas < 1) deltas = 1;
    anth_buf_init(&s);
    build(&s, deltas);
    printf("stream: %.2f MB, %zu events (%.0f bytes/event), median of %d runs\n",
           (double)s.len / 1e6, want, (double)s.len / (double)want, RUNS);
    for (i = 0; i < 2; i++) {
        double t = measure(&s, chunks[i], want);
        printf("%5zu-byte chunks: %8.1f MB/s  %10.0f events/s  (%.2f ms)\n", chunks[i],
               (double)s.len / t / 1e6, (double)want / t, t * 1e3);
    }
    anth_buf_free(&s);
    return 0;
}
