/* core.partial_json(text): the value of a JSON prefix, as far as it goes (the
 * rules are in partial_json.h). The prefix is completed into JSON text here
 * and read by the one JSON reader (json_decode.c), so both always agree on
 * what JSON is. */
#include "json.h"
#include "partial_json.h"

enum {
    TK_OPEN_OBJ, TK_CLOSE_OBJ, TK_OPEN_ARR, TK_CLOSE_ARR, TK_COLON, TK_COMMA,
    TK_STRING, TK_NUMBER, TK_LITERAL
};

typedef struct token {
    unsigned char type;
    unsigned char unterminated; /* a number that runs to the end of the text */
    size_t start, len;          /* a string's bytes are those inside its quotes */
} token;

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_scalar(const token *t) {
    return t->type == TK_STRING || t->type == TK_NUMBER || t->type == TK_LITERAL;
}

static const char *const LITERALS[] = { "true", "false", "null" };

static int is_literal(const char *w, size_t n) {
    size_t i;
    for (i = 0; i < 3; i++)
        if (strlen(LITERALS[i]) == n && memcmp(LITERALS[i], w, n) == 0) return 1;
    return 0;
}

/* `nul` at the very end (only whitespace after it): a literal cut short. */
static int is_cut_literal(const char *w, size_t n, const char *rest, const char *end) {
    size_t i;
    int prefix = 0;
    for (i = 0; i < 3; i++)
        if (strlen(LITERALS[i]) > n && memcmp(LITERALS[i], w, n) == 0) prefix = 1;
    if (!prefix) return 0;
    for (; rest < end; rest++)
        if (!is_space(*rest)) return 0;
    return 1;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? */
static int is_json_number(const char *p, size_t n) {
    const char *end = p + n;
    if (p < end && *p == '-') p++;
    if (p == end) return 0;
    if (*p == '0') p++;
    else if (is_digit(*p)) while (p < end && is_digit(*p)) p++;
    else return 0;
    if (p < end && *p == '.') {
        if (++p == end || !is_digit(*p)) return 0;
        while (p < end && is_digit(*p)) p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p == end || !is_digit(*p)) return 0;
        while (p < end && is_digit(*p)) p++;
    }
    return p == end;
}

static int push_token(anth_buf *toks, int type, size_t start, size_t len, int unterminated) {
    token t;
    t.type = (unsigned char)type;
    t.unterminated = (unsigned char)unterminated;
    t.start = start;
    t.len = len;
    return anth_buf_append(toks, &t, sizeof t);
}

/* 1: the tokens are in toks; 0: something that is not JSON; -1: no memory. */
static int tokenize(const char *s, size_t n, anth_buf *toks) {
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        int type = -1;
        switch (c) {
        case '{': type = TK_OPEN_OBJ; break;
        case '}': type = TK_CLOSE_OBJ; break;
        case '[': type = TK_OPEN_ARR; break;
        case ']': type = TK_CLOSE_ARR; break;
        case ':': type = TK_COLON; break;
        case ',': type = TK_COMMA; break;
        default: break;
        }
        if (type >= 0) {
            if (push_token(toks, type, i, 1, 0) != 0) return -1;
            i++;
        } else if (c == '"') {
            /* a quote closes the string only after an even number of backslashes */
            size_t start = i + 1, end = start;
            for (;;) {
                const char *q = end < n ? memchr(s + end, '"', n - end) : NULL;
                size_t back = 0;
                if (q == NULL) return 1; /* cut inside the string: it is dropped */
                end = (size_t)(q - s);
                while (end - back > start && s[end - back - 1] == '\\') back++;
                if (back % 2 == 0) break;
                end++;
            }
            if (push_token(toks, TK_STRING, start, end - start, 0) != 0) return -1;
            i = end + 1;
        } else if (is_space(c)) {
            i++;
        } else if (is_digit(c) || c == '-' || c == '.') {
            size_t start = i;
            if (c == '-') i++;
            while (i < n) {
                char d = s[i];
                if (is_digit(d) || d == '.' || d == 'e' || d == 'E' ||
                    ((d == '-' || d == '+') && i > start && (s[i - 1] == 'e' || s[i - 1] == 'E')))
                    i++;
                else
                    break;
            }
            if (push_token(toks, TK_NUMBER, start, i - start, i == n) != 0) return -1;
        } else if (is_letter(c)) {
            size_t start = i;
            while (i < n && is_letter(s[i])) i++;
            if (is_literal(s + start, i - start)) {
                if (push_token(toks, TK_LITERAL, start, i - start, 0) != 0) return -1;
            } else if (!is_cut_literal(s + start, i - start, s + i, s + n)) {
                return 0;
            }
        } else {
            return 0;
        }
    }
    return 1;
}

/* How many tokens stay once the unfinished end is cut off; (size_t)-1 when
 * memory runs out. */
