/* The Lua side of the Bedrock and Vertex building blocks: signing
 * (signing_lua.c) and the AWS event stream (eventstream_lua.c), registered
 * together by anth_open_platforms (platforms_lua.c). */
#ifndef ANTH_PLATFORMS_H
#define ANTH_PLATFORMS_H

#include "compat.h"
#include "buffer.h"

void anth_open_signing(lua_State *L);
/* A growable buffer owned by a new userdata on the stack (its __gc frees it,
 * so a Lua call that raises on the way leaks nothing). */
anth_buf *anth_new_gc_buf(lua_State *L);
void anth_open_eventstream(lua_State *L);

#endif
