/* The easy transfer: one HTTP exchange (one attempt of a request), made from
 * a Lua spec table on the Lua thread, run by its session's network thread
 * (session.c), its answer kept in the transfer (head, body) or handed to its
 * sink (sink.h). transfer.c makes it, gets the bytes from libcurl's callbacks
 * and ends it; response.c reads the answer back; session.c and wait.c drive
 * and wait for it.
 *
 * Two threads touch a transfer: the Lua thread that made it and its
 * session's network thread, which alone calls libcurl's multi functions and
 * runs its callbacks. Everything the network thread writes (the answer, the
 * state, the queues) is read and written under the session's mutex; the Lua
 * thread never calls Lua while it holds it, and the network thread never
 * calls Lua at all.
 *
 * The session struct is here too: a transfer joins and leaves its session's
 * lists and spare handles itself, so transfer.c never calls into session.c
 * (which creates, runs and closes the session, and calls down into this). */
#ifndef ANTH_TRANSFER_H
#define ANTH_TRANSFER_H

#include "platform.h"
#include <curl/curl.h>
#include "compat.h"
#include "buffer.h"
#include "body.h"
#include "sink.h"
#include "easy.h"

#define ANTH_SESSION_MT "anthropic.session"
#define ANTH_TRANSFER_MT "anthropic.transfer"

typedef struct anth_transfer anth_transfer;

/* Work the Lua thread asks of the network thread, for one transfer. */
enum { ANTH_CMD_ADD = 1, ANTH_CMD_REMOVE = 2, ANTH_CMD_RESUME = 4 };

/* A session: heap memory shared by its Lua object, its network thread and
 * its transfers (refs), so its mutex outlives whichever goes first. */
typedef struct anth_session {
    CURLM *multi;        /* the network thread's alone while it runs */
    CURLSH *share;       /* TLS sessions and DNS answers, shared by every transfer of the session */
    anth_mutex_t mu;     /* guards everything below, and every transfer's answer */
    anth_cond_t changed; /* broadcast when a transfer got somewhere */
    anth_thread_t thread;
    int has_thread;
    anth_fork_guard fork_guard; /* tells a forked child (which has no network thread) */
    int stop;            /* the network thread is asked to end */
    int refs;            /* the Lua object, and each transfer made in it */
    int closed;
    anth_transfer *active;   /* transfers queued for or inside multi, linked through next */
    anth_transfer *commands; /* transfers with work for the network thread, through next_cmd */
    anth_easy spare[4];      /* finished easy handles kept for reuse (easy.h) */
    int nspare;
    unsigned long generation; /* counts the network thread's rounds that changed something */
    unsigned long seen;       /* the generation sess:perform last saw */
    int dirty;                /* a transfer changed in this round */
    int wake[2];              /* the host loop's descriptor: readable after a change */
    int watched;              /* a host loop asked for the descriptor (sess:fd) */
    int wake_pending;         /* it was signalled and not acknowledged yet (sess:ack) */
    double yield_again_at;    /* network thread only: when it may yield again (session.c) */
    int last_count;           /* Lua thread only: sess:perform's last count */
    int proxy_env;            /* a proxy variable was set when the session was made */
    char accept_encoding[64]; /* "Accept-Encoding: gzip, deflate, br, zstd" as this libcurl decodes; "" none */
} anth_session;

typedef enum { ANTH_T_RUNNING, ANTH_T_DONE, ANTH_T_FAILED } anth_tstate;

struct anth_transfer {
    anth_session *sess; /* NULL once detached from its session */
    anth_session *home; /* the session it was made in (a reference, kept to the end) */
    anth_transfer *next;
    anth_transfer *next_cmd;
    int cmd;              /* ANTH_CMD_* asked and not done yet */
    anth_easy easy;       /* its libcurl handle (easy.curl NULL: none) */
    struct curl_slist *headers;          /* its own header lines, or NULL */
    struct anth_headers *shared_headers; /* or a client's shared set (a reference; headers.h) */
    anth_tstate state;
    int resuming;         /* network thread: inside curl_easy_pause(CONT) (see on_body) */
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
    int compressed;       /* the answer may come compressed: Accept-Encoding is sent */
    anth_buf took;        /* the Lua thread's copy of what it reads (the head, the body) */
    anth_buf batch;       /* the Lua thread's events, taken from the queue all at once, */
    size_t batch_pos;     /* read from here on (see anth_transfer_take_events) */
    anth_sink sink;       /* where a 2xx body goes (kind ANTH_SINK_BODY: nowhere, kept) */
    curl_mime *mime;      /* a multipart body */
    /* t:text_to: the appender the text deltas of block text_index go to (NULL
     * until named), kept alive by the object's user value. Lua thread only. */
    struct anth_appender *text_to;
    lua_Integer text_index;
    const anth_body *rbody; /* a body with splices, read by libcurl piece by piece */
    size_t rpos;
    char errbuf[CURL_ERROR_SIZE];
};

