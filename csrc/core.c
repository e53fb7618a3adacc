/* anthropic.core: the module entry. Each part of the core registers itself
 * with one opener, which adds its functions to the module table on top of the
 * stack and makes its metatables; the list below is the only place that
 * names them all. A new part: one line in each list. */
#include "core.h"
#include "json.h"

void anth_open_json(lua_State *L);     /* json_lua.c: encode, decode, decode_safe */
void anth_open_blob(lua_State *L);     /* blob.c: the blob object; is_blob */
void anth_open_base64(lua_State *L);   /* base64_lua.c: base64_*, sniff, base64_file */
void anth_open_clock(lua_State *L);    /* clock.c: now, sleep */
void anth_open_appender(lua_State *L); /* appender.c: the appender object */
void anth_open_body(lua_State *L);     /* body.c: json_body */
void anth_open_headers(lua_State *L);  /* headers.c: the header set object */
void anth_open_transfer(lua_State *L); /* transfer.c: the transfer object */
void anth_open_response(lua_State *L); /* response.c: reading a transfer's answer; parse_headers */
void anth_open_session(lua_State *L);  /* session.c: session, curl_version */
void anth_open_wait(lua_State *L);     /* wait.c: t:wait */
void anth_open_partial_json(lua_State *L); /* partial_json.c: partial_json */
void anth_open_signing(lua_State *L);      /* signing_lua.c: sigv4, sha256_hex, rs256_sign, base64url_encode */
void anth_open_eventstream(lua_State *L);  /* eventstream_lua.c: eventstream_decoder, eventstream_chunk */

static void (*const parts[])(lua_State *L) = {
    anth_open_json,
    anth_open_blob,
    anth_open_base64,
    anth_open_clock,
    anth_open_appender,
    anth_open_body,
    anth_open_headers,
    anth_open_transfer,
    anth_open_response,
    anth_open_session,
    anth_open_wait,
    anth_open_partial_json,
    anth_open_signing,
    anth_open_eventstream,
};

int luaopen_anthropic_core(lua_State *L) {
    size_t i;
    lua_newtable(L);
    lua_pushliteral(L, ANTH_VERSION);
    lua_setfield(L, -2, "version");
    luaL_newmetatable(L, ANTH_ARRAY_MT);
    lua_pushliteral(L, "array");
    lua_setfield(L, -2, "__jsontype");
    lua_setfield(L, -2, "array_mt");
    luaL_newmetatable(L, ANTH_OBJECT_MT);
    lua_pushliteral(L, "object");
    lua_setfield(L, -2, "__jsontype");
    lua_setfield(L, -2, "object_mt");
    lua_pushlightuserdata(L, NULL);
    lua_setfield(L, -2, "null");
    for (i = 0; i < sizeof parts / sizeof parts[0]; i++) parts[i](L);
    return 1;
}
