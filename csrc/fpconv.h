/* Numbers as JSON text: the number half of the JSON writer (as lua-cjson's
 * fpconv.c is for lua-cjson). Plain C, no Lua. */
#ifndef ANTH_FPCONV_H
#define ANTH_FPCONV_H

#include <string.h>

/* Room anth_fpconv_integer and anth_fpconv_double need. */
#define ANTH_FPCONV_BUF 32

static const char anth_digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Writes the decimal digits of v so that they end just before end (at least
 * 20 bytes of room before it); returns where they start. Inline: integers
 * are most of the numbers a request holds. */
static inline char *anth_fpconv_integer(long long v, char *end) {
    char *p = end;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        p -= 2;
        memcpy(p, anth_digit_pairs + 2 * r, 2);
    }
    if (u >= 10) {
        p -= 2;
        memcpy(p, anth_digit_pairs + 2 * u, 2);
    } else {
        *--p = (char)('0' + u);
    }
    if (v < 0) *--p = '-';
    return p;
}

/* Writes finite d to out (ANTH_FPCONV_BUF bytes, no NUL) and returns the
 * length: the shortest digits that read back as the same double; integral
 * values in the int64 range as integers ("-0" for negative zero); fixed
 * notation for moderate exponents, d.ddde+X otherwise. */
int anth_fpconv_double(double d, char *out);

#endif
