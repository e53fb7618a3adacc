/* anthropic.core's entry point, for a host that links the core into its own
 * program (examples/embed) and for core.c. The parts of the core never
 * include this: they sit below the entry, which lists them (core.c). */
#ifndef ANTH_CORE_H
#define ANTH_CORE_H

#include <lua.h>

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

#endif
