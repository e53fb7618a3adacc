/* The socket driver: host-loop driving (libuv, Neovim...) of a multi handle
 * through libcurl's socket API. Once a session is watched, libcurl reports
 * which sockets it wants watched, and when it wants a timeout, through two
 * callbacks that only record (they never call Lua; there is no mutable
 * global) into the driver: the sockets watched now, and the changes since the
 * host last pulled them. The driver also runs a poll round itself, for code
 * that blocks while a host loop drives the session.
 * Plain C over libcurl and the platform layer: no Lua, no session. */
#ifndef ANTH_SOCKET_DRIVER_H
#define ANTH_SOCKET_DRIVER_H

#include <stddef.h>
#include "platform.h"
#include <curl/curl.h>

typedef struct anth_sock {
    curl_socket_t fd;
    int what; /* CURL_POLL_IN, _OUT, _INOUT or _REMOVE */
} anth_sock;

typedef struct anth_driver {
    anth_sock *socks; /* the sockets libcurl wants watched now */
    size_t nsocks, capsocks;
    anth_sock *changes; /* what changed since the host last took them */
    size_t nchanges, capchanges;
    double deadline;   /* libcurl's timer: monotonic seconds, < 0 when unset */
    int timer_changed; /* the timer changed since the host last took it */
    int failed;        /* out of memory while recording */
} anth_driver;

/* A driver recording multi's sockets and timer from now on; NULL when out of
 * memory. Sockets already open are not reported until libcurl is asked
 * (curl_multi_socket_all). */
anth_driver *anth_driver_new(CURLM *multi);

/* Stops the recording (multi may be NULL once cleaned up) and frees d. */
void anth_driver_free(anth_driver *d, CURLM *multi);

/* CURLOPT_CLOSESOCKETFUNCTION for every easy handle of a session, with
 * CURLOPT_CLOSESOCKETDATA the address of the session's driver pointer (NULL
 * until it is watched): libcurl may close a socket before it reports it
 * removed (a connect refused at once); the host must stop watching it before
 * its number is gone, or reused. */
int anth_driver_close_socket(void *driver_slot, curl_socket_t fd);

/* Queues every socket still watched as a change (a new host driver starts
 * from the whole picture). Returns 0, or -1 when out of memory. */
int anth_driver_restate(anth_driver *d);

/* Runs libcurl's timeout when it is due. */
void anth_driver_run_timer(anth_driver *d, CURLM *multi);

/* timeout_ms cut to libcurl's timer (and to >= 0). */
int anth_driver_wait_ms(const anth_driver *d, int timeout_ms);

/* One poll round over the recorded sockets, at most timeout_ms, handing what
 * happened to curl_multi_socket_action. */
void anth_driver_poll(anth_driver *d, CURLM *multi, int timeout_ms);

/* "in", "out", "inout" or "remove". */
const char *anth_driver_what_name(int what);

#endif
