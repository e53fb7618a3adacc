/* Sinks (sink.h). */
#include <stdlib.h>
#include <string.h>
#include "sink.h"
#include "bedrock_stream.h"

static int queue_event(void *ud, const char *event, size_t elen, const char *data, size_t dlen) {
    anth_sink *k = ud;
    anth_event_head h;
    h.elen = elen;
    h.dlen = dlen;
    if (anth_buf_grow(&k->fresh, sizeof h + elen + dlen) != 0) return ANTH_SSE_ENOMEM;
    anth_buf_append(&k->fresh, &h, sizeof h);
    anth_buf_append(&k->fresh, event, elen);
    anth_buf_append(&k->fresh, data, dlen);
    k->nfresh++;
    return 0;
}

/* The API's event streams: an event without an event field is skipped, as
 * the official SDKs' SSE layer skips it. */
static int queue_sse_event(void *ud, const char *event, size_t elen, const char *data, size_t dlen) {
    anth_sink *k = ud;
    if (!anth_sse_named(&k->sse)) return 0;
    return queue_event(ud, event, elen, data, dlen);
}

/* Bedrock's streams: each frame becomes an event as an SSE event would
 * (bedrock_stream.h); an exception frame queues an error event and ends the
 * stream; a chunk that cannot be read fails the transfer. */
#define BAD_CHUNK (-100)
static int queue_frame(void *ud, const anth_es_frame *f) {
    anth_sink *k = ud;
    const char *why = NULL;
    int r = anth_bedrock_frame(f, &k->name, &k->data, &why);
    if (r == ANTH_BEDROCK_SKIP) return 0;
    if (r == ANTH_BEDROCK_BAD) return BAD_CHUNK;
    if (queue_event(k, k->name.data ? k->name.data : "", k->name.len, k->data.data ? k->data.data : "",
                    k->data.len) != 0)
        return ANTH_ES_ENOMEM;
    if (r == ANTH_BEDROCK_END) {
        k->es_ended = 1;
        return 1; /* stop reading frames */
    }
    return 0;
}

void anth_sink_init(anth_sink *k) {
    memset(k, 0, sizeof *k);
    k->kind = ANTH_SINK_BODY;
    anth_sse_init(&k->sse, queue_sse_event, k);
    anth_es_init(&k->es, queue_frame, k);
    anth_buf_init(&k->name);
    anth_buf_init(&k->data);
    anth_buf_init(&k->fresh);
    anth_buf_init(&k->partial);
}

static void free_chunks(anth_chunk *c) {
    while (c != NULL) {
        anth_chunk *next = c->next;
        anth_buf_free(&c->buf);
        free(c);
        c = next;
    }
}

void anth_sink_free(anth_sink *k) {
    if (k->out != NULL) {
        fclose(k->out);
        k->out = NULL;
    }
    anth_sse_free(&k->sse);
    anth_es_free(&k->es);
    anth_buf_free(&k->name);
    anth_buf_free(&k->data);
    anth_buf_free(&k->fresh);
    free_chunks(k->head);
    free_chunks(k->spare);
    k->head = k->tail = k->spare = NULL;
    k->queued = 0;
    k->nspare = 0;
    anth_buf_free(&k->partial);
}

int anth_sink_open_file(anth_sink *k, const char *path) {
    k->out = fopen(path, "wb");
    if (k->out == NULL) return -1;
    k->kind = ANTH_SINK_FILE;
    return 0;
}

int anth_sink_takes(anth_sink *k, long status, const char *content_type) {
    if (status < 200 || status >= 300) return 0;
    if (k->kind != ANTH_SINK_EVENTS) return 1;
    if (content_type != NULL && strstr(content_type, "vnd.amazon.eventstream") != NULL) {
        k->aws = 1;
        return 1;
    }
    return content_type == NULL || strstr(content_type, "event-stream") != NULL;
}

/* Feeds an AWS event stream. */
static const char *feed_frames(anth_sink *k, const char *p, size_t len) {
    int rc;
    if (k->es_ended) return NULL;
    rc = anth_es_feed(&k->es, p, len);
    if (rc >= 0) return NULL; /* (1: an exception frame ended the stream) */
    switch (rc) {
    case ANTH_ES_ECRC: return "bad_crc";
    case ANTH_ES_ETOOBIG: return "event_too_large";
    case ANTH_ES_EFORMAT: return "malformed_frame";
    case BAD_CHUNK: return "bad_chunk";
    default: return "out_of_memory";
    }
}

