/* An appender (appender.c): anthropic.appender, a text that grows piece by
 * piece in C memory and becomes a Lua string only when asked for. The
 * accumulator keeps each text and thinking block of a stream in one: a long
 * answer's 20,000 deltas are copied once into a buffer (no Lua list of
 * pieces for the collector to walk, no join at the end), and the core's fast
 * path for text deltas adds to it without a Lua call (response.c). */
#ifndef ANTH_APPENDER_H
#define ANTH_APPENDER_H

#include "buffer.h"
#include "compat.h"

#define ANTH_APPENDER_MT "anthropic.appender"

/* Texts from this length on become a string without a collector step
 * (appender.c, a:take()). */
#define ANTH_LONG_TEXT ((size_t)64 * 1024)

typedef struct anth_appender {
    anth_buf text;
    int closed;
} anth_appender;

/* The open appender at idx, or NULL when idx holds anything else. */
anth_appender *anth_to_appender(lua_State *L, int idx);

/* Adds n bytes; raises when memory runs out (Lua thread). */
void anth_appender_add(lua_State *L, anth_appender *a, const char *p, size_t n);

#endif
