/* The platform layer (platform.h): POSIX first, then Windows. */
#ifndef _WIN32
/* MAP_ANONYMOUS and madvise are not in POSIX.1-2008 (the Makefile's level). */
#define _DEFAULT_SOURCE 1
#endif
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "platform.h"

#ifdef _WIN32

double anth_clock_now(void) {
    LARGE_INTEGER count, freq;
    QueryPerformanceCounter(&count);
    QueryPerformanceFrequency(&freq);
    return (double)count.QuadPart / (double)freq.QuadPart;
}

void anth_sleep(double seconds) {
    if (!(seconds > 0)) return;
    Sleep((DWORD)(seconds * 1000 + 0.5));
}

int anth_poll(anth_pollfd *fds, size_t n, int timeout_ms) {
    if (n == 0) { /* WSAPoll refuses an empty set */
        if (timeout_ms > 0) Sleep((DWORD)timeout_ms);
        return 0;
    }
    return WSAPoll(fds, (ULONG)n, timeout_ms);
}

int anth_socket_close(anth_socket_t fd) {
    return closesocket(fd) == 0 ? 0 : -1;
}

static BOOL CALLBACK run_once(PINIT_ONCE once, PVOID fn, PVOID *ctx) {
    (void)once;
    (void)ctx;
    ((void (*)(void))(size_t)fn)();
    return TRUE;
}

void anth_once(anth_once_t *once, void (*fn)(void)) {
    InitOnceExecuteOnce(once, run_once, (PVOID)(size_t)fn, NULL);
}

void *anth_big_alloc(size_t n, int *mapped) {
    *mapped = 0;
    return malloc(n);
}

void anth_big_free(void *p, size_t n, int mapped) {
    (void)n;
    (void)mapped;
    free(p);
}

int anth_file_kind(FILE *f, int *is_dir, long long *size) {
    struct _stat64 st;
    if (_fstat64(_fileno(f), &st) != 0) return -1;
    *is_dir = (st.st_mode & _S_IFMT) == _S_IFDIR;
    *size = (st.st_mode & _S_IFMT) == _S_IFREG ? (long long)st.st_size : -1;
    return 0;
}

int anth_mutex_init(anth_mutex_t *m) {
    InitializeCriticalSection(m);
    return 0;
}
void anth_mutex_free(anth_mutex_t *m) { DeleteCriticalSection(m); }
void anth_mutex_lock(anth_mutex_t *m) { EnterCriticalSection(m); }
int anth_mutex_trylock(anth_mutex_t *m) { return TryEnterCriticalSection(m) ? 1 : 0; }
void anth_mutex_unlock(anth_mutex_t *m) { LeaveCriticalSection(m); }

int anth_cond_init(anth_cond_t *c) {
    InitializeConditionVariable(c);
    return 0;
}
void anth_cond_free(anth_cond_t *c) { (void)c; }
void anth_cond_wait(anth_cond_t *c, anth_mutex_t *m, int ms) {
    SleepConditionVariableCS(c, m, ms < 0 ? INFINITE : (DWORD)ms);
}
void anth_cond_broadcast(anth_cond_t *c) { WakeAllConditionVariable(c); }

typedef struct thread_start {
    void (*fn)(void *);
    void *arg;
} thread_start;

static DWORD WINAPI run_thread(LPVOID ud) {
    thread_start st = *(thread_start *)ud;
    free(ud);
    st.fn(st.arg);
    return 0;
}

int anth_thread_start(anth_thread_t *t, void (*fn)(void *), void *arg) {
    thread_start *st = malloc(sizeof *st);
    if (st == NULL) return -1;
    st->fn = fn;
    st->arg = arg;
    *t = CreateThread(NULL, 0, run_thread, st, 0, NULL);
    if (*t == NULL) {
        free(st);
        return -1;
    }
    return 0;
}

void anth_thread_join(anth_thread_t t) {
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
}

void anth_yield(void) { SwitchToThread(); }

long anth_process_id(void) { return (long)GetCurrentProcessId(); }

void anth_fork_guard_init(anth_fork_guard *g) {
    g->page = NULL;
    g->pid = anth_process_id();
}
void anth_fork_guard_free(anth_fork_guard *g) { g->page = NULL; }

int anth_wakeup_open(int fds[2]) {
    fds[0] = fds[1] = -1;
    return -1;
}
void anth_wakeup_signal(const int fds[2]) { (void)fds; }
void anth_wakeup_drain(const int fds[2]) { (void)fds; }
void anth_wakeup_close(int fds[2]) { fds[0] = fds[1] = -1; }

#else /* POSIX */

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

