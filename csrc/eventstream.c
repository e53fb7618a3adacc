/* AWS event stream decoder (see eventstream.h). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "base64.h"
#include "eventstream.h"
#include "json_member.h"

static uint32_t be32(const char *p) {
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

static uint32_t crc(const char *p, size_t n) {
    uLong c = crc32(0L, Z_NULL, 0);
    while (n > 0) { /* zlib takes uInt lengths */
        uInt k = n > 0x40000000u ? 0x40000000u : (uInt)n;
        c = crc32(c, (const Bytef *)p, k);
        p += k;
        n -= k;
    }
    return (uint32_t)(c & 0xFFFFFFFFUL);
}

/* Checks a 12-byte prelude; on success *total is the frame's length. */
static int prelude(const char *p, size_t max_payload, size_t *total) {
    uint32_t t = be32(p), h = be32(p + 4);
    if (crc(p, 8) != be32(p + 8)) return ANTH_ES_ECRC;
    if (t < ANTH_ES_MIN_FRAME || h > t - ANTH_ES_MIN_FRAME) return ANTH_ES_EFORMAT;
    if (h > ANTH_ES_MAX_HEADERS || (size_t)(t - ANTH_ES_MIN_FRAME - h) > max_payload) return ANTH_ES_ETOOBIG;
    *total = t;
    return 0;
}

void anth_es_init(anth_es *d, anth_es_cb cb, void *ud) {
    d->max_payload = ANTH_ES_MAX_PAYLOAD;
    d->cb = cb;
    d->ud = ud;
    anth_buf_init(&d->partial);
    anth_buf_init(&d->names);
    d->expect = 0;
    d->err = 0;
}

void anth_es_free(anth_es *d) {
    anth_buf_free(&d->partial);
    anth_buf_free(&d->names);
    d->expect = 0;
}

int anth_es_pending(const anth_es *d) {
    return d->err != 0 || d->partial.len > 0;
}

const char *anth_es_strerror(int err) {
    switch (err) {
    case ANTH_ES_ENOMEM: return "out of memory";
    case ANTH_ES_ETOOBIG: return "event stream frame over the size limit";
    case ANTH_ES_ECRC: return "event stream frame with a bad CRC";
    case ANTH_ES_EFORMAT: return "malformed event stream frame";
    default: return "event stream error";
    }
}

int anth_es_header_next(const char *b, size_t len, size_t *pos, anth_es_header *h) {
    size_t i = *pos, vlen;
    const unsigned char *u = (const unsigned char *)b;
    if (i >= len) return 0;
    h->nlen = u[i++];
    if (h->nlen == 0 || len - i < h->nlen + 1) return ANTH_ES_EFORMAT;
    h->name = b + i;
    i += h->nlen;
    h->type = u[i++];
    h->value = NULL;
    h->vlen = 0;
    h->ival = 0;
    switch (h->type) {
    case 0: h->ival = 1; vlen = 0; break;
    case 1: vlen = 0; break;
    case 2: vlen = 1; break;
    case 3: vlen = 2; break;
    case 4: vlen = 4; break;
    case 5: case 8: vlen = 8; break;
    case 9: vlen = 16; break;
    case 6: case 7:
        if (len - i < 2) return ANTH_ES_EFORMAT;
        vlen = (size_t)u[i] << 8 | u[i + 1];
        i += 2;
        break;
    default: return ANTH_ES_EFORMAT;
    }
    if (len - i < vlen) return ANTH_ES_EFORMAT;
    if ((h->type >= 2 && h->type <= 5) || h->type == 8) {
        uint64_t v = 0;
        size_t k;
        for (k = 0; k < vlen; k++) v = v << 8 | u[i + k];
        if (vlen < 8 && (v >> (8 * vlen - 1)) & 1) v |= ~(uint64_t)0 << (8 * vlen); /* sign-extend */
        h->ival = (int64_t)v;
    }
    if (h->type == 6 || h->type == 7 || h->type == 9) {
        h->value = b + i;
        h->vlen = vlen;
    }
    *pos = i + vlen;
    return 1;
}

