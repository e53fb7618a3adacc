/* libcurl easy handles kept from one transfer to the next.
 *
 * A handle is made once with the options every request sets alike (its
 * baseline), and after each transfer the options that request changed are
 * set back, rather than the whole handle reset and set up again: that is
 * the per-request work libcurl's own reuse pattern avoids (~4.6 k
 * instructions of a create). A transfer marks each option it sets beyond
 * the baseline (ANTH_EASY_*), and anth_easy_restore puts exactly those back.
 *
 * libcurl cannot set the CA options back to its built-in default, so a
 * handle remembers the CA file and directory it was given: the next request
 * with the same ones sets nothing, and one that wants the default again
 * gets a new handle. Plain C; the caller locks whatever holds the handles. */
#ifndef ANTH_EASY_H
#define ANTH_EASY_H

#include <curl/curl.h>

/* Options a transfer set beyond its handle's baseline. */
enum {
    ANTH_EASY_PIPEWAIT = 1 << 0,  /* CURLOPT_PIPEWAIT */
    ANTH_EASY_PROXY = 1 << 1,     /* CURLOPT_PROXY (the caller's) */
    ANTH_EASY_TIMEOUTS = 1 << 2,  /* CURLOPT_TIMEOUT_MS, CURLOPT_CONNECTTIMEOUT_MS */
    ANTH_EASY_ENCODING = 1 << 3,  /* CURLOPT_ACCEPT_ENCODING */
    ANTH_EASY_INSECURE = 1 << 4,  /* CURLOPT_SSL_VERIFYPEER, CURLOPT_SSL_VERIFYHOST */
    ANTH_EASY_FIELDS = 1 << 5,    /* CURLOPT_POSTFIELDS, CURLOPT_POSTFIELDSIZE_LARGE */
    ANTH_EASY_READ = 1 << 6,      /* CURLOPT_READ*, CURLOPT_SEEK*, CURLOPT_POSTFIELDSIZE_LARGE */
    ANTH_EASY_CUSTOM = 1 << 7,    /* CURLOPT_CUSTOMREQUEST, CURLOPT_NOBODY */
    ANTH_EASY_MIME = 1 << 8       /* CURLOPT_MIMEPOST */
};

typedef struct {
    CURL *curl;          /* NULL: none */
    int direct;          /* its baseline tells libcurl to use no proxy (none in the environment) */
    unsigned changed;    /* ANTH_EASY_* set by the current transfer */
    char *ca_file;       /* CURLOPT_CAINFO as set on it (a copy); NULL: libcurl's default */
    char *ca_path;       /* CURLOPT_CAPATH, the same way */
} anth_easy;

/* Makes e a new handle with the baseline options; direct: no proxy variable
 * is set, so libcurl need not look for one. Returns 0, or -1 out of memory. */
int anth_easy_init(anth_easy *e, int direct);

/* Gives e the CA options of a request (NULL: libcurl's default), setting
 * only what differs; a handle that must go back to a default is made anew.
 * Returns 0, or -1 out of memory (e is then left without a handle). */
int anth_easy_set_ca(anth_easy *e, const char *ca_file, const char *ca_path);

/* Sets back every option marked in e->changed, and lets go of the pointers
 * the last transfer gave libcurl (its headers, body, callbacks' data). */
void anth_easy_restore(anth_easy *e);

/* Frees e's handle and what it remembers; idempotent. */
void anth_easy_cleanup(anth_easy *e);

#endif
