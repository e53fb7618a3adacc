/* AWS event stream decoder (application/vnd.amazon.eventstream, the framing
 * of Bedrock's invoke-with-response-stream). Plain C, no Lua. Modelled on
 * sse.h: feed the response body in chunks of any size with anth_es_feed();
 * the callback is called once per complete frame, in order, and the result
 * does not depend on how the body is cut.
 *
 * A frame (all integers big-endian): total length (4), header length (4),
 * CRC32 of those 8 bytes (4), headers, payload, CRC32 of everything before
 * it (4). Each header: name length (1), name, type (1), value (types: 0 true,
 * 1 false, 2 int8, 3 int16, 4 int32, 5 int64, 6 bytes, 7 string, 8 timestamp,
 * 9 uuid; 6 and 7 carry a 2-byte length).
 *
 * Both CRCs are checked (zlib's crc32); a header block over 128 KiB or a
 * payload over max_payload is refused as soon as the 12-byte prelude says so,
 * before anything is buffered, so memory stays bounded whatever the input.
 * Frames lying inside one chunk are decoded in place; only a frame cut by a
 * chunk end is copied into the decoder. */
#ifndef ANTH_EVENTSTREAM_H
#define ANTH_EVENTSTREAM_H

#include <stddef.h>
#include <stdint.h>
#include "buffer.h"

#define ANTH_ES_PRELUDE 12
#define ANTH_ES_MIN_FRAME 16
#define ANTH_ES_MAX_HEADERS ((size_t)128 * 1024)
/* Default for max_payload (botocore's limit): 16 MiB. */
#define ANTH_ES_MAX_PAYLOAD ((size_t)16 * 1024 * 1024)

/* anth_es_feed() results besides 0 and the callback's own nonzero values. */
#define ANTH_ES_ENOMEM (-1)
#define ANTH_ES_ETOOBIG (-2) /* header block or payload over the limits */
#define ANTH_ES_ECRC (-3)    /* prelude or message CRC mismatch */
#define ANTH_ES_EFORMAT (-4) /* impossible lengths, bad or duplicate header */

/* A string view; p is NULL when the header is absent. */
typedef struct anth_es_str {
    const char *p;
    size_t n;
} anth_es_str;

/* One decoded frame; every pointer points into the frame and is valid only
 * during the callback. The well-known headers are filled when present with
 * type string (7) or bytes (6). */
typedef struct anth_es_frame {
    anth_es_str message_type;   /* :message-type   "event", "exception", "error" */
    anth_es_str event_type;     /* :event-type     "chunk" */
    anth_es_str exception_type; /* :exception-type "throttlingException", ... */
    anth_es_str content_type;   /* :content-type   "application/json" */
    anth_es_str error_code;     /* :error-code    (message type "error") */
    anth_es_str error_message;  /* :error-message (message type "error") */
    const char *headers;        /* the raw header block, see anth_es_header_next */
    size_t headers_len;
    const char *payload;
    size_t payload_len;
    const char *raw;            /* the whole frame */
    size_t raw_len;
} anth_es_frame;

/* One header, from anth_es_header_next. For types 6, 7 and 9 value/vlen hold
 * the bytes; for 0/1 ival is 1/0; for 2-5 and 8 ival holds the integer. */
typedef struct anth_es_header {
    const char *name;
    size_t nlen;
    int type;
    const char *value;
    size_t vlen;
    int64_t ival;
} anth_es_header;

/* Return 0 to go on; any other value stops decoding and is returned by
 * anth_es_feed(). Must not call anth_es_feed() or anth_es_free(). */
typedef int (*anth_es_cb)(void *ud, const anth_es_frame *f);

typedef struct anth_es {
    /* Public, settable after anth_es_init(): the largest payload accepted. */
    size_t max_payload;

    /* Private. */
    anth_es_cb cb;
    void *ud;
    anth_buf partial; /* a frame cut by the end of a chunk */
    size_t expect;    /* its total length once its prelude is in, else 0 */
    anth_buf names;   /* scratch: header names, for the duplicate check */
    int err;          /* sticky negative error, or 0 */
} anth_es;

/* Never fails; allocates nothing until needed. */
void anth_es_init(anth_es *d, anth_es_cb cb, void *ud);

/* Decodes len more bytes (buf may be NULL when len is 0). Returns 0 when all
 * were consumed; the callback's nonzero value (the rest of this call's input
 * is dropped; the decoder stays consistent); or a negative ANTH_ES_* error,
 * after which the stream is abandoned and every feed returns the same error.
 * Frames before the bad one were delivered. */
int anth_es_feed(anth_es *d, const char *buf, size_t len);

/* Nonzero when the input so far ends inside a frame (or after an error): at
 * the end of the body this means the stream was truncated. */
int anth_es_pending(const anth_es *d);

/* A short description of an ANTH_ES_* error (never holds stream bytes). */
const char *anth_es_strerror(int err);

void anth_es_free(anth_es *d);

/* Decodes one complete frame of exactly len bytes into *f (both CRCs, the
 * lengths and the headers checked, max_payload as the payload limit).
 * scratch is working memory the caller frees. Returns 0 or an ANTH_ES_* error. */
int anth_es_decode_frame(const char *frame, size_t len, size_t max_payload, anth_buf *scratch,
                         anth_es_frame *f);

/* Iterates over a header block: *pos starts at 0. Returns 1 with *h filled,
 * 0 at the end, ANTH_ES_EFORMAT for a malformed block. */
int anth_es_header_next(const char *block, size_t len, size_t *pos, anth_es_header *h);

/* A Bedrock chunk frame's payload, {"bytes":"<base64>", ...}: appends the
 * decoded bytes (one Anthropic stream event, JSON) to out. Returns 0, or -1
 * with *why set (a static message: not a JSON object, no "bytes" string, bad
 * base64, out of memory). */
int anth_es_chunk_event(const char *payload, size_t n, anth_buf *out, const char **why);

/* Encodes one frame (for tests, fuzzing and fakes): the headers given as
 * string headers (type 7), then the payload. Returns 0 or -1 (memory, or a
 * name/value too long for the format). */
int anth_es_encode(anth_buf *out, const char *const *names, const char *const *values, size_t nheaders,
                   const char *payload, size_t plen);

#endif
