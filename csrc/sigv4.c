/* AWS Signature Version 4 (see sigv4.h). Hashes and HMACs go through
 * digest.c (libcrypto). libcurl's CURLOPT_AWS_SIGV4 is not used: before curl
 * 8.14 it signs a path holding ':' or %2F differently from AWS. */
#include <stdlib.h>
#include <string.h>
#include "digest.h"
#include "sigv4.h"
#include "ascii.h"

#define ALGORITHM "AWS4-HMAC-SHA256"

static int is_space(int c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int eq_nocase(const char *a, size_t an, const char *b) {
    return strlen(b) == an && anth_ascii_caseeq(a, b, an);
}

static int has_prefix_nocase(const char *a, size_t an, const char *prefix) {
    size_t n = strlen(prefix);
    return an >= n && anth_ascii_caseeq(a, prefix, n);
}

/* Headers never signed: set by the signer itself, or changed on the way by
 * clients and proxies (botocore's, smithy's and the TS SDK's lists joined). */
static int skipped(const char *name, size_t n) {
    static const char *const names[] = {
        "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "host",
        "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
        "cache-control", "from", "max-forwards", "pragma", "referer", "traceparent",
        "tracestate", "baggage", NULL};
    int i;
    for (i = 0; names[i]; i++)
        if (eq_nocase(name, n, names[i])) return 1;
    return has_prefix_nocase(name, n, "proxy-") || has_prefix_nocase(name, n, "sec-");
}

static void digits(char *out, long long v, int n) {
    while (n-- > 0) {
        out[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

int anth_sigv4_date(double t, char out[17]) {
    long long secs, days, sod, z, era, doe, yoe, y, doy, mp, d, m;
    if (!(t >= 0 && t < 253402300800.0)) return -1; /* 1970 .. 9999-12-31 */
    secs = (long long)t;
    days = secs / 86400;
    sod = secs % 86400;
    /* Days to civil date (H. Hinnant's algorithm), no gmtime_r needed. */
    z = days + 719468;
    era = z / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) y++;
    digits(out, y, 4);
    digits(out + 4, m, 2);
    digits(out + 6, d, 2);
    out[8] = 'T';
    digits(out + 9, sod / 3600, 2);
    digits(out + 11, sod / 60 % 60, 2);
    digits(out + 13, sod % 60, 2);
    out[15] = 'Z';
    out[16] = '\0';
    return 0;
}

void anth_sigv4_out_init(anth_sigv4_out *out) {
    memset(out, 0, sizeof *out);
}

void anth_sigv4_out_free(anth_sigv4_out *out) {
    anth_buf_free(&out->host);
    anth_buf_free(&out->canonical);
    anth_buf_free(&out->to_sign);
    anth_buf_free(&out->signed_headers);
    anth_buf_free(&out->authorization);
}

static int puts_(anth_buf *b, const char *s) {
    return anth_buf_append(b, s, strlen(s));
}

/* The parts of an absolute URL that signing needs. */
typedef struct url_parts {
    const char *host, *port, *path, *query;
    size_t hostn, portn, pathn, queryn;
    int https;
} url_parts;

static int split_url(const char *u, size_t n, url_parts *p) {
    const char *end = u + n, *s, *auth_end, *at;
    memset(p, 0, sizeof *p);
    if (n >= 8 && has_prefix_nocase(u, n, "https://")) {
        p->https = 1;
        s = u + 8;
    } else if (n >= 7 && has_prefix_nocase(u, n, "http://")) {
        s = u + 7;
    } else {
        return -1;
    }
    auth_end = s;
    while (auth_end < end && *auth_end != '/' && *auth_end != '?' && *auth_end != '#') auth_end++;
    for (at = auth_end; at > s; at--) /* drop any user:password@ */
        if (at[-1] == '@') {
            s = at;
            break;
        }
    p->host = s;
    if (s < auth_end && *s == '[') {
        const char *rb = memchr(s, ']', (size_t)(auth_end - s));
        if (rb == NULL) return -1;
        p->hostn = (size_t)(rb + 1 - s);
        s = rb + 1;
    } else {
        while (s < auth_end && *s != ':') s++;
        p->hostn = (size_t)(s - p->host);
    }
    if (p->hostn == 0) return -1;
    if (s < auth_end) {
        if (*s != ':') return -1;
        p->port = s + 1;
        p->portn = (size_t)(auth_end - p->port);
    }
    s = auth_end;
    p->path = s;
    while (s < end && *s != '?' && *s != '#') s++;
    p->pathn = (size_t)(s - p->path);
    if (s < end && *s == '?') {
        p->query = ++s;
        while (s < end && *s != '#') s++;
        p->queryn = (size_t)(s - p->query);
    }
    return 0;
}

static int host_value(const url_parts *u, anth_buf *out) {
    size_t i;
    const char *port = u->port;
    size_t portn = u->portn;
    while (portn > 1 && *port == '0') port++, portn--;
    for (i = 0; i < u->hostn; i++)
        if (anth_buf_putc(out, (char)anth_ascii_lower((unsigned char)u->host[i])) != 0) return -1;
    if (portn > 0 && !(u->https ? portn == 3 && memcmp(port, "443", 3) == 0
                                 : portn == 2 && memcmp(port, "80", 2) == 0)) {
        if (anth_buf_putc(out, ':') != 0 || anth_buf_append(out, port, portn) != 0) return -1;
    }
    return 0;
}

/* botocore's remove_dot_segments (RFC 3986 5.2.4, and empty segments
 * dropped), then every byte but unreserved ones and '/' percent-encoded. */
static int canonical_uri(const char *path, size_t n, anth_buf *out) {
    size_t *seg = NULL, nseg = 0, i = 0, k;
    size_t *len = NULL;
    int rc = -1;
    static const char hexd[] = "0123456789ABCDEF";
    if (n == 0) return puts_(out, "/");
    seg = malloc((n / 2 + 2) * sizeof *seg);
    len = malloc((n / 2 + 2) * sizeof *len);
    if (seg == NULL || len == NULL) goto done;
    while (i < n) {
        size_t start = i;
        while (i < n && path[i] != '/') i++;
        if (i > start && !(i - start == 1 && path[start] == '.')) {
            if (i - start == 2 && path[start] == '.' && path[start + 1] == '.') {
                if (nseg > 0) nseg--;
            } else {
                seg[nseg] = start;
                len[nseg++] = i - start;
            }
        }
        i++;
    }
    if (path[0] == '/' && anth_buf_putc(out, '/') != 0) goto done;
    for (k = 0; k < nseg; k++) {
        size_t j;
        if (k > 0 && anth_buf_putc(out, '/') != 0) goto done;
        for (j = 0; j < len[k]; j++) {
            unsigned char c = (unsigned char)path[seg[k] + j];
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~') {
                if (anth_buf_putc(out, (char)c) != 0) goto done;
            } else {
                char esc[3] = {'%', hexd[c >> 4], hexd[c & 15]};
                if (anth_buf_append(out, esc, 3) != 0) goto done;
            }
        }
    }
    if (path[n - 1] == '/' && nseg > 0 && anth_buf_putc(out, '/') != 0) goto done;
    rc = 0;
done:
    free(seg);
    free(len);
    return rc;
}

typedef struct kv {
    const char *k, *v;
    size_t kn, vn;
} kv;

static int kv_cmp(const void *a, const void *b) {
    const kv *x = a, *y = b;
    size_t n = x->kn < y->kn ? x->kn : y->kn;
    int c = memcmp(x->k, y->k, n);
    if (c) return c;
    if (x->kn != y->kn) return x->kn < y->kn ? -1 : 1;
    n = x->vn < y->vn ? x->vn : y->vn;
    c = memcmp(x->v, y->v, n);
    if (c) return c;
    return x->vn < y->vn ? -1 : x->vn > y->vn;
}

/* The raw query's pairs sorted by key then value, as botocore does for a
 * query that is part of the URL (already encoded, not re-encoded). */
static int canonical_query(const char *q, size_t n, anth_buf *out) {
    size_t count = 1, i, k = 0;
    kv *pairs;
    if (n == 0) return 0;
    for (i = 0; i < n; i++) count += q[i] == '&';
    pairs = malloc(count * sizeof *pairs);
    if (pairs == NULL) return -1;
    for (i = 0; i <= n; k++) {
        size_t start = i;
        const char *eq;
        while (i < n && q[i] != '&') i++;
        pairs[k].k = q + start;
        eq = memchr(q + start, '=', i - start);
        pairs[k].kn = eq ? (size_t)(eq - (q + start)) : i - start;
        pairs[k].v = eq ? eq + 1 : q + i;
        pairs[k].vn = eq ? (size_t)(q + i - (eq + 1)) : 0;
        i++;
    }
    qsort(pairs, count, sizeof *pairs, kv_cmp);
    for (k = 0; k < count; k++) {
        if ((k > 0 && anth_buf_putc(out, '&') != 0) || anth_buf_append(out, pairs[k].k, pairs[k].kn) != 0 ||
            anth_buf_putc(out, '=') != 0 || anth_buf_append(out, pairs[k].v, pairs[k].vn) != 0) {
            free(pairs);
            return -1;
        }
    }
    free(pairs);
    return 0;
}

/* A header to sign: lower-cased name and normalised value in its own buffer. */
typedef struct signed_h {
    anth_buf name, value;
    size_t order; /* position given, so that repeated names keep their order */
} signed_h;

static int sh_cmp(const void *a, const void *b) {
    const signed_h *x = a, *y = b;
    size_t n = x->name.len < y->name.len ? x->name.len : y->name.len;
    int c = memcmp(x->name.data, y->name.data, n);
    if (c) return c;
    if (x->name.len != y->name.len) return x->name.len < y->name.len ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int set_h(signed_h *h, size_t order, const char *name, size_t nlen, const char *v, size_t vlen) {
    size_t i = 0;
    int pending_space = 0;
    anth_buf_init(&h->name);
    anth_buf_init(&h->value);
    h->order = order;
    for (i = 0; i < nlen; i++)
        if (anth_buf_putc(&h->name, (char)anth_ascii_lower((unsigned char)name[i])) != 0) return -1;
    for (i = 0; i < vlen; i++) {
        if (is_space((unsigned char)v[i])) {
            pending_space = h->value.len > 0;
            continue;
        }
        if (pending_space && anth_buf_putc(&h->value, ' ') != 0) return -1;
        pending_space = 0;
        if (anth_buf_putc(&h->value, v[i]) != 0) return -1;
    }
    return 0;
}

static int hmac_step(const unsigned char *key, size_t klen, const char *msg, unsigned char out[32]) {
    return anth_hmac_sha256(key, klen, msg, strlen(msg), out);
}

int anth_sigv4_sign(const anth_sigv4_in *in, anth_sigv4_out *out, const char **err) {
    url_parts u;
    signed_h *hs = NULL;
    size_t nh = 0, i, maxh = in->nheaders + 4;
    unsigned char digest[32], k1[32], k2[32];
    char hex[65], date8[9];
    anth_buf secret;
    anth_piece piece;
    int rc = -1;

    anth_buf_init(&secret);
    *err = "out of memory";
    if (split_url(in->url, in->url_len, &u) != 0) {
        *err = "url is not an absolute http(s) URL";
        return -1;
    }
    if (strlen(in->payload_hash) != 64) {
        *err = "payload hash is not 64 hex digits";
        return -1;
    }
    if (strlen(in->amz_date) != 16) {
        *err = "bad signing time";
        return -1;
    }
    memcpy(date8, in->amz_date, 8);
    date8[8] = '\0';
    if (host_value(&u, &out->host) != 0) return -1;

    hs = calloc(maxh, sizeof *hs);
    if (hs == NULL) return -1;
    for (i = 0; i < in->nheaders; i++) {
        const anth_header *h = &in->headers[i];
        if (skipped(h->name, h->nlen)) continue;
        if (set_h(&hs[nh], nh, h->name, h->nlen, h->value, h->vlen) != 0) goto done;
        nh++;
    }
    if (set_h(&hs[nh], nh, "host", 4, out->host.data, out->host.len) != 0) goto done;
    nh++;
    if (set_h(&hs[nh], nh, "x-amz-date", 10, in->amz_date, 16) != 0) goto done;
    nh++;
    if (in->session_token) {
        if (set_h(&hs[nh], nh, "x-amz-security-token", 20, in->session_token, strlen(in->session_token)))
            goto done;
        nh++;
    }
    if (in->content_sha256) {
        if (set_h(&hs[nh], nh, "x-amz-content-sha256", 20, in->payload_hash, 64) != 0) goto done;
        nh++;
    }
    qsort(hs, nh, sizeof *hs, sh_cmp);

    /* The canonical request. */
    {
        anth_buf *c = &out->canonical;
        for (i = 0; in->method[i]; i++)
            if (anth_buf_putc(c, (char)(in->method[i] >= 'a' && in->method[i] <= 'z' ? in->method[i] - 32
                                                                                     : in->method[i])))
                goto done;
        if (anth_buf_putc(c, '\n') != 0 || canonical_uri(u.path, u.pathn, c) != 0 ||
            anth_buf_putc(c, '\n') != 0 || canonical_query(u.query, u.queryn, c) != 0 ||
            anth_buf_putc(c, '\n') != 0)
            goto done;
        for (i = 0; i < nh; i++) {
            int repeat = i > 0 && hs[i].name.len == hs[i - 1].name.len &&
                         memcmp(hs[i].name.data, hs[i - 1].name.data, hs[i].name.len) == 0;
            if (repeat) {
                c->len--; /* the previous value's newline: values are joined with ',' */
                if (anth_buf_putc(c, ',') != 0) goto done;
            } else {
                if (anth_buf_append(c, hs[i].name.data, hs[i].name.len) != 0 || anth_buf_putc(c, ':') != 0)
                    goto done;
                if (out->signed_headers.len > 0 && anth_buf_putc(&out->signed_headers, ';') != 0) goto done;
                if (anth_buf_append(&out->signed_headers, hs[i].name.data, hs[i].name.len) != 0) goto done;
            }
            if (anth_buf_append(c, hs[i].value.data, hs[i].value.len) != 0 || anth_buf_putc(c, '\n') != 0)
                goto done;
        }
        if (anth_buf_putc(c, '\n') != 0 || anth_buf_append(c, out->signed_headers.data, out->signed_headers.len) ||
            anth_buf_putc(c, '\n') != 0 || anth_buf_append(c, in->payload_hash, 64) != 0)
            goto done;
    }

    /* The string to sign. */
    piece.p = out->canonical.data;
    piece.n = out->canonical.len;
    if (anth_sha256(&piece, 1, digest) != 0) goto done;
    anth_hex(digest, 32, hex);
    {
        anth_buf *s = &out->to_sign;
        if (puts_(s, ALGORITHM "\n") || anth_buf_append(s, in->amz_date, 16) || anth_buf_putc(s, '\n') ||
            puts_(s, date8) || anth_buf_putc(s, '/') || puts_(s, in->region) || anth_buf_putc(s, '/') ||
            puts_(s, in->service) || puts_(s, "/aws4_request\n") || anth_buf_append(s, hex, 64))
            goto done;
    }

    /* The signing key, then the signature. */
    /* one allocation, so no copy of the secret is left behind by a realloc */
    if (anth_buf_grow(&secret, 4 + strlen(in->secret_key)) != 0 || puts_(&secret, "AWS4") != 0 || puts_(&secret, in->secret_key) != 0) goto done;
    *err = "HMAC failed";
    if (hmac_step((unsigned char *)secret.data, secret.len, date8, k1) != 0 ||
        hmac_step(k1, 32, in->region, k2) != 0 || hmac_step(k2, 32, in->service, k1) != 0 ||
        hmac_step(k1, 32, "aws4_request", k2) != 0 ||
        anth_hmac_sha256(k2, 32, out->to_sign.data, out->to_sign.len, digest) != 0)
        goto done;
    anth_hex(digest, 32, out->signature);

    *err = "out of memory";
    {
        anth_buf *a = &out->authorization;
        if (puts_(a, ALGORITHM " Credential=") || puts_(a, in->access_key) || anth_buf_putc(a, '/') ||
            puts_(a, date8) || anth_buf_putc(a, '/') || puts_(a, in->region) || anth_buf_putc(a, '/') ||
            puts_(a, in->service) || puts_(a, "/aws4_request, SignedHeaders=") ||
            anth_buf_append(a, out->signed_headers.data, out->signed_headers.len) ||
            puts_(a, ", Signature=") || anth_buf_append(a, out->signature, 64))
            goto done;
    }
    rc = 0;
    *err = NULL;
done:
    anth_wipe(k1, sizeof k1);
    anth_wipe(k2, sizeof k2);
    if (secret.data) anth_wipe(secret.data, secret.cap);
    anth_buf_free(&secret);
    for (i = 0; i < nh; i++) {
        anth_buf_free(&hs[i].name);
        anth_buf_free(&hs[i].value);
    }
    free(hs);
    return rc;
}
