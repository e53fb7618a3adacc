/* Tests of the sinks' event queue (csrc/sink.c) as the two threads use it:
 * the feeding thread parses into its own buffer and publishes it as a chunk;
 * the reading thread takes the oldest chunk and reads it by itself.
 * Checked: every event arrives once and in order, whatever the chunking and
 * however publishing and taking interleave; the event count; memory handed
 * back and forth between queue and batch, nothing copied; the JSONL sink's
 * last line, queued by the end. Standalone, no Lua, no threads (the lock is
 * the caller's).
 *
 * Build and run (from the repository root): make check-c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sink.h"
#include "check.h"
#include "rnd.h"


/* The reader's side: its batch, and the events it has read so far, each
 * "name=data;" in one string. */
typedef struct reader {
    anth_buf batch;
    size_t pos;
    anth_buf seen;
    size_t count;
} reader;

/* Reads part of the batch (at most max events); takes the next chunk when
 * the batch is read through, as response.c does. */
static void read_some(reader *r, anth_sink *k, int max) {
    anth_event_head h;
    const char *p;
    if (r->pos >= r->batch.len) {
        r->batch.len = r->pos = 0;
        anth_sink_take(k, &r->batch);
    }
    while (max-- > 0 && (p = anth_sink_next(&r->batch, &r->pos, &h)) != NULL) {
        anth_buf_append(&r->seen, p, h.elen);
        anth_buf_putc(&r->seen, '=');
        anth_buf_append(&r->seen, p + h.elen, h.dlen);
        anth_buf_putc(&r->seen, ';');
        r->count++;
    }
}

static void drain(reader *r, anth_sink *k) {
    size_t before;
    do {
        before = r->count;
        read_some(r, k, 1000000);
    } while (r->count != before || anth_sink_queued(k) > 0);
}

