/* libFuzzer target for the JSON reader (and writer): every input is decoded;
 * whatever decodes is written back and decoded again, and the two values must
 * be equal. Build and run: see fuzz/README.md. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lualib.h>

#include "../csrc/json.h"
#include "fuzz_equal.h"

static int encode(lua_State *L) {
    anth_buf *b = lua_touserdata(L, 2);
    anth_json_opts opts = {NULL, 0, NULL, NULL}; /* no rules: the reader marks empty tables */
    anth_json_encode(L, 1, b, &opts);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lua_State *L = luaL_newstate();
    anth_buf b1, b2;
    luaL_newmetatable(L, ANTH_ARRAY_MT);
    luaL_newmetatable(L, ANTH_OBJECT_MT);
    lua_settop(L, 0);
    anth_buf_init(&b1);
    anth_buf_init(&b2);
    if (anth_json_decode(L, (const char *)data, size)) { /* 1: the value */
        lua_pushcfunction(L, encode);
        lua_pushvalue(L, 1);
        lua_pushlightuserdata(L, &b1);
        if (lua_pcall(L, 2, 0, 0) != 0) {
            /* only values JSON text can carry but the writer refuses */
            const char *msg = lua_tostring(L, -1);
            if (!strstr(msg, "invalid UTF-8") && !strstr(msg, "inf is not a JSON number")) {
                fprintf(stderr, "unexpected encode error: %s\n", msg);
                abort();
            }
        } else {
            if (!anth_json_decode(L, b1.data, b1.len)) { /* 2 */
                fprintf(stderr, "re-decode failed: %s\n%.*s\n", lua_tostring(L, -1), (int)b1.len, b1.data);
                abort();
            }
            if (!fuzz_equal(L, 1, 2, 0)) {
                fprintf(stderr, "round trip differs: %.*s\n", (int)b1.len, b1.data);
                abort();
            }
            lua_pushcfunction(L, encode);
            lua_pushvalue(L, 2);
            lua_pushlightuserdata(L, &b2);
            if (lua_pcall(L, 2, 0, 0) != 0 || b1.len != b2.len) {
                fprintf(stderr, "second encode differs\n");
                abort();
            }
        }
    } else {
        const char *msg = lua_tostring(L, -1);
        if (strncmp(msg, "JSON error at byte ", 19) != 0) abort();
    }
    anth_buf_free(&b1);
    anth_buf_free(&b2);
    lua_close(L);
    return 0;
}
