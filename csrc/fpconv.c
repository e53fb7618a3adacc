/* Numbers as JSON text (fpconv.h). */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "fpconv.h"

/* Shortest digits that read back as the same double: Grisu2 (Loitsch,
 * "Printing floating-point numbers quickly and accurately with integers",
 * PLDI 2010): digits inside the rounding interval of the
 * double, computed with 64-bit integers and cached powers of ten
 * 10^(-348 + 8i) (significand f and binary exponent e, generated exactly). */

typedef struct diyfp {
    uint64_t f;
    int e;
} diyfp;

static const uint64_t cached_f[87] = {
    0xfa8fd5a0081c0288ULL, 0xbaaee17fa23ebf76ULL, 0x8b16fb203055ac76ULL,
    0xcf42894a5dce35eaULL, 0x9a6bb0aa55653b2dULL, 0xe61acf033d1a45dfULL,
    0xab70fe17c79ac6caULL, 0xff77b1fcbebcdc4fULL, 0xbe5691ef416bd60cULL,
    0x8dd01fad907ffc3cULL, 0xd3515c2831559a83ULL, 0x9d71ac8fada6c9b5ULL,
    0xea9c227723ee8bcbULL, 0xaecc49914078536dULL, 0x823c12795db6ce57ULL,
    0xc21094364dfb5637ULL, 0x9096ea6f3848984fULL, 0xd77485cb25823ac7ULL,
    0xa086cfcd97bf97f4ULL, 0xef340a98172aace5ULL, 0xb23867fb2a35b28eULL,
    0x84c8d4dfd2c63f3bULL, 0xc5dd44271ad3cdbaULL, 0x936b9fcebb25c996ULL,
    0xdbac6c247d62a584ULL, 0xa3ab66580d5fdaf6ULL, 0xf3e2f893dec3f126ULL,
    0xb5b5ada8aaff80b8ULL, 0x87625f056c7c4a8bULL, 0xc9bcff6034c13053ULL,
    0x964e858c91ba2655ULL, 0xdff9772470297ebdULL, 0xa6dfbd9fb8e5b88fULL,
    0xf8a95fcf88747d94ULL, 0xb94470938fa89bcfULL, 0x8a08f0f8bf0f156bULL,
    0xcdb02555653131b6ULL, 0x993fe2c6d07b7facULL, 0xe45c10c42a2b3b06ULL,
    0xaa242499697392d3ULL, 0xfd87b5f28300ca0eULL, 0xbce5086492111aebULL,
    0x8cbccc096f5088ccULL, 0xd1b71758e219652cULL, 0x9c40000000000000ULL,
    0xe8d4a51000000000ULL, 0xad78ebc5ac620000ULL, 0x813f3978f8940984ULL,
    0xc097ce7bc90715b3ULL, 0x8f7e32ce7bea5c70ULL, 0xd5d238a4abe98068ULL,
    0x9f4f2726179a2245ULL, 0xed63a231d4c4fb27ULL, 0xb0de65388cc8ada8ULL,
    0x83c7088e1aab65dbULL, 0xc45d1df942711d9aULL, 0x924d692ca61be758ULL,
    0xda01ee641a708deaULL, 0xa26da3999aef774aULL, 0xf209787bb47d6b85ULL,
    0xb454e4a179dd1877ULL, 0x865b86925b9bc5c2ULL, 0xc83553c5c8965d3dULL,
    0x952ab45cfa97a0b3ULL, 0xde469fbd99a05fe3ULL, 0xa59bc234db398c25ULL,
    0xf6c69a72a3989f5cULL, 0xb7dcbf5354e9beceULL, 0x88fcf317f22241e2ULL,
    0xcc20ce9bd35c78a5ULL, 0x98165af37b2153dfULL, 0xe2a0b5dc971f303aULL,
    0xa8d9d1535ce3b396ULL, 0xfb9b7cd9a4a7443cULL, 0xbb764c4ca7a44410ULL,
    0x8bab8eefb6409c1aULL, 0xd01fef10a657842cULL, 0x9b10a4e5e9913129ULL,
    0xe7109bfba19c0c9dULL, 0xac2820d9623bf429ULL, 0x80444b5e7aa7cf85ULL,
    0xbf21e44003acdd2dULL, 0x8e679c2f5e44ff8fULL, 0xd433179d9c8cb841ULL,
    0x9e19db92b4e31ba9ULL, 0xeb96bf6ebadf77d9ULL, 0xaf87023b9bf0ee6bULL,
};
static const int16_t cached_e[87] = {
    -1220, -1193, -1166, -1140, -1113, -1087, -1060, -1034, -1007, -980,
    -954, -927, -901, -874, -847, -821, -794, -768, -741, -715,
    -688, -661, -635, -608, -582, -555, -529, -502, -475, -449,
    -422, -396, -369, -343, -316, -289, -263, -236, -210, -183,
    -157, -130, -103, -77, -50, -24, 3, 30, 56, 83,
    109, 136, 162, 189, 216, 242, 269, 295, 322, 348,
    375, 402, 428, 455, 481, 508, 534, 561, 588, 614,
    641, 667, 694, 720, 747, 774, 800, 827, 853, 880,
    907, 933, 960, 986, 1013, 1039, 1066,
};

