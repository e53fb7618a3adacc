/* Throughput of anth_b64_encode / anth_b64_decode on a 20 MB buffer.
 * Build: cc -O2 -Icsrc bench/base64_bench.c csrc/base64.c -o /tmp/base64_bench
 * Run:   /tmp/base64_bench [megabytes] [rounds] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base64.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fill(unsigned char *p, size_t n) {
    unsigned long x = 88172645463325252UL & 0xFFFFFFFFUL;
    size_t i;
    for (i = 0; i < n; i++) {
        x ^= x << 13 & 0xFFFFFFFFUL;
        x ^= x >> 17;
        x ^= x << 5 & 0xFFFFFFFFUL;
        p[i] = (unsigned char)x;
    }
}

int main(int argc, char **argv) {
    size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 20;
    int rounds = argc > 2 ? atoi(argv[2]) : 20, r;
    size_t n = mb * 1024 * 1024, elen = anth_b64_encoded_len(n);
    unsigned char *in = malloc(n), *back = malloc(n);
    char *out = malloc(elen);
    double t, best_enc = 1e9, best_dec = 1e9;
    ptrdiff_t dlen = 0;
    if (!in || !back || !out) return 1;
    fill(in, n);
    memset(out, 0, elen);
    memset(back, 0, n);
    for (r = 0; r < rounds; r++) {
        t = now();
        anth_b64_encode(in, n, out);
        t = now() - t;
        if (t < best_enc) best_enc = t;
    }
    for (r = 0; r < rounds; r++) {
        t = now();
        dlen = anth_b64_decode(out, elen, back);
        t = now() - t;
        if (t < best_dec) best_dec = t;
    }
    if (dlen != (ptrdiff_t)n || memcmp(in, back, n) != 0) {
        fprintf(stderr, "round trip FAILED\n");
        return 1;
    }
    printf("input %zu MB, best of %d\n", mb, rounds);
    printf("encode: %.2f ms  %.2f GB/s of input\n", best_enc * 1e3, (double)n / best_enc / 1e9);
    printf("decode: %.2f ms  %.2f GB/s of output\n", best_dec * 1e3, (double)n / best_dec / 1e9);
    free(in);
    free(back);
    free(out);
    return 0;
}
