/* Tests of the SSE parser (csrc/sse.c). Standalone, no Lua.
 *
 * Build and run (from the repository root):
 *   cc -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow -O2 -g -Icsrc \
 *      -o build/sse_test test/c/sse_test.c csrc/sse.c csrc/buffer.c && build/sse_test
 * Under valgrind or sanitizers the timing limits of the linear-time tests are
 * too tight; raise them with SSE_TEST_TIME_SCALE (a factor, e.g. 50):
 *   SSE_TEST_TIME_SCALE=50 valgrind --error-exitcode=1 --leak-check=full build/sse_test
 *
 * Every case runs with the whole input in one feed, with every 2-way split,
 * with every 3-way split (inputs up to 100 bytes), one byte per feed, and
 * random chunkings; all must give the case's expected events, return code,
 * pending flag, last id and retry. Random inputs are then checked against a
 * simple whole-input reference parser written from the spec. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sse.h"
#include "check.h"
#include "rnd.h"

static int runs, cases;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double time_scale(void) {
    const char *s = getenv("SSE_TEST_TIME_SCALE");
    double f = s ? atof(s) : 1.0;
    return f > 0 ? f : 1.0;
}


/* ---- Recording events ------------------------------------------------- */

/* Events are serialized as  type 0x1F data [0x1D id] 0x1E  each. */
#define EV(e, d) e "\x1f" d "\x1e"
#define EVID(e, d, id) e "\x1f" d "\x1d" id "\x1e"

typedef struct rec {
    anth_buf out;
    anth_sse *p;
    int count;
    int stop_at; /* return stop_rc from this event (1-based); 0: never */
    int stop_rc;
    int with_id;
} rec;

static void out_add(anth_buf *b, const void *s, size_t n) {
    if (n == 0) return; /* anth_buf_append(b, s, 0) would memcpy to NULL */
    if (anth_buf_append(b, s, n) != 0) {
        fprintf(stderr, "out of memory in the test\n");
        exit(2);
    }
}

static int on_event(void *ud, const char *e, size_t el, const char *d, size_t dl) {
    rec *r = ud;
    checks++;
    if (e[el] != '\0' || d[dl] != '\0') {
        failures++;
        fprintf(stderr, "callback strings not NUL-terminated\n");
    }
    out_add(&r->out, e, el);
    out_add(&r->out, "\x1f", 1);
    out_add(&r->out, d, dl);
    if (r->with_id) {
        size_t il;
        const char *id = anth_sse_last_id(r->p, &il);
        out_add(&r->out, "\x1d", 1);
        if (id) out_add(&r->out, id, il);
        else out_add(&r->out, "(none)", 6);
    }
    out_add(&r->out, "\x1e", 1);
    r->count++;
    return r->stop_at && r->count == r->stop_at ? r->stop_rc : 0;
}

/* ---- Cases -------------------------------------------------------------- */

typedef struct tcase {
    const char *name;
    const char *in;
    size_t len;
    const char *events; /* expected serialization */
    size_t events_len;  /* 0: strlen(events) */
    int rc;             /* expected first nonzero feed result, or 0 */
    int pending;
    long retry;         /* 0 in the table means -1 unless retry_set */
    int retry_set;
    const char *id;     /* expected last id; NULL: none */
    size_t id_len;
    size_t max_event;   /* 0: default */
    int stop_at, stop_rc, with_id;
} tcase;

#define IN(s) .in = s, .len = sizeof(s) - 1
#define ID(s) .id = s, .id_len = sizeof(s) - 1

typedef struct result {
    anth_buf out;
    int rc, pending, has_id;
    long retry;
    anth_buf id;
} result;

/* Feeds in[0..len) cut at cuts[0..ncuts) (ascending); stops feeding after a
 * nonzero result, as a caller would. */
static void run(const tcase *c, const size_t *cuts, int ncuts, result *res) {
    anth_sse p;
    rec r;
    size_t from = 0, il;
    int i;
    const char *id;
    memset(&r, 0, sizeof r);
    anth_buf_init(&r.out);
    r.p = &p;
    r.stop_at = c->stop_at;
    r.stop_rc = c->stop_rc;
    r.with_id = c->with_id;
    anth_sse_init(&p, on_event, &r);
    if (c->max_event) p.max_event = c->max_event;
    res->rc = 0;
    for (i = 0; i <= ncuts; i++) {
        size_t to = i < ncuts ? cuts[i] : c->len;
        int rc = anth_sse_feed(&p, c->in + from, to - from);
        from = to;
        if (rc != 0) {
            res->rc = rc;
            break;
        }
    }
    res->out = r.out;
    res->pending = anth_sse_pending(&p);
    res->retry = anth_sse_retry(&p);
    id = anth_sse_last_id(&p, &il);
    res->has_id = id != NULL;
    anth_buf_init(&res->id);
    if (id) {
        out_add(&res->id, id, il);
        CHECK(id[il] == '\0');
    } else {
        CHECK(il == 0);
    }
    anth_sse_free(&p);
    runs++;
}

