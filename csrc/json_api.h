/* What the C core knows of the API's JSON (the generic writer and reader know
 * nothing of it): where an empty table in a request is a list, and the fast
 * path for the commonest stream event. */
#ifndef ANTH_JSON_API_H
#define ANTH_JSON_API_H

#include "json.h"

/* The rules of request bodies (messages, content, tools, system, ... -> "[]";
 * input, metadata, properties, $defs, ... -> "{}"), for anth_json_opts.rules. */
extern const anth_json_rules anth_api_json_rules;

/* The text of a content_block_delta / text_delta event in the API's compact
 * form, without building tables: pushes the text and returns 1 with *index
 * set, or returns 0 having pushed nothing (the event is something else, or
 * written differently: the caller decodes it whole). */
int anth_api_text_delta(lua_State *L, const char *p, size_t n, lua_Integer *index);

/* Pushes the table that decoding such an event gives ({type =
 * "content_block_delta", index = index, delta = {type = "text_delta", text =
 * the string at stack slot text}}), made without reading JSON: its keys and
 * type names are constants, which Lua finds by address rather than hashing
 * them as the reader must. */
void anth_api_push_text_delta_event(lua_State *L, lua_Integer index, int text);

#endif
