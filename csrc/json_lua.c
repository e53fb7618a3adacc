/* STUB: replaced by the JSON work. */
#include "core.h"
void anth_json_encode(lua_State *L, int idx, anth_buf *out, int marks) { (void)idx; (void)out; (void)marks; luaL_error(L, "json stub"); }
int anth_json_decode(lua_State *L, const char *s, size_t len) { (void)s; (void)len; lua_pushliteral(L, "json stub"); return 0; }
void anth_open_json(lua_State *L) { (void)L; }
