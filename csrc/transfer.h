/* Sessions (one libcurl multi handle per client, so connections are reused)
 * and the transfers they drive. Shared by session.c, transfer.c and body.c. */
#ifndef ANTH_TRANSFER_H
#define ANTH_TRANSFER_H

#include <stdio.h>
#include <curl/curl.h>
#include "core.h"
#include "sse.h"

#define ANTH_SESSION_MT "anthropic.session"
#define ANTH_TRANSFER_MT "anthropic.transfer"
#define ANTH_BODY_MT "anthropic.body"

typedef struct anth_transfer anth_transfer;
typedef struct anth_body anth_body;

typedef struct anth_session {
    CURLM *multi;
    anth_transfer *active;  /* transfers added to multi, linked through next */
    CURL *spare[4];         /* finished easy handles kept for reuse */
    int nspare;
    int closed;
    void *driver;           /* socket_driver.c's state while a host loop drives the session */
} anth_session;

typedef enum { ANTH_T_RUNNING, ANTH_T_DONE, ANTH_T_FAILED } anth_tstate;

struct anth_transfer {
    anth_session *sess; /* NULL once detached from its session */
    anth_transfer *next;
    CURL *easy;
    struct curl_slist *headers;
    anth_tstate state;
    int added;           /* currently inside sess->multi */
    const char *err_kind; /* "connection", "timeout", "aborted", ... */
    CURLcode code;
    long status;
    anth_buf head;       /* raw header lines of the last response */
    anth_buf body;
    double idle_timeout; /* seconds without a byte before giving up, 0 = none */
    double last_byte;    /* monotonic seconds of the last received byte */
    int head_done;       /* the final response's header block has ended */
    int sink;            /* where a 2xx body goes: ANTH_SINK_* */
    int mode;            /* 0 not known yet, 1 the body is kept as bytes, 2 it goes to the sink */
    int paused;          /* the queue is full: libcurl waits until Lua takes events */
    anth_sse sse;
    anth_buf partial;    /* ANTH_SINK_LINES: the unfinished last line */
    FILE *out;           /* ANTH_SINK_FILE */
    curl_mime *mime;     /* a multipart body */
    const anth_body *rbody; /* a body with splices, read by libcurl piece by piece */
    size_t rpos;
    anth_buf events;     /* queued events, each an anth_event_head then its bytes */
    size_t events_pos;   /* read offset into events */
    size_t nevents;      /* events received so far */
    char errbuf[CURL_ERROR_SIZE];
};

/* A request body encoded once and shared by every attempt of a request.
 * Large strings are not copied into buf: each splice says that the bytes of
 * a Lua string (kept alive by the body's user value) go at offset `at` of
 * buf, so the body is buf with those pieces inserted. */
typedef struct anth_splice {
    size_t at;
    const char *p;
    size_t n;
} anth_splice;

struct anth_body {
    anth_buf buf;
    anth_splice *splices;
    size_t nsplices, capsplices;
    size_t total; /* buf.len plus every splice */
};

/* Copies up to max bytes of the body from position pos; returns how many. */
size_t anth_body_read(const anth_body *b, size_t pos, char *dst, size_t max);

/* spec.stream = true: events; spec.lines = true: one JSON value per line
 * (JSONL); spec.output = path: the body is written to a file. */
enum { ANTH_SINK_BODY, ANTH_SINK_EVENTS, ANTH_SINK_LINES, ANTH_SINK_FILE };

/* Queued bytes above which libcurl is paused until Lua catches up, so a
 * stream of any length runs in constant memory. */
#define ANTH_QUEUE_MAX ((size_t)16 * 1024)

/* The head of one queued event; the event name and the data follow it. */
typedef struct anth_event_head {
    size_t elen, dlen;
} anth_event_head;

double anth_now(void);
/* stream.c: takes the body bytes of a transfer with a sink; returns 0 or -1. */
int anth_stream_feed(anth_transfer *t, const char *p, size_t len);
/* Whether the sink takes this answer (by its status and content type). */
int anth_stream_applies(anth_transfer *t);
/* Ends the sink when the transfer is done (the last line without \n, the file). */
void anth_stream_end(anth_transfer *t);
/* upload.c: spec.multipart = list of parts {name, data | path, filename, type}. */
void anth_set_multipart(lua_State *L, anth_transfer *t, int spec);
void anth_stream_init(anth_transfer *t);
void anth_stream_free(anth_transfer *t);
void anth_open_stream_methods(lua_State *L, int methods);
anth_session *anth_check_session(lua_State *L, int idx);
/* Drives every transfer of the session, waiting at most timeout_ms for activity. */
int anth_session_drive(anth_session *s, int timeout_ms);
/* Finishes the transfers libcurl reports done, and those past their idle
 * timeout; returns the ms until the nearest idle deadline (or timeout_ms). */
int anth_session_reap(anth_session *s, int timeout_ms);
/* socket_driver.c: host-loop driving through libcurl's socket API. */
void anth_open_socket_methods(lua_State *L, int methods);
void anth_socket_driver_free(anth_session *s);
int anth_close_socket(void *session, curl_socket_t fd);
/* anth_session_drive of a watched session: poll(2) + curl_multi_socket_action. */
int anth_socket_drive(anth_session *s, int timeout_ms);
void anth_transfer_detach(anth_transfer *t);
void anth_transfer_finish(anth_transfer *t, CURLcode code);
int anth_transfer_start(lua_State *L, anth_session *s, int spec);
void anth_open_body(lua_State *L);
void anth_open_transfer_methods(lua_State *L);

#endif
