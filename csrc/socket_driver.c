/* STUB: host-loop driving through libcurl's socket API (being written). */
#include "transfer.h"
void anth_open_socket_methods(lua_State *L, int methods) { (void)L; (void)methods; }
void anth_socket_driver_free(anth_session *s) { (void)s; }
