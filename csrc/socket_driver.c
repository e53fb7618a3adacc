/* The socket driver (socket_driver.h). */
#include <stdlib.h>
#include "socket_driver.h"

static int push_sock(anth_sock **arr, size_t *n, size_t *cap, curl_socket_t fd, int what) {
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        anth_sock *p = realloc(*arr, ncap * sizeof *p);
        if (p == NULL) return -1;
        *arr = p;
        *cap = ncap;
    }
    (*arr)[*n].fd = fd;
    (*arr)[*n].what = what;
    (*n)++;
    return 0;
}

/* Keeps one pending change per socket, except that a socket removed then
 * added again (libcurl closed it and its number came back) stays two changes,
 * so the host closes its old watcher before making a new one. */
static int record_change(anth_driver *d, curl_socket_t fd, int what) {
    size_t i = d->nchanges;
    while (i-- > 0) {
        anth_sock *c = &d->changes[i];
        if (c->fd != fd) continue;
        if (c->what == CURL_POLL_REMOVE) {
            if (what == CURL_POLL_REMOVE) return 0;
            break;
        }
        c->what = what;
        return 0;
    }
    return push_sock(&d->changes, &d->nchanges, &d->capchanges, fd, what);
}

static int set_sock(anth_driver *d, curl_socket_t fd, int what) {
    size_t i;
    for (i = 0; i < d->nsocks; i++) {
        if (d->socks[i].fd != fd) continue;
        if (what == CURL_POLL_REMOVE)
            d->socks[i] = d->socks[--d->nsocks];
        else
            d->socks[i].what = what;
        return 0;
    }
    if (what == CURL_POLL_REMOVE) return 0;
    return push_sock(&d->socks, &d->nsocks, &d->capsocks, fd, what);
}

/* CURLMOPT_SOCKETFUNCTION: records only. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *ud, void *sockp) {
    anth_driver *d = ud;
    (void)easy;
    (void)sockp;
    if (d == NULL) return 0;
    if (what != CURL_POLL_IN && what != CURL_POLL_OUT && what != CURL_POLL_INOUT) what = CURL_POLL_REMOVE;
    if (set_sock(d, fd, what) != 0 || record_change(d, fd, what) != 0) {
        d->failed = 1;
        return -1;
    }
    return 0;
}

int anth_driver_close_socket(void *driver_slot, curl_socket_t fd) {
    anth_driver *d = driver_slot != NULL ? *(anth_driver **)driver_slot : NULL;
    if (d != NULL) on_socket(NULL, fd, CURL_POLL_REMOVE, d, NULL);
    return anth_socket_close(fd);
}

/* CURLMOPT_TIMERFUNCTION: records only. */
static int on_timer(CURLM *multi, long timeout_ms, void *ud) {
    anth_driver *d = ud;
    (void)multi;
    if (d == NULL) return 0;
    d->deadline = timeout_ms < 0 ? -1 : anth_clock_now() + (double)timeout_ms / 1000;
    d->timer_changed = 1;
    return 0;
}

anth_driver *anth_driver_new(CURLM *multi) {
    anth_driver *d = calloc(1, sizeof *d);
    if (d == NULL) return NULL;
    d->deadline = -1;
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, (void *)d);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, (void *)d);
    return d;
}

void anth_driver_free(anth_driver *d, CURLM *multi) {
    if (d == NULL) return;
    if (multi != NULL) { /* curl_multi_cleanup may still report sockets */
        curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, (curl_socket_callback)NULL);
        curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, (void *)NULL);
        curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, (curl_multi_timer_callback)NULL);
        curl_multi_setopt(multi, CURLMOPT_TIMERDATA, (void *)NULL);
    }
    free(d->socks);
    free(d->changes);
    free(d);
}

int anth_driver_restate(anth_driver *d) {
    size_t i;
    d->nchanges = 0;
    for (i = 0; i < d->nsocks; i++)
        if (push_sock(&d->changes, &d->nchanges, &d->capchanges, d->socks[i].fd, d->socks[i].what) != 0)
            return -1;
    return 0;
}

/* Runs libcurl's timeout when it is due. */
void anth_driver_run_timer(anth_driver *d, CURLM *multi) {
    int running;
    if (d->deadline < 0 || d->deadline > anth_clock_now()) return;
    d->deadline = -1; /* used up; libcurl sets a new one if it needs it */
    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
}

int anth_driver_wait_ms(const anth_driver *d, int timeout_ms) {
    if (d->deadline >= 0) {
        double left = (d->deadline - anth_clock_now()) * 1000;
        if (left < timeout_ms) timeout_ms = left <= 0 ? 0 : (int)left + 1;
    }
    return timeout_ms < 0 ? 0 : timeout_ms;
}

void anth_driver_poll(anth_driver *d, CURLM *multi, int timeout_ms) {
    anth_pollfd stackfds[16], *fds = stackfds;
    size_t i, n = d->nsocks;
    int running, rc;
    if (n > sizeof stackfds / sizeof stackfds[0]) {
        fds = malloc(n * sizeof *fds);
        if (fds == NULL) n = 0, fds = stackfds; /* still honours the timer */
    }
    for (i = 0; i < n; i++) {
        fds[i].fd = d->socks[i].fd;
        fds[i].events = (short)(((d->socks[i].what & CURL_POLL_IN) ? POLLIN : 0) |
                                ((d->socks[i].what & CURL_POLL_OUT) ? POLLOUT : 0));
        fds[i].revents = 0;
    }
    rc = anth_poll(fds, n, timeout_ms);
    /* The copy is walked, as actions change d->socks. */
    for (i = 0; rc > 0 && i < n; i++) {
        short r = fds[i].revents;
        int ev = 0;
        if (r == 0) continue;
        if (r & (POLLIN | POLLHUP)) ev |= CURL_CSELECT_IN;
        if (r & POLLOUT) ev |= CURL_CSELECT_OUT;
        if (r & (POLLERR | POLLNVAL)) ev |= CURL_CSELECT_ERR;
        curl_multi_socket_action(multi, fds[i].fd, ev, &running);
    }
    if (fds != stackfds) free(fds);
}

const char *anth_driver_what_name(int what) {
    switch (what) {
    case CURL_POLL_IN: return "in";
    case CURL_POLL_OUT: return "out";
    case CURL_POLL_INOUT: return "inout";
    default: return "remove";
    }
}