static int name_cmp(const void *a, const void *b) {
    const anth_es_header *x = a, *y = b;
    size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
    int c = memcmp(x->name, y->name, n);
    return c ? c : (x->nlen > y->nlen) - (x->nlen < y->nlen);
}

static void well_known(anth_es_frame *f, const anth_es_header *h) {
    static const struct {
        const char *name;
        size_t off;
    } known[] = {
        {":message-type", offsetof(anth_es_frame, message_type)},
        {":event-type", offsetof(anth_es_frame, event_type)},
        {":exception-type", offsetof(anth_es_frame, exception_type)},
        {":content-type", offsetof(anth_es_frame, content_type)},
        {":error-code", offsetof(anth_es_frame, error_code)},
        {":error-message", offsetof(anth_es_frame, error_message)},
    };
    size_t k;
    if (h->type != 6 && h->type != 7) return;
    for (k = 0; k < sizeof known / sizeof known[0]; k++) {
        if (strlen(known[k].name) == h->nlen && memcmp(known[k].name, h->name, h->nlen) == 0) {
            anth_es_str *s = (anth_es_str *)((char *)f + known[k].off);
            s->p = h->value;
            s->n = h->vlen;
        }
    }
}

int anth_es_decode_frame(const char *p, size_t len, size_t max_payload, anth_buf *scratch,
                         anth_es_frame *f) {
    size_t total, hlen, pos = 0, n = 0, i;
    anth_es_header h;
    int rc;
    memset(f, 0, sizeof *f);
    if (len < ANTH_ES_PRELUDE) return ANTH_ES_EFORMAT;
    if ((rc = prelude(p, max_payload, &total)) != 0) return rc;
    if (total != len) return ANTH_ES_EFORMAT;
    if (crc(p, len - 4) != be32(p + len - 4)) return ANTH_ES_ECRC;
    hlen = be32(p + 4);
    f->raw = p;
    f->raw_len = len;
    f->headers = p + ANTH_ES_PRELUDE;
    f->headers_len = hlen;
    f->payload = p + ANTH_ES_PRELUDE + hlen;
    f->payload_len = len - ANTH_ES_MIN_FRAME - hlen;
    /* Every header, into scratch, to find duplicates by sorting. */
    scratch->len = 0;
    while ((rc = anth_es_header_next(f->headers, hlen, &pos, &h)) == 1) {
        if (anth_buf_append(scratch, &h, sizeof h) != 0) return ANTH_ES_ENOMEM;
        n++;
    }
    if (rc != 0) return rc;
    if (n > 1) {
        anth_es_header *all = (anth_es_header *)(void *)scratch->data;
        qsort(all, n, sizeof *all, name_cmp);
        for (i = 1; i < n; i++)
            if (name_cmp(&all[i - 1], &all[i]) == 0) return ANTH_ES_EFORMAT;
    }
    for (i = 0; i < n; i++) well_known(f, (anth_es_header *)(void *)(scratch->data + i * sizeof h));
    return 0;
}

/* A decoding error: the stream is abandoned. */
static int fail(anth_es *d, int rc) {
    d->err = rc;
    anth_buf_free(&d->partial);
    d->expect = 0;
    return rc;
}

/* Decodes and delivers one whole frame: 0, the callback's value, or a
 * (sticky) decoding error. */
static int deliver(anth_es *d, const char *p, size_t len) {
    anth_es_frame f;
    int rc = anth_es_decode_frame(p, len, d->max_payload, &d->names, &f);
    if (rc != 0) return fail(d, rc);
    return d->cb(d->ud, &f);
}

