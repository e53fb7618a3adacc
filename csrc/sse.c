/* Server-Sent Events parser; see sse.h. */
#include <limits.h>
#include <string.h>
#include "sse.h"

/* Buffers whose capacity grew past this are released once they are emptied,
 * so one huge event does not pin its memory for the rest of the stream. */
#define KEEP_CAP ((size_t)1 << 20)

static const unsigned char BOM[3] = {0xEF, 0xBB, 0xBF};

void anth_sse_init(anth_sse *p, anth_sse_cb cb, void *ud) {
    p->max_event = ANTH_SSE_MAX_EVENT;
    p->cb = cb;
    p->ud = ud;
    anth_buf_init(&p->line);
    anth_buf_init(&p->data);
    anth_buf_init(&p->event);
    anth_buf_init(&p->id);
    anth_buf_init(&p->last_id);
    p->retry = -1;
    p->bom = 0;
    p->cr = 0;
    p->fields = 0;
    p->named = 0;
    p->id_new = 0;
    p->has_id = 0;
    p->err = 0;
}

void anth_sse_free(anth_sse *p) {
    anth_buf_free(&p->line);
    anth_buf_free(&p->data);
    anth_buf_free(&p->event);
    anth_buf_free(&p->id);
    anth_buf_free(&p->last_id);
}

static void empty(anth_buf *b) {
    if (b->cap > KEEP_CAP) anth_buf_free(b);
    else b->len = 0;
}

/* b = s[0..n) followed by a NUL not counted in b->len. */
static int set_str(anth_buf *b, const char *s, size_t n) {
    b->len = 0;
    if (anth_buf_grow(b, n + 1) != 0) return -1;
    if (n) memcpy(b->data, s, n);
    b->data[n] = '\0';
    b->len = n;
    return 0;
}

/* The parser's own errors are sticky (a callback's return value is not). */
static int fail(anth_sse *p, int code) {
    p->err = code;
    return code;
}

static int line_too_long(const anth_sse *p, size_t n) {
    return n > p->max_event && n - p->max_event > ANTH_SSE_LINE_SLACK;
}

/* A blank line. */
static int dispatch(anth_sse *p) {
    int rc;
    p->fields = 0;
    if (p->id_new) {
        if (set_str(&p->last_id, p->id.data, p->id.len) != 0)
            return fail(p, ANTH_SSE_ENOMEM);
        p->id_new = 0;
        p->has_id = 1;
    }
    if (p->data.len == 0) {
        p->event.len = 0;
        p->named = 0;
        return 0;
    }
    /* The data always ends with the '\n' of its last line: it becomes the NUL. */
    p->data.data[--p->data.len] = '\0';
    if (p->event.len)
        rc = p->cb(p->ud, p->event.data, p->event.len, p->data.data, p->data.len);
    else
        rc = p->cb(p->ud, "message", 7, p->data.data, p->data.len);
    empty(&p->data);
    p->event.len = 0;
    p->named = 0;
    return rc;
}

int anth_sse_named(const anth_sse *p) {
    return p->named;
}

static long parse_retry(const char *v, size_t n) {
    long r = 0;
    size_t i;
    if (n == 0) return -1;
    for (i = 0; i < n; i++) {
        int d = (unsigned char)v[i] - '0';
        if (d < 0 || d > 9) return -1;
        r = r > (LONG_MAX - d) / 10 ? LONG_MAX : r * 10 + d;
    }
    return r;
}

