/* libFuzzer target for the JSON prefix completer (csrc/partial_json.c):
 *  - any input is completed without a crash or a leak;
 *  - when the input is a JSON document, its completion (when that reads)
 *    reads as the same value;
 *  - when the input is an object or array document (at most 512 bytes),
 *    every non-empty prefix of it completes into text that reads: a tool's
 *    input always has a value while it streams.
 * Build and run: .ci/fuzz.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lualib.h>

#include "../csrc/json.h"
#include "../csrc/partial_json.h"
#include "fuzz_equal.h"

/* Completes s[0..n): 1 and the value pushed, 0 (nothing pushed) when the
 * completion does not read or there is none. */
static int complete(lua_State *L, const char *s, size_t n) {
    anth_buf out;
    int rc, ok = 0;
    anth_buf_init(&out);
    rc = anth_partial_json_complete(s, n, &out);
    if (rc < 0) abort();
    if (rc == 1) {
        ok = anth_json_decode(L, out.data ? out.data : "", out.len);
        if (!ok) lua_pop(L, 1);
    }
    anth_buf_free(&out);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    lua_State *L = luaL_newstate();
    luaL_newmetatable(L, ANTH_ARRAY_MT);
    luaL_newmetatable(L, ANTH_OBJECT_MT);
    lua_settop(L, 0);
    if (anth_json_decode(L, s, size)) { /* 1: the document's value */
        size_t i = 0, cut;
        if (complete(L, s, size) && !fuzz_equal(L, 1, 2, 0)) {
            fprintf(stderr, "the completion of a whole document reads differently: %.*s\n", (int)size, s);
            abort();
        }
        lua_settop(L, 1);
        while (i < size && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
        if (size <= 512 && i < size && (s[i] == '{' || s[i] == '[')) {
            for (cut = i + 1; cut <= size; cut++) {
                if (!complete(L, s, cut)) {
                    fprintf(stderr, "a prefix of a document has no value: %.*s\n", (int)cut, s);
                    abort();
                }
                lua_settop(L, 1);
            }
        }
    } else {
        lua_settop(L, 0);
        if (complete(L, s, size)) lua_settop(L, 0);
    }
    lua_close(L);
    return 0;
}
