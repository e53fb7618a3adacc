/* Shared by json_encode.c, json_decode.c and json_lua.c only. */
#ifndef ANTH_JSON_H
#define ANTH_JSON_H

#include "core.h"

/* Deepest nesting of arrays/objects either direction accepts. */
#define ANTH_JSON_MAX_DEPTH 1000

/* LuaJIT's type tag for FFI cdata (not in its lua.h). */
#define ANTH_TCDATA 10

#endif
