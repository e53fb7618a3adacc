/* The API's JSON knowledge (json_api.h). */
#include <string.h>
#include "json_api.h"

/* ---- request bodies: where an empty table is a list ----------------------
 * Contexts: an API object (request bodies, messages, content blocks, tools),
 * free data (a tool's input, metadata), a JSON Schema, and a map of names to
 * schemas (properties, $defs). */
enum { API, DATA, SCHEMA, NAMEMAP };
#define LIST ANTH_JSON_EMPTY_ARRAY
#define KEY(name, child) {name, sizeof(name) - 1, child}

static const anth_json_key api_keys[] = { /* sorted by length */
    KEY("betas", API | LIST),
    KEY("edits", API | LIST),
    KEY("input", DATA),
    KEY("tools", API | LIST),
    KEY("schema", SCHEMA),
    KEY("skills", API | LIST),
    KEY("system", API | LIST),
    KEY("content", API | LIST),
    KEY("sources", API | LIST),
    KEY("messages", API | LIST),
    KEY("metadata", DATA),
    KEY("requests", API | LIST),
    KEY("citations", API | LIST),
    KEY("attachments", API | LIST),
    KEY("mcp_servers", API | LIST),
    KEY("input_schema", SCHEMA),
    KEY("allowed_tools", API | LIST),
    KEY("stop_sequences", API | LIST),
    KEY("allowed_domains", API | LIST),
    KEY("blocked_domains", API | LIST),
};

/* Any other key of a schema (items, additionalProperties, not, if/then/else,
 * contains, ...) holds a subschema: empty -> {}. */
static const anth_json_key schema_keys[] = { /* sorted by length */
    KEY("enum", DATA | LIST),
    KEY("type", DATA | LIST),
    KEY("$defs", NAMEMAP),
    KEY("allOf", SCHEMA | LIST),
    KEY("anyOf", SCHEMA | LIST),
    KEY("const", DATA),
    KEY("oneOf", SCHEMA | LIST),
    KEY("default", DATA),
    KEY("examples", DATA | LIST),
    KEY("required", DATA | LIST),
    KEY("properties", NAMEMAP),
    KEY("definitions", NAMEMAP),
    KEY("prefixItems", SCHEMA | LIST),
    KEY("dependentSchemas", NAMEMAP),
    KEY("patternProperties", NAMEMAP),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const anth_json_context contexts[] = {
    /* keys, nkeys, other key, array item */
    [API] = {api_keys, COUNT(api_keys), API, API},
    [DATA] = {NULL, 0, DATA, DATA},
    [SCHEMA] = {schema_keys, COUNT(schema_keys), SCHEMA, SCHEMA},
    [NAMEMAP] = {NULL, 0, SCHEMA, SCHEMA},
};

const anth_json_rules anth_api_json_rules = {contexts, API};

/* ---- streams: the text-delta fast path ------------------------------------ */

int anth_api_text_delta(lua_State *L, const char *p, size_t n, lua_Integer *index) {
    static const char head[] = "{\"type\":\"content_block_delta\",\"index\":";
    static const char mid[] = ",\"delta\":{\"type\":\"text_delta\",\"text\":";
    const char *end = p + n, *q, *str;
    lua_Integer i = 0;
    int escapes = 0;
    if (n < sizeof head + sizeof mid + 4 || memcmp(p, head, sizeof head - 1) != 0) return 0;
    q = p + sizeof head - 1;
    if (q >= end || *q < '0' || *q > '9') return 0;
    while (q < end && *q >= '0' && *q <= '9' && i < 100000000) i = i * 10 + (*q++ - '0');
    if ((size_t)(end - q) < sizeof mid || memcmp(q, mid, sizeof mid - 1) != 0) return 0;
    q += sizeof mid - 1;
    if (*q != '"') return 0;
    str = q++;
    while (q < end && *q != '"') {
        if (*q == '\\') { escapes = 1; q++; }
        else if ((unsigned char)*q < 0x20) return 0;
        q++;
    }
    if (q + 3 != end || q[1] != '}' || q[2] != '}') return 0;
    if (!escapes) {
        lua_pushlstring(L, str + 1, (size_t)(q - str - 1));
    } else if (!anth_json_decode(L, str, (size_t)(q - str + 1))) {
        lua_pop(L, 1);
        return 0;
    }
    *index = i;
    return 1;
}
