/* RS256 signing (see rs256.h). OpenSSL's error queue is cleared on every
 * path, so no detail of the key is left for anyone to print later. */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include "rs256.h"

/* Refuses to decrypt: a key with a passphrase would otherwise make OpenSSL
 * prompt on the terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *u) {
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

int anth_rs256_sign(const char *pem, size_t pemlen, const void *data, size_t n, anth_buf *sig,
                    const char **err) {
    BIO *bio = NULL;
    EVP_PKEY *key = NULL;
    EVP_MD_CTX *ctx = NULL;
    size_t siglen = 0;
    int rc = -1;
    if (pemlen > 0x7fffffff) {
        *err = "private key is too large";
        return -1;
    }
    bio = BIO_new_mem_buf(pem, (int)pemlen);
    *err = "out of memory";
    if (bio == NULL) goto done;
    key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    if (key == NULL) {
        *err = "private key is not an unencrypted PEM private key";
        goto done;
    }
    if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
        *err = "private key is not an RSA key";
        goto done;
    }
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) goto done;
    *err = "RSA signing failed";
    if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) != 1 ||
        EVP_DigestSign(ctx, NULL, &siglen, data, n) != 1)
        goto done;
    if (anth_buf_grow(sig, siglen) != 0) {
        *err = "out of memory";
        goto done;
    }
    if (EVP_DigestSign(ctx, (unsigned char *)sig->data + sig->len, &siglen, data, n) != 1) goto done;
    sig->len += siglen;
    rc = 0;
    *err = NULL;
done:
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    BIO_free(bio);
    ERR_clear_error();
    return rc;
}
