/* RSASSA-PKCS1-v1_5 with SHA-256 (JWT "RS256", as Google service-account
 * token requests need) through libcrypto's EVP_DigestSign. Plain C, no Lua. */
#ifndef ANTH_RS256_H
#define ANTH_RS256_H

#include <stddef.h>
#include "buffer.h"

/* Signs data with the RSA private key in pem (PKCS#8 "PRIVATE KEY" or
 * PKCS#1 "RSA PRIVATE KEY"; an encrypted key is refused, never prompted
 * for). Appends the signature to sig. Returns 0, or -1 with *err set to a
 * static message that never quotes the key. */
int anth_rs256_sign(const char *pem, size_t pemlen, const void *data, size_t n, anth_buf *sig,
                    const char **err);

#endif
