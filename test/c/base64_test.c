/* Tests of base64.c's encoder against itself: every range of an encoding
 * made on demand (anth_b64_encode_range, what a blob's readers and a
 * request body's splices use) equals the same characters of the whole
 * encoding, at every offset and length near group and input edges, and at
 * random ones; plus RFC 4648's vectors and a round trip through the
 * decoder. Standalone, no Lua. Build and run: make check-c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base64.h"
#include "check.h"
#include "rnd.h"


static void check_range(const unsigned char *in, size_t n, const char *whole, size_t off, size_t len) {
    char *part = malloc(len ? len : 1);
    anth_b64_encode_range(in, n, off, part, len);
    CHECK(memcmp(part, whole + off, len) == 0);
    free(part);
}

static void test_ranges(size_t n) {
    unsigned char *in = malloc(n ? n : 1);
    size_t elen = anth_b64_encoded_len(n), i, off, len;
    char *whole = malloc(elen + 1);
    unsigned char *back = malloc(n + 3);
    for (i = 0; i < n; i++) in[i] = (unsigned char)rnd();
    anth_b64_encode(in, n, whole);
    CHECK(anth_b64_decode(whole, elen, back) == (ptrdiff_t)n && memcmp(back, in, n) == 0);
    if (elen <= 64) { /* every range */
        for (off = 0; off <= elen; off++)
            for (len = 0; off + len <= elen; len++) check_range(in, n, whole, off, len);
    } else {
        for (i = 0; i < 300; i++) {
            off = rnd() % (elen + 1);
            len = rnd() % (elen - off + 1);
            if (i % 3 == 0 && elen - off > 9) len = rnd() % 9; /* short ones too */
            check_range(in, n, whole, off, len);
        }
        for (off = elen > 12 ? elen - 12 : 0; off <= elen; off++) check_range(in, n, whole, off, elen - off);
        check_range(in, n, whole, 0, elen);
    }
    free(in);
    free(whole);
    free(back);
}

static void test_vectors(void) {
    static const char *const v[][2] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
                                       {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    size_t i;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        char out[16];
        size_t n = strlen(v[i][0]), elen = anth_b64_encoded_len(n);
        CHECK(elen == strlen(v[i][1]));
        anth_b64_encode_range((const unsigned char *)v[i][0], n, 0, out, elen);
        CHECK(memcmp(out, v[i][1], elen) == 0);
    }
}

int main(void) {
    size_t n;
    rng = 0x5DEECE66DUL;
    test_vectors();
    for (n = 0; n <= 40; n++) test_ranges(n);
    for (n = 0; n < 40; n++) test_ranges(1 + rnd() % 300000);
    test_ranges(ANTH_B64_BLOCK + 1);
    printf("base64_test: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