static void print_escaped(const char *s, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == 0x1e) fputs(" | ", stderr);
        else if (ch == 0x1f) fputs(" => ", stderr);
        else if (ch == 0x1d) fputs(" #", stderr);
        else if (ch == '\n') fputs("\\n", stderr);
        else if (ch == '\r') fputs("\\r", stderr);
        else if (ch < 0x20 || ch >= 0x7f) fprintf(stderr, "\\x%02x", ch);
        else fputc(ch, stderr);
    }
}

static int reported;

static void verify(const tcase *c, const size_t *cuts, int ncuts) {
    result res;
    long want_retry = c->retry_set ? c->retry : -1;
    size_t elen = c->events_len ? c->events_len : strlen(c->events);
    int ok;
    run(c, cuts, ncuts, &res);
    ok = res.out.len == elen && (elen == 0 || memcmp(res.out.data, c->events, elen) == 0) &&
         res.rc == c->rc && !res.pending == !c->pending && res.retry == want_retry &&
         res.has_id == (c->id != NULL) &&
         (!c->id || (res.id.len == c->id_len &&
                     (!c->id_len || memcmp(res.id.data, c->id, c->id_len) == 0)));
    checks++;
    if (!ok) {
        failures++;
        if (reported++ < 20) {
            int i;
            fprintf(stderr, "FAIL %s, cuts:", c->name);
            if (ncuts > 40) fprintf(stderr, " (%d cuts)", ncuts);
            else for (i = 0; i < ncuts; i++) fprintf(stderr, " %zu", cuts[i]);
            fprintf(stderr, "\n  events: ");
            print_escaped(res.out.data ? res.out.data : "", res.out.len);
            fprintf(stderr, "\n  wanted: ");
            print_escaped(c->events, elen);
            fprintf(stderr, "\n  rc %d (want %d) pending %d (want %d) retry %ld (want %ld)"
                    " id %s (want %s)\n", res.rc, c->rc, res.pending, c->pending,
                    res.retry, want_retry, res.has_id ? "set" : "none", c->id ? "set" : "none");
        }
    }
    anth_buf_free(&res.out);
    anth_buf_free(&res.id);
}

static void check_case(const tcase *c) {
    size_t i, j, *cuts;
    int k;
    cases++;
    verify(c, NULL, 0);
    for (i = 0; i <= c->len; i++) verify(c, &i, 1);
    if (c->len <= 100) {
        size_t two[2];
        for (i = 0; i <= c->len; i++)
            for (j = i; j <= c->len; j++) {
                two[0] = i;
                two[1] = j;
                verify(c, two, 2);
            }
    }
    cuts = malloc((c->len + 1) * sizeof *cuts);
    if (!cuts) exit(2);
    for (i = 0; i < c->len; i++) cuts[i] = i + 1; /* one byte per feed */
    verify(c, cuts, c->len ? (int)c->len - 1 : 0);
    for (k = 0; k < 50; k++) { /* random chunkings, including empty chunks */
        int n = 0;
        size_t at = 0;
        while (n < (int)c->len) {
            at += rnd() % 9;
            if (at > c->len) break;
            cuts[n++] = at;
        }
        verify(c, cuts, n);
    }
    free(cuts);
}

/* The hand-written Anthropic Messages stream (format of the streaming docs). */
#define A_START "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\"," \
    "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\"," \
    "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}"
#define A_CBSTART "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"
#define A_PING "{\"type\": \"ping\"}"
#define A_D1 "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}"
#define A_D2 "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"! How\"}}"
#define A_D3 "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" can I help?\\n\"}}"
#define A_CBSTOP "{\"type\":\"content_block_stop\",\"index\":0}"
#define A_MDELTA "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}," \
    "\"usage\":{\"output_tokens\":15}}"
#define A_MSTOP "{\"type\":\"message_stop\"}"
#define A_ERROR "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"

