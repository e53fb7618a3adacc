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
 * so a stream of any length runs in constant memory (at most about twice
 * this: the queue, and the batch the Lua thread took from it and reads).
 * (Over HTTP/2, libcurl 7.88 keeps receiving a paused stream into a buffer
 * of its own, up to the stream's 32 MB window; all it kept comes into the
 * queue when the stream resumes: transfer.c on_body.) */
#define ANTH_QUEUE_MAX ((size_t)16 * 1024)

/* Taken chunks kept for their memory when publishing (sink.c; at least 1). */
#define ANTH_SPARE_CHUNKS 4

/* The head of one queued event; the event name and the data follow it. */
typedef struct anth_event_head {
    size_t elen, dlen;
} anth_event_head;

/* The events of one feed, published as they are: the queue is a list of
 * them, so that publishing and taking move a buffer and copy nothing (the
 * lock is held for a few pointer moves, never for a copy or a first touch
 * of fresh memory, however far the reader is behind). */
typedef struct anth_chunk {
    anth_buf buf;
    struct anth_chunk *next;
} anth_chunk;

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
    anth_buf fresh;    /* events fed and not published yet: the feeding thread's own */
    size_t nfresh;     /* how many */
    anth_chunk *head;  /* the queue, oldest first: events, each an anth_event_head */
    anth_chunk *tail;  /* then its bytes */
    size_t queued;     /* bytes in the queue */
    anth_chunk *spare; /* taken chunks, their memory kept for the next publishes */
    int nspare;        /* how many (publishing trims them to ANTH_SPARE_CHUNKS) */
    size_t nevents;    /* events queued so far */
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

/* Takes len more body bytes: the events they complete wait in k->fresh,
 * which only the feeding thread touches, so it parses without any lock.
 * Returns NULL, or the kind of error that ends the transfer:
 * "event_too_large", "out_of_memory", "write_error", and for an AWS event
 * stream "bad_crc", "malformed_frame", "bad_chunk". */
const char *anth_sink_feed(anth_sink *k, const char *p, size_t len);

/* Queues the events fed since the last call, where the reader takes them
 * (call it under the lock the reader takes). Returns "out_of_memory" or NULL. */
const char *anth_sink_publish(anth_sink *k);

/* The body has ended (complete: it ended well): queues the last line of a
 * JSONL body that lacks its "\n" and publishes, closes the file. Returns
 * "write_error" when a complete body could not be written out, else NULL.
 * Idempotent. */
const char *anth_sink_end(anth_sink *k, int complete);

/* Bytes queued and not taken yet. */
static inline size_t anth_sink_queued(const anth_sink *k) {
    return k->queued;
}

/* Takes the oldest chunk of queued events: its events move to *into (whose
 * bytes, all read, are dropped; its memory goes back to the feeding side),
 * so whoever reads them does so without the queue. Returns whether any
 * were queued. */
int anth_sink_take(anth_sink *k, anth_buf *into);

/* The event at *pos in a buffer of events (from anth_sink_take): its
 * head in *h and a pointer to its name (the data follows), *pos moved past
 * it; NULL at the end. */
const char *anth_sink_next(const anth_buf *events, size_t *pos, anth_event_head *h);

/* What an error kind of anth_sink_feed means, for messages; NULL for others. */
const char *anth_sink_error_message(const char *kind);

/* Whether the stream stopped inside an event (a stream cut short). */
int anth_sink_partial(const anth_sink *k);

#endif