double anth_clock_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void anth_sleep(double seconds) {
    struct timespec ts;
    if (!(seconds > 0)) return;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

int anth_poll(anth_pollfd *fds, size_t n, int timeout_ms) {
    return poll(fds, (nfds_t)n, timeout_ms);
}

int anth_socket_close(anth_socket_t fd) {
    return close(fd);
}

void anth_once(anth_once_t *once, void (*fn)(void)) {
    pthread_once(once, fn);
}

int anth_mutex_init(anth_mutex_t *m) { return pthread_mutex_init(m, NULL) == 0 ? 0 : -1; }
void anth_mutex_free(anth_mutex_t *m) { pthread_mutex_destroy(m); }
void anth_mutex_lock(anth_mutex_t *m) { pthread_mutex_lock(m); }
int anth_mutex_trylock(anth_mutex_t *m) { return pthread_mutex_trylock(m) == 0; }
void anth_mutex_unlock(anth_mutex_t *m) { pthread_mutex_unlock(m); }

int anth_cond_init(anth_cond_t *c) {
    pthread_condattr_t a;
    int rc;
    if (pthread_condattr_init(&a) != 0) return -1;
#if !defined(__APPLE__)
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
#endif
    rc = pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
    return rc == 0 ? 0 : -1;
}
void anth_cond_free(anth_cond_t *c) { pthread_cond_destroy(c); }

void anth_cond_wait(anth_cond_t *c, anth_mutex_t *m, int ms) {
    struct timespec ts;
    if (ms < 0) {
        pthread_cond_wait(c, m);
        return;
    }
#if defined(__APPLE__)
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    pthread_cond_timedwait_relative_np(c, m, &ts);
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(c, m, &ts);
#endif
}
void anth_cond_broadcast(anth_cond_t *c) { pthread_cond_broadcast(c); }

typedef struct thread_start {
    void (*fn)(void *);
    void *arg;
} thread_start;

static void *run_thread(void *ud) {
    thread_start st = *(thread_start *)ud;
    free(ud);
    st.fn(st.arg);
    return NULL;
}

int anth_thread_start(anth_thread_t *t, void (*fn)(void *), void *arg) {
    thread_start *st = malloc(sizeof *st);
    if (st == NULL) return -1;
    st->fn = fn;
    st->arg = arg;
    if (pthread_create(t, NULL, run_thread, st) != 0) {
        free(st);
        return -1;
    }
    return 0;
}

void anth_thread_join(anth_thread_t t) { pthread_join(t, NULL); }

void anth_yield(void) { sched_yield(); }

long anth_process_id(void) { return (long)getpid(); }

void anth_fork_guard_init(anth_fork_guard *g) {
    g->page = NULL;
    g->pid = anth_process_id();
#if defined(MAP_ANONYMOUS) && defined(MADV_WIPEONFORK)
    {
        size_t n = (size_t)sysconf(_SC_PAGESIZE);
        void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return;
        if (madvise(p, n, MADV_WIPEONFORK) != 0) { /* a kernel before 4.14: getpid it is */
            munmap(p, n);
            return;
        }
        g->page = p;
        g->page[0] = 1;
    }
#endif
}

void anth_fork_guard_free(anth_fork_guard *g) {
#if defined(MAP_ANONYMOUS) && defined(MADV_WIPEONFORK)
    if (g->page != NULL) munmap((void *)g->page, (size_t)sysconf(_SC_PAGESIZE));
#endif
    g->page = NULL;
}

int anth_wakeup_open(int fds[2]) {
    int i;
    if (pipe(fds) != 0) {
        fds[0] = fds[1] = -1;
        return -1;
    }
    for (i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

void anth_wakeup_signal(const int fds[2]) {
    char c = 1;
    if (fds[1] >= 0 && write(fds[1], &c, 1) < 0) { /* full: it is readable already */ }
}

void anth_wakeup_drain(const int fds[2]) {
    char buf[64];
    if (fds[0] < 0) return;
    while (read(fds[0], buf, sizeof buf) > 0) {}
}

void anth_wakeup_close(int fds[2]) {
    if (fds[0] >= 0) close(fds[0]);
    if (fds[1] >= 0) close(fds[1]);
    fds[0] = fds[1] = -1;
}

#define BIG_ALLOC ((size_t)4 << 20) /* from here on a mapping of its own */

void *anth_big_alloc(size_t n, int *mapped) {
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    if (n >= BIG_ALLOC) {
        void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED) {
            madvise(p, n, MADV_HUGEPAGE); /* only a hint: failure is fine */
            *mapped = 1;
            return p;
        }
    }
#endif
    *mapped = 0;
    return malloc(n);
}

void anth_big_free(void *p, size_t n, int mapped) {
    if (mapped) munmap(p, n);
    else free(p);
}

int anth_file_kind(FILE *f, int *is_dir, long long *size) {
    struct stat st;
    if (fstat(fileno(f), &st) != 0) return -1;
    *is_dir = S_ISDIR(st.st_mode);
    *size = S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    return 0;
}

#endif