static inline anth_transfer *anth_check_transfer(lua_State *L, int idx) {
    return (anth_transfer *)anth_checkudata(L, idx, ANTH_TRANSFER_MT);
}

/* "running", "done" or "failed". */
static inline const char *anth_transfer_state_name(const anth_transfer *t) {
    return t->state == ANTH_T_RUNNING ? "running" : t->state == ANTH_T_DONE ? "done" : "failed";
}

/* sess:request(spec): pushes a new transfer, handed to s's network thread;
 * the session object is at stack index 1. Raises on a bad spec. */
int anth_transfer_new(lua_State *L, anth_session *s, int spec);

/* Network thread, s->mu held: libcurl reports t done with code (or its idle
 * timeout passed): its result is kept and t leaves its session. No-op
 * unless t is running. */
void anth_transfer_finish(anth_transfer *t, CURLcode code);

/* Network thread (or the Lua thread once the network thread is gone), s->mu
 * held: takes t out of its session (a running t is aborted), returning its
 * easy handle to the session's spares. Keeps the results; idempotent. */
void anth_transfer_detach(anth_transfer *t);

/* Network thread, s->mu held: carries out what the Lua thread asked of t. */
void anth_transfer_command(anth_transfer *t);

/* Lua thread, s->mu held: queues cmd for the network thread (the caller
 * wakes it with curl_multi_wakeup after unlocking). */
void anth_transfer_ask(anth_transfer *t, int cmd);

/* Lua thread, t->home->mu held, t->batch read to its end: takes the oldest
 * chunk of queued events into t->batch, so that the Lua thread reads them
 * without the lock (one lock per chunk, not per event: the network thread
 * seldom makes it wait); once the queue is empty, asks the network thread
 * to let libcurl go on if the full queue had paused it. Returns whether the
 * network thread must be woken. */
int anth_transfer_take_events(anth_transfer *t);

/* Bytes of events t's queue and the Lua thread's batch hold, not read yet
 * (Lua thread, t->home->mu held). */
static inline size_t anth_transfer_queued(const anth_transfer *t) {
    return anth_sink_queued(&t->sink) + (t->batch.len - t->batch_pos);
}

/* Whether this process is a forked child of the one that made s. The
 * child has no network thread, and s->mu may have been copied locked (held
 * by that thread at the fork): only this thread runs in the child's copy,
 * so the paths that read or close things there take no lock at all. */
static inline int anth_session_forked(const anth_session *s) {
    return anth_forked(&s->fork_guard);
}

/* The session's lock, taken around every read of a transfer's answer (not
 * in a forked child: see anth_session_forked). */
static inline void anth_transfer_lock(const anth_transfer *t) {
    if (!anth_session_forked(t->home)) anth_mutex_lock(&t->home->mu);
}
/* The same for a look of the Lua thread that must not wait (a host loop's
 * poll): 1 when taken, 0 when another thread holds the lock right now; then
 * the look answers "nothing new yet" and the next one sees it. The network
 * thread holds it briefly, but it may be descheduled meanwhile, for as long
 * as the kernel gives another thread its core. */
static inline int anth_transfer_trylock(const anth_transfer *t) {
    return anth_session_forked(t->home) || anth_mutex_trylock(&t->home->mu);
}
static inline void anth_transfer_unlock(const anth_transfer *t) {
    if (!anth_session_forked(t->home)) anth_mutex_unlock(&t->home->mu);
}

/* The message a forked child gets for using its parent's client. */
#define ANTH_FORKED_MESSAGE "anthropic: a client cannot be used in a forked child process (make a new one there)"

/* Lua thread, s->mu not held: lets the network thread see new commands now
 * (it may wait inside libcurl). Without a network thread yet, the next wait
 * runs them; in a forked child there is none, and the wakeup socket is the
 * parent's. */
static inline void anth_session_kick(anth_session *s) {
    if (s->has_thread && !anth_session_forked(s)) curl_multi_wakeup(s->multi);
}

/* Drops a reference to s; the last one frees it (mutex included). */
void anth_session_release(anth_session *s);

#endif
