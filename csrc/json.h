/* The JSON writer (json_write.c) and reader (json_decode.c): generic, they
 * know no API schema. What an empty table means where it sits comes in as
 * data (anth_json_rules; the API's are in json_api.c), and so do a foreign
 * codec's sentinels (the marks table). */
#ifndef ANTH_JSON_H
#define ANTH_JSON_H

#include "compat.h"
#include "buffer.h"

/* Registry names of the metatables that mark a table as a JSON array or object
 * (set by anthropic.array / anthropic.object and by the reader on empty ones;
 * core.array_mt and core.object_mt). */
#define ANTH_ARRAY_MT "anthropic.json.array"
#define ANTH_OBJECT_MT "anthropic.json.object"

/* Deepest nesting of arrays/objects either direction accepts. */
#define ANTH_JSON_MAX_DEPTH 1000

/* LuaJIT's type tag for FFI cdata (not in its lua.h). */
#define ANTH_TCDATA 10

/* ---- rules: where an empty unmarked table is "[]" rather than "{}" -------
 * Each value is written in a context (a small number indexing
 * anth_json_rules.contexts). The context of a member comes from its key, that
 * of an array item from its array's context. A key's entry may add
 * ANTH_JSON_EMPTY_ARRAY: an empty unmarked table right under that key is
 * "[]". Everywhere else an empty unmarked table is "{}". */
#define ANTH_JSON_EMPTY_ARRAY 0x100
#define ANTH_JSON_CONTEXT(c) ((c) & 0xff)

typedef struct anth_json_key {
    const char *name; /* NULL ends a group */
    int child;        /* context of the value under this key, maybe | ANTH_JSON_EMPTY_ARRAY */
} anth_json_key;

/* Longest key a context can name. */
#define ANTH_JSON_KEY_MAX 31

typedef struct anth_json_context {
    /* The keys that mean something here, grouped by length: keys[n] is the
     * group of n-byte keys (or NULL), so a key is compared with its group
     * only. NULL: no key means anything here. */
    const anth_json_key *const *keys;
    int other; /* context of the value under any other key */
    int item;  /* context of an array's items */
} anth_json_context;

typedef struct anth_json_rules {
    const anth_json_context *contexts;
    int top; /* context of the value written */
} anth_json_rules;

/* A string of at least ANTH_SPLICE_MIN bytes that needs no escaping can be
 * borrowed instead of copied: splice(ud, L, value_idx, out, s, n, blob) is
 * called with the opening quote already written and the closing one to
 * come; it records that the string's n bytes go at out->len: the n bytes at
 * s, or, when blob is not NULL (s is then NULL), the string of that blob
 * (blob.h: its bytes' base64, made when read). */
#define ANTH_SPLICE_MIN ((size_t)256 * 1024)
struct anth_blob;
typedef void (*anth_splice_fn)(void *ud, lua_State *L, int value_idx, anth_buf *out,
                               const char *s, size_t n, const struct anth_blob *blob);

typedef struct anth_json_opts {
    const anth_json_rules *rules; /* NULL: every empty unmarked table is "{}" */
    /* A stack index (or 0) of a table whose keys are values of a foreign codec
     * that mean something to the writer: its null sentinel -> "null", its
     * empty-array sentinel -> "[]", its array/object metatables -> "array" /
     * "object". */
    int marks;
    anth_splice_fn splice; /* NULL: every string is copied */
    void *splice_ud;
} anth_json_opts;

/* Writes the Lua value at idx as JSON, appended to out. Tables are walked raw;
 * a table is an array when its keys are exactly 1..n, an object when they are
 * all strings; ANTH_ARRAY_MT / ANTH_OBJECT_MT (and the marks) force the
 * choice. Misuse (functions, cycles, bad UTF-8, NaN, sparse arrays, ...)
 * raises a Lua error that names the path of the bad value, e.g.
 * messages[2].content[1].text; out may then hold a partial document, and its
 * owner frees it. */
void anth_json_encode(lua_State *L, int idx, anth_buf *out, const anth_json_opts *opts);

/* Pushes the Lua value of the JSON text and returns 1, or pushes an error
 * message ("... at byte N") and returns 0. Never raises for bad input. */
int anth_json_decode(lua_State *L, const char *s, size_t len);

#endif