#define A_STREAM \
    "event: message_start\ndata: " A_START "\n\n" \
    "event: content_block_start\ndata: " A_CBSTART "\n\n" \
    "event: ping\ndata: " A_PING "\n\n" \
    "event: content_block_delta\ndata: " A_D1 "\n\n" \
    "event: content_block_delta\ndata: " A_D2 "\n\n" \
    "event: content_block_delta\ndata: " A_D3 "\n\n" \
    "event: content_block_stop\ndata: " A_CBSTOP "\n\n" \
    "event: message_delta\ndata: " A_MDELTA "\n\n" \
    "event: message_stop\ndata: " A_MSTOP "\n\n"
#define A_EVENTS \
    EV("message_start", A_START) EV("content_block_start", A_CBSTART) EV("ping", A_PING) \
    EV("content_block_delta", A_D1) EV("content_block_delta", A_D2) \
    EV("content_block_delta", A_D3) EV("content_block_stop", A_CBSTOP) \
    EV("message_delta", A_MDELTA) EV("message_stop", A_MSTOP)

static const tcase table[] = {
    {.name = "simple", IN("data: hello\n\n"), .events = EV("message", "hello")},
    {.name = "empty stream", IN(""), .events = ""},
    {.name = "crlf", IN("data: a\r\n\r\ndata: b\r\n\r\n"),
     .events = EV("message", "a") EV("message", "b")},
    {.name = "cr alone", IN("data: a\r\rdata: b\r\r"),
     .events = EV("message", "a") EV("message", "b")},
    {.name = "cr then crlf", IN("data: a\r\r\ndata: b\r\n\r"),
     .events = EV("message", "a") EV("message", "b")},
    {.name = "lf then cr", IN("event: x\ndata: a\n\rdata: b\r\n\n"),
     .events = EV("x", "a") EV("message", "b")},
    {.name = "crlf is one line end", IN("data: a\r\ndata: b\r\n\r\n"),
     .events = EV("message", "a\nb")},
    {.name = "lfcr is two line ends", IN("data: a\n\rdata: b\n\r"),
     .events = EV("message", "a") EV("message", "b")},
    {.name = "mixed line ends", IN("data: 1\rdata: 2\ndata: 3\r\n\n"),
     .events = EV("message", "1\n2\n3")},
    {.name = "multi-line data", IN("data: a\ndata: b\ndata: c\n\n"),
     .events = EV("message", "a\nb\nc")},
    {.name = "empty data lines", IN("data\ndata:\ndata: \n\n"), .events = EV("message", "\n\n")},
    {.name = "single empty data", IN("data:\n\n"), .events = EV("message", "")},
    {.name = "data without colon", IN("data\n\n"), .events = EV("message", "")},
    {.name = "data ending in newline", IN("data: a\ndata:\n\n"), .events = EV("message", "a\n")},
    {.name = "comments", IN(": hello\n:\ndata: x\n: inside\n\n: trailing\n"),
     .events = EV("message", "x")},
    {.name = "comment only not pending", IN(":ok\n\n: ping\n"), .events = ""},
    {.name = "no space after colon", IN("data:x\nevent:y\n\n"), .events = EV("y", "x")},
    {.name = "two spaces, one stripped", IN("data:  x\nevent:  y\n\n"), .events = EV(" y", " x")},
    {.name = "tab not stripped", IN("data:\tx\n\n"), .events = EV("message", "\tx")},
    {.name = "trailing space kept", IN("data: x \n\n"), .events = EV("message", "x ")},
    {.name = "colon in value", IN("data: a: b:c\n\n"), .events = EV("message", "a: b:c")},
    {.name = "data without event", IN("data: d\n\n"), .events = EV("message", "d")},
    {.name = "event without data", IN("event: foo\n\ndata: y\n\n"), .events = EV("message", "y")},
    {.name = "event empty value", IN("event:\ndata: x\n\n"), .events = EV("message", "x")},
    {.name = "last event wins", IN("event: a\nevent: b\ndata: x\n\n"), .events = EV("b", "x")},
    {.name = "event reset after dispatch", IN("event: a\ndata: 1\n\ndata: 2\n\n"),
     .events = EV("a", "1") EV("message", "2")},
    {.name = "event before and after data", IN("data: 1\nevent: e\n\n"), .events = EV("e", "1")},
    {.name = "unknown fields ignored", IN("foo: bar\nDATA: x\nData: y\n data: z\n\n"),
     .events = ""},
    {.name = "unknown field between data", IN("data: a\nfoo\ndata: b\n\n"),
     .events = EV("message", "a\nb")},
    {.name = "nul in data", IN("data: a\0b\n\n"), .events = "message\x1f" "a\0b\x1e",
     .events_len = sizeof("message\x1f" "a\0b\x1e") - 1},
    {.name = "many blank lines", IN("\n\n\r\n\r\rdata: x\n\n\n\n"), .events = EV("message", "x")},
    {.name = "bom", IN("\xEF\xBB\xBF" "data: b\n\n"), .events = EV("message", "b")},
    {.name = "bom then blank", IN("\xEF\xBB\xBF\ndata: b\n\n"), .events = EV("message", "b")},
    {.name = "bom only at start", IN("\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\ndata: y\n\n"),
     .events = EV("message", "y")},
    {.name = "bom mid stream", IN("data: a\n\n\xEF\xBB\xBF" "data: x\n\n"),
     .events = EV("message", "a")},
    {.name = "partial bom is content", IN("\xEF\xBB" "data: x\n\ndata: y\n\n"),
     .events = EV("message", "y")},
    {.name = "partial bom in value", IN("\xEF" "\n\ndata: \xEF\xBB\n\n"),
     .events = EV("message", "\xEF\xBB")},
    {.name = "partial bom pending", IN("\xEF\xBB"), .events = "", .pending = 1},
    {.name = "bom alone not pending", IN("\xEF\xBB\xBF"), .events = ""},
    {.name = "unterminated line", IN("data: x\n\ndata: y"), .events = EV("message", "x"),
     .pending = 1},
    {.name = "unterminated event", IN("data: x\n"), .events = "", .pending = 1},
    {.name = "unterminated event cr", IN("event: e\r\ndata: x\r"), .events = "", .pending = 1},
    {.name = "unterminated event, fields only", IN("data: 1\n\nevent: e\n"),
     .events = EV("message", "1"), .pending = 1},
    {.name = "unknown field pending", IN("foo\n"), .events = "", .pending = 1},
    {.name = "comment line partial pending", IN(": part"), .events = "", .pending = 1},
    {.name = "terminated by cr not pending", IN("data: x\r\r"), .events = EV("message", "x")},
    {.name = "id", IN("id: 42\ndata: x\n\n"), .events = EV("message", "x"), ID("42")},
    {.name = "id at dispatch time", IN("id: 1\ndata: a\n\ndata: b\n\nid: 3\ndata: c\n\n"),
     .with_id = 1, .events = EVID("message", "a", "1") EVID("message", "b", "1")
     EVID("message", "c", "3"), ID("3")},
    {.name = "no id yet", IN("data: a\n\n"), .with_id = 1, .events = EVID("message", "a", "(none)")},
    {.name = "id committed at blank line", IN("id: 1\n\nid: 2\ndata: x\n"), .events = "",
     .pending = 1, ID("1")},
    {.name = "id without data commits", IN("id: 7\n\n"), .events = "", ID("7")},
    {.name = "empty id", IN("id: 1\n\nid\n\n"), .events = "", ID("")},
    {.name = "id with nul ignored", IN("id: 5\n\nid: a\0b\n\n"), .events = "", ID("5")},
    {.name = "id keeps spaces", IN("id:  x y \n\n"), .events = "", ID(" x y ")},
    {.name = "retry", IN("retry: 3000\n\n"), .events = "", .retry = 3000, .retry_set = 1},
    {.name = "retry no space", IN("retry:15\n\n"), .events = "", .retry = 15, .retry_set = 1},
    {.name = "retry invalid ignored",
     IN("retry: 100\nretry: 1x\nretry:\nretry\nretry: -5\nretry:  7\nretry: 7 \n\n"),
     .events = "", .retry = 100, .retry_set = 1},
    {.name = "retry zero", IN("retry: 10\nretry: 0\n\n"), .events = "", .retry = 0, .retry_set = 1},
    {.name = "retry saturates", IN("retry: 99999999999999999999999999\n\n"), .events = "",
     .retry = LONG_MAX, .retry_set = 1},
    {.name = "retry applies without blank line", IN("retry: 5\n"), .events = "", .pending = 1,
     .retry = 5, .retry_set = 1},
    {.name = "callback stop", IN("data: 1\n\ndata: 2\n\ndata: 3\n\n"), .stop_at = 2, .stop_rc = 7,
     .rc = 7, .events = EV("message", "1") EV("message", "2")},
    {.name = "callback stop negative", IN("data: 1\n\ndata: 2\n\n"), .stop_at = 1, .stop_rc = -2,
     .rc = -2, .events = EV("message", "1")},
    {.name = "cap exact", IN("data: 0123456789\n\n"), .max_event = 10,
     .events = EV("message", "0123456789")},
    {.name = "cap exceeded", IN("data: 1\n\ndata: 01234567890\n\ndata: 2\n\n"), .max_event = 10,
     .events = EV("message", "1"), .rc = ANTH_SSE_ETOOBIG, .pending = 1},
    {.name = "cap multi-line exact", IN("data: 01234\ndata: 6789\n\n"), .max_event = 10,
     .events = EV("message", "01234\n6789")},
    {.name = "cap multi-line exceeded", IN("data: 01234\ndata: 67890\n\n"), .max_event = 10,
     .events = "", .rc = ANTH_SSE_ETOOBIG, .pending = 1},
    {.name = "cap long comment", IN(": 0123456789012345678901234567890\ndata: x\n\n"),
     .max_event = 10, .events = "", .rc = ANTH_SSE_ETOOBIG, .pending = 1},
    {.name = "cap long event line", IN("data: 1\n\nevent: 0123456789012345678901234567890\n"),
     .max_event = 10, .events = EV("message", "1"), .rc = ANTH_SSE_ETOOBIG, .pending = 1},
    {.name = "cap line at limit", IN(": 012345678901234567890123\ndata: x\n\n"),
     .max_event = 10, .events = EV("message", "x")},
    {.name = "cap resets per event", IN("data: 0123456789\n\ndata: 0123456789\n\n"), .max_event = 10,
     .events = EV("message", "0123456789") EV("message", "0123456789")},
    {.name = "anthropic stream", IN(A_STREAM), .events = A_EVENTS},
    {.name = "anthropic stream crlf",
     IN("event: message_start\r\ndata: " A_START "\r\n\r\n: keepalive\r\n"
        "event: content_block_delta\r\ndata: " A_D1 "\r\n\r\n"
        "event: error\r\ndata: " A_ERROR "\r\n\r\n"),
     .events = EV("message_start", A_START) EV("content_block_delta", A_D1) EV("error", A_ERROR)},
    {.name = "anthropic stream truncated", IN("event: message_start\ndata: " A_START "\n\n"
                                              "event: content_block_delta\ndata: {\"type\":\"con"),
     .events = EV("message_start", A_START), .pending = 1},
};

