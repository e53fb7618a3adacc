/* Bedrock frames to stream events (see bedrock_stream.h). */
#include <string.h>
#include "bedrock_stream.h"
#include "json_member.h"

static int is(anth_es_str s, const char *lit) {
    return s.p != NULL && s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

/* A JSON string literal of n bytes (control characters, quote and backslash
 * escaped; other bytes as they are). */
static int put_json_string(anth_buf *b, const char *s, size_t n) {
    static const char hexd[] = "0123456789abcdef";
    size_t i;
    if (anth_buf_putc(b, '"') != 0) return -1;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            if (anth_buf_append(b, e, 2) != 0) return -1;
        } else if (c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
            if (anth_buf_append(b, e, 6) != 0) return -1;
        } else if (anth_buf_putc(b, (char)c) != 0) {
            return -1;
        }
    }
    return anth_buf_putc(b, '"');
}

#define PUT(lit) anth_buf_append(data, lit, sizeof lit - 1)

static int error_event(anth_buf *name, anth_buf *data, const char *type, size_t tn, const char *msg, size_t mn,
                       const char **why) {
    if (anth_buf_append(name, "error", 5) != 0 || PUT("{\"type\":\"error\",\"error\":{\"type\":") != 0 ||
        put_json_string(data, type, tn) != 0 || PUT(",\"message\":") != 0 || put_json_string(data, msg, mn) != 0 ||
        PUT("}}") != 0) {
        *why = "out of memory";
        return ANTH_BEDROCK_BAD;
    }
    return ANTH_BEDROCK_END;
}

int anth_bedrock_frame(const anth_es_frame *f, anth_buf *name, anth_buf *data, const char **why) {
    name->len = 0;
    data->len = 0;
    if (is(f->message_type, "exception")) {
        anth_buf msg;
        int rc;
        anth_buf_init(&msg);
        if (anth_json_member_string(f->payload, f->payload_len, "message", &msg) != 1) {
            msg.len = 0;
            anth_json_member_string(f->payload, f->payload_len, "Message", &msg);
        }
        rc = error_event(name, data, f->exception_type.p ? f->exception_type.p : "exception",
                         f->exception_type.p ? f->exception_type.n : 9, msg.data ? msg.data : "", msg.len, why);
        anth_buf_free(&msg);
        return rc;
    }
    if (is(f->message_type, "error")) {
        return error_event(name, data, f->error_code.p ? f->error_code.p : "error",
                           f->error_code.p ? f->error_code.n : 5, f->error_message.p ? f->error_message.p : "",
                           f->error_message.p ? f->error_message.n : 0, why);
    }
    if (f->message_type.p != NULL && !is(f->message_type, "event")) return ANTH_BEDROCK_SKIP;
    if (!is(f->event_type, "chunk")) return ANTH_BEDROCK_SKIP;
    if (anth_es_chunk_event(f->payload, f->payload_len, data, why) != 0) return ANTH_BEDROCK_BAD;
    switch (anth_json_member_string(data->data ? data->data : "", data->len, "type", name)) {
    case 1: return ANTH_BEDROCK_EVENT;
    case 0: return ANTH_BEDROCK_SKIP;
    case -2: *why = "out of memory"; return ANTH_BEDROCK_BAD;
    default: *why = "chunk event is not a JSON object"; return ANTH_BEDROCK_BAD;
    }
}
