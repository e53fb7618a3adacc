/* STUB */
#include "core.h"
void anth_open_base64(lua_State *L) { (void)L; }