/* ---- Specific scenarios ----------------------------------------------- */

static int count_cb(void *ud, const char *e, size_t el, const char *d, size_t dl) {
    size_t *n = ud;
    (void)e;
    (void)el;
    (void)d;
    n[0]++;
    n[1] = dl;
    return 0;
}

/* Zero-length feeds between a '\r' and a '\n', and a NULL buffer. */
/* Records, per event, whether it had an event field (anth_sse_named). */
static int named_cb(void *ud, const char *e, size_t el, const char *d, size_t dl) {
    anth_buf *b = ud;
    anth_sse *p;
    char c;
    memcpy(&p, b->data, sizeof p);
    c = (char)('0' + anth_sse_named(p));
    (void)e; (void)el; (void)d; (void)dl;
    anth_buf_append(b, &c, 1);
    return 0;
}

static void test_named(void) {
    anth_sse p;
    anth_buf b;
    anth_sse *self = &p;
    anth_buf_init(&b);
    anth_buf_append(&b, &self, sizeof self); /* the callback finds the parser here */
    anth_sse_init(&p, named_cb, &b);
    CHECK(anth_sse_feed(&p, "data: a\n\nevent: x\ndata: b\n\nevent:\ndata: c\n\ndata: d\n\n", 52) == 0);
    CHECK(b.len == sizeof self + 4 && memcmp(b.data + sizeof self, "0110", 4) == 0);
    anth_sse_free(&p);
    anth_buf_free(&b);
}

