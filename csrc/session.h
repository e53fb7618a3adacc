/* The session (session.c): one libcurl multi handle per client, so
 * connections (and HTTP/2 streams) are shared and reused by every transfer
 * of the client. A network thread of its own runs it once anything asks for
 * progress in the background; until then blocking waits drive it on the
 * calling thread. Its struct is in transfer.h. */
#ifndef ANTH_SESSION_H
#define ANTH_SESSION_H

#include "transfer.h"

/* The session of the anthropic.session object at idx (NULL once its memory
 * was let go of). */
anth_session *anth_session_of(lua_State *L, int idx);

/* Lua thread, s->mu held, before the session's network thread started: one
 * round of the network on the calling thread, then, when it changed
 * nothing, a wait of at most wait_ms (-1: the round's own limit) for the
 * sockets. A blocking wait loops on it until it is satisfied. */
void anth_session_drive(anth_session *s, int wait_ms);

#endif
