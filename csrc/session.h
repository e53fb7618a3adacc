/* The session (session.c): one libcurl multi handle per client, so
 * connections (and HTTP/2 streams) are shared and reused by every transfer
 * of the client. Its struct is in transfer.h. */
#ifndef ANTH_SESSION_H
#define ANTH_SESSION_H

#include "transfer.h"

/* Drives every transfer of the session once, waiting at most timeout_ms for
 * activity (through the socket driver once watched); returns how many are
 * still running. */
int anth_session_drive(anth_session *s, int timeout_ms);

/* Finishes the transfers libcurl reports done, and those past their idle
 * timeout; returns the ms until the nearest idle deadline (or timeout_ms). */
int anth_session_reap(anth_session *s, int timeout_ms);

#endif
