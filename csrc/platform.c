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

#else /* POSIX */

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
