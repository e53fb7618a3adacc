/* The session (session.c): one libcurl multi handle per client, run by a
 * network thread of its own, so connections (and HTTP/2 streams) are shared
 * and reused by every transfer of the client. Its struct is in transfer.h. */
#ifndef ANTH_SESSION_H
#define ANTH_SESSION_H

#include "transfer.h"

/* The session of the anthropic.session object at idx (NULL once its memory
 * was let go of). */
anth_session *anth_session_of(lua_State *L, int idx);

#endif
