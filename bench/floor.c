/* The floor of the benchmarks: the least a C program using libcurl does for
 * the same work as the SDK, against the same server. One easy handle reused
 * for every sequential request (so one connection), the SDK's headers and
 * body, the response collected into a buffer and not decoded.
 *
 *   floor create URL N WARMUP   N sequential POSTs after WARMUP ones
 *   floor stream URL K          the streaming path K times; events are split
 *                               by the SDK's own SSE parser (csrc/sse.c), not
 *                               decoded; text deltas found with strstr
 *   floor image URL FILE        base64 of FILE in a JSON body, one POST
 *   floor inflight URL N [pipewait]
 *                               N requests at once on one multi handle; with
 *                               "pipewait", CURLOPT_PIPEWAIT on each (they wait
 *                               to share one HTTP/2 connection)
 *
 * BENCH_CA (environment): a CA file for https URLs (CURLOPT_CAINFO).
 * Prints one line: "result key=value ...": wall and cpu in seconds (cpu is
 * CLOCK_PROCESS_CPUTIME_ID, all threads), counts, and hwm_kb (VmHWM).
 * Build: cc -O2 -Icsrc bench/floor.c csrc/sse.c csrc/buffer.c csrc/base64.c -lcurl */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base64.h"
#include "sse.h"

static const char BODY[] =
    "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,"
    "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}";
static const char STREAM_BODY[] =
    "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,"
    "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}],\"stream\":true}";

static double wall(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long hwm_kb(void) {
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) kb = atol(line + 6);
    fclose(f);
    return kb;
}

static void die(const char *what) {
    fprintf(stderr, "floor: %s\n", what);
    exit(1);
}

/* The SDK's request headers (client.lua header_list, sorted). */
static struct curl_slist *headers(const char *accept) {
    struct curl_slist *h = NULL;
    char a[64];
    snprintf(a, sizeof a, "accept: %s", accept);
    h = curl_slist_append(h, a);
    h = curl_slist_append(h, "anthropic-version: 2023-06-01");
    h = curl_slist_append(h, "content-type: application/json");
    h = curl_slist_append(h, "user-agent: lua-anthropic/0.1.0 (Lua 5.4; libcurl/7.88.1)");
    h = curl_slist_append(h, "x-api-key: sk-bench");
    h = curl_slist_append(h, "x-stainless-retry-count: 0");
    return h;
}

typedef struct sink {
    anth_buf body;
    anth_sse sse;
    int streaming;
    size_t events, deltas, bytes;
} sink;

static int on_event(void *ud, const char *e, size_t el, const char *d, size_t dl) {
    sink *s = ud;
    (void)dl;
    if (el == 4 && memcmp(e, "ping", 4) == 0) return 0;
    s->events++;
    if (strstr(d, "\"text_delta\"")) s->deltas++;
    return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
    sink *s = ud;
    size_t len = size * n;
    s->bytes += len;
    if (s->streaming) {
        if (anth_sse_feed(&s->sse, p, len) != 0) return 0;
    } else if (anth_buf_append(&s->body, p, len) != 0) {
        return 0;
    }
    return len;
}

static CURL *easy(const char *url, struct curl_slist *h, const char *body, size_t len, sink *s) {
    CURL *e = curl_easy_init();
    const char *ca = getenv("BENCH_CA");
    if (!e) die("curl_easy_init");
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
    if (ca != NULL && *ca != '\0') curl_easy_setopt(e, CURLOPT_CAINFO, ca);
    return e;
}

static void check(CURL *e, CURLcode rc) {
    long status = 0;
    if (rc != CURLE_OK) die(curl_easy_strerror(rc));
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) die("status is not 200");
}

static void create(const char *url, long n, long warmup) {
    struct curl_slist *h = headers("application/json");
    sink s = {0};
    CURL *e;
    long i;
    double w0 = 0, c0 = 0, cold0 = cpu(), cold = 0;
    anth_buf_init(&s.body);
    e = easy(url, h, BODY, sizeof BODY - 1, &s);
    for (i = 0; i < warmup + n; i++) {
        if (i == warmup) w0 = wall(), c0 = cpu(), cold = c0 - cold0;
        s.body.len = 0;
        check(e, curl_easy_perform(e));
        if (s.body.len < 100) die("short response");
    }
    printf("result wall=%.6f cpu=%.6f n=%ld cold_cpu=%.6f warmup=%ld\n", wall() - w0, cpu() - c0, n,
           cold, warmup);
    curl_easy_cleanup(e);
    curl_slist_free_all(h);
    anth_buf_free(&s.body);
}

