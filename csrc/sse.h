/* Server-Sent Events parser (the parsing rules of the WHATWG HTML standard,
 * "9.2 Server-sent events", section "Interpreting an event stream").
 * Plain C, no Lua.
 *
 * Feed the body of a text/event-stream response in chunks of any size with
 * anth_sse_feed(); the callback is called once per dispatched event, in order.
 * The result does not depend on how the stream is cut into chunks.
 *
 *  - Lines end with "\r\n", "\n" or "\r" (a "\r" ending one chunk and a "\n"
 *    starting the next are one line end).
 *  - One UTF-8 byte order mark at the very start of the stream is skipped.
 *  - A line starting with ':' is a comment. "name:value" with one optional
 *    space after the colon removed; a line without a colon is a field name
 *    with an empty value. Fields: event, data, id (ignored if the value has a
 *    NUL byte), retry (only ASCII digits, saturating at LONG_MAX); others are
 *    ignored.
 *  - A blank line dispatches: with no data line since the last dispatch,
 *    nothing is called (the event type is reset); otherwise the callback gets
 *    the event type ("message" when none or empty) and the data lines joined
 *    with "\n".
 *  - At the end of the stream an unterminated event is not dispatched;
 *    anth_sse_pending() tells whether one was left.
 *
 * Time is linear in the input for any chunking: every input byte is scanned
 * once, lines lying inside one chunk are parsed in place and only the partial
 * line at the end of a chunk is copied into the parser.
 */
#ifndef ANTH_SSE_H
#define ANTH_SSE_H

#include <stddef.h>
#include "buffer.h"

/* Called for each dispatched event. event/elen: the event type; data/dlen:
 * the data. Both are NUL-terminated (the length does not count the NUL; data
 * may itself contain NUL bytes) and valid only during the call. The event's id
 * is anth_sse_last_id() during the call. Return 0 to go on; any other value
 * stops parsing and is returned by anth_sse_feed(). The callback must not call
 * anth_sse_feed() or anth_sse_free() on the same parser. */
typedef int (*anth_sse_cb)(void *ud, const char *event, size_t elen,
                           const char *data, size_t dlen);

/* Default for max_event: 64 MiB. */
#define ANTH_SSE_MAX_EVENT ((size_t)64 * 1024 * 1024)
/* A line may be this much longer than max_event ("data: " plus slack). */
#define ANTH_SSE_LINE_SLACK ((size_t)16)

/* anth_sse_feed() results besides 0 and the callback's own nonzero values. */
#define ANTH_SSE_ENOMEM (-1)
#define ANTH_SSE_ETOOBIG (-2)

typedef struct anth_sse {
    /* Public, settable after anth_sse_init() (also between feeds): the largest
     * data of one event, in bytes (the data as passed to the callback). A line
     * longer than max_event + ANTH_SSE_LINE_SLACK bytes is refused the same way,
     * so a stream without line ends cannot grow the parser without bound. */
    size_t max_event;

    /* Private. */
    anth_sse_cb cb;
    void *ud;
    anth_buf line;    /* partial line carried over to the next feed */
    anth_buf data;    /* data buffer, each line followed by "\n" */
    anth_buf event;   /* event type buffer, NUL-terminated */
    anth_buf id;      /* last event ID buffer */
    anth_buf last_id; /* last event ID string, taken from id at each blank line */
    long retry;
    int bom;     /* bytes of the BOM matched so far; 3 once past the start */
    int cr;      /* the last line ended with a '\r' that ended a chunk */
    int fields;  /* a field line was seen since the last blank line */
    int named;   /* an event field was seen since the last dispatch */
    int id_new;  /* id changed since it was last copied to last_id */
    int has_id;  /* last_id holds a value */
    int err;     /* sticky negative error from an earlier feed, or 0 */
} anth_sse;

/* Never fails; allocates nothing (memory is taken on demand by feeds). */
void anth_sse_init(anth_sse *p, anth_sse_cb cb, void *ud);

/* Parses len more bytes of the stream (len 0 is allowed; buf may then be NULL).
 * Returns
 *   0                   all bytes consumed;
 *   the callback's nonzero return value: parsing stopped right after that
 *                       callback; the rest of this call's input is DROPPED
 *                       (not buffered). The parser stays consistent: a later
 *                       feed goes on as if its bytes followed the dispatched
 *                       event's blank line;
 *   ANTH_SSE_ENOMEM (-1) out of memory;
 *   ANTH_SSE_ETOOBIG (-2) an event's data would exceed max_event bytes, or a
 *                       line max_event + ANTH_SSE_LINE_SLACK bytes.
 * After -1 or -2 the stream is abandoned: every later feed returns the same
 * error; only the getters and anth_sse_free() remain useful. Events before the
 * failing line were dispatched. (A callback may itself return -1 or -2; that
 * is returned as it is, like any nonzero value, and is not sticky.) */
int anth_sse_feed(anth_sse *p, const char *buf, size_t len);

/* Nonzero when the bytes fed so far end inside an event: a partial line
 * (including the first bytes of a BOM), or field lines (of any name) not yet
 * followed by a blank line; also after a -1 or -2 error. Zero after a stream
 * that ends with a blank line, or with only comments since the last one. Call
 * at end of stream to detect truncation. */
int anth_sse_pending(const anth_sse *p);

/* The last event ID string (committed at each blank line, as the spec says;
 * during a callback, the id of the event being dispatched), NUL-terminated, or
 * NULL when no id field has been committed yet (an "id" field with an empty
 * value gives "" and length 0). len may be NULL. */
const char *anth_sse_last_id(const anth_sse *p, size_t *len);

/* During a callback: whether the event being dispatched had an event field
 * (else its type is the standard's default, "message"). */
int anth_sse_named(const anth_sse *p);

/* The last valid retry value in milliseconds, or -1 if none. Applied as soon
 * as its line is parsed (the spec does not wait for the blank line). */
long anth_sse_retry(const anth_sse *p);

/* Frees the parser's memory; init may be called again afterwards. */
void anth_sse_free(anth_sse *p);

#endif
