/* JSON strings, byte by byte: which bytes the writer escapes, UTF-8
 * validation, and the 8-bytes-at-a-time scans the writer and the reader use.
 * Plain C, no Lua. All inline (no .c file): the writer runs this for every
 * key and string it writes (json_write.c's put_string). */
#ifndef ANTH_JSON_STRING_H
#define ANTH_JSON_STRING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "buffer.h"

#define ANTH_ONES8 0x0101010101010101ULL
#define ANTH_HIGHS8 0x8080808080808080ULL

/* Nonzero when one of the 8 bytes of v is < 0x20, '"' or '\\': where a
 * JSON string's plain run stops. */
static inline uint64_t anth_json_stop8(uint64_t v) {
    uint64_t q = v ^ (ANTH_ONES8 * 0x22), b = v ^ (ANTH_ONES8 * 0x5C);
    return (((v - ANTH_ONES8 * 0x20) & ~v) | ((q - ANTH_ONES8) & ~q) | ((b - ANTH_ONES8) & ~b)) &
           ANTH_HIGHS8;
}

/* 0: copied as is; 1: escaped; 2: first byte of a UTF-8 sequence (or invalid) */
#define C16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const unsigned char anth_json_str_class[256] = {
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
static inline size_t anth_utf8_len(const unsigned char *s, size_t left) {
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

/* Nonzero when one of the 8 bytes of v is < 0x20, '"', '\\' or >= 0x80 */
static inline uint64_t anth_json_special8(uint64_t v) {
    return anth_json_stop8(v) | (v & ANTH_HIGHS8);
}

/* Whether s can be written between quotes as it is: well-formed UTF-8
 * without a byte JSON escapes. */
static inline int anth_json_is_plain(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        while (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (anth_json_special8(v)) break;
            i += 8;
        }
        if (i >= n) break;
        if (anth_json_str_class[s[i]] == 0) { i++; continue; }
        if (anth_json_str_class[s[i]] != 2) return 0;
        {
            size_t l = anth_utf8_len(s + i, n - i);
            if (l == 0) return 0;
            i += l;
        }
    }
    return 1;
}

#endif