static void test_empty_feeds(void) {
    anth_sse p;
    rec r;
    memset(&r, 0, sizeof r);
    r.p = &p;
    anth_sse_init(&p, on_event, &r);
    CHECK(anth_sse_feed(&p, NULL, 0) == 0);
    CHECK(anth_sse_feed(&p, "data: a\r", 8) == 0);
    CHECK(anth_sse_feed(&p, NULL, 0) == 0);
    CHECK(anth_sse_feed(&p, "", 0) == 0);
    CHECK(anth_sse_feed(&p, "\n", 1) == 0);
    CHECK(anth_sse_pending(&p));
    CHECK(anth_sse_feed(&p, "\r", 1) == 0);
    CHECK(r.count == 1);
    CHECK(!anth_sse_pending(&p));
    CHECK(anth_sse_feed(&p, "\n", 1) == 0); /* belongs to the "\r": no new line */
    CHECK(anth_sse_feed(&p, "data: b\n\n", 9) == 0);
    CHECK(r.count == 2);
    CHECK(r.out.len == sizeof(EV("message", "a") EV("message", "b")) - 1 &&
          memcmp(r.out.data, EV("message", "a") EV("message", "b"), r.out.len) == 0);
    anth_sse_free(&p);
    anth_buf_free(&r.out);
}

