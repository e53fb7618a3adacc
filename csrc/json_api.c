/* The API's JSON knowledge (json_api.h). */
#include <string.h>
#include "json_api.h"

/* ---- request bodies: where an empty table is a list ----------------------
 * Contexts: an API object (request bodies, messages, content blocks, tools),
 * free data (a tool's input, metadata), a JSON Schema, and a map of names to
 * schemas (properties, $defs). */
enum { API, DATA, SCHEMA, NAMEMAP };
#define LIST ANTH_JSON_EMPTY_ARRAY
#define KEY(name, child) {name, child}
#define END {NULL, 0}

/* The keys of an API object, grouped by length. */
static const anth_json_key api5[] = {KEY("betas", API | LIST), KEY("edits", API | LIST),
                                     KEY("input", DATA), KEY("tools", API | LIST), END};
static const anth_json_key api6[] = {KEY("schema", SCHEMA), KEY("skills", API | LIST),
                                     KEY("system", API | LIST), END};
static const anth_json_key api7[] = {KEY("content", API | LIST), KEY("sources", API | LIST), END};
static const anth_json_key api8[] = {KEY("messages", API | LIST), KEY("metadata", DATA),
                                     KEY("requests", API | LIST), END};
static const anth_json_key api9[] = {KEY("citations", API | LIST), END};
static const anth_json_key api11[] = {KEY("attachments", API | LIST), KEY("mcp_servers", API | LIST), END};
static const anth_json_key api12[] = {KEY("input_schema", SCHEMA), END};
static const anth_json_key api13[] = {KEY("allowed_tools", API | LIST), END};
static const anth_json_key api14[] = {KEY("stop_sequences", API | LIST), END};
static const anth_json_key api15[] = {KEY("allowed_domains", API | LIST),
                                      KEY("blocked_domains", API | LIST), END};
static const anth_json_key *const api_keys[ANTH_JSON_KEY_MAX + 1] = {
    [5] = api5, [6] = api6, [7] = api7, [8] = api8, [9] = api9,
    [11] = api11, [12] = api12, [13] = api13, [14] = api14, [15] = api15,
};

/* The keys of a JSON Schema, grouped by length. Any other key (items,
 * additionalProperties, not, if/then/else, contains, ...) holds a subschema:
 * empty -> {}. */
static const anth_json_key schema4[] = {KEY("enum", DATA | LIST), KEY("type", DATA | LIST), END};
static const anth_json_key schema5[] = {KEY("$defs", NAMEMAP), KEY("allOf", SCHEMA | LIST),
                                        KEY("anyOf", SCHEMA | LIST), KEY("const", DATA),
                                        KEY("oneOf", SCHEMA | LIST), END};
static const anth_json_key schema7[] = {KEY("default", DATA), END};
static const anth_json_key schema8[] = {KEY("examples", DATA | LIST), KEY("required", DATA | LIST), END};
static const anth_json_key schema10[] = {KEY("properties", NAMEMAP), END};
static const anth_json_key schema11[] = {KEY("definitions", NAMEMAP), KEY("prefixItems", SCHEMA | LIST), END};
static const anth_json_key schema16[] = {KEY("dependentSchemas", NAMEMAP), END};
static const anth_json_key schema17[] = {KEY("patternProperties", NAMEMAP), END};
static const anth_json_key *const schema_keys[ANTH_JSON_KEY_MAX + 1] = {
    [4] = schema4, [5] = schema5, [7] = schema7, [8] = schema8,
    [10] = schema10, [11] = schema11, [16] = schema16, [17] = schema17,
};

static const anth_json_context contexts[] = {
    /* keys, context under any other key, context of array items */
    [API] = {api_keys, API, API},
    [DATA] = {NULL, DATA, DATA},
    [SCHEMA] = {schema_keys, SCHEMA, SCHEMA},
    [NAMEMAP] = {NULL, SCHEMA, SCHEMA},
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

void anth_api_push_text_delta_event(lua_State *L, lua_Integer index, int text) {
    text = anth_absindex(L, text);
    lua_createtable(L, 0, 3);
    lua_pushliteral(L, "content_block_delta");
    lua_setfield(L, -2, "type");
    lua_pushinteger(L, index);
    lua_setfield(L, -2, "index");
    lua_createtable(L, 0, 2);
    lua_pushliteral(L, "text_delta");
    lua_setfield(L, -2, "type");
    lua_pushvalue(L, text);
    lua_setfield(L, -2, "text");
    lua_setfield(L, -2, "delta");
}