static size_t strip(const char *s, const token *t, size_t count, anth_buf *stack) {
    size_t i, len = count;
    char innermost;
    stack->len = 0;
    for (i = 0; i < count; i++) {
        if (t[i].type == TK_OPEN_OBJ || t[i].type == TK_OPEN_ARR) {
            if (anth_buf_putc(stack, t[i].type == TK_OPEN_OBJ ? '{' : '[') != 0) return (size_t)-1;
        } else if ((t[i].type == TK_CLOSE_OBJ || t[i].type == TK_CLOSE_ARR) && stack->len > 0) {
            stack->len--;
        }
    }
    /* brackets are never cut off, so this holds for every token looked at */
    innermost = stack->len > 0 ? stack->data[stack->len - 1] : 0;
    while (len > 0) {
        const token *last = &t[len - 1];
        if (last->type == TK_COLON) {
            len--;
            continue;
        }
        if (last->type == TK_NUMBER) {
            /* more digits may follow; `1.` or `-` cut short by something else never is one */
            if (last->unterminated || !is_json_number(s + last->start, last->len)) {
                len--;
                continue;
            }
        } else if (last->type == TK_STRING) {
            /* in an object, a key still waiting for its value */
            if (innermost == '{' && len >= 2 &&
                (t[len - 2].type == TK_COMMA || t[len - 2].type == TK_OPEN_OBJ)) {
                len--;
                continue;
            }
        } else if (last->type == TK_COMMA) {
            len--; /* what precedes a comma is complete */
        }
        break;
    }
    return len;
}

/* Writes tokens [0, len) and the closers of what is still open; 0 when a
 * closer matches nothing, -1 when memory runs out, else 1. */
static int generate(const char *s, const token *t, size_t len, anth_buf *stack, anth_buf *out) {
    size_t i;
    stack->len = 0;
    for (i = 0; i < len; i++) {
        if (t[i].type == TK_OPEN_OBJ || t[i].type == TK_OPEN_ARR) {
            if (anth_buf_putc(stack, t[i].type == TK_OPEN_OBJ ? '}' : ']') != 0) return -1;
        } else if (t[i].type == TK_CLOSE_OBJ || t[i].type == TK_CLOSE_ARR) {
            if (stack->len == 0 || stack->data[stack->len - 1] != s[t[i].start]) return 0;
            stack->len--;
        }
    }
    for (i = 0; i < len; i++) {
        int rc = 0;
        /* adjacent scalars stay apart, so `12 3` still fails to parse */
        if (i > 0 && is_scalar(&t[i - 1]) && is_scalar(&t[i])) rc |= anth_buf_putc(out, ' ');
        if (t[i].type == TK_STRING) {
            rc |= anth_buf_putc(out, '"');
            rc |= anth_buf_append(out, s + t[i].start, t[i].len);
            rc |= anth_buf_putc(out, '"');
        } else {
            rc |= anth_buf_append(out, s + t[i].start, t[i].len);
        }
        if (rc != 0) return -1;
    }
    while (stack->len > 0)
        if (anth_buf_putc(out, stack->data[--stack->len]) != 0) return -1;
    return 1;
}

int anth_partial_json_complete(const char *s, size_t n, anth_buf *out) {
    anth_buf toks, stack;
    size_t len;
    int rc;
    anth_buf_init(&toks);
    anth_buf_init(&stack);
    rc = tokenize(s, n, &toks);
    if (rc == 1) {
        const token *t = (const token *)(void *)toks.data;
        size_t count = toks.len / sizeof(token);
        size_t before = out->len;
        len = strip(s, t, count, &stack);
        rc = len == (size_t)-1 ? -1 : generate(s, t, len, &stack, out);
        if (rc != 1) out->len = before;
    }
    anth_buf_free(&toks);
    anth_buf_free(&stack);
    return rc;
}

#define ANTH_PJBUF_MT "anthropic.partial_json.buffer"

static int pjbuf_gc(lua_State *L) {
    anth_buf_free((anth_buf *)anth_checkudata(L, 1, ANTH_PJBUF_MT));
    return 0;
}

/* partial_json(text) -> value, or nil and a message when the text is not
 * the start of a JSON document (or holds nothing whole yet: "", `"ab`). */
static int partial_json(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    anth_buf *b;
    int rc, ok;
    lua_settop(L, 1);
    /* the completed text lives in a userdata whose __gc frees it if Lua raises */
    b = (anth_buf *)anth_newuserdata(L, sizeof *b);
    anth_buf_init(b);
    anth_setmetatable(L, ANTH_PJBUF_MT);
    rc = anth_partial_json_complete(s, n, b);
    if (rc < 0) return luaL_error(L, "partial_json: out of memory");
    ok = rc == 1 ? anth_json_decode(L, b->data ? b->data : "", b->len) : anth_json_decode(L, s, n);
    anth_buf_free(b);
    if (!ok) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    return 1;
}

void anth_open_partial_json(lua_State *L) {
    if (luaL_newmetatable(L, ANTH_PJBUF_MT)) {
        lua_pushcfunction(L, pjbuf_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, partial_json);
    lua_setfield(L, -2, "partial_json");
}
