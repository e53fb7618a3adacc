/* Base64 and media-type sniffing (base64.h). */
#include <string.h>
#include "base64.h"

/* The character of a 6-bit value, as a constant expression so that the tables
 * below are built by the compiler (ASCII assumed, as base64 itself does). */
#define B64C(v) ((char)((v) < 26 ? 'A' + (v) : (v) < 52 ? 'a' + (v) - 26 \
                        : (v) < 62 ? '0' + (v) - 52 : (v) == 62 ? '+' : '/'))

/* Two output characters for every 12-bit value: one lookup per half of a
 * 3-byte group instead of one per 6 bits, which is what makes encoding run
 * at about memory speed. 8 KB, shared read-only. */
#define PAIR(i) { B64C((i) >> 6), B64C((i) & 63) }
#define P4(i) PAIR(i), PAIR((i) + 1), PAIR((i) + 2), PAIR((i) + 3)
#define P16(i) P4(i), P4((i) + 4), P4((i) + 8), P4((i) + 12)
#define P64(i) P16(i), P16((i) + 16), P16((i) + 32), P16((i) + 48)
#define P256(i) P64(i), P64((i) + 64), P64((i) + 128), P64((i) + 192)
#define P1024(i) P256(i), P256((i) + 256), P256((i) + 512), P256((i) + 768)
static const char pairs[4096][2] = {
    P1024(0), P1024(1024), P1024(2048), P1024(3072)
};

/* The 6-bit value of a character, -1 for anything outside the alphabet
 * ('=' included: padding is handled apart). */
#define B64V(c) ((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' \
                 : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26 \
                 : (c) >= '0' && (c) <= '9' ? (c) - '0' + 52 \
                 : (c) == '+' ? 62 : (c) == '/' ? 63 : -1)
/* (the casts only quiet compilers that check the untaken branches of B64V) */
#define V1(c) (signed char)(B64V(c))
#define V4(c) V1(c), V1((c) + 1), V1((c) + 2), V1((c) + 3)
#define V16(c) V4(c), V4((c) + 4), V4((c) + 8), V4((c) + 12)
#define V64(c) V16(c), V16((c) + 16), V16((c) + 32), V16((c) + 48)
static const signed char values[256] = {
    V64(0), V64(64), V64(128), V64(192)
};

size_t anth_b64_encoded_len(size_t n) {
    size_t groups = n / 3 + (n % 3 != 0);
    if (groups > (size_t)-1 / 4) return 0;
    return groups * 4;
}

size_t anth_b64_decoded_max(size_t n) {
    return n / 4 * 3;
}

static void encode_group(const unsigned char *in, char *out) {
    unsigned long v = (unsigned long)in[0] << 16 | (unsigned)in[1] << 8 | in[2];
    memcpy(out, pairs[v >> 12], 2);
    memcpy(out + 2, pairs[v & 0xFFF], 2);
}

void anth_b64_encode(const unsigned char *in, size_t n, char *out) {
    size_t i = 0;
    for (; n - i >= 12; i += 12, out += 16) {
        encode_group(in + i, out);
        encode_group(in + i + 3, out + 4);
        encode_group(in + i + 6, out + 8);
        encode_group(in + i + 9, out + 12);
    }
    for (; n - i >= 3; i += 3, out += 4) encode_group(in + i, out);
    if (n - i == 1) {
        memcpy(out, pairs[(unsigned)in[i] << 4], 2);
        out[2] = out[3] = '=';
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 8 | in[i + 1];
        memcpy(out, pairs[v >> 4], 2);
        out[2] = B64C((v & 0xF) << 2);
        out[3] = '=';
    }
}

void anth_b64_encode_range(const unsigned char *in, size_t n, size_t off, char *out, size_t len) {
    while (len > 0) {
        size_t group = off / 4, at = off % 4, whole = n / 3; /* input groups of 3 bytes */
        char quad[4];
        size_t take;
        if (at == 0 && len >= 4 && group < whole) { /* as many whole groups as fit, directly */
            size_t groups = len / 4;
            if (groups > whole - group) groups = whole - group;
            anth_b64_encode(in + group * 3, groups * 3, out);
            out += groups * 4;
            off += groups * 4;
            len -= groups * 4;
            continue;
        }
        /* one quad through quad[]: cut by the range, or the padded last one */
        anth_b64_encode(in + group * 3, n - group * 3 < 3 ? n - group * 3 : 3, quad);
        take = 4 - at < len ? 4 - at : len;
        memcpy(out, quad + at, take);
        out += take;
        off += take;
        len -= take;
    }
}

