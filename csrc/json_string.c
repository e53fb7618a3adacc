/* JSON strings (json_string.h). */
#include <string.h>
#include "json_string.h"

/* 0: copied as is; 1: escaped; 2: first byte of a UTF-8 sequence (or invalid) */
#define C16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const unsigned char str_class[256] = {
    C16(1), C16(1),
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x22 '"' */
    C16(0), C16(0),
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x5C '\\' */
    C16(0), C16(0),
    C16(2), C16(2), C16(2), C16(2), C16(2), C16(2), C16(2), C16(2),
};
#undef C16

/* Length of the well-formed UTF-8 sequence at s, or 0 (overlong, surrogate,
 * above U+10FFFF, stray continuation byte, truncated). */
static size_t utf8_len(const unsigned char *s, size_t left) {
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return (left >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c < 0xF0) {
        if (c == 0xE0) lo = 0xA0;
        else if (c == 0xED) hi = 0x9F;
        if (left < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80) return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (c == 0xF0) lo = 0x90;
        else if (c == 0xF4) hi = 0x8F;
        if (left < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        return 4;
    }
    return 0;
}

/* nonzero when one of the 8 bytes of v is < 0x20, '"', '\\' or >= 0x80 */
static inline uint64_t special8(uint64_t v) {
    return anth_json_stop8(v) | (v & ANTH_HIGHS8);
}

/* Whether a string can be written as it is: valid UTF-8 without a byte that
 * JSON escapes. */
int anth_json_is_plain(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        while (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (special8(v)) break;
            i += 8;
        }
        if (i >= n) break;
        if (str_class[s[i]] == 0) { i++; continue; }
        if (str_class[s[i]] != 2) return 0;
        {
            size_t l = utf8_len(s + i, n - i);
            if (l == 0) return 0;
            i += l;
        }
    }
    return 1;
}

#define PUT_LIT(b, lit) anth_buf_append((b), (lit), sizeof(lit) - 1)

int anth_json_put_string(anth_buf *b, const char *str, size_t n, size_t *bad) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0;
    int rc = 0;
    if (b->cap - b->len < n + 2 && anth_buf_grow(b, n + 2) != 0) return -1;
    b->data[b->len++] = '"';
    while (i < n) {
        unsigned char c;
        while (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (special8(v)) break;
            i += 8;
        }
        for (; i < n; i++) {
            c = s[i];
            if (str_class[c] != 0) break;
        }
        if (i >= n) break;
        if (str_class[c] == 2) {
            size_t l = utf8_len(s + i, n - i);
            if (l == 0) {
                *bad = i;
                return 1;
            }
            i += l;
            continue;
        }
        if (i > run) rc |= anth_buf_append(b, s + run, i - run);
        switch (c) {
        case '"': rc |= PUT_LIT(b, "\\\""); break;
        case '\\': rc |= PUT_LIT(b, "\\\\"); break;
        case '\n': rc |= PUT_LIT(b, "\\n"); break;
        case '\r': rc |= PUT_LIT(b, "\\r"); break;
        case '\t': rc |= PUT_LIT(b, "\\t"); break;
        case '\b': rc |= PUT_LIT(b, "\\b"); break;
        case '\f': rc |= PUT_LIT(b, "\\f"); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            rc |= anth_buf_append(b, u, 6);
        }
        }
        if (rc != 0) return -1;
        run = ++i;
    }
    if (n > run && anth_buf_append(b, s + run, n - run) != 0) return -1;
    return anth_buf_putc(b, '"');
}
