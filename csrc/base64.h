/* Base64 (RFC 4648, standard alphabet, with padding) and media-type sniffing.
 * Plain C, no Lua. */
#ifndef ANTH_BASE64_H
#define ANTH_BASE64_H

#include <stddef.h>

/* Encoded size of n input bytes: 4 * ceil(n / 3). Returns 0 when that would
 * not fit in a size_t (only possible for n close to SIZE_MAX). */
size_t anth_b64_encoded_len(size_t n);

/* Writes exactly anth_b64_encoded_len(n) characters to out (no NUL).
 * Streaming: encoding consecutive blocks whose sizes are multiples of 3 (all
 * but the last) and concatenating the outputs gives the encoding of the whole;
 * ANTH_B64_BLOCK is such a size, suited to reading files. */
void anth_b64_encode(const unsigned char *in, size_t n, char *out);
#define ANTH_B64_BLOCK ((size_t)3 * 65536)

/* Writes characters [off, off + len) of the encoding of in[0..n) to out (no
 * NUL): a part of it, encoded on demand, so that the whole never needs to
 * exist at once. off + len must not pass anth_b64_encoded_len(n). */
void anth_b64_encode_range(const unsigned char *in, size_t n, size_t off, char *out, size_t len);

/* Upper bound of the decoded size of n characters: 3 * (n / 4). */
size_t anth_b64_decoded_max(size_t n);

/* Strict decoder: n must be a multiple of 4, only the 64 alphabet characters,
 * '=' only as one or two final characters, and the unused bits before the
 * padding must be zero (the canonical encoding). No whitespace is skipped.
 * Writes at most anth_b64_decoded_max(n) bytes to out, or nothing when out is
 * NULL (validation only). Returns the decoded length, or -1 if in is invalid
 * (out may then hold partial output). */
ptrdiff_t anth_b64_decode(const char *in, size_t n, unsigned char *out);

/* Why anth_b64_decode rejects in (call it only after it did): a short reason,
 * and in *at the 0-based offset of the offending character (n for a bad
 * length). */
const char *anth_b64_why_invalid(const char *in, size_t n, size_t *at);

/* The media type told by the first bytes of a file (ANTH_SNIFF_LEN suffice),
 * or NULL: image/jpeg, image/png, image/gif, image/webp, application/pdf; and,
 * so that callers can say what they were given, some types the API does not
 * take: image/bmp, image/tiff, image/heic, image/avif. */
#define ANTH_SNIFF_LEN 16
const char *anth_sniff_media_type(const unsigned char *p, size_t n);

#endif
