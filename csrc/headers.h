/* Request header lines as the curl_slist libcurl sends, each checked (no
 * CR, LF or NUL) when it is added (headers.c). A transfer given a list of
 * lines (spec.headers) builds its own slist and frees it with itself. A
 * client's common requests share a header set made once (sess:headers(list),
 * an anthropic.headers object; wire.lua) instead: no seven lines copied and
 * freed again per request (callgrind: some 4,000 instructions of a create's
 * 198,000). A transfer holds a reference to the set while libcurl may read
 * it; references are taken and dropped on the Lua thread only. */
#ifndef ANTH_HEADERS_H
#define ANTH_HEADERS_H

#include <stddef.h>
#include <string.h>
#include <curl/curl.h>
#include "compat.h"

#define ANTH_HEADERS_MT "anthropic.headers"

typedef struct anth_headers {
    struct curl_slist *lines;   /* the lines as given */
    struct curl_slist *encoded; /* the same, with the session's Accept-Encoding line (answers read whole) */
    int refs;                   /* shared sets: the Lua object and each transfer using it */
} anth_headers;

static inline int anth_has_crlf(const char *s, size_t n) {
    return memchr(s, '\r', n) != NULL || memchr(s, '\n', n) != NULL || memchr(s, '\0', n) != NULL;
}

/* Appends to *out (owned by something whose __gc frees it, so that a raise
 * midway leaks nothing) the lines of the list of strings at idx (none when
 * nil), then encoding, the Accept-Encoding line for answers read whole
 * ("" for none), unless the list has one of its own. Raises on a line that
 * is not a string or holds CR, LF or NUL. */
void anth_headers_build(lua_State *L, struct curl_slist **out, int idx, const char *encoding);

/* The shared set of the anthropic.headers object at idx, or NULL. */
anth_headers *anth_to_headers(lua_State *L, int idx);

/* Drops one reference to a shared set, freeing it with the last. */
void anth_headers_release(anth_headers *h);

/* Pushes a new anthropic.headers object built from the list at idx (see
 * anth_headers_build; encoding goes to h->encoded); it holds the set's
 * first reference. */
void anth_headers_push(lua_State *L, int idx, const char *encoding);

#endif
