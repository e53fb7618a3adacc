/* Tests of SigV4 signing (csrc/sigv4.c) and the digests (csrc/digest.c).
 * Standalone, no Lua. The known-answer vector is botocore's (platforms.md
 * §1.3); the Lua specs then have botocore re-verify live requests.
 *
 * Build and run (from the repository root):
 *   cc -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -O2 -g -Icsrc \
 *      -o build/sigv4_test test/c/sigv4_test.c csrc/sigv4.c csrc/digest.c csrc/buffer.c \
 *      -lcrypto && build/sigv4_test
 */
#include <stdio.h>
#include <string.h>
#include "digest.h"
#include "sigv4.h"
#include "check.h"

#define CHECK_STR(got, want)                                                          \
    do {                                                                              \
        checks++;                                                                     \
        if (strcmp((got), (want)) != 0) {                                             \
            failures++;                                                               \
            fprintf(stderr, "%s:%d: got\n%s\nwant\n%s\n", __FILE__, __LINE__, (got), (want)); \
        }                                                                             \
    } while (0)

static const char BODY[] =
    "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
    "\"content\":\"hi\"}]}";
static const char URL[] = "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
                          "us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream";

static const char *z(anth_buf *b) {
    static const char nul = 0;
    if (anth_buf_putc(b, 0) != 0) return &nul;
    b->len--;
    return b->data;
}

static void body_hash(const anth_piece *pieces, size_t n, char hex[65]) {
    unsigned char d[32];
    CHECK(anth_sha256(pieces, n, d) == 0);
    anth_hex(d, 32, hex);
}

static int sign(const char *url, const anth_header *h, size_t nh, const char *token, const char *date,
                anth_sigv4_out *out, const char *payload_hash) {
    anth_sigv4_in in;
    const char *err = NULL;
    int rc;
    memset(&in, 0, sizeof in);
    in.method = "POST";
    in.url = url;
    in.url_len = strlen(url);
    in.headers = h;
    in.nheaders = nh;
    in.payload_hash = payload_hash;
    in.region = "us-east-1";
    in.service = "bedrock";
    in.access_key = "AKIDEXAMPLE";
    in.secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    in.session_token = token;
    memcpy(in.amz_date, date, 17);
    anth_sigv4_out_init(out);
    rc = anth_sigv4_sign(&in, out, &err);
    if (rc != 0) fprintf(stderr, "sign: %s\n", err);
    return rc;
}

#define H(n, v) {n, sizeof n - 1, v, sizeof v - 1}

static void known_answer(void) {
    static const anth_header hs[] = {H("content-type", "application/json"), H("accept", "application/json")};
    anth_piece whole = {BODY, sizeof BODY - 1};
    anth_piece parts[4] = {{BODY, 10}, {NULL, 0}, {BODY + 10, 50}, {BODY + 60, sizeof BODY - 1 - 60}};
    char hex[65], hex2[65];
    unsigned char d[32];
    anth_sigv4_out out;
    CHECK(sizeof BODY - 1 == 102);
    body_hash(&whole, 1, hex);
    CHECK_STR(hex, "616eb59224eb795b641b4c541ad9ee8b939a1e8798f73b54fce66bb79ddbb992");
    body_hash(parts, 4, hex2); /* a body in pieces hashes the same */
    CHECK_STR(hex2, hex);
    CHECK(sign(URL, hs, 2, NULL, "20250102T030405Z", &out, hex) == 0);
    CHECK_STR(z(&out.signed_headers), "accept;content-type;host;x-amz-date");
    CHECK_STR(z(&out.canonical),
              "POST\n/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream\n\n"
              "accept:application/json\ncontent-type:application/json\n"
              "host:bedrock-runtime.us-east-1.amazonaws.com\nx-amz-date:20250102T030405Z\n\n"
              "accept;content-type;host;x-amz-date\n"
              "616eb59224eb795b641b4c541ad9ee8b939a1e8798f73b54fce66bb79ddbb992");
    {
        anth_piece p = {out.canonical.data, out.canonical.len};
        CHECK(anth_sha256(&p, 1, d) == 0);
        anth_hex(d, 32, hex2);
        CHECK_STR(hex2, "a9a5751ed575dda183f85b4c2d50768bb98c3adc916cb5b4c23a8d970e72e661");
    }
    CHECK_STR(out.signature, "03ff639a3f1f2c9d00955d9c683be2aeef3bac82637f5fb0caa5d6e7584ecdd4");
    CHECK_STR(z(&out.authorization),
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250102/us-east-1/bedrock/aws4_request, "
              "SignedHeaders=accept;content-type;host;x-amz-date, "
              "Signature=03ff639a3f1f2c9d00955d9c683be2aeef3bac82637f5fb0caa5d6e7584ecdd4");
    CHECK_STR(z(&out.host), "bedrock-runtime.us-east-1.amazonaws.com");
    anth_sigv4_out_free(&out);
}