/* An SSE stream of n events, and the "name=data;" string a reader should see. */
static void make_stream(int n, anth_buf *sse, anth_buf *want) {
    int i;
    char line[96];
    for (i = 0; i < n; i++) {
        int len = snprintf(line, sizeof line, "event: e%d\ndata: {\"i\":%d,\"pad\":\"%.*s\"}\n\n", i % 7, i,
                           (int)(rnd() % 40), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        anth_buf_append(sse, line, (size_t)len);
    }
    /* the wanted string, read off the same text by hand */
    {
        const char *p = sse->data, *end = sse->data + sse->len;
        while (p < end) {
            const char *name = p + 7, *nl = memchr(name, '\n', (size_t)(end - name));
            const char *data = nl + 7, *nl2 = memchr(data, '\n', (size_t)(end - data));
            anth_buf_append(want, name, (size_t)(nl - name));
            anth_buf_putc(want, '=');
            anth_buf_append(want, data, (size_t)(nl2 - data));
            anth_buf_putc(want, ';');
            p = nl2 + 2;
        }
    }
}

/* Feeds the stream in random chunks, publishing after each (as on_body
 * does) and reading a random number of events in between. */
static void test_interleaved(int n, int trial) {
    anth_sink k;
    anth_buf sse, want;
    reader r;
    size_t at = 0;
    anth_sink_init(&k);
    k.kind = ANTH_SINK_EVENTS;
    anth_buf_init(&sse);
    anth_buf_init(&want);
    memset(&r, 0, sizeof r);
    anth_buf_init(&r.batch);
    anth_buf_init(&r.seen);
    make_stream(n, &sse, &want);
    while (at < sse.len) {
        size_t step = 1 + rnd() % (trial % 2 ? 700 : 40);
        if (step > sse.len - at) step = sse.len - at;
        CHECK(anth_sink_feed(&k, sse.data + at, step) == NULL);
        at += step;
        if (rnd() % 3 != 0) CHECK(anth_sink_publish(&k) == NULL); /* sometimes two feeds, one publish */
        if (rnd() % 2) read_some(&r, &k, (int)(rnd() % 5));
    }
    CHECK(anth_sink_publish(&k) == NULL);
    CHECK(k.nevents == (size_t)n);
    CHECK(k.nfresh == 0);
    drain(&r, &k);
    CHECK(r.count == (size_t)n);
    CHECK(r.seen.len == want.len && memcmp(r.seen.data, want.data, want.len) == 0);
    CHECK(anth_sink_queued(&k) == 0);
    anth_sink_free(&k);
    anth_buf_free(&sse);
    anth_buf_free(&want);
    anth_buf_free(&r.batch);
    anth_buf_free(&r.seen);
}

/* Publishing hands over the fresh buffer itself as a chunk, and taking
 * hands the batch's memory back as a spare that the next publish makes the
 * fresh buffer: no copy, and no allocation once the buffers have grown.
 * Chunks are taken oldest first, one at a time; spares beyond
 * ANTH_SPARE_CHUNKS are let go of by the next publish. */
static void test_chunks(void) {
    anth_sink k;
    anth_buf batch;
    static const char ev[] = "event: a\ndata: 1\n\n";
    char *mem[8];
    int i;
    anth_sink_init(&k);
    k.kind = ANTH_SINK_EVENTS;
    anth_buf_init(&batch);
    CHECK(anth_sink_take(&k, &batch) == 0); /* nothing queued: nothing taken */
    CHECK(anth_sink_feed(&k, ev, sizeof ev - 1) == NULL);
    CHECK(anth_sink_queued(&k) == 0); /* fed, not published */
    mem[0] = k.fresh.data;
    CHECK(anth_sink_publish(&k) == NULL);
    CHECK(k.head != NULL && k.head->buf.data == mem[0]); /* the chunk is the fed buffer */
    CHECK(k.fresh.len == 0 && anth_sink_queued(&k) == sizeof(anth_event_head) + 2);
    CHECK(anth_sink_take(&k, &batch) == 1);
    CHECK(batch.data == mem[0] && anth_sink_queued(&k) == 0 && k.head == NULL && k.tail == NULL);
    /* three more, published one by one: three chunks, taken in order */
    for (i = 1; i <= 3; i++) {
        CHECK(anth_sink_feed(&k, ev, sizeof ev - 1) == NULL);
        mem[i] = k.fresh.data;
        CHECK(anth_sink_publish(&k) == NULL);
    }
    CHECK(k.nevents == 4);
    for (i = 1; i <= 3; i++) {
        char *spent = batch.data;
        size_t pos = 0, n = 0;
        anth_event_head h;
        batch.len = 0;
        CHECK(anth_sink_take(&k, &batch) == 1);
        CHECK(batch.data == mem[i]);
        CHECK(k.spare != NULL && k.spare->buf.data == spent && k.spare->buf.len == 0); /* handed back */
        while (anth_sink_next(&batch, &pos, &h) != NULL) n++;
        CHECK(n == 1);
    }
    CHECK(anth_sink_take(&k, &batch) == 0);
    /* a spare's memory becomes the fresh buffer at the next publish */
    {
        char *spare_mem = k.spare->buf.data;
        CHECK(anth_sink_feed(&k, ev, sizeof ev - 1) == NULL);
        CHECK(anth_sink_publish(&k) == NULL);
        CHECK(k.fresh.data == spare_mem && k.fresh.len == 0);
    }
    /* a backlog taken leaves many spares; the next publish trims them */
    for (i = 0; i < ANTH_SPARE_CHUNKS + 3; i++) {
        CHECK(anth_sink_feed(&k, ev, sizeof ev - 1) == NULL);
        CHECK(anth_sink_publish(&k) == NULL);
    }
    while (anth_sink_take(&k, &batch) == 1) batch.len = 0;
    CHECK(k.nspare > ANTH_SPARE_CHUNKS);
    CHECK(anth_sink_feed(&k, ev, sizeof ev - 1) == NULL);
    CHECK(anth_sink_publish(&k) == NULL);
    CHECK(k.nspare <= ANTH_SPARE_CHUNKS);
    anth_sink_free(&k);
    anth_buf_free(&batch);
}

/* JSONL: lines split across chunks; the last line without "\n" is queued
 * and published by the end of a complete body, not of a broken one. */
static void test_lines(void) {
    static const char body[] = "{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}";
    int complete;
    for (complete = 0; complete <= 1; complete++) {
        anth_sink k;
        reader r;
        size_t i;
        anth_sink_init(&k);
        k.kind = ANTH_SINK_LINES;
        memset(&r, 0, sizeof r);
        anth_buf_init(&r.batch);
        anth_buf_init(&r.seen);
        for (i = 0; i < sizeof body - 1; i += 3) {
            size_t n = sizeof body - 1 - i < 3 ? sizeof body - 1 - i : 3;
            CHECK(anth_sink_feed(&k, body + i, n) == NULL);
            CHECK(anth_sink_publish(&k) == NULL);
        }
        CHECK(anth_sink_end(&k, complete) == NULL);
        drain(&r, &k);
        if (complete) {
            CHECK(r.count == 3);
            CHECK(r.seen.len == 27 && memcmp(r.seen.data, "={\"a\":1};={\"b\":2};={\"c\":3};", 27) == 0);
        } else {
            CHECK(r.count == 2);
        }
        anth_sink_free(&k);
        anth_buf_free(&r.batch);
        anth_buf_free(&r.seen);
    }
}

int main(void) {
    int trial;
    rng = 0x2545F491UL;
    for (trial = 0; trial < 200; trial++) test_interleaved(1 + (int)(rnd() % 300), trial);
    test_chunks();
    test_lines();
    printf("sink_test: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
