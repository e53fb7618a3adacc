/* What the Lua side of the Bedrock and Vertex building blocks, signing
 * (signing_lua.c) and the AWS event stream (eventstream_lua.c), share. Each
 * registers itself from core.c's list. */
#ifndef ANTH_PLATFORMS_H
#define ANTH_PLATFORMS_H

#include "compat.h"
#include "buffer.h"

/* A growable buffer owned by a new userdata on the stack (its __gc frees it,
 * so a Lua call that raises on the way leaks nothing). */
anth_buf *anth_new_gc_buf(lua_State *L);

#endif
