/* SHA-256 and HMAC-SHA-256 (see digest.h): thin wrappers over libcrypto, so
 * no hash is written by hand here. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "digest.h"

/* (The state is libcrypto's digest context.) */
anth_sha256_state *anth_sha256_begin(void) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        ctx = NULL;
    }
    return (anth_sha256_state *)ctx;
}

int anth_sha256_add(anth_sha256_state *st, const void *p, size_t n) {
    if (n == 0) return 0;
    return EVP_DigestUpdate((EVP_MD_CTX *)st, p, n) == 1 ? 0 : -1;
}

int anth_sha256_end(anth_sha256_state *st, int ok, unsigned char out[ANTH_SHA256_LEN]) {
    EVP_MD_CTX *ctx = (EVP_MD_CTX *)st;
    unsigned int outlen = 0;
    ok = ok && ctx != NULL && EVP_DigestFinal_ex(ctx, out, &outlen) == 1 && outlen == ANTH_SHA256_LEN;
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}

int anth_sha256(const anth_piece *pieces, size_t npieces, unsigned char out[ANTH_SHA256_LEN]) {
    anth_sha256_state *st = anth_sha256_begin();
    size_t i;
    int ok = st != NULL;
    for (i = 0; ok && i < npieces; i++) ok = anth_sha256_add(st, pieces[i].p, pieces[i].n) == 0;
    return anth_sha256_end(st, ok, out);
}

int anth_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                     unsigned char out[ANTH_SHA256_LEN]) {
    unsigned int outlen = 0;
    static const unsigned char empty = 0;
    if (klen > 0x7fffffff) return -1;
    if (HMAC(EVP_sha256(), key, (int)klen, mlen ? msg : &empty, mlen, out, &outlen) == NULL) return -1;
    return outlen == ANTH_SHA256_LEN ? 0 : -1;
}

void anth_hex(const unsigned char *in, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void anth_wipe(void *p, size_t n) {
    OPENSSL_cleanse(p, n);
}