/* The final quad, which may carry padding: returns its byte count or -1. */
static int decode_last(const unsigned char *q, unsigned char *out) {
    int a = values[q[0]], b = values[q[1]], c = values[q[2]], d = values[q[3]];
    if ((a | b) < 0) return -1;
    if (q[2] == '=' && q[3] == '=') {
        if (b & 0x0F) return -1;
        if (out) out[0] = (unsigned char)(a << 2 | b >> 4);
        return 1;
    }
    if (c < 0) return -1;
    if (q[3] == '=') {
        if (c & 0x03) return -1;
        if (out) {
            out[0] = (unsigned char)(a << 2 | b >> 4);
            out[1] = (unsigned char)((b & 0x0F) << 4 | c >> 2);
        }
        return 2;
    }
    if (d < 0) return -1;
    if (out) {
        unsigned long v = (unsigned long)a << 18 | (unsigned long)b << 12 | (unsigned)c << 6 | (unsigned)d;
        out[0] = (unsigned char)(v >> 16);
        out[1] = (unsigned char)(v >> 8);
        out[2] = (unsigned char)v;
    }
    return 3;
}

ptrdiff_t anth_b64_decode(const char *in, size_t n, unsigned char *out) {
    const unsigned char *p = (const unsigned char *)in;
    size_t i, o = 0;
    int last;
    if (n % 4 != 0) return -1;
    if (n == 0) return 0;
    for (i = 0; i + 4 < n; i += 4, o += 3) {
        int a = values[p[i]], b = values[p[i + 1]], c = values[p[i + 2]], d = values[p[i + 3]];
        unsigned long v;
        if ((a | b | c | d) < 0) return -1;
        if (!out) continue;
        v = (unsigned long)a << 18 | (unsigned long)b << 12 | (unsigned)c << 6 | (unsigned)d;
        out[o] = (unsigned char)(v >> 16);
        out[o + 1] = (unsigned char)(v >> 8);
        out[o + 2] = (unsigned char)v;
    }
    last = decode_last(p + i, out ? out + o : NULL);
    return last < 0 ? -1 : (ptrdiff_t)(o + (size_t)last);
}

const char *anth_b64_why_invalid(const char *in, size_t n, size_t *at) {
    const unsigned char *p = (const unsigned char *)in;
    size_t i;
    *at = n;
    if (n % 4 != 0) return "length is not a multiple of 4";
    for (i = 0; i < n; i++) {
        if (values[p[i]] >= 0) continue;
        *at = i;
        if (p[i] != '=') return "invalid character";
        if (i + 2 < n || (i + 2 == n && p[i + 1] != '=')) return "misplaced padding";
        /* '=' as the last one or two characters: the bits before it are set */
        *at = i - 1;
        return "non-canonical encoding (unused bits before the padding are not zero)";
    }
    return "invalid";
}

static int starts_with(const unsigned char *p, size_t n, const char *magic, size_t len) {
    return n >= len && memcmp(p, magic, len) == 0;
}

const char *anth_sniff_media_type(const unsigned char *p, size_t n) {
    if (starts_with(p, n, "\xFF\xD8\xFF", 3)) return "image/jpeg";
    if (starts_with(p, n, "\x89PNG\r\n\x1A\n", 8)) return "image/png";
    if (starts_with(p, n, "GIF87a", 6) || starts_with(p, n, "GIF89a", 6)) return "image/gif";
    if (starts_with(p, n, "RIFF", 4) && n >= 12 && memcmp(p + 8, "WEBP", 4) == 0) return "image/webp";
    if (starts_with(p, n, "%PDF-", 5)) return "application/pdf";
    /* BM, file size, two zero reserved words */
    if (starts_with(p, n, "BM", 2) && n >= 10 && memcmp(p + 6, "\0\0\0\0", 4) == 0) return "image/bmp";
    if (starts_with(p, n, "II*\0", 4) || starts_with(p, n, "MM\0*", 4)) return "image/tiff";
    /* ISO base media: box size, "ftyp", major brand */
    if (n >= 12 && memcmp(p + 4, "ftyp", 4) == 0) {
        if (memcmp(p + 8, "avif", 4) == 0 || memcmp(p + 8, "avis", 4) == 0) return "image/avif";
        if (memcmp(p + 8, "heic", 4) == 0 || memcmp(p + 8, "heix", 4) == 0
            || memcmp(p + 8, "mif1", 4) == 0 || memcmp(p + 8, "msf1", 4) == 0) return "image/heic";
    }
    return NULL;
}
