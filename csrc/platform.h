/* The platform layer: every call that differs between POSIX (Linux, macOS)
 * and Windows, behind one small interface. Plain C, no Lua, no libcurl; the
 * rest of csrc/ includes no system header beyond ISO C and these.
 *
 * Include this before <curl/curl.h>: on Windows it picks the Windows version
 * (Vista+, for WSAPoll and InitOnce) before curl.h pulls in winsock2.h. */
#ifndef ANTH_PLATFORM_H
#define ANTH_PLATFORM_H

#include <stddef.h>
#include <stdio.h>

#ifdef _WIN32
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif
#include <winsock2.h>
#include <windows.h>
typedef SOCKET anth_socket_t;
typedef WSAPOLLFD anth_pollfd;
typedef INIT_ONCE anth_once_t;
#define ANTH_ONCE_INIT INIT_ONCE_STATIC_INIT
typedef CRITICAL_SECTION anth_mutex_t;
typedef CONDITION_VARIABLE anth_cond_t;
typedef HANDLE anth_thread_t;
#else
#include <poll.h>
#include <pthread.h>
typedef int anth_socket_t;
typedef struct pollfd anth_pollfd;
typedef pthread_once_t anth_once_t;
#define ANTH_ONCE_INIT PTHREAD_ONCE_INIT
typedef pthread_mutex_t anth_mutex_t;
typedef pthread_cond_t anth_cond_t;
typedef pthread_t anth_thread_t;
#endif
/* anth_pollfd has the fields fd, events and revents, and POLLIN, POLLOUT,
 * POLLERR, POLLHUP and POLLNVAL mean the same on both. */

/* Monotonic seconds (an arbitrary origin; only differences mean something). */
double anth_clock_now(void);

/* Blocks the calling thread for the given seconds (resumed when a signal
 * interrupts it); nothing for seconds <= 0. */
void anth_sleep(double seconds);

/* poll(2) / WSAPoll over n sockets, at most timeout_ms (0: do not wait).
 * Returns how many have events, 0 on timeout, -1 on error. */
int anth_poll(anth_pollfd *fds, size_t n, int timeout_ms);

/* Closes a socket (close(2) / closesocket). Returns 0 or -1. */
int anth_socket_close(anth_socket_t fd);

/* Runs fn once per process, whatever the thread (pthread_once /
 * InitOnceExecuteOnce). */
void anth_once(anth_once_t *once, void (*fn)(void));

/* Threads. A mutex; a condition variable whose timed wait counts on the
 * monotonic clock; a thread running fn(arg), joined once. The inits return
 * 0, or -1 when the system refuses. */
int anth_mutex_init(anth_mutex_t *m);
void anth_mutex_free(anth_mutex_t *m);
void anth_mutex_lock(anth_mutex_t *m);
/* Takes m only if nobody holds it: 1 when taken, 0 when not. */
int anth_mutex_trylock(anth_mutex_t *m);
void anth_mutex_unlock(anth_mutex_t *m);
int anth_cond_init(anth_cond_t *c);
void anth_cond_free(anth_cond_t *c);
/* Waits (m locked) until signalled or ms pass (ms < 0: no limit); may wake
 * early, so callers look again at what they wait for. */
void anth_cond_wait(anth_cond_t *c, anth_mutex_t *m, int ms);
void anth_cond_broadcast(anth_cond_t *c);
int anth_thread_start(anth_thread_t *t, void (*fn)(void *), void *arg);
void anth_thread_join(anth_thread_t t);
/* Lets another thread that is ready to run on this core run first
 * (sched_yield / SwitchToThread); returns at once when none is. */
void anth_yield(void);

/* The process id, to tell a forked child (whose threads did not follow). */
long anth_process_id(void);

/* Tells a forked child from the process that made the guard, without a
 * system call per question where the system allows: a page the kernel
 * wipes in a child (Linux's MADV_WIPEONFORK) holds a mark; elsewhere the
 * process id is compared (getpid). Windows has no fork: never forked. */
typedef struct anth_fork_guard {
    volatile unsigned char *page; /* the marked page, or NULL */
    long pid;                     /* the process that made it */
} anth_fork_guard;
void anth_fork_guard_init(anth_fork_guard *g);
void anth_fork_guard_free(anth_fork_guard *g);
static inline int anth_forked(const anth_fork_guard *g) {
    return g->page != NULL ? g->page[0] == 0 : g->pid != anth_process_id();
}

/* A wakeup descriptor: fds[0] turns readable once anth_wakeup_signal(fds)
 * was called, until anth_wakeup_drain(fds). A pipe on POSIX (non-blocking,
 * close-on-exec); none on Windows (-1: the open fails). */
int anth_wakeup_open(int fds[2]);
void anth_wakeup_signal(const int fds[2]);
void anth_wakeup_drain(const int fds[2]);
void anth_wakeup_close(int fds[2]);

/* Memory for one large output: an anonymous mapping with transparent huge
 * pages asked for where that exists (first-touch page faults otherwise
 * dominate the run time of a big base64 encoding), else malloc. *mapped tells
 * anth_big_free which it was. NULL when out of memory. */
void *anth_big_alloc(size_t n, int *mapped);
void anth_big_free(void *p, size_t n, int mapped);

/* What an open file is: returns 0 and sets *is_dir, and *size to its size in
 * bytes when it is a regular file (-1 otherwise: a pipe, a device); returns -1
 * with errno set when the system cannot tell. */
int anth_file_kind(FILE *f, int *is_dir, long long *size);

#endif
