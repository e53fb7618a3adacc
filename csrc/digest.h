/* SHA-256 and HMAC-SHA-256 through OpenSSL's libcrypto (EVP), over input made
 * of several pieces (a request body is a buffer with large strings spliced
 * in, see anth_body in transfer.h), and lower-case hex. Plain C, no Lua. */
#ifndef ANTH_DIGEST_H
#define ANTH_DIGEST_H

#include <stddef.h>

#define ANTH_SHA256_LEN 32

/* One piece of a message: n bytes at p (p may be NULL when n is 0). */
typedef struct anth_piece {
    const void *p;
    size_t n;
} anth_piece;

/* SHA-256 of the concatenation of the pieces. Returns 0, or -1 when libcrypto
 * fails (out of memory). */
int anth_sha256(const anth_piece *pieces, size_t npieces, unsigned char out[ANTH_SHA256_LEN]);

/* SHA-256 fed a part at a time (input made as it is hashed): begin (NULL
 * when out of memory), add any number of parts, then end, which writes the
 * digest and frees the state, st NULL or a failed add included. add and end
 * return 0, or -1 when libcrypto fails. */
typedef struct anth_sha256_state anth_sha256_state;
anth_sha256_state *anth_sha256_begin(void);
int anth_sha256_add(anth_sha256_state *st, const void *p, size_t n);
int anth_sha256_end(anth_sha256_state *st, int ok, unsigned char out[ANTH_SHA256_LEN]);

/* HMAC-SHA-256 of msg under key. Returns 0 or -1. */
int anth_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                     unsigned char out[ANTH_SHA256_LEN]);

/* Writes 2n lower-case hex digits of in[0..n) to out, then a NUL. */
void anth_hex(const unsigned char *in, size_t n, char *out);

/* Overwrites n bytes at p in a way the compiler keeps (for key material). */
void anth_wipe(void *p, size_t n);

#endif
