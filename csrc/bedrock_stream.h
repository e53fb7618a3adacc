/* The Bedrock flavour of a streaming response (invoke-with-response-stream):
 * each decoded event-stream frame becomes the (event name, data) pair the SSE
 * path queues, so everything after it (the transfer's event queue, JSON
 * decoding in Lua, accumulation) is the same as for text/event-stream.
 * Plain C, no Lua; the policy (statuses, retries) stays in Lua.
 *
 *   event frame, :event-type chunk -> name = the event JSON's "type", data =
 *       the event JSON (the payload's base64 "bytes", decoded); a chunk
 *       whose event has no string "type" is skipped (as the TS SDK does);
 *   exception frame  -> name "error", data
 *       {"type":"error","error":{"type":<:exception-type>,"message":<the
 *       payload's "message">}} (the shape of the TS SDK 1.x); the stream
 *       ends after it;
 *   error frame      -> the same from :error-code and :error-message;
 *   any other frame  -> skipped.
 *
 * Plugging into the streaming transfer (sink.c): when a 2xx answer
 * of an events transfer has content type application/vnd.amazon.eventstream,
 * feed the body to an anth_es (one per transfer) instead of the anth_sse; its
 * callback calls anth_bedrock_frame and queues EVENT and END results exactly
 * as the SSE callback queues (name, data); after END it returns a nonzero
 * value and the transfer ignores the rest of the body. Negative feed results
 * fail the transfer (ANTH_ES_ECRC "bad_crc", ANTH_ES_ETOOBIG
 * "event_too_large", ANTH_ES_EFORMAT "malformed_frame", BAD "bad_chunk");
 * anth_es_pending() at the end of the body means a truncated frame.
 */
#ifndef ANTH_BEDROCK_STREAM_H
#define ANTH_BEDROCK_STREAM_H

#include "buffer.h"
#include "eventstream.h"

#define ANTH_BEDROCK_EVENT 0  /* name and data hold an event */
#define ANTH_BEDROCK_SKIP 1   /* nothing to queue */
#define ANTH_BEDROCK_END 2    /* an error event: queue it, then end the stream */
#define ANTH_BEDROCK_BAD (-1) /* a chunk that cannot be read: *why says why */

/* name and data are emptied first, then filled. Returns one of the above. */
int anth_bedrock_frame(const anth_es_frame *f, anth_buf *name, anth_buf *data, const char **why);

#endif
