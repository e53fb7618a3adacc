/* Completes a JSON prefix (a tool's input as it streams) into JSON text, the
 * way the official TypeScript SDK's partial-json-parser does
 * (src/_vendor/partial-json-parser/parser.ts in @anthropic-ai/sdk 1.12.0):
 *
 *  - a string cut by the end of the text is dropped, as is a literal cut
 *    short (`tr`, `nul`) when only whitespace follows it;
 *  - then, from the end: a dangling `:`; a number that runs to the very end
 *    (more digits may follow) or is not a JSON number (`1.`, `-`); an object
 *    key without its value; and one trailing `,`;
 *  - open objects and arrays are closed.
 *
 * Anything else outside strings (an unknown word or character, a closing
 * bracket that matches nothing) means the text is not truncated JSON: it is
 * left as it is, for the strict reader to reject. Plain C, no Lua. */
#ifndef ANTH_PARTIAL_JSON_H
#define ANTH_PARTIAL_JSON_H

#include <stddef.h>
#include "buffer.h"

/* Writes the completed text of s[0..n) to out (appended). Returns 1 when out
 * holds it, 0 when s is not truncated JSON (out unchanged: parse s itself),
 * -1 when memory ran out. */
int anth_partial_json_complete(const char *s, size_t n, anth_buf *out);

#endif