/* One complete line without its terminator. */
static int process_line(anth_sse *p, const char *s, size_t n) {
    const char *colon, *v;
    size_t nlen, vlen;
    if (n == 0) return dispatch(p);
    /* Checked for every line, comments too, so that the outcome does not
     * depend on whether the line was buffered (see keep()). */
    if (line_too_long(p, n)) return fail(p, ANTH_SSE_ETOOBIG);
    if (s[0] == ':') return 0;
    p->fields = 1;
    colon = memchr(s, ':', n);
    if (colon) {
        nlen = (size_t)(colon - s);
        v = colon + 1;
        vlen = n - nlen - 1;
        if (vlen && *v == ' ') {
            v++;
            vlen--;
        }
    } else {
        nlen = n;
        v = s + n;
        vlen = 0;
    }
    switch (nlen) {
    case 2:
        if (memcmp(s, "id", 2) == 0 && memchr(v, '\0', vlen) == NULL) {
            if (set_str(&p->id, v, vlen) != 0) return fail(p, ANTH_SSE_ENOMEM);
            p->id_new = 1;
        }
        break;
    case 4:
        if (memcmp(s, "data", 4) == 0) {
            if (vlen > p->max_event || p->data.len > p->max_event - vlen)
                return fail(p, ANTH_SSE_ETOOBIG);
            if (anth_buf_grow(&p->data, vlen + 1) != 0) return fail(p, ANTH_SSE_ENOMEM);
            if (vlen) memcpy(p->data.data + p->data.len, v, vlen);
            p->data.len += vlen;
            p->data.data[p->data.len++] = '\n';
        }
        break;
    case 5:
        if (memcmp(s, "event", 5) == 0) {
            if (set_str(&p->event, v, vlen) != 0) return fail(p, ANTH_SSE_ENOMEM);
            p->named = 1;
        } else if (memcmp(s, "retry", 5) == 0) {
            long r = parse_retry(v, vlen);
            if (r >= 0) p->retry = r;
        }
        break;
    default:
        break;
    }
    return 0;
}

/* Buffers a partial line. */
static int keep(anth_sse *p, const char *s, size_t n) {
    if (n > (size_t)-1 - p->line.len || line_too_long(p, p->line.len + n))
        return fail(p, ANTH_SSE_ETOOBIG);
    if (anth_buf_append(&p->line, s, n) != 0) return fail(p, ANTH_SSE_ENOMEM);
    return 0;
}

static size_t find(const char *buf, size_t from, size_t len, char c) {
    const char *q = memchr(buf + from, c, len - from);
    return q ? (size_t)(q - buf) : len;
}

static int feed(anth_sse *p, const char *buf, size_t len) {
    size_t pos = 0, lf, cr, eol;
    int rc;

    if (len == 0) return 0;
    if (p->bom < 3) {
        while (p->bom < 3 && pos < len) {
            if ((unsigned char)buf[pos] == BOM[p->bom]) {
                p->bom++;
                pos++;
            } else {
                /* Not a BOM: the bytes matched so far are line content. */
                if (p->bom && (rc = keep(p, (const char *)BOM, (size_t)p->bom)) != 0)
                    return rc;
                p->bom = 3;
            }
        }
        if (pos == len) return 0;
    } else if (p->cr) {
        p->cr = 0;
        if (buf[0] == '\n') pos = 1;
    }

    /* lf and cr: the next '\n' and '\r' at or after pos (len if none). Each is
     * searched again only once passed, so every byte is scanned at most once
     * for each, whatever the mix of line ends. */
    lf = find(buf, pos, len, '\n');
    cr = find(buf, pos, len, '\r');
    while (pos < len) {
        eol = lf < cr ? lf : cr;
        if (eol == len) return keep(p, buf + pos, len - pos);
        if (p->line.len) {
            if ((rc = keep(p, buf + pos, eol - pos)) != 0) return rc;
            rc = process_line(p, p->line.data, p->line.len);
            empty(&p->line);
        } else {
            rc = process_line(p, buf + pos, eol - pos);
        }
        /* Advance past the line end before acting on rc, so that a stop
         * leaves the parser right after this line. */
        if (buf[eol] == '\r') {
            if (eol + 1 == len) p->cr = 1;
            else if (buf[eol + 1] == '\n') eol++;
        }
        pos = eol + 1;
        if (rc != 0) return rc;
        if (lf < pos) lf = find(buf, pos, len, '\n');
        if (cr < pos) cr = find(buf, pos, len, '\r');
    }
    return 0;
}

int anth_sse_feed(anth_sse *p, const char *buf, size_t len) {
    if (p->err) return p->err;
    return feed(p, buf, len);
}

int anth_sse_pending(const anth_sse *p) {
    return p->err || p->line.len > 0 || p->fields || (p->bom > 0 && p->bom < 3);
}

const char *anth_sse_last_id(const anth_sse *p, size_t *len) {
    if (len) *len = p->has_id ? p->last_id.len : 0;
    return p->has_id ? p->last_id.data : NULL;
}

long anth_sse_retry(const anth_sse *p) {
    return p->retry;
}
