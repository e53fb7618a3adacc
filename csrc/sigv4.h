/* AWS Signature Version 4 (header signing) for one HTTP request, as botocore's
 * SigV4Auth does it for every service but S3. Plain C, no Lua.
 *
 *  - Canonical URI: the URL's path as sent on the wire (already
 *    percent-encoded once), dot segments and empty segments removed, then
 *    percent-encoded again: every byte but A-Za-z0-9 - . _ ~ and '/'. So ':'
 *    becomes %3A and %2F becomes %252F.
 *  - Canonical query: the raw query's key=value pairs sorted (Bedrock URLs have
 *    none).
 *  - Signed headers: the caller's headers except those proxies and clients
 *    change (user-agent, expect, connection, proxy-*, ...), plus host (from
 *    the URL: lower-case, with the port unless it is the scheme's default),
 *    x-amz-date, x-amz-security-token when there is a session token and
 *    x-amz-content-sha256 when asked for. Names lower-cased and sorted;
 *    values trimmed with inner whitespace runs collapsed; a name given twice
 *    gets its values joined with ','. The caller's own authorization,
 *    x-amz-date, x-amz-security-token and x-amz-content-sha256 are replaced.
 *  - Payload hash: hex SHA-256 of the body, computed by the caller over the
 *    exact bytes sent (anth_sha256 over the body's pieces).
 */
#ifndef ANTH_SIGV4_H
#define ANTH_SIGV4_H

#include <stddef.h>
#include "buffer.h"

typedef struct anth_header {
    const char *name;
    size_t nlen;
    const char *value;
    size_t vlen;
} anth_header;

typedef struct anth_sigv4_in {
    const char *method;             /* "POST" */
    const char *url;                /* absolute http(s) URL, as sent */
    size_t url_len;
    const anth_header *headers;     /* the request's headers, as sent */
    size_t nheaders;
    const char *payload_hash;       /* 64 lower-case hex digits */
    const char *region;             /* "us-east-1" */
    const char *service;            /* signing name: "bedrock" */
    const char *access_key;
    const char *secret_key;
    const char *session_token;      /* or NULL */
    int content_sha256;             /* also send (and sign) x-amz-content-sha256 */
    char amz_date[17];              /* "YYYYMMDDTHHMMSSZ", see anth_sigv4_date */
} anth_sigv4_in;

typedef struct anth_sigv4_out {
    anth_buf host;          /* the host header value that was signed */
    anth_buf canonical;     /* the canonical request */
    anth_buf to_sign;       /* the string to sign */
    anth_buf signed_headers; /* "accept;content-type;host;x-amz-date" */
    anth_buf authorization; /* the Authorization header's value */
    char signature[65];
} anth_sigv4_out;

/* Formats a Unix time (seconds, UTC) as YYYYMMDDTHHMMSSZ into out[17].
 * Returns 0, or -1 for a time outside years 1970-9999. */
int anth_sigv4_date(double unix_seconds, char out[17]);

/* Signs. out must be zeroed or freshly initialised; free it with
 * anth_sigv4_out_free whatever the result. Returns 0, or -1 with *err set to
 * a static message that never holds a credential. */
int anth_sigv4_sign(const anth_sigv4_in *in, anth_sigv4_out *out, const char **err);
void anth_sigv4_out_init(anth_sigv4_out *out);
void anth_sigv4_out_free(anth_sigv4_out *out);

#endif
