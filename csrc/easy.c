/* libcurl easy handles kept from one transfer to the next (see easy.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "easy.h"

int anth_easy_init(anth_easy *e, int direct) {
    CURL *c = curl_easy_init();
    e->curl = c;
    e->direct = direct;
    e->changed = 0;
    e->ca_file = e->ca_path = NULL;
    if (c == NULL) return -1;
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#if LIBCURL_VERSION_NUM >= 0x075700 /* 7.87.0 */
    /* The CA store parsed once and kept (in the multi handle) for a day,
     * instead of read again for every new TLS connection. */
    curl_easy_setopt(c, CURLOPT_CA_CACHE_TIMEOUT, 86400L);
#endif
    if (direct) {
        /* no proxy variable when the session was made: libcurl need not look */
        curl_easy_setopt(c, CURLOPT_PROXY, "");
        curl_easy_setopt(c, CURLOPT_NOPROXY, "");
    }
    return 0;
}

static int same(const char *a, const char *b) {
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Sets one CA option to want (not NULL) and remembers a copy in *have.
 * Only running out of memory fails: a libcurl whose TLS backend has no such
 * option refuses it, as it did when every request set it. */
static int set_one(CURL *c, CURLoption opt, char **have, const char *want) {
    size_t n = strlen(want) + 1;
    char *copy = malloc(n);
    if (copy == NULL) return -1;
    memcpy(copy, want, n);
    if (curl_easy_setopt(c, opt, copy) == CURLE_OUT_OF_MEMORY) { free(copy); return -1; }
    free(*have);
    *have = copy;
    return 0;
}

int anth_easy_set_ca(anth_easy *e, const char *ca_file, const char *ca_path) {
    if (same(e->ca_file, ca_file) && same(e->ca_path, ca_path)) return 0;
    if ((ca_file == NULL && e->ca_file != NULL) || (ca_path == NULL && e->ca_path != NULL)) {
        int direct = e->direct;
        anth_easy_cleanup(e);
        if (anth_easy_init(e, direct) != 0) return -1;
    }
    if (!same(e->ca_file, ca_file) && set_one(e->curl, CURLOPT_CAINFO, &e->ca_file, ca_file) != 0) goto fail;
    if (!same(e->ca_path, ca_path) && set_one(e->curl, CURLOPT_CAPATH, &e->ca_path, ca_path) != 0) goto fail;
    return 0;
fail:
    anth_easy_cleanup(e);
    return -1;
}

void anth_easy_restore(anth_easy *e) {
    CURL *c = e->curl;
    unsigned changed = e->changed;
    if (c == NULL) return;
    e->changed = 0;
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, (char *)NULL);
    if (changed & ANTH_EASY_PIPEWAIT) curl_easy_setopt(c, CURLOPT_PIPEWAIT, 0L);
    if (changed & ANTH_EASY_PROXY) curl_easy_setopt(c, CURLOPT_PROXY, e->direct ? "" : (char *)NULL);
    if (changed & ANTH_EASY_TIMEOUTS) {
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 0L);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 0L);
    }
    if (changed & ANTH_EASY_ENCODING) curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, (char *)NULL);
    if (changed & ANTH_EASY_INSECURE) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    if (changed & ANTH_EASY_FIELDS) curl_easy_setopt(c, CURLOPT_POSTFIELDS, (char *)NULL);
    if (changed & ANTH_EASY_READ) {
        curl_easy_setopt(c, CURLOPT_READFUNCTION, (curl_read_callback)NULL);
        curl_easy_setopt(c, CURLOPT_READDATA, (void *)stdin);
        curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, (curl_seek_callback)NULL);
        curl_easy_setopt(c, CURLOPT_SEEKDATA, (void *)NULL);
    }
    if (changed & (ANTH_EASY_FIELDS | ANTH_EASY_READ))
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
    if (changed & ANTH_EASY_CUSTOM) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, (char *)NULL);
        curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
    }
    if (changed & ANTH_EASY_MIME) curl_easy_setopt(c, CURLOPT_MIMEPOST, (curl_mime *)NULL);
    /* (every request sets its method, URL, callbacks and their data) */
}

void anth_easy_cleanup(anth_easy *e) {
    if (e->curl != NULL) curl_easy_cleanup(e->curl);
    e->curl = NULL;
    free(e->ca_file);
    free(e->ca_path);
    e->ca_file = e->ca_path = NULL;
    e->changed = 0;
}
