/* Sinks: where the body of a 2xx answer goes when it is not kept whole in
 * the transfer (spec.stream: events, from server-sent events or, when the
 * answer is application/vnd.amazon.eventstream, from Bedrock's AWS event
 * stream; spec.lines: JSONL lines; spec.output: a file). Fed with bytes from libcurl's write callback. Events and lines wait
 * in a queue of raw bytes until Lua takes them (response.c decodes them).
 * Plain C: no Lua, no libcurl. */
#ifndef ANTH_SINK_H
#define ANTH_SINK_H

#include <stdio.h>
#include "buffer.h"
#include "sse.h"
#include "eventstream.h"

enum { ANTH_SINK_BODY, ANTH_SINK_EVENTS, ANTH_SINK_LINES, ANTH_SINK_FILE };

/* Queued bytes above which the transfer pauses libcurl until Lua catches up,
 * so a stream of any length runs in constant memory. */
#define ANTH_QUEUE_MAX ((size_t)16 * 1024)

/* The head of one queued event; the event name and the data follow it. */
typedef struct anth_event_head {
    size_t elen, dlen;
} anth_event_head;

typedef struct anth_sink {
    int kind;          /* ANTH_SINK_*; ANTH_SINK_BODY: no sink */
    anth_sse sse;      /* ANTH_SINK_EVENTS */
    int aws;           /* ANTH_SINK_EVENTS from an AWS event stream (es, not sse) */
    anth_es es;        /* the frames of an AWS event stream */
    anth_buf name;     /* the event being made of a frame: its name, */
    anth_buf data;     /* and its data */
    int es_ended;      /* an exception frame ended the stream: the rest is ignored */
    anth_buf partial;  /* ANTH_SINK_LINES: the unfinished last line */
    FILE *out;         /* ANTH_SINK_FILE */
    anth_buf events;   /* queued events, each an anth_event_head then its bytes */
    size_t events_pos; /* read offset into events */
    size_t nevents;    /* events received so far */
} anth_sink;

/* Allocates nothing; kind is ANTH_SINK_BODY until set. */
void anth_sink_init(anth_sink *k);
/* Frees everything (a file still open is closed without a word). */
void anth_sink_free(anth_sink *k);

/* Opens path for writing and makes k a file sink; -1 (errno set) if it fails. */
int anth_sink_open_file(anth_sink *k, const char *path);

/* Whether the sink takes an answer with this status and content type (an
 * event sink only an event stream, SSE or AWS, or an answer without a type);
 * an event sink reads an AWS event stream from then on. */
int anth_sink_takes(anth_sink *k, long status, const char *content_type);

/* Takes len more body bytes. Returns NULL, or the kind of error that ends the
 * transfer: "event_too_large", "out_of_memory", "write_error", and for an AWS
 * event stream "bad_crc", "malformed_frame", "bad_chunk". */
const char *anth_sink_feed(anth_sink *k, const char *p, size_t len);

/* The body has ended (complete: it ended well): queues the last line of a
 * JSONL body that lacks its "\n", closes the file. Returns "write_error"
 * when a complete body could not be written out, else NULL. Idempotent. */
const char *anth_sink_end(anth_sink *k, int complete);

/* Bytes queued and not taken yet. */
static inline size_t anth_sink_queued(const anth_sink *k) {
    return k->events.len - k->events_pos;
}

/* The next queued event without taking it: its head in *h and a pointer to
 * its name (the data follows), or NULL when none is queued. */
const char *anth_sink_peek(const anth_sink *k, anth_event_head *h);

/* Takes the event anth_sink_peek just returned. Returns 1 when that emptied
 * the queue (which then starts over), else 0. */
int anth_sink_take(anth_sink *k, const anth_event_head *h);

/* What an error kind of anth_sink_feed means, for messages; NULL for others. */
const char *anth_sink_error_message(const char *kind);

/* Whether the stream stopped inside an event (a stream cut short). */
int anth_sink_partial(const anth_sink *k);

#endif
