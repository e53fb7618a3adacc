/* Tests of the JSON writer's parts (csrc/fpconv.c, csrc/json_string.h and the escaping of csrc/json_write.c,
 * csrc/json_write.c with the API's rules from csrc/json_api.c), against a
 * Lua 5.4 state. `make check-c` builds and runs it:
 *   cc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 -g -Icsrc $(pkg-config --cflags lua5.4) \
 *      -o build/c-test/json_test test/c/json_test.c csrc/fpconv.c \
 *      csrc/json_path.c csrc/json_write.c csrc/json_api.c csrc/json_decode.c \
 *      csrc/buffer.c csrc/compat.c $(pkg-config --libs lua5.4) -lm
 *
 * Doubles: random bit patterns must be written with digits that read back
 * (strtod) as the same double, never more than 17 (Grisu2 finds the shortest
 * for all but a few). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lualib.h>
#include "fpconv.h"
#include "json.h"
#include "json_api.h"
#include "json_string.h"
#include "check.h"

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static unsigned long long rnd64(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Significant digits of a number written by fpconv (no leading zeros). */
static int digits_of(const char *s, int n) {
    int d = 0, i, lead = 1;
    for (i = 0; i < n && s[i] != 'e'; i++) {
        if (s[i] < '0' || s[i] > '9') continue;
        if (lead && s[i] == '0') continue;
        lead = 0;
        d++;
    }
    return d;
}

static void check_double(double d, const char *want) {
    char buf[ANTH_FPCONV_BUF + 1];
    int n = anth_fpconv_double(d, buf);
    buf[n] = '\0';
    if (want != NULL && strcmp(buf, want) != 0) {
        fprintf(stderr, "fpconv: %.17g gave %s, want %s\n", d, buf, want);
        failures++;
    }
    checks++;
    if (strtod(buf, NULL) != d || (d == 0 && signbit(d) != signbit(strtod(buf, NULL)))) {
        if (failures++ < 10)
            fprintf(stderr, "fpconv: %.17g gave %s, which reads back as %.17g\n", d, buf, strtod(buf, NULL));
    }
    /* at most 17 significant digits, unless written as an integer */
    checks++;
    if (d != floor(d) && digits_of(buf, n) > 17 && failures++ < 10)
        fprintf(stderr, "fpconv: %.17g gave %s: more than 17 digits\n", d, buf);
}

static void test_fpconv(void) {
    int i;
    check_double(0.0, "0");
    check_double(-0.0, "-0");
    check_double(1.5, "1.5");
    check_double(0.1, "0.1");
    check_double(1e21, "1e+21");
    check_double(1e-7, "1e-7");
    check_double(-2.5e-7, "-2.5e-7");
    check_double(1.0 / 3, "0.3333333333333333");
    check_double(5e-324, "5e-324");
    check_double(1.7976931348623157e308, "1.7976931348623157e+308");
    check_double(9007199254740992.0, "9007199254740992");
    check_double(123456.789, "123456.789");
    for (i = 0; i < 200000; i++) {
        unsigned long long bits = rnd64();
        double d;
        memcpy(&d, &bits, sizeof d);
        if (!isfinite(d)) continue;
        check_double(d, NULL);
    }
    {
        char tmp[24], *p = anth_fpconv_integer(-9223372036854775807LL - 1, tmp + sizeof tmp);
        CHECK((size_t)(tmp + sizeof tmp - p) == 20 && memcmp(p, "-9223372036854775808", 20) == 0);
    }
}

static int encode(lua_State *L);

/* Writes the Lua string in (n bytes); want: the JSON text, or for invalid
 * UTF-8 the 1-based position the error names. */
static void check_string(lua_State *L, const char *in, size_t n, int valid, const char *want) {
    anth_buf b;
    int rc;
    anth_buf_init(&b);
    lua_pushcfunction(L, encode);
    lua_pushlstring(L, in, n);
    lua_pushlightuserdata(L, &b);
    lua_pushboolean(L, 1);
    rc = lua_pcall(L, 3, 0, 0);
    CHECK((rc == 0) == valid);
    CHECK(anth_json_is_plain(in, n) == (valid && strlen(want) == n + 2));
    if (rc == 0) {
        CHECK(valid && b.len == strlen(want) && memcmp(b.data, want, b.len) == 0);
    } else {
        char msg[80];
        snprintf(msg, sizeof msg, "anthropic: bad value at top level: invalid UTF-8 at byte %s", want);
        CHECK(!valid && strcmp(lua_tostring(L, -1), msg) == 0);
    }
    lua_settop(L, 0);
    anth_buf_free(&b);
}

#define S(lit) lit, sizeof(lit) - 1