int anth_es_feed(anth_es *d, const char *buf, size_t len) {
    int rc;
    if (d->err) return d->err;
    while (len > 0) {
        if (d->partial.len > 0) {
            /* Complete the frame held over from an earlier chunk. */
            size_t want = d->expect ? d->expect : ANTH_ES_PRELUDE;
            size_t take = want - d->partial.len;
            if (take > len) take = len;
            if (anth_buf_append(&d->partial, buf, take) != 0) return fail(d, ANTH_ES_ENOMEM);
            buf += take;
            len -= take;
            if (d->partial.len < want) return 0;
            if (!d->expect) {
                if ((rc = prelude(d->partial.data, d->max_payload, &d->expect)) != 0) return fail(d, rc);
                if (anth_buf_grow(&d->partial, d->expect - d->partial.len) != 0) return fail(d, ANTH_ES_ENOMEM);
                continue;
            }
            d->expect = 0;
            rc = deliver(d, d->partial.data, d->partial.len);
            d->partial.len = 0;
            if (rc != 0) return rc;
            continue;
        }
        if (len < ANTH_ES_PRELUDE) {
            if (anth_buf_append(&d->partial, buf, len) != 0) return fail(d, ANTH_ES_ENOMEM);
            return 0;
        }
        {
            size_t total;
            if ((rc = prelude(buf, d->max_payload, &total)) != 0) return fail(d, rc);
            if (len < total) {
                /* Hold the start of a frame; room for all of it at once. */
                if (anth_buf_grow(&d->partial, total) != 0) return fail(d, ANTH_ES_ENOMEM);
                anth_buf_append(&d->partial, buf, len);
                d->expect = total;
                return 0;
            }
            if ((rc = deliver(d, buf, total)) != 0) return rc;
            buf += total;
            len -= total;
        }
    }
    return 0;
}

int anth_es_chunk_event(const char *payload, size_t n, anth_buf *out, const char **why) {
    anth_buf b64;
    ptrdiff_t got;
    size_t mark = out->len;
    int rc;
    anth_buf_init(&b64);
    rc = anth_json_member_string(payload, n, "bytes", &b64);
    if (rc != 1) {
        *why = rc == -2 ? "out of memory"
             : rc == -1 ? "chunk payload is not a JSON object"
                        : "chunk payload has no \"bytes\" string";
        anth_buf_free(&b64);
        return -1;
    }
    if (anth_buf_grow(out, anth_b64_decoded_max(b64.len)) != 0) {
        *why = "out of memory";
        anth_buf_free(&b64);
        return -1;
    }
    got = anth_b64_decode(b64.data ? b64.data : "", b64.len, (unsigned char *)out->data + mark);
    anth_buf_free(&b64);
    if (got < 0) {
        *why = "chunk \"bytes\" is not valid base64";
        return -1;
    }
    out->len = mark + (size_t)got;
    return 0;
}

static void put32(char *p, uint32_t v) {
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
}

int anth_es_encode(anth_buf *out, const char *const *names, const char *const *values, size_t nheaders,
                   const char *payload, size_t plen) {
    size_t start = out->len, hlen = 0, i, total;
    char pre[ANTH_ES_PRELUDE];
    for (i = 0; i < nheaders; i++) {
        size_t nl = strlen(names[i]), vl = strlen(values[i]);
        if (nl == 0 || nl > 255 || vl > 65535) return -1;
        hlen += 1 + nl + 1 + 2 + vl;
    }
    total = ANTH_ES_MIN_FRAME + hlen + plen;
    if (total > 0xFFFFFFFFu || anth_buf_grow(out, total) != 0) return -1;
    put32(pre, (uint32_t)total);
    put32(pre + 4, (uint32_t)hlen);
    put32(pre + 8, crc(pre, 8));
    anth_buf_append(out, pre, sizeof pre);
    for (i = 0; i < nheaders; i++) {
        size_t nl = strlen(names[i]), vl = strlen(values[i]);
        char t[3];
        anth_buf_putc(out, (char)nl);
        anth_buf_append(out, names[i], nl);
        t[0] = 7;
        t[1] = (char)(vl >> 8);
        t[2] = (char)vl;
        anth_buf_append(out, t, 3);
        anth_buf_append(out, values[i], vl);
    }
    anth_buf_append(out, payload, plen);
    put32(pre, crc(out->data + start, out->len - start));
    anth_buf_append(out, pre, 4);
    return 0;
}
