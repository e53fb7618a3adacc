/* The easy transfer: one HTTP exchange (one attempt of a request), made from
 * a Lua spec table, run by its session's multi handle, its answer kept in the
 * transfer (head, body) or handed to its sink (sink.h). transfer.c makes it,
 * gets the bytes from libcurl's callbacks and ends it; response.c reads the
 * answer back; session.c and wait.c drive it.
 *
 * The session struct is here too: a transfer joins and leaves its session's
 * list and spare handles itself, so transfer.c never calls into session.c
 * (which creates, drives and closes the session, and calls down into this).
 * No Lua code ever runs inside a libcurl callback: callbacks only copy bytes. */
#ifndef ANTH_TRANSFER_H
#define ANTH_TRANSFER_H

#include "platform.h"
#include <curl/curl.h>
#include "compat.h"
#include "buffer.h"
#include "body.h"
#include "sink.h"
#include "socket_driver.h"

#define ANTH_SESSION_MT "anthropic.session"
#define ANTH_TRANSFER_MT "anthropic.transfer"

typedef struct anth_transfer anth_transfer;

typedef struct anth_session {
    CURLM *multi;
    CURLSH *share; /* TLS sessions and DNS answers, shared by every transfer of the session */
    anth_transfer *active; /* transfers added to multi, linked through next */
    CURL *spare[4];        /* finished easy handles kept for reuse */
    int nspare;
    int closed;
    anth_driver *driver; /* while a host loop drives the session (sess:watch()) */
} anth_session;

typedef enum { ANTH_T_RUNNING, ANTH_T_DONE, ANTH_T_FAILED } anth_tstate;

struct anth_transfer {
    anth_session *sess; /* NULL once detached from its session */
    anth_transfer *next;
    CURL *easy;
    struct curl_slist *headers;
    anth_tstate state;
    int added;            /* currently inside sess->multi */
    const char *err_kind; /* "connection", "timeout", "aborted", ... */
    CURLcode code;
    long status;
    anth_buf head;        /* raw header lines of the last response */
    anth_buf body;
    double idle_timeout;  /* seconds without a byte before giving up, 0 = none */
    double last_byte;     /* monotonic seconds of the last received byte */
    int head_done;        /* the final response's header block has ended */
    int mode;             /* 0 not known yet, 1 the body is kept as bytes, 2 it goes to the sink */
    int paused;           /* the queue is full: libcurl waits until Lua takes events */
    anth_sink sink;       /* where a 2xx body goes (kind ANTH_SINK_BODY: nowhere, kept) */
    curl_mime *mime;      /* a multipart body */
    const anth_body *rbody; /* a body with splices, read by libcurl piece by piece */
    size_t rpos;
    char errbuf[CURL_ERROR_SIZE];
};

static inline anth_transfer *anth_check_transfer(lua_State *L, int idx) {
    return (anth_transfer *)luaL_checkudata(L, idx, ANTH_TRANSFER_MT);
}

/* "running", "done" or "failed". */
static inline const char *anth_transfer_state_name(const anth_transfer *t) {
    return t->state == ANTH_T_RUNNING ? "running" : t->state == ANTH_T_DONE ? "done" : "failed";
}

/* sess:request(spec): pushes a new transfer, already added to s's multi
 * handle; the session is at stack index 1. Raises on a bad spec. */
int anth_transfer_new(lua_State *L, anth_session *s, int spec);

/* libcurl reports t done with code: its result is kept and t leaves its
 * session. No-op unless t is running. */
void anth_transfer_finish(anth_transfer *t, CURLcode code);

/* Takes t out of its session (a running t is aborted), returning its easy
 * handle to the session's spares. Keeps the results; idempotent. */
void anth_transfer_detach(anth_transfer *t);

/* Takes the queued event anth_sink_peek gave; when that empties the queue,
 * lets libcurl go on if it was paused. */
void anth_transfer_take_event(anth_transfer *t, const anth_event_head *h);

#endif
