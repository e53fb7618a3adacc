/* Multipart bodies (upload.c). */
#ifndef ANTH_UPLOAD_H
#define ANTH_UPLOAD_H

#include "platform.h"
#include <curl/curl.h>
#include "compat.h"

/* spec.multipart = list of parts {name, data | path, filename, type}: builds
 * the MIME body of easy into *mime (set as soon as it exists, so its owner
 * frees it if this raises on a bad part). Nothing when there is none. */
void anth_set_multipart(lua_State *L, CURL *easy, curl_mime **mime, int spec);

#endif
