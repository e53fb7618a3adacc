/* What the parts of anthropic.core offer each other. Every part registers its
 * Lua functions into the module table left on top of the stack by
 * luaopen_anthropic_core; nothing here is a mutable global. */
#ifndef ANTH_CORE_H
#define ANTH_CORE_H

#include "compat.h"
#include "buffer.h"

#define ANTH_VERSION "0.1.0"

/* Everything else is hidden (-fvisibility=hidden); only the entry is exported. */
#define ANTH_EXPORT __attribute__((visibility("default")))
ANTH_EXPORT int luaopen_anthropic_core(lua_State *L);

/* Registry names of the metatables that mark a table as a JSON array or object
 * (set by anthropic.array / anthropic.object and by the decoder on empty ones). */
#define ANTH_ARRAY_MT "anthropic.json.array"
#define ANTH_OBJECT_MT "anthropic.json.object"

/* json_encode.c: writes the Lua value at idx as JSON, appended to out.
 * marks (a stack index, or 0) is a table whose keys are values of a foreign
 * codec that mean something to the writer: its null sentinel -> "null", its
 * empty-array sentinel -> "[]", its array/object metatables -> "array"/"object".
 * Misuse (functions, cycles, bad UTF-8, NaN, sparse arrays, ...) raises a Lua
 * error that names the path of the bad value, e.g. messages[2].content[1].text;
 * out may then hold a partial document, and its owner frees it. */
void anth_json_encode(lua_State *L, int idx, anth_buf *out, int marks);

/* The same, except that a string of at least ANTH_SPLICE_MIN bytes that needs
 * no escaping is not copied: splice(ud, L, value_idx, out, s, n) is called
 * instead, with the opening quote already written and the closing one to
 * come; it records that the string's bytes go at out->len. */
#define ANTH_SPLICE_MIN ((size_t)256 * 1024)
typedef void (*anth_splice_fn)(void *ud, lua_State *L, int value_idx, anth_buf *out,
                               const char *s, size_t n);
void anth_json_encode_spliced(lua_State *L, int idx, anth_buf *out, int marks,
                              anth_splice_fn splice, void *ud);

/* json_decode.c: pushes the Lua value of the JSON text and returns 1, or pushes
 * an error message ("... at byte N") and returns 0. Never raises for bad input. */
int anth_json_decode(lua_State *L, const char *s, size_t len);

void anth_open_json(lua_State *L);
void anth_open_base64(lua_State *L);
void anth_open_partial_json(lua_State *L);
void anth_open_transfer(lua_State *L);
/* platforms_lua.c: SigV4, RS256, base64url, the AWS event stream (platforms.h). */
void anth_open_platforms(lua_State *L);

#endif
