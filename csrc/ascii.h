/* ASCII case for protocol text (header names, URL schemes): the C
 * library's tolower follows the locale, and strncasecmp is POSIX only.
 * Plain C, inline. */
#ifndef ANTH_ASCII_H
#define ANTH_ASCII_H

#include <stddef.h>

static inline int anth_ascii_lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Whether the n bytes at a and at b are the same, ASCII case aside. It
 * stops at the first difference, so a NUL-terminated string shorter than n
 * is not read past its NUL (when the other has none there). */
static inline int anth_ascii_caseeq(const char *a, const char *b, size_t n) {
    size_t i;
    for (i = 0; i < n; i++)
        if (anth_ascii_lower((unsigned char)a[i]) != anth_ascii_lower((unsigned char)b[i])) return 0;
    return 1;
}

#endif