static void stream(const char *url, long k) {
    struct curl_slist *h = headers("text/event-stream");
    sink s = {0};
    CURL *e;
    long i;
    double w0 = 0, c0 = 0;
    e = easy(url, h, STREAM_BODY, sizeof STREAM_BODY - 1, &s);
    s.streaming = 1;
    /* One warm-up pass (connection, page faults), then K timed ones. */
    for (i = -1; i < k; i++) {
        if (i == 0) s.events = s.deltas = s.bytes = 0, w0 = wall(), c0 = cpu();
        anth_sse_init(&s.sse, on_event, &s);
        check(e, curl_easy_perform(e));
        if (anth_sse_pending(&s.sse)) die("unterminated event");
        anth_sse_free(&s.sse);
    }
    printf("result wall=%.6f cpu=%.6f n=%ld events=%zu deltas=%zu bytes=%zu\n", wall() - w0,
           cpu() - c0, k, s.events, s.deltas, s.bytes);
    curl_easy_cleanup(e);
    curl_slist_free_all(h);
}

static void image(const char *url, const char *path) {
    static const char pre[] =
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\","
        "\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":"
        "\"image/jpeg\",\"data\":\"";
    static const char post[] =
        "\"}},{\"type\":\"text\",\"text\":\"What is in the above image?\"}]}]}";
    struct curl_slist *h = headers("application/json");
    sink s = {0};
    FILE *f;
    long size;
    unsigned char *raw;
    char *body;
    size_t blen, off;
    CURL *e;
    double w0 = wall(), c0 = cpu();
    anth_buf_init(&s.body);
    f = fopen(path, "rb");
    if (!f) die("cannot open the image");
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    raw = malloc((size_t)size);
    if (!raw || fread(raw, 1, (size_t)size, f) != (size_t)size) die("cannot read the image");
    fclose(f);
    blen = sizeof pre - 1 + anth_b64_encoded_len((size_t)size) + sizeof post - 1;
    body = malloc(blen);
    if (!body) die("out of memory");
    memcpy(body, pre, sizeof pre - 1);
    off = sizeof pre - 1;
    anth_b64_encode(raw, (size_t)size, body + off);
    off += anth_b64_encoded_len((size_t)size);
    memcpy(body + off, post, sizeof post - 1);
    free(raw);
    e = easy(url, h, body, blen, &s);
    check(e, curl_easy_perform(e));
    printf("result wall=%.6f cpu=%.6f payload=%ld body=%zu hwm_kb=%ld\n", wall() - w0, cpu() - c0,
           size, blen, hwm_kb());
    curl_easy_cleanup(e);
    free(body);
    curl_slist_free_all(h);
    anth_buf_free(&s.body);
}

static void inflight(const char *url, int n, int pipewait) {
    struct curl_slist *h = headers("application/json");
    CURLM *m = curl_multi_init();
    CURL **es = calloc((size_t)n, sizeof *es);
    sink *ss = calloc((size_t)n, sizeof *ss);
    int i, running = 1, done = 0;
    double w0 = wall(), c0 = cpu();
    if (!es || !ss) die("out of memory");
    for (i = 0; i < n; i++) {
        anth_buf_init(&ss[i].body);
        es[i] = easy(url, h, BODY, sizeof BODY - 1, &ss[i]);
        if (pipewait) curl_easy_setopt(es[i], CURLOPT_PIPEWAIT, 1L);
        curl_multi_add_handle(m, es[i]);
    }
    while (running) {
        CURLMsg *msg;
        int left;
        curl_multi_perform(m, &running);
        while ((msg = curl_multi_info_read(m, &left)))
            if (msg->msg == CURLMSG_DONE) {
                check(msg->easy_handle, msg->data.result);
                done++;
            }
        if (running) curl_multi_poll(m, NULL, 0, 1000, NULL);
    }
    if (done != n) die("not every request finished");
    printf("result wall=%.6f cpu=%.6f n=%d\n", wall() - w0, cpu() - c0, n);
    for (i = 0; i < n; i++) {
        curl_multi_remove_handle(m, es[i]);
        curl_easy_cleanup(es[i]);
        anth_buf_free(&ss[i].body);
    }
    curl_multi_cleanup(m);
    free(es);
    free(ss);
    curl_slist_free_all(h);
}

int main(int argc, char **argv) {
    const char *mode = argc > 2 ? argv[1] : "";
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (strcmp(mode, "create") == 0)
        create(argv[2], argc > 3 ? atol(argv[3]) : 1000, argc > 4 ? atol(argv[4]) : 100);
    else if (strcmp(mode, "stream") == 0)
        stream(argv[2], argc > 3 ? atol(argv[3]) : 5);
    else if (strcmp(mode, "image") == 0 && argc > 3)
        image(argv[2], argv[3]);
    else if (strcmp(mode, "inflight") == 0)
        inflight(argv[2], argc > 3 ? atoi(argv[3]) : 64, argc > 4 && strcmp(argv[4], "pipewait") == 0);
    else {
        fprintf(stderr, "usage: floor create|stream|image|inflight URL [args]\n");
        return 2;
    }
    curl_global_cleanup();
    return 0;
}
