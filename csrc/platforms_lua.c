/* Registers the platform building blocks (see platforms.h). */
#include "platforms.h"

void anth_open_platforms(lua_State *L) {
    anth_open_signing(L);
    anth_open_eventstream(L);
}
