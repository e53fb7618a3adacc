/* Multipart bodies (libcurl's MIME API): a part's file is streamed from
 * disk by libcurl, never read whole into Lua. */
#include "upload.h"

static const char *part_string(lua_State *L, int part, const char *key, size_t *len, int i) {
    const char *v = NULL;
    lua_getfield(L, part, key);
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "anthropic: multipart[%d].%s must be a string", i, key);
        v = lua_tolstring(L, -1, len);
    }
    lua_pop(L, 1); /* the spec table keeps the string alive until the transfer starts */
    return v;
}

void anth_set_multipart(lua_State *L, CURL *easy, curl_mime **mime, int spec) {
    int i, n;
    lua_getfield(L, spec, "multipart");
    if (lua_isnil(L, -1)) { lua_pop(L, 1); return; }
    luaL_checktype(L, -1, LUA_TTABLE);
    *mime = curl_mime_init(easy);
    if (*mime == NULL) luaL_error(L, "anthropic: out of memory");
    n = (int)anth_rawlen(L, -1);
    for (i = 1; i <= n; i++) {
        size_t dlen = 0, ignored;
        const char *name, *data, *path, *filename, *type;
        curl_mimepart *part;
        int idx;
        lua_rawgeti(L, -1, i);
        if (!lua_istable(L, -1)) luaL_error(L, "anthropic: multipart[%d] must be a table", i);
        idx = lua_gettop(L);
        name = part_string(L, idx, "name", &ignored, i);
        data = part_string(L, idx, "data", &dlen, i);
        path = part_string(L, idx, "path", &ignored, i);
        filename = part_string(L, idx, "filename", &ignored, i);
        type = part_string(L, idx, "type", &ignored, i);
        if (name == NULL || (data == NULL) == (path == NULL))
            luaL_error(L, "anthropic: multipart[%d] needs a name and either data or path", i);
        part = curl_mime_addpart(*mime);
        if (part == NULL) luaL_error(L, "anthropic: out of memory");
        curl_mime_name(part, name);
        if (data != NULL) {
            curl_mime_data(part, data, dlen);
        } else if (curl_mime_filedata(part, path) != CURLE_OK) {
            luaL_error(L, "anthropic: cannot read %s", path);
        }
        if (filename != NULL) curl_mime_filename(part, filename);
        if (type != NULL) curl_mime_type(part, type);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    curl_easy_setopt(easy, CURLOPT_MIMEPOST, *mime);
}
