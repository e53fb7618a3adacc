/* Throughput of anth_b64_encode / anth_b64_decode on a 20 MB buffer: the
 * median of the rounds (and the best), in MB/s of binary data.
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

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *t, int n) {
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
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
    double *enc_t, *dec_t, med_enc, med_dec, best_enc, best_dec, mbytes;
    ptrdiff_t dlen = 0;
    if (rounds < 1) rounds = 1;
    enc_t = malloc((size_t)rounds * sizeof *enc_t);
    dec_t = malloc((size_t)rounds * sizeof *dec_t);
    if (!in || !back || !out || !enc_t || !dec_t) return 1;
    fill(in, n);
    memset(out, 0, elen);
    memset(back, 0, n);
    for (r = 0; r < rounds; r++) {
        enc_t[r] = now();
        anth_b64_encode(in, n, out);
        enc_t[r] = now() - enc_t[r];
    }
    for (r = 0; r < rounds; r++) {
        dec_t[r] = now();
        dlen = anth_b64_decode(out, elen, back);
        dec_t[r] = now() - dec_t[r];
    }
    if (dlen != (ptrdiff_t)n || memcmp(in, back, n) != 0) {
        fprintf(stderr, "round trip FAILED\n");
        return 1;
    }
    med_enc = median(enc_t, rounds);
    med_dec = median(dec_t, rounds);
    best_enc = enc_t[0];
    best_dec = dec_t[0];
    mbytes = (double)n / 1e6;
    printf("input %zu MiB, median of %d rounds (best in brackets)\n", mb, rounds);
    printf("encode: %7.2f ms  %6.0f MB/s  (%.2f ms, %.0f MB/s)\n",
           med_enc * 1e3, mbytes / med_enc, best_enc * 1e3, mbytes / best_enc);
    printf("decode: %7.2f ms  %6.0f MB/s  (%.2f ms, %.0f MB/s)\n",
           med_dec * 1e3, mbytes / med_dec, best_dec * 1e3, mbytes / best_dec);
    free(in);
    free(back);
    free(out);
    free(enc_t);
    free(dec_t);
    return 0;
}