static void canonical_forms(void) {
    /* Mixed-case names, whitespace runs, a repeated name, headers never signed. */
    static const anth_header hs[] = {
        H("Content-Type", "  application/json  "), H("X-Thing", "a \t  b"), H("x-thing", "c"),
        H("User-Agent", "ua"), H("Authorization", "old"), H("X-Amz-Date", "old"), H("Expect", ""),
        H("Proxy-Foo", "1"), H("sec-fetch", "1"), H("Host", "evil")};
    anth_sigv4_out out;
    const char *hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    CHECK(sign("http://LocalHost:8080/a/./b//c/../model/arn:aws:x%2Fy/invoke?b=2&a=1&a=0#frag", hs,
               sizeof hs / sizeof hs[0], "TOKEN/+=", "20250102T030405Z", &out, hash) == 0);
    CHECK_STR(z(&out.canonical),
              "POST\n/a/b/model/arn%3Aaws%3Ax%252Fy/invoke\na=0&a=1&b=2\n"
              "content-type:application/json\nhost:localhost:8080\nx-amz-date:20250102T030405Z\n"
              "x-amz-security-token:TOKEN/+=\nx-thing:a b,c\n\n"
              "content-type;host;x-amz-date;x-amz-security-token;x-thing\n"
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    anth_sigv4_out_free(&out);
    /* Default ports are dropped; an empty path is "/"; a trailing slash stays. */
    CHECK(sign("https://h.example:443", NULL, 0, NULL, "20250102T030405Z", &out, hash) == 0);
    CHECK_STR(z(&out.host), "h.example");
    CHECK(strncmp(z(&out.canonical), "POST\n/\n\nhost:h.example\n", 23) == 0);
    anth_sigv4_out_free(&out);
    CHECK(sign("http://[::1]:80/x/", NULL, 0, NULL, "20250102T030405Z", &out, hash) == 0);
    CHECK_STR(z(&out.host), "[::1]");
    CHECK(strncmp(z(&out.canonical), "POST\n/x/\n\n", 10) == 0);
    anth_sigv4_out_free(&out);
    /* Bad input is refused with a message that holds no credential. */
    {
        anth_sigv4_in in;
        const char *err = NULL;
        memset(&in, 0, sizeof in);
        in.method = "POST";
        in.url = "ftp://x/";
        in.url_len = 8;
        in.payload_hash = hash;
        in.region = "r";
        in.service = "s";
        in.access_key = "AKID";
        in.secret_key = "SECRET";
        memcpy(in.amz_date, "20250102T030405Z", 17);
        anth_sigv4_out_init(&out);
        CHECK(anth_sigv4_sign(&in, &out, &err) == -1);
        CHECK(err != NULL && strstr(err, "SECRET") == NULL);
        anth_sigv4_out_free(&out);
    }
}

static void dates(void) {
    char d[17];
    CHECK(anth_sigv4_date(0, d) == 0);
    CHECK_STR(d, "19700101T000000Z");
    CHECK(anth_sigv4_date(1735787045, d) == 0);
    CHECK_STR(d, "20250102T030405Z");
    CHECK(anth_sigv4_date(951782400, d) == 0); /* a leap day */
    CHECK_STR(d, "20000229T000000Z");
    CHECK(anth_sigv4_date(4102444799.9, d) == 0);
    CHECK_STR(d, "20991231T235959Z");
    CHECK(anth_sigv4_date(-1, d) == -1);
    CHECK(anth_sigv4_date(1e12, d) == -1);
}

static void hmac_vector(void) {
    /* RFC 4231 test case 2. */
    unsigned char d[32];
    char hex[65];
    CHECK(anth_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d) == 0);
    anth_hex(d, 32, hex);
    CHECK_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

int main(void) {
    known_answer();
    canonical_forms();
    dates();
    hmac_vector();
    printf("sigv4_test: %d checks, %d failed\n", checks, failures);
    return failures != 0;
}
