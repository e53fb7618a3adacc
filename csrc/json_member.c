/* anth_json_member_string (see json_member.h): a single-pass scanner over
 * one object that validates its structure and unescapes only the strings it
 * needs (member names, and the wanted value). */
#include <string.h>
#include "json_member.h"

#define MAX_DEPTH 1000

typedef struct scan {
    const char *p, *end;
} scan;

static void ws(scan *s) {
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) s->p++;
}

static int hex4(const char *p, unsigned *v) {
    int i;
    *v = 0;
    for (i = 0; i < 4; i++) {
        char c = p[i];
        *v <<= 4;
        if (c >= '0' && c <= '9') *v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') *v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') *v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    return 0;
}

static int put_utf8(anth_buf *b, unsigned cp) {
    char u[4];
    size_t n;
    if (cp < 0x80) u[0] = (char)cp, n = 1;
    else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 63)), n = 2;
    else if (cp < 0x10000)
        u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 63)), u[2] = (char)(0x80 | (cp & 63)), n = 3;
    else
        u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 63)),
        u[2] = (char)(0x80 | (cp >> 6 & 63)), u[3] = (char)(0x80 | (cp & 63)), n = 4;
    return anth_buf_append(b, u, n);
}

/* A string at s->p (the opening quote); unescaped into out when out is not
 * NULL. Returns 0, -1 malformed, -2 memory. */
static int string(scan *s, anth_buf *out) {
    s->p++;
    while (s->p < s->end) {
        const char *run = s->p;
        while (s->p < s->end && *s->p != '"' && *s->p != '\\' && (unsigned char)*s->p >= 0x20) s->p++;
        if (out && anth_buf_append(out, run, (size_t)(s->p - run)) != 0) return -2;
        if (s->p == s->end || (unsigned char)*s->p < 0x20) return -1;
        if (*s->p == '"') {
            s->p++;
            return 0;
        }
        /* an escape */
        if (s->end - s->p < 2) return -1;
        {
            char c = s->p[1], lit = 0;
            unsigned cp, lo;
            s->p += 2;
            switch (c) {
            case '"': lit = '"'; break;
            case '\\': lit = '\\'; break;
            case '/': lit = '/'; break;
            case 'b': lit = '\b'; break;
            case 'f': lit = '\f'; break;
            case 'n': lit = '\n'; break;
            case 'r': lit = '\r'; break;
            case 't': lit = '\t'; break;
            case 'u':
                if (s->end - s->p < 4 || hex4(s->p, &cp) != 0) return -1;
                s->p += 4;
                if (cp >= 0xD800 && cp < 0xDC00) {
                    if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' || hex4(s->p + 2, &lo) != 0 ||
                        lo < 0xDC00 || lo > 0xDFFF)
                        return -1;
                    s->p += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp < 0xE000) {
                    return -1;
                }
                if (out && put_utf8(out, cp) != 0) return -2;
                continue;
            default: return -1;
            }
            if (out && anth_buf_putc(out, lit) != 0) return -2;
        }
    }
    return -1;
}

/* Any value; validates numbers and literals loosely (their characters). */
static int skip_value(scan *s, int depth) {
    ws(s);
    if (s->p == s->end) return -1;
    if (*s->p == '"') return string(s, NULL);
    if (*s->p == '{' || *s->p == '[') {
        char close = *s->p == '{' ? '}' : ']';
        int obj = close == '}', rc;
        if (depth >= MAX_DEPTH) return -1;
        s->p++;
        ws(s);
        if (s->p < s->end && *s->p == close) {
            s->p++;
            return 0;
        }
        for (;;) {
            if (obj) {
                ws(s);
                if (s->p == s->end || *s->p != '"') return -1;
                if ((rc = string(s, NULL)) != 0) return rc;
                ws(s);
                if (s->p == s->end || *s->p != ':') return -1;
                s->p++;
            }
            if ((rc = skip_value(s, depth + 1)) != 0) return rc;
            ws(s);
            if (s->p == s->end) return -1;
            if (*s->p == close) {
                s->p++;
                return 0;
            }
            if (*s->p != ',') return -1;
            s->p++;
        }
    }
    {
        const char *start = s->p;
        while (s->p < s->end && strchr("0123456789+-.eEtruefalsn", *s->p) != NULL && *s->p) s->p++;
        return s->p > start ? 0 : -1;
    }
}

int anth_json_member_string(const char *json, size_t n, const char *key, anth_buf *out) {
    scan s;
    anth_buf name;
    size_t keylen = strlen(key), mark = out->len;
    int found = 0, rc = -1;
    s.p = json;
    s.end = json + n;
    anth_buf_init(&name);
    ws(&s);
    if (s.p == s.end || *s.p != '{') return -1;
    s.p++;
    ws(&s);
    if (s.p < s.end && *s.p == '}') {
        s.p++;
        goto tail;
    }
    for (;;) {
        int r;
        ws(&s);
        if (s.p == s.end || *s.p != '"') goto fail;
        name.len = 0;
        if ((r = string(&s, &name)) != 0) {
            rc = r;
            goto fail;
        }
        ws(&s);
        if (s.p == s.end || *s.p != ':') goto fail;
        s.p++;
        ws(&s);
        if (name.len == keylen && memcmp(name.data, key, keylen) == 0) {
            out->len = mark; /* the last member of that name wins */
            if (s.p < s.end && *s.p == '"') {
                r = string(&s, out);
                found = 1;
            } else {
                r = skip_value(&s, 1);
                found = 0;
            }
        } else {
            r = skip_value(&s, 1);
        }
        if (r != 0) {
            rc = r;
            goto fail;
        }
        ws(&s);
        if (s.p == s.end) goto fail;
        if (*s.p == '}') {
            s.p++;
            break;
        }
        if (*s.p != ',') goto fail;
        s.p++;
    }
tail:
    ws(&s);
    anth_buf_free(&name);
    if (s.p != s.end) {
        out->len = mark;
        return -1;
    }
    return found;
fail:
    anth_buf_free(&name);
    out->len = mark;
    return rc;
}