static diyfp diy_mul(diyfp x, diyfp y) { /* upper 64 bits of the product, rounded */
    const uint64_t M32 = 0xFFFFFFFFULL;
    uint64_t a = x.f >> 32, b = x.f & M32, c = y.f >> 32, d = y.f & M32;
    uint64_t ac = a * c, bc = b * c, ad = a * d, bd = b * d;
    uint64_t mid = (bd >> 32) + (ad & M32) + (bc & M32) + (1ULL << 31);
    diyfp r;
    r.f = ac + (ad >> 32) + (bc >> 32) + (mid >> 32);
    r.e = x.e + y.e + 64;
    return r;
}

static diyfp diy_normalize(diyfp x) {
    while (!(x.f & (1ULL << 63))) {
        x.f <<= 1;
        x.e--;
    }
    return x;
}

static const uint32_t pow10_u32[10] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};

static void grisu_round(char *buf, int len, uint64_t delta, uint64_t rest, uint64_t ten_kappa,
                        uint64_t wp_w) {
    while (rest < wp_w && delta - rest >= ten_kappa &&
           (rest + ten_kappa < wp_w || wp_w - rest > rest + ten_kappa - wp_w)) {
        buf[len - 1]--;
        rest += ten_kappa;
    }
}

/* d > 0, finite: writes the digits to buf (at most 17), value = digits * 10^K */
static int grisu2(double d, char *buf, int *K) {
    uint64_t bits, sig;
    int bexp, len = 0, kappa, k, index;
    diyfp v, pl, mi, c, W, Wp, Wm, one;
    uint64_t delta, wp_w, p2;
    uint32_t p1;
    double dk;
    memcpy(&bits, &d, sizeof bits);
    sig = bits & ((1ULL << 52) - 1);
    bexp = (int)((bits >> 52) & 0x7FF);
    if (bexp != 0) {
        v.f = sig | (1ULL << 52);
        v.e = bexp - 1075;
    } else {
        v.f = sig;
        v.e = -1074;
    }
    /* boundaries m- and m+ halfway to the neighbours, with m+'s exponent */
    pl.f = (v.f << 1) + 1;
    pl.e = v.e - 1;
    while (!(pl.f & (1ULL << 53))) {
        pl.f <<= 1;
        pl.e--;
    }
    pl.f <<= 10;
    pl.e -= 10;
    if (v.f == (1ULL << 52)) { /* the lower neighbour is closer */
        mi.f = (v.f << 2) - 1;
        mi.e = v.e - 2;
    } else {
        mi.f = (v.f << 1) - 1;
        mi.e = v.e - 1;
    }
    mi.f <<= mi.e - pl.e;
    mi.e = pl.e;
    /* a cached power bringing the exponent into [-60, -32] */
    dk = (-61 - pl.e) * 0.30102999566398114 + 347;
    k = (int)dk;
    if (dk - k > 0.0) k++;
    index = (k >> 3) + 1;
    *K = -(-348 + index * 8);
    c.f = cached_f[index];
    c.e = cached_e[index];
    W = diy_mul(diy_normalize(v), c);
    Wp = diy_mul(pl, c);
    Wm = diy_mul(mi, c);
    Wm.f++;
    Wp.f--;
    delta = Wp.f - Wm.f;
    /* digit generation */
    one.e = Wp.e;
    one.f = 1ULL << -one.e;
    wp_w = Wp.f - W.f;
    p1 = (uint32_t)(Wp.f >> -one.e);
    p2 = Wp.f & (one.f - 1);
    kappa = 1;
    while (kappa < 10 && p1 >= pow10_u32[kappa]) kappa++;
    while (kappa > 0) {
        uint32_t dg = p1 / pow10_u32[kappa - 1];
        uint64_t rest;
        p1 %= pow10_u32[kappa - 1];
        if (dg || len) buf[len++] = (char)('0' + dg);
        kappa--;
        rest = ((uint64_t)p1 << -one.e) + p2;
        if (rest <= delta) {
            *K += kappa;
            grisu_round(buf, len, delta, rest, (uint64_t)pow10_u32[kappa] << -one.e, wp_w);
            return len;
        }
    }
    for (;;) {
        char dg;
        p2 *= 10;
        delta *= 10;
        dg = (char)(p2 >> -one.e);
        if (dg || len) buf[len++] = (char)('0' + dg);
        p2 &= one.f - 1;
        kappa--;
        if (p2 < delta) {
            *K += kappa;
            grisu_round(buf, len, delta, p2, one.f, wp_w * (-kappa < 10 ? pow10_u32[-kappa] : 0));
            return len;
        }
    }
}