/* After a callback stop, the rest of that feed is dropped and the parser goes on. */
static void test_stop_resume(void) {
    static const char first[] = "data: a\n\ndata: b\n\ndata: partial";
    static const char want[] = EV("message", "a") EV("message", "c");
    anth_sse p;
    rec r;
    memset(&r, 0, sizeof r);
    r.p = &p;
    r.stop_at = 1;
    r.stop_rc = 3;
    anth_sse_init(&p, on_event, &r);
    CHECK(anth_sse_feed(&p, first, sizeof first - 1) == 3);
    CHECK(!anth_sse_pending(&p));
    CHECK(anth_sse_feed(&p, "data: c\n\n", 9) == 0);
    CHECK(r.out.len == sizeof want - 1 && memcmp(r.out.data, want, r.out.len) == 0);
    /* stop on an event ended by "\r" at the end of a chunk: the "\n" starting
     * the next feed still belongs to it. */
    r.stop_at = 3;
    CHECK(anth_sse_feed(&p, "data: d\r\r", 9) == 3);
    CHECK(anth_sse_feed(&p, "\ndata: e\n\n", 10) == 0);
    CHECK(r.count == 4);
    anth_sse_free(&p);
    anth_buf_free(&r.out);
}

/* -2 is sticky; max_event can be changed between feeds. */
static void test_cap_sticky(void) {
    anth_sse p;
    size_t n[2] = {0, 0};
    anth_sse_init(&p, count_cb, n);
    CHECK(p.max_event == ANTH_SSE_MAX_EVENT);
    CHECK(p.max_event == (size_t)64 * 1024 * 1024);
    p.max_event = 4;
    CHECK(anth_sse_feed(&p, "data: 1234\n\n", 12) == 0);
    CHECK(n[0] == 1);
    CHECK(anth_sse_feed(&p, "data: 12", 8) == 0);
    CHECK(anth_sse_feed(&p, "345\n", 4) == ANTH_SSE_ETOOBIG);
    CHECK(anth_sse_feed(&p, "\n", 1) == ANTH_SSE_ETOOBIG);
    CHECK(anth_sse_feed(&p, "data: 1\n\n", 9) == ANTH_SSE_ETOOBIG);
    CHECK(n[0] == 1);
    anth_sse_free(&p);

    /* a line without end is refused once longer than max_event + slack */
    anth_sse_init(&p, count_cb, n);
    p.max_event = 100;
    {
        char buf[200];
        memset(buf, 'x', sizeof buf);
        CHECK(anth_sse_feed(&p, buf, 100 + ANTH_SSE_LINE_SLACK) == 0);
        CHECK(anth_sse_feed(&p, buf, 1) == ANTH_SSE_ETOOBIG);
    }
    anth_sse_free(&p);
}

/* Huge lines: 5 MB of data fed one byte at a time, and an event of many
 * short "\r"-ended lines in one chunk (the '\n' search must not rescan). */
