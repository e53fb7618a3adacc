/* One string member of a JSON object, found without building the object:
 * for byte-level code (the event-stream sink) that needs a single field of a
 * small document, such as "bytes" of a Bedrock chunk or "type" of an event.
 * Generic: knows no API schema. Plain C, no Lua. */
#ifndef ANTH_JSON_MEMBER_H
#define ANTH_JSON_MEMBER_H

#include <stddef.h>
#include "buffer.h"

/* json[0..n) must be one JSON object. When its top-level member named key
 * (the last one, as decoders keep it) has a string value, appends the
 * unescaped UTF-8 bytes to out and returns 1; returns 0 when there is no such
 * member or its value is not a string; -1 when the text is not a well-formed
 * object (nesting deeper than 1000 included); -2 when memory runs out. */
int anth_json_member_string(const char *json, size_t n, const char *key, anth_buf *out);

#endif
