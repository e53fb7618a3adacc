/* anthropic.core as a whole: its entry point, the names its parts share, and
 * the openers core.c calls, one per part. An opener adds the part's functions
 * to the module table on top of the stack (and makes its metatables); nothing
 * in the core is a mutable global. */
#ifndef ANTH_CORE_H
#define ANTH_CORE_H

#include "compat.h"
#include "buffer.h"

#define ANTH_VERSION "0.1.0"

/* The only exported symbol (everything else is hidden: -fvisibility=hidden,
 * or simply not exported from a Windows DLL). */
#if defined(_WIN32)
#define ANTH_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define ANTH_EXPORT __attribute__((visibility("default")))
#else
#define ANTH_EXPORT
#endif
ANTH_EXPORT int luaopen_anthropic_core(lua_State *L);

/* Registry names of the metatables that mark a table as a JSON array or object
 * (set by anthropic.array / anthropic.object and by the decoder on empty ones). */
#define ANTH_ARRAY_MT "anthropic.json.array"
#define ANTH_OBJECT_MT "anthropic.json.object"

/* The openers (core.c lists them; a new part adds its own here and there). */
typedef void (*anth_opener)(lua_State *L);
void anth_open_json(lua_State *L);     /* json_lua.c: encode, decode, decode_safe */
void anth_open_base64(lua_State *L);   /* base64_lua.c: base64_*, sniff */
void anth_open_clock(lua_State *L);    /* clock.c: now, sleep */
void anth_open_body(lua_State *L);     /* body.c: json_body */
void anth_open_transfer(lua_State *L); /* transfer.c: the transfer object */
void anth_open_response(lua_State *L); /* response.c: reading a transfer's answer, parse_headers */
void anth_open_session(lua_State *L);  /* session.c: session, curl_version */
void anth_open_wait(lua_State *L);     /* wait.c: t:wait, t:poll */

#endif