static void test_strings(lua_State *L) {
    check_string(L, S(""), 1, "\"\"");
    check_string(L, S("plain text, long enough for the 8-byte scan"), 1,
                 "\"plain text, long enough for the 8-byte scan\"");
    check_string(L, S("a\"b\\c\n\r\t\b\f\x01\x1f"), 1, "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\"");
    check_string(L, S("caf\xc3\xa9 \xf0\x9f\x98\x80"), 1, "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
    check_string(L, S("nul\0byte"), 1, "\"nul\\u0000byte\"");
    check_string(L, S("ab\xff"), 0, "3");                 /* invalid byte */
    check_string(L, S("\xc0\xaf"), 0, "1");               /* overlong */
    check_string(L, S("x\xed\xa0\x80"), 0, "2");          /* surrogate */
    check_string(L, S("12345678\xf4\x90\x80\x80"), 0, "9"); /* above U+10FFFF */
    check_string(L, S("\xe2\x82"), 0, "1");               /* truncated */
}

/* The API's rules: every key in the group of its length, no key twice in one
 * context, and 20 + 15 keys in all (the API and schema keys). */
static void test_rules(void) {
    const anth_json_rules *r = &anth_api_json_rules;
    int c, total = 0;
    for (c = 0; c < 4; c++) {
        const anth_json_context *ctx = &r->contexts[c];
        size_t n;
        if (ctx->keys == NULL) continue;
        for (n = 0; n <= ANTH_JSON_KEY_MAX; n++) {
            const anth_json_key *k, *j;
            if (ctx->keys[n] == NULL) continue;
            CHECK(ctx->keys[n][0].name != NULL); /* no empty group */
            for (k = ctx->keys[n]; k->name != NULL; k++, total++) {
                CHECK(strlen(k->name) == n);
                for (j = ctx->keys[n]; j < k; j++) CHECK(strcmp(j->name, k->name) != 0);
            }
        }
    }
    CHECK(total == 35);
}

static int encode(lua_State *L) {
    anth_json_opts opts = {&anth_api_json_rules, 0, NULL, NULL};
    anth_buf *b = lua_touserdata(L, 2);
    if (lua_toboolean(L, 3)) opts.rules = NULL;
    anth_json_encode(L, 1, b, &opts);
    return 0;
}

/* Encodes the Lua expression src (one key per table, so the order is fixed)
 * and compares; want starting with '!' is the start of an error message. */
static void check_encode(lua_State *L, const char *src, int no_rules, const char *want) {
    anth_buf b;
    char chunk[1024];
    anth_buf_init(&b);
    snprintf(chunk, sizeof chunk, "return %s", src);
    lua_pushcfunction(L, encode);
    if (luaL_dostring(L, chunk) != 0) {
        fprintf(stderr, "bad test chunk %s: %s\n", src, lua_tostring(L, -1));
        failures++;
        lua_settop(L, 0);
        return;
    }
    lua_pushlightuserdata(L, &b);
    lua_pushboolean(L, no_rules);
    checks++;
    if (lua_pcall(L, 3, 0, 0) != 0) {
        const char *msg = lua_tostring(L, -1);
        if (want[0] != '!' || strncmp(msg, want + 1, strlen(want + 1)) != 0) {
            fprintf(stderr, "encode %s raised %s, want %s\n", src, msg, want);
            failures++;
        }
    } else if (want[0] == '!' || b.len != strlen(want) || memcmp(b.data, want, b.len) != 0) {
        fprintf(stderr, "encode %s gave %.*s, want %s\n", src, (int)b.len, b.data ? b.data : "", want);
        failures++;
    }
    lua_settop(L, 0);
    anth_buf_free(&b);
}

static void test_writer(void) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    luaL_newmetatable(L, ANTH_ARRAY_MT);
    luaL_newmetatable(L, ANTH_OBJECT_MT);
    lua_settop(L, 0);
    test_strings(L);
    check_encode(L, "{}", 0, "{}");
    check_encode(L, "{messages = {}}", 0, "{\"messages\":[]}");
    check_encode(L, "{messages = {}}", 1, "{\"messages\":{}}");
    check_encode(L, "{messages = {{content = {}}}}", 0, "{\"messages\":[{\"content\":[]}]}");
    check_encode(L, "{messages = {{}}}", 0, "{\"messages\":[{}]}");
    check_encode(L, "{stop_sequences = {}}", 0, "{\"stop_sequences\":[]}");
    check_encode(L, "{blocked_domains = {}}", 0, "{\"blocked_domains\":[]}");
    check_encode(L, "{metadata = {}}", 0, "{\"metadata\":{}}");
    check_encode(L, "{input = {content = {}}}", 0, "{\"input\":{\"content\":{}}}");
    check_encode(L, "{tools = {{input_schema = {required = {}}}}}", 0,
                 "{\"tools\":[{\"input_schema\":{\"required\":[]}}]}");
    check_encode(L, "{input_schema = {properties = {required = {}}}}", 0,
                 "{\"input_schema\":{\"properties\":{\"required\":{}}}}");
    check_encode(L, "{input_schema = {properties = {x = {enum = {}}}}}", 0,
                 "{\"input_schema\":{\"properties\":{\"x\":{\"enum\":[]}}}}");
    check_encode(L, "{schema = {['$defs'] = {a = {anyOf = {{}}}}}}", 0,
                 "{\"schema\":{\"$defs\":{\"a\":{\"anyOf\":[{}]}}}}");
    check_encode(L, "{input_schema = {items = {}}}", 0, "{\"input_schema\":{\"items\":{}}}");
    check_encode(L, "{1, 2.5, -0.0, 'x', true, false}", 0, "[1,2.5,-0,\"x\",true,false]");
    check_encode(L, "{a = {b = {1, {c = print}}}}", 0, "!anthropic: bad value at a.b[2].c: function value");
    check_encode(L, "{a = 0/0}", 0, "!anthropic: bad value at a: NaN is not a JSON number");
    check_encode(L, "{['x y'] = '\\255'}", 0, "!anthropic: bad value at [\"x y\"]: invalid UTF-8 at byte 1");
    lua_close(L);
}

int main(void) {
    test_fpconv();
    test_rules();
    test_writer();
    printf("json_test: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
