/* Tests of the sinks' event queue (csrc/sink.c) as the two threads use it:
 * the feeding thread parses into its own buffer and publishes; the reading
 * thread takes the whole queue at once and reads the batch by itself.
 * Checked: every event arrives once and in order, whatever the chunking and
 * however publishing and taking interleave; the event count; memory handed
 * back and forth between queue and batch; the JSONL sink's last line, queued
 * by the end. Standalone, no Lua, no threads (the lock is the caller's).
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

/* Reads part of the batch (at most max events); takes the queue when the
 * batch is read through, as response.c does. */
static void read_some(reader *r, anth_sink *k, int max) {
    anth_event_head h;
    const char *p;
    if (r->pos >= r->batch.len) {
        r->batch.len = r->pos = 0;
        anth_sink_take_all(k, &r->batch);
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

/* Publishing into an empty queue hands over the fresh buffer itself, and
 * taking hands the batch's memory back: no copy and no allocation once both
 * buffers have grown. */
static void test_buffers_swap(void) {
    anth_sink k;
    anth_buf batch;
    static const char ev[] = "event: a\ndata: 1\n\n";
    char *fresh_mem;
    anth_sink_init(&k);
    k.kind = ANTH_SINK_EVENTS;
    anth_buf_init(&batch);
    CHECK(anth_sink_take_all(&k, &batch) == 0); /* nothing queued: nothing taken */
    CHECK(anth_sink_feed(&k, ev, sizeof ev - 1) == NULL);
    CHECK(anth_sink_queued(&k) == 0); /* fed, not published */
    fresh_mem = k.fresh.data;
    CHECK(anth_sink_publish(&k) == NULL);
    CHECK(k.events.data == fresh_mem); /* the queue is the fed buffer */
    CHECK(k.fresh.len == 0);
    CHECK(anth_sink_take_all(&k, &batch) == 1);
    CHECK(batch.data == fresh_mem && anth_sink_queued(&k) == 0);
    /* a second event goes into a queue that is not empty: appended */
    CHECK(anth_sink_feed(&k, ev, sizeof ev - 1) == NULL);
    CHECK(anth_sink_publish(&k) == NULL);
    CHECK(anth_sink_feed(&k, ev, sizeof ev - 1) == NULL);
    CHECK(anth_sink_publish(&k) == NULL);
    CHECK(k.nevents == 3);
    batch.len = 0;
    CHECK(anth_sink_take_all(&k, &batch) == 1);
    {
        size_t pos = 0, n = 0;
        anth_event_head h;
        while (anth_sink_next(&batch, &pos, &h) != NULL) n++;
        CHECK(n == 2);
    }
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
    test_buffers_swap();
    test_lines();
    printf("sink_test: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
