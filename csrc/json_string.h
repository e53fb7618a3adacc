/* JSON strings: escaping for the writer, with UTF-8 validation, and the
 * 8-bytes-at-a-time scan the reader shares. Plain C, no Lua. */
#ifndef ANTH_JSON_STRING_H
#define ANTH_JSON_STRING_H

#include <stddef.h>
#include <stdint.h>
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

/* Appends s (n bytes) to out as a JSON string, quotes included. Returns 0;
 * -1 when out of memory; 1 when s is not well-formed UTF-8, with *bad set to
 * the 0-based offset of the first bad byte (out then ends inside the string;
 * its owner drops it). */
int anth_json_put_string(anth_buf *out, const char *s, size_t n, size_t *bad);

/* Whether s can be written between quotes as it is: well-formed UTF-8
 * without a byte JSON escapes. */
int anth_json_is_plain(const char *s, size_t n);

#endif