static void test_linear(void) {
    const size_t big = 5u * 1024 * 1024;
    const double limit = 1.0 * time_scale();
    size_t total = big + 8, i, n[2] = {0, 0};
    char *s = malloc(total);
    anth_sse p;
    double t;
    int rc = 0;
    if (!s) exit(2);
    memcpy(s, "data: ", 6);
    memset(s + 6, 'a', big);
    memcpy(s + 6 + big, "\r\n", 2);
    anth_sse_init(&p, count_cb, n);
    t = now();
    for (i = 0; i < total && rc == 0; i++) rc = anth_sse_feed(&p, s + i, 1);
    rc |= anth_sse_feed(&p, "\r", 1);
    rc |= anth_sse_feed(&p, "\n", 1);
    t = now() - t;
    CHECK(rc == 0);
    CHECK(n[0] == 1 && n[1] == big);
    printf("  5 MB data line, 1 byte per feed: %.3f s (limit %.1f s)\n", t, limit);
    CHECK(t < limit);
    anth_sse_free(&p);

    /* 2.5 M lines "d:x\r" (no '\n' anywhere): one chunk. */
    for (i = 0; i + 4 <= big; i += 4) memcpy(s + i, "d:x\r", 4);
    n[0] = 0;
    anth_sse_init(&p, count_cb, n);
    t = now();
    rc = anth_sse_feed(&p, s, big);
    rc |= anth_sse_feed(&p, "data:1\r\r", 8);
    t = now() - t;
    CHECK(rc == 0 && n[0] == 1 && n[1] == 1);
    printf("  5 MB of \"\\r\" lines, one feed: %.3f s (limit %.1f s)\n", t, limit);
    CHECK(t < limit);
    anth_sse_free(&p);

    /* the same with only '\n': the '\r' search must not rescan either */
    for (i = 0; i + 4 <= big; i += 4) memcpy(s + i, "d:x\n", 4);
    anth_sse_init(&p, count_cb, n);
    t = now();
    rc = anth_sse_feed(&p, s, big);
    t = now() - t;
    CHECK(rc == 0 && anth_sse_pending(&p));
    printf("  5 MB of \"\\n\" lines, one feed: %.3f s (limit %.1f s)\n", t, limit);
    CHECK(t < limit);
    anth_sse_free(&p);

    /* one 5 MB data event with default cap, whole */
    memcpy(s, "data:", 5);
    memset(s + 5, 'b', big - 7);
    memcpy(s + big - 2, "\n\n", 2);
    n[0] = 0;
    anth_sse_init(&p, count_cb, n);
    CHECK(anth_sse_feed(&p, s, big) == 0);
    CHECK(n[0] == 1 && n[1] == big - 7);
    CHECK(!anth_sse_pending(&p));
    anth_sse_free(&p);
    free(s);
}

/* ---- Reference parser (whole input, spec text, no cleverness) ---------- */

typedef struct refres {
    anth_buf out;
    int pending, has_id;
    long retry;
    anth_buf id;
} refres;

static void reference(const char *in, size_t len, refres *r) {
    anth_buf data, type, idbuf;
    size_t pos = 0;
    int fields = 0, id_set = 0;
    anth_buf_init(&r->out);
    anth_buf_init(&r->id);
    anth_buf_init(&data);
    anth_buf_init(&type);
    anth_buf_init(&idbuf);
    r->retry = -1;
    r->has_id = 0;
    r->pending = 0;
    if (len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0) pos = 3;
    else if (len < 3 && len > 0 && memcmp(in, "\xEF\xBB\xBF", len) == 0) {
        r->pending = 1; /* an incomplete BOM */
        return;
    }
    for (;;) {
        size_t start = pos, end, i, nlen, vstart;
        while (pos < len && in[pos] != '\r' && in[pos] != '\n') pos++;
        if (pos == len) {
            r->pending = pos > start || fields;
            break;
        }
        end = pos;
        if (in[pos] == '\r' && pos + 1 < len && in[pos + 1] == '\n') pos++;
        pos++;
        if (end == start) { /* dispatch */
            fields = 0;
            if (id_set) {
                r->id.len = 0;
                out_add(&r->id, idbuf.data, idbuf.len);
                r->has_id = 1;
            }
            if (data.len == 0) {
                type.len = 0;
                continue;
            }
            data.len--;
            if (type.len) out_add(&r->out, type.data, type.len);
            else out_add(&r->out, "message", 7);
            out_add(&r->out, "\x1f", 1);
            out_add(&r->out, data.data, data.len);
            out_add(&r->out, "\x1e", 1);
            data.len = 0;
            type.len = 0;
            continue;
        }
        if (in[start] == ':') continue;
        fields = 1;
        for (i = start; i < end && in[i] != ':'; i++) {}
        nlen = i - start;
        vstart = i < end ? i + 1 : end;
        if (vstart < end && in[vstart] == ' ') vstart++;
        if (nlen == 5 && memcmp(in + start, "event", 5) == 0) {
            type.len = 0;
            out_add(&type, in + vstart, end - vstart);
        } else if (nlen == 4 && memcmp(in + start, "data", 4) == 0) {
            out_add(&data, in + vstart, end - vstart);
            out_add(&data, "\n", 1);
        } else if (nlen == 2 && memcmp(in + start, "id", 2) == 0) {
            int nul = 0;
            for (i = vstart; i < end; i++) nul |= in[i] == '\0';
            if (!nul) {
                idbuf.len = 0;
                out_add(&idbuf, in + vstart, end - vstart);
                id_set = 1;
            }
        } else if (nlen == 5 && memcmp(in + start, "retry", 5) == 0) {
            long v = 0;
            int ok = end > vstart;
            for (i = vstart; i < end; i++) {
                if (in[i] < '0' || in[i] > '9') ok = 0;
                else v = v > (LONG_MAX - (in[i] - '0')) / 10 ? LONG_MAX : v * 10 + (in[i] - '0');
            }
            if (ok) r->retry = v;
        }
    }
    anth_buf_free(&data);
    anth_buf_free(&type);
    anth_buf_free(&idbuf);
}

