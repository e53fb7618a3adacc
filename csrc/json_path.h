/* Where the JSON writer is, for its error messages: the path of the value
 * being written is a chain of frames on the C stack (one per table), whose
 * string keys stay on the Lua stack; json_path.c turns it into text
 * ("messages[2].content[1].text") only when an error is raised. */
#ifndef ANTH_JSON_PATH_H
#define ANTH_JSON_PATH_H

#include "compat.h"

typedef struct anth_json_frame {
    const struct anth_json_frame *parent;
    const void *tbl;   /* the table walked at this level (cycle reports) */
    int key;           /* stack index of the current string key, or 0 */
    lua_Integer index; /* current 1-based array index, or 0 */
} anth_json_frame;

/* Raises "anthropic: bad value at <path of f's current key>: <fmt...>"
 * (f NULL: the top level). Never returns. */
void anth_json_path_error(lua_State *L, const anth_json_frame *f, const char *fmt, ...);

/* f is the frame of a table nested one level too deep: raises "cyclic table"
 * where a table first repeats on the way down, else "nesting deeper than
 * ANTH_JSON_MAX_DEPTH". Never returns. */
void anth_json_depth_error(lua_State *L, const anth_json_frame *f);

#endif