const char *anth_sink_error_message(const char *kind) {
    if (strcmp(kind, "event_too_large") == 0) return "an event was larger than the core accepts";
    if (strcmp(kind, "bad_crc") == 0) return "an event-stream frame failed its CRC check";
    if (strcmp(kind, "malformed_frame") == 0) return "an event-stream frame is malformed";
    if (strcmp(kind, "bad_chunk") == 0) return "an event-stream chunk does not hold an event";
    return NULL;
}

/* JSONL: each complete non-blank line is queued as an event without a name. */
static int feed_lines(anth_sink *k, const char *p, size_t len) {
    const char *end = p + len, *nl;
    while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        const char *line = p;
        size_t n = (size_t)(nl - p);
        if (k->partial.len > 0) {
            if (anth_buf_append(&k->partial, p, n) != 0) return -1;
            line = k->partial.data;
            n = k->partial.len;
        }
        if (n > 0 && line[n - 1] == '\r') n--;
        if (n > 0 && queue_event(k, "", 0, line, n) != 0) return -1;
        k->partial.len = 0;
        p = nl + 1;
    }
    if (p < end && anth_buf_append(&k->partial, p, (size_t)(end - p)) != 0) return -1;
    return 0;
}

const char *anth_sink_feed(anth_sink *k, const char *p, size_t len) {
    int rc = 0;
    if (k->kind == ANTH_SINK_EVENTS && k->aws) {
        return feed_frames(k, p, len);
    } else if (k->kind == ANTH_SINK_EVENTS) {
        rc = anth_sse_feed(&k->sse, p, len);
        if (rc == ANTH_SSE_ETOOBIG) return "event_too_large";
    } else if (k->kind == ANTH_SINK_LINES) {
        rc = feed_lines(k, p, len);
    } else if (k->out != NULL && fwrite(p, 1, len, k->out) != len) {
        return "write_error";
    }
    return rc != 0 ? "out_of_memory" : NULL;
}

const char *anth_sink_publish(anth_sink *k) {
    anth_chunk *c;
    anth_buf mine;
    if (k->fresh.len == 0) return NULL;
    if (k->nspare > ANTH_SPARE_CHUNKS) { /* (after a backlog: let its memory go) */
        anth_chunk *last = k->spare;
        int i;
        for (i = 1; i < ANTH_SPARE_CHUNKS; i++) last = last->next;
        free_chunks(last->next);
        last->next = NULL;
        k->nspare = ANTH_SPARE_CHUNKS;
    }
    c = k->spare;
    if (c != NULL) {
        k->spare = c->next;
        k->nspare--;
    } else {
        c = malloc(sizeof *c);
        if (c == NULL) return "out_of_memory";
        anth_buf_init(&c->buf);
    }
    /* the fresh events become the chunk; the chunk's memory, feeding's */
    mine = c->buf;
    c->buf = k->fresh;
    k->fresh = mine;
    k->fresh.len = 0;
    c->next = NULL;
    if (k->tail != NULL) k->tail->next = c;
    else k->head = c;
    k->tail = c;
    k->queued += c->buf.len;
    k->nevents += k->nfresh;
    k->nfresh = 0;
    return NULL;
}

const char *anth_sink_end(anth_sink *k, int complete) {
    const char *err = NULL;
    if (k->kind == ANTH_SINK_LINES && complete && k->partial.len > 0) {
        if (queue_event(k, "", 0, k->partial.data, k->partial.len) == 0) k->partial.len = 0;
    }
    if (anth_sink_publish(k) != NULL && complete) err = "out_of_memory";
    if (k->out != NULL) {
        if (fclose(k->out) != 0 && complete) err = "write_error";
        k->out = NULL;
    }
    return err;
}

int anth_sink_take(anth_sink *k, anth_buf *into) {
    anth_chunk *c = k->head;
    anth_buf spent = *into;
    if (c == NULL) return 0;
    k->head = c->next;
    if (k->head == NULL) k->tail = NULL;
    k->queued -= c->buf.len;
    *into = c->buf;
    spent.len = 0;
    /* Kept as a spare whatever their number: the reader frees nothing here
     * (the memory is the feeding thread's, and freeing it here would take
     * that thread's malloc arena lock); publishing trims the spares. */
    c->buf = spent;
    c->next = k->spare;
    k->spare = c;
    k->nspare++;
    return 1;
}

const char *anth_sink_next(const anth_buf *events, size_t *pos, anth_event_head *h) {
    const char *p;
    if (*pos >= events->len) return NULL;
    p = events->data + *pos;
    memcpy(h, p, sizeof *h);
    *pos += sizeof *h + h->elen + h->dlen;
    return p + sizeof *h;
}

int anth_sink_partial(const anth_sink *k) {
    if (k->aws) return !k->es_ended && anth_es_pending(&k->es);
    return anth_sse_pending(&k->sse);
}