static void test_random_vs_reference(int iterations) {
    static const char *const tokens[] = {
        "data", "data:", "data: ", "event:", "event: ", "id:", "id: ", "retry:", "retry: ",
        ":", " ", "x", "ab", "12", "0", "\n", "\n", "\r", "\r\n", "\0", "\xEF", "\xBB\xBF",
        "\xEF\xBB\xBF", "ping", "message", "ev", "d", "\n\n", "\r\r"};
    const int ntok = (int)(sizeof tokens / sizeof tokens[0]);
    char in[256];
    size_t cuts[256];
    int it;
    for (it = 0; it < iterations; it++) {
        size_t len = 0;
        int ntoks = (int)(rnd() % 40), k, mode;
        refres want;
        for (k = 0; k < ntoks; k++) {
            const char *t = tokens[rnd() % (unsigned long)ntok];
            size_t tl = t[0] ? strlen(t) : 1; /* "\0" is one NUL byte */
            if (len + tl > sizeof in) break;
            memcpy(in + len, t, tl);
            len += tl;
        }
        reference(in, len, &want);
        for (mode = 0; mode < 3; mode++) {
            tcase c;
            result res;
            int ncuts = 0;
            size_t i;
            memset(&c, 0, sizeof c);
            c.name = "random";
            c.in = in;
            c.len = len;
            if (mode == 1) {
                for (i = 1; i < len; i++) cuts[ncuts++] = i;
            } else if (mode == 2) {
                for (i = 0; i < len; i += rnd() % 5) cuts[ncuts++] = i;
            }
            run(&c, cuts, ncuts, &res);
            checks++;
            if (res.out.len != want.out.len ||
                (res.out.len && memcmp(res.out.data, want.out.data, res.out.len) != 0) ||
                !res.pending != !want.pending || res.retry != want.retry ||
                res.has_id != want.has_id ||
                (res.has_id && (res.id.len != want.id.len ||
                                (res.id.len && memcmp(res.id.data, want.id.data, res.id.len))))) {
                failures++;
                if (reported++ < 20) {
                    fprintf(stderr, "FAIL random vs reference (mode %d), input: ", mode);
                    print_escaped(in, len);
                    fprintf(stderr, "\n  events: ");
                    print_escaped(res.out.data ? res.out.data : "", res.out.len);
                    fprintf(stderr, "\n  wanted: ");
                    print_escaped(want.out.data ? want.out.data : "", want.out.len);
                    fprintf(stderr, "\n  pending %d/%d retry %ld/%ld id %d/%d\n", res.pending,
                            want.pending, res.retry, want.retry, res.has_id, want.has_id);
                }
            }
            anth_buf_free(&res.out);
            anth_buf_free(&res.id);
        }
        anth_buf_free(&want.out);
        anth_buf_free(&want.id);
    }
}

int main(void) {
    size_t i;
    double t = now();
    rng = 0x2545F491UL;
    for (i = 0; i < sizeof table / sizeof table[0]; i++) check_case(&table[i]);
    test_empty_feeds();
    test_named();
    test_stop_resume();
    test_cap_sticky();
    test_random_vs_reference(20000);
    test_linear();
    printf("sse_test: %d cases (%d parser runs), %d checks, %d failed, %.2f s\n", cases, runs,
           checks, failures, now() - t);
    return failures ? 1 : 0;
}