/* Writes finite, nonzero d as JSON: fixed notation for moderate exponents,
 * d.ddde+X otherwise. Returns the length (at most 26). */
static int format_grisu(double d, char *out) {
    char dig[20];
    int K, n, pt, i, o = 0, x;
    if (d < 0) {
        out[o++] = '-';
        d = -d;
    }
    n = grisu2(d, dig, &K);
    pt = n + K; /* the decimal point comes after pt digits */
    if (K < 0 && pt > 0 && pt <= 21) { /* ddd.ddd */
        memcpy(out + o, dig, (size_t)pt);
        o += pt;
        out[o++] = '.';
        memcpy(out + o, dig + pt, (size_t)(n - pt));
        return o + n - pt;
    }
    if (pt <= 0 && pt > -6) { /* 0.000ddd */
        out[o++] = '0';
        out[o++] = '.';
        for (i = pt; i < 0; i++) out[o++] = '0';
        memcpy(out + o, dig, (size_t)n);
        return o + n;
    }
    out[o++] = dig[0]; /* d.ddde+X */
    if (n > 1) {
        out[o++] = '.';
        memcpy(out + o, dig + 1, (size_t)(n - 1));
        o += n - 1;
    }
    out[o++] = 'e';
    x = pt - 1;
    if (x < 0) {
        out[o++] = '-';
        x = -x;
    } else {
        out[o++] = '+';
    }
    if (x >= 100) out[o++] = (char)('0' + x / 100);
    if (x >= 10) out[o++] = (char)('0' + x / 10 % 10);
    out[o++] = (char)('0' + x % 10);
    return o;
}

int anth_fpconv_double(double d, char *out) {
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && (double)(long long)d == d) {
        char tmp[24], *p;
        size_t n;
        if (d == 0 && signbit(d)) {
            memcpy(out, "-0", 2);
            return 2;
        }
        p = anth_fpconv_integer((long long)d, tmp + sizeof tmp);
        n = (size_t)(tmp + sizeof tmp - p);
        memcpy(out, p, n);
        return (int)n;
    }
    return format_grisu(d, out);
}
