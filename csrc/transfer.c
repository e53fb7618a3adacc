/* The easy transfer (transfer.h): a request spec becomes an easy handle in
 * its session's multi handle; libcurl's callbacks take the answer's bytes;
 * finish and detach end it. */
#include <stdlib.h>
#include <string.h>
#include "ascii.h"
#include "headers.h"
#include "transfer.h"
#include "upload.h"

/* libcurl's callbacks run on the network thread, and take the session's
 * lock only around what the Lua thread reads. */
static size_t on_header(char *p, size_t size, size_t n, void *ud) {
    anth_transfer *t = ud;
    size_t len = size * n;
    long code = 0;
    int ended = len <= 2 && (len == 0 || p[0] == '\r' || p[0] == '\n');
    if (ended) curl_easy_getinfo(t->easy.curl, CURLINFO_RESPONSE_CODE, &code);
    anth_transfer_lock(t);
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) t->head.len = 0; /* 100-continue, then the real one */
    if (ended && code >= 200) {
        t->head_done = 1;
        t->status = code;
        t->home->dirty = 1;
    }
    if (anth_buf_append(&t->head, p, len) != 0) len = 0;
    t->last_byte = anth_clock_now();
    anth_transfer_unlock(t);
    return len;
}

/* Whether the answer goes to the sink (by its status and content type). */
static int sink_takes(anth_transfer *t) {
    long code = 0;
    char *ctype = NULL;
    curl_easy_getinfo(t->easy.curl, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(t->easy.curl, CURLINFO_CONTENT_TYPE, &ctype);
    return anth_sink_takes(&t->sink, code, ctype);
}

/* What on_body returns for len bytes written (err: none, or why the
 * transfer fails); s->mu held. */
static size_t wrote(anth_transfer *t, const char *err, size_t ret, size_t len) {
    t->home->dirty = 1;
    if (err != NULL) {
        t->err_kind = err;
        return 0;
    }
    if (ret == len) t->last_byte = anth_clock_now();
    return ret;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
    anth_transfer *t = ud;
    size_t len = size * n, ret = len;
    const char *err = NULL, *lost;
    anth_transfer_lock(t);
    if (t->sink.kind != ANTH_SINK_BODY && t->mode == 0) t->mode = sink_takes(t) ? 2 : 1;
    /* Paused while the queue is full, but never inside curl_easy_pause(CONT):
     * what libcurl kept while the transfer was paused comes then, and all
     * of it is taken. Pausing again there makes libcurl 7.88 copy the rest
     * into a new buffer, at every resume; over HTTP/2, where a paused stream
     * keeps arriving into that buffer (up to its 32 MB window), that was the
     * whole backlog copied each time (bench/RESULTS.md §11). */
    if (t->mode != 2 || (!t->resuming && anth_sink_queued(&t->sink) > ANTH_QUEUE_MAX)) {
        if (t->mode == 2) {
            t->paused = 1;
            ret = CURL_WRITEFUNC_PAUSE;
        } else if (anth_buf_append(&t->body, p, len) != 0) {
            err = "out_of_memory";
        }
        ret = wrote(t, err, ret, len);
        anth_transfer_unlock(t);
        return ret;
    }
    anth_transfer_unlock(t);
    /* The sink parses (SSE, AWS frames, lines) or writes its file without
     * the lock, so that the Lua thread, which takes the lock to read what
     * came, seldom waits for this thread (nor for it being descheduled with
     * the lock held); only the finished events are queued under it. */
    err = anth_sink_feed(&t->sink, p, len);
    anth_transfer_lock(t);
    lost = anth_sink_publish(&t->sink);
    ret = wrote(t, err != NULL ? err : lost, ret, len);
    anth_transfer_unlock(t);
    return ret;
}

static const char *kind_of(CURLcode code) {
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return "timeout";
    case CURLE_ABORTED_BY_CALLBACK: return "aborted";
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL: return "invalid_url";
    default: return "connection";
    }
}

/* Ends the sink; a complete body that could not be written out fails t. */
static void end_sink(anth_transfer *t) {
    const char *err = anth_sink_end(&t->sink, t->state == ANTH_T_DONE);
    if (err != NULL) {
        t->state = ANTH_T_FAILED;
        t->err_kind = err;
    }
}

void anth_transfer_finish(anth_transfer *t, CURLcode code) {
    if (t->state != ANTH_T_RUNNING) return;
    t->code = code;
    curl_easy_getinfo(t->easy.curl, CURLINFO_RESPONSE_CODE, &t->status);
    if (code == CURLE_OK) {
        t->state = ANTH_T_DONE;
    } else {
        t->state = ANTH_T_FAILED;
        if (t->err_kind == NULL) t->err_kind = kind_of(code);
    }
    end_sink(t);
    anth_transfer_detach(t);
}

static void unlink_from(anth_transfer **list, anth_transfer *t, int by_cmd) {
    anth_transfer **pp;
    for (pp = list; *pp != NULL; pp = by_cmd ? &(*pp)->next_cmd : &(*pp)->next) {
        if (*pp == t) {
            *pp = by_cmd ? t->next_cmd : t->next;
            break;
        }
    }
}

/* A transfer taken out before its end fails as "aborted". */
static void abort_running(anth_transfer *t) {
    if (t->state != ANTH_T_RUNNING) return;
    t->state = ANTH_T_FAILED;
    t->err_kind = "aborted";
    t->code = CURLE_ABORTED_BY_CALLBACK;
}

void anth_transfer_detach(anth_transfer *t) {
    anth_session *s = t->sess;
    if (s == NULL) return;
    unlink_from(&s->active, t, 0);
    if (t->cmd != 0) unlink_from(&s->commands, t, 1);
    t->next = t->next_cmd = NULL;
    t->cmd = 0;
    t->sess = NULL;
    s->dirty = 1;
    abort_running(t);
    end_sink(t);
    if (t->easy.curl == NULL) return;
    if (t->added) curl_multi_remove_handle(s->multi, t->easy.curl);
    t->added = 0;
    if (!s->closed && s->nspare < (int)(sizeof s->spare / sizeof s->spare[0])) {
        anth_easy_restore(&t->easy); /* (before the mime below is freed) */
        curl_easy_setopt(t->easy.curl, CURLOPT_SHARE, NULL);
        s->spare[s->nspare++] = t->easy;
        t->easy.curl = NULL;
        t->easy.ca_file = t->easy.ca_path = NULL; /* (the spare has them) */
    } else {
        anth_easy_cleanup(&t->easy);
    }
    curl_slist_free_all(t->headers);
    t->headers = NULL;
    if (t->mime != NULL) { curl_mime_free(t->mime); t->mime = NULL; }
}

void anth_transfer_ask(anth_transfer *t, int cmd) {
    anth_session *s = t->sess;
    if (s == NULL) return;
    if (t->cmd == 0) {
        t->next_cmd = s->commands;
        s->commands = t;
    }
    t->cmd |= cmd;
}

void anth_transfer_command(anth_transfer *t) {
    anth_session *s = t->sess;
    int cmd = t->cmd;
    t->cmd = 0;
    if (s == NULL) return;
    if (cmd & ANTH_CMD_REMOVE) {
        anth_transfer_detach(t);
        return;
    }
    if (cmd & ANTH_CMD_ADD) {
        CURLMcode mc = curl_multi_add_handle(s->multi, t->easy.curl);
        if (mc != CURLM_OK) {
            anth_transfer_finish(t, CURLE_FAILED_INIT);
            return;
        }
        t->added = 1;
    }
    if ((cmd & ANTH_CMD_RESUME) && t->added) {
        /* libcurl calls the write callback again from inside curl_easy_pause,
         * which takes the lock: let go of it meanwhile. Only this thread
         * detaches t, so t stays in the session. */
        t->last_byte = anth_clock_now();
        anth_mutex_unlock(&s->mu);
        t->resuming = 1;
        curl_easy_pause(t->easy.curl, CURLPAUSE_CONT);
        t->resuming = 0;
        anth_mutex_lock(&s->mu);
    }
}

void anth_session_release(anth_session *s) {
    int last, forked = anth_session_forked(s);
    if (!forked) anth_mutex_lock(&s->mu); /* (a child's copy may be locked for good) */
    last = --s->refs == 0;
    if (!forked) anth_mutex_unlock(&s->mu);
    if (!last) return;
    if (!forked) { /* (a child's copies may be locked: not destroyed) */
        anth_cond_free(&s->changed);
        anth_mutex_free(&s->mu);
    }
    anth_fork_guard_free(&s->fork_guard);
    free(s);
}

/* The fields of a request spec, read in one pass: the spec of an attempt
 * holds only the fields that are set (wire.lua), so walking it costs less
 * than looking up every field a spec may have (each lookup hashes its name
 * on LuaJIT). The strings stay alive in the spec, which the caller holds. */
typedef struct spec_fields {
    const char *method, *url, *proxy, *ca_file, *ca_path, *output;
    double timeout, connect_timeout, idle_timeout;
    int stream, lines, insecure, headers, body, multipart; /* the last three: present */
} spec_fields;

static const char *field_string(lua_State *L, const char *key) {
    if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "anthropic: request spec field '%s' must be a string", key);
    return lua_tostring(L, -1);
}

static double field_seconds(lua_State *L, const char *key) {
    double v = 0;
    if (lua_type(L, -1) != LUA_TNUMBER || !((v = lua_tonumber(L, -1)) >= 0))
        luaL_error(L, "anthropic: '%s' must be a number of seconds >= 0", key);
    return v;
}

static void read_spec(lua_State *L, int spec, spec_fields *f) {
    memset(f, 0, sizeof *f);
    lua_pushnil(L);
    while (lua_next(L, spec) != 0) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
        if (strcmp(k, "method") == 0) f->method = field_string(L, k);
        else if (strcmp(k, "url") == 0) f->url = field_string(L, k);
        else if (strcmp(k, "headers") == 0) f->headers = 1;
        else if (strcmp(k, "body") == 0) f->body = 1;
        else if (strcmp(k, "timeout") == 0) f->timeout = field_seconds(L, k);
        else if (strcmp(k, "idle_timeout") == 0) f->idle_timeout = field_seconds(L, k);
        else if (strcmp(k, "connect_timeout") == 0) f->connect_timeout = field_seconds(L, k);
        else if (strcmp(k, "stream") == 0) f->stream = lua_toboolean(L, -1);
        else if (strcmp(k, "lines") == 0) f->lines = lua_toboolean(L, -1);
        else if (strcmp(k, "output") == 0) f->output = field_string(L, k);
        else if (strcmp(k, "multipart") == 0) f->multipart = 1;
        else if (strcmp(k, "proxy") == 0) f->proxy = field_string(L, k);
        else if (strcmp(k, "ca_file") == 0) f->ca_file = field_string(L, k);
        else if (strcmp(k, "ca_path") == 0) f->ca_path = field_string(L, k);
        else if (strcmp(k, "insecure_skip_tls_verify") == 0) f->insecure = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
}

/* spec.headers: a client's shared set (sess:headers), or a list of "Name:
 * value" strings (already free of secrets in errors) built into the
 * transfer's own; with the session's Accept-Encoding line when the answer
 * may come compressed and the caller sent none of its own. */
static void set_headers(lua_State *L, anth_transfer *t, int spec, const spec_fields *f) {
    const char *encoding = t->compressed ? t->home->accept_encoding : "";
    anth_headers *shared;
    if (f->headers) lua_getfield(L, spec, "headers");
    else lua_pushnil(L);
    shared = anth_to_headers(L, -1);
    if (shared != NULL) {
        shared->refs++; /* dropped by transfer_close, once libcurl is done with it */
        t->shared_headers = shared;
        curl_easy_setopt(t->easy.curl, CURLOPT_HTTPHEADER, t->compressed ? shared->encoded : shared->lines);
    } else {
        anth_headers_build(L, &t->headers, -1, encoding);
        curl_easy_setopt(t->easy.curl, CURLOPT_HTTPHEADER, t->headers);
    }
    lua_pop(L, 1);
}

static size_t on_read(char *dst, size_t size, size_t n, void *ud) {
    anth_transfer *t = ud;
    size_t got = anth_body_read(t->rbody, t->rpos, dst, size * n);
    t->rpos += got;
    return got;
}

/* libcurl rewinds to send the body again (a reused connection that was
 * closed under it): only absolute positions are needed. */
static int on_seek(void *ud, curl_off_t offset, int origin) {
    anth_transfer *t = ud;
    if (origin != SEEK_SET || offset < 0 || (size_t)offset > t->rbody->total) return CURL_SEEKFUNC_CANTSEEK;
    t->rpos = (size_t)offset;
    return CURL_SEEKFUNC_OK;
}

/* Body: a string or an anthropic.body. Remembered in the transfer's user
 * value, which keeps it alive for libcurl (no copy). */
static void set_body(lua_State *L, anth_transfer *t, int spec, int uv) {
    const char *p = NULL;
    size_t len = 0;
    lua_getfield(L, spec, "body"); /* (the caller knows there is one) */
    if (lua_type(L, -1) == LUA_TSTRING) {
        p = lua_tolstring(L, -1, &len);
    } else if (!lua_isnil(L, -1)) {
        anth_body *b = anth_testudata(L, -1, ANTH_BODY_MT);
        if (b == NULL) luaL_error(L, "anthropic: request body must be a string or an encoded body");
        if (b->nsplices > 0) {
            /* libcurl reads it piece by piece: nothing is copied whole */
            lua_setfield(L, uv, "body");
            t->rbody = b;
            t->rpos = 0;
            t->easy.changed |= ANTH_EASY_READ;
            curl_easy_setopt(t->easy.curl, CURLOPT_POST, 1L);
            curl_easy_setopt(t->easy.curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->total);
            curl_easy_setopt(t->easy.curl, CURLOPT_READFUNCTION, on_read);
            curl_easy_setopt(t->easy.curl, CURLOPT_READDATA, t);
            curl_easy_setopt(t->easy.curl, CURLOPT_SEEKFUNCTION, on_seek);
            curl_easy_setopt(t->easy.curl, CURLOPT_SEEKDATA, t);
            return;
        }
        p = b->buf.data ? b->buf.data : "";
        len = b->buf.len;
    }
    if (p != NULL) {
        lua_setfield(L, uv, "body");
        t->easy.changed |= ANTH_EASY_FIELDS;
        curl_easy_setopt(t->easy.curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(t->easy.curl, CURLOPT_POSTFIELDS, p);
    } else {
        lua_pop(L, 1);
    }
}

static void set_method(lua_State *L, anth_transfer *t, const char *m) {
    if (m == NULL || strcmp(m, "GET") == 0) {
        curl_easy_setopt(t->easy.curl, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(m, "POST") == 0) {
        curl_easy_setopt(t->easy.curl, CURLOPT_POST, 1L);
    } else {
        if (anth_has_crlf(m, strlen(m)) || strchr(m, ' ') != NULL) luaL_error(L, "anthropic: invalid HTTP method");
        t->easy.changed |= ANTH_EASY_CUSTOM;
        curl_easy_setopt(t->easy.curl, CURLOPT_HTTPGET, 1L); /* (GET underneath, as in a new handle) */
        curl_easy_setopt(t->easy.curl, CURLOPT_CUSTOMREQUEST, m);
        if (strcmp(m, "HEAD") == 0) curl_easy_setopt(t->easy.curl, CURLOPT_NOBODY, 1L);
    }
}

static void set_network(lua_State *L, anth_transfer *t, const spec_fields *f) {
    const char *url = f->url;
    CURL *e = t->easy.curl;
    if (url == NULL) luaL_error(L, "anthropic: request spec needs a url");
    if (anth_has_crlf(url, strlen(url))) luaL_error(L, "anthropic: url contains CR, LF or NUL");
    curl_easy_setopt(e, CURLOPT_URL, url);
    /* Over TLS, requests started together wait for the first connection's
     * handshake to say whether it multiplexes (HTTP/2, from ALPN) rather than
     * each opening its own. Never over plain HTTP (always HTTP/1.1 here),
     * where libcurl would hold the second request until the first answer. */
    if (anth_ascii_caseeq(url, "https://", 8)) {
        t->easy.changed |= ANTH_EASY_PIPEWAIT;
        curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    }
    /* (without one, the handle's baseline: see anth_easy_init) */
    if (f->proxy != NULL) {
        t->easy.changed |= ANTH_EASY_PROXY;
        curl_easy_setopt(e, CURLOPT_PROXY, f->proxy);
    }
    if (f->timeout > 0 || f->connect_timeout > 0) {
        t->easy.changed |= ANTH_EASY_TIMEOUTS;
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->timeout > 0 ? (long)(f->timeout * 1000 + 0.5) : 0L);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, f->connect_timeout > 0 ? (long)(f->connect_timeout * 1000 + 0.5) : 0L);
    }
    t->idle_timeout = f->idle_timeout;
    if (f->stream) t->sink.kind = ANTH_SINK_EVENTS;
    /* Every encoding this libcurl decodes, for answers read whole (JSON,
     * JSONL, files); never for event streams, whose events must come as
     * they are sent rather than when a compressor flushes. libcurl decodes
     * them; the header itself goes with the others (set_headers). */
    else if (t->home->accept_encoding[0] != '\0') {
        t->compressed = 1;
        t->easy.changed |= ANTH_EASY_ENCODING;
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, t->home->accept_encoding + sizeof "Accept-Encoding: " - 1);
    }
    if (f->lines) t->sink.kind = ANTH_SINK_LINES;
    if (f->insecure) {
        t->easy.changed |= ANTH_EASY_INSECURE;
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

/* spec.output: a 2xx body is written to this file (opened now, so a bad
 * path fails before anything is sent). */
static void set_output(lua_State *L, anth_transfer *t, const char *path) {
    if (path == NULL) return;
    if (anth_sink_open_file(&t->sink, path) != 0)
        luaL_error(L, "anthropic: cannot open %s for writing", path);
}

/* A spare handle of s (the last one back, with the CA options most likely
 * the same), or a new one; then the request's CA options. */
static void take_easy(lua_State *L, anth_session *s, anth_easy *e, const spec_fields *f) {
    anth_mutex_lock(&s->mu);
    if (s->nspare > 0) *e = s->spare[--s->nspare];
    anth_mutex_unlock(&s->mu);
    if (e->curl == NULL && anth_easy_init(e, !s->proxy_env) != 0) luaL_error(L, "anthropic: curl_easy_init failed");
    if (anth_easy_set_ca(e, f->ca_file, f->ca_path) != 0) luaL_error(L, "anthropic: out of memory");
}

int anth_transfer_new(lua_State *L, anth_session *s, int spec) {
    anth_transfer *t;
    spec_fields f;
    int uv;
    spec = anth_absindex(L, spec);
    t = anth_newuserdata(L, sizeof *t);
    memset(t, 0, sizeof *t);
    anth_buf_init(&t->head);
    anth_buf_init(&t->body);
    anth_buf_init(&t->took);
    anth_buf_init(&t->batch);
    anth_sink_init(&t->sink);
    t->state = ANTH_T_FAILED; /* until it is really started */
    t->err_kind = "aborted";
    anth_mutex_lock(&s->mu);
    s->refs++;
    anth_mutex_unlock(&s->mu);
    t->home = s; /* from here on __gc lets go of the session */
    anth_setmetatable(L, ANTH_TRANSFER_MT);
    lua_createtable(L, 0, 2); /* session, body: made at its size */
    uv = lua_gettop(L);
    lua_pushvalue(L, 1);
    lua_setfield(L, uv, "session");
    read_spec(L, spec, &f);
    take_easy(L, s, &t->easy, &f); /* an error from here on leaves the handle to __gc */
    curl_easy_setopt(t->easy.curl, CURLOPT_PRIVATE, (char *)t);
    curl_easy_setopt(t->easy.curl, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(t->easy.curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(t->easy.curl, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(t->easy.curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(t->easy.curl, CURLOPT_WRITEDATA, t);
    set_network(L, t, &f);
    set_method(L, t, f.method);
    set_headers(L, t, spec, &f);
    if (f.body) set_body(L, t, spec, uv);
    if (f.multipart) anth_set_multipart(L, t->easy.curl, &t->mime, spec);
    if (t->mime != NULL) t->easy.changed |= ANTH_EASY_MIME;
    set_output(L, t, f.output);
    /* The share only now: an easy handle that holds it when the session
     * closes (a transfer whose spec raised, collected later) would keep
     * curl_share_cleanup from freeing it. */
    if (s->share != NULL) curl_easy_setopt(t->easy.curl, CURLOPT_SHARE, s->share);
    anth_setuservalue(L, -2);
    /* Built: the network thread adds it to the multi handle. */
    anth_mutex_lock(&s->mu);
    t->state = ANTH_T_RUNNING;
    t->err_kind = NULL;
    t->last_byte = anth_clock_now();
    t->sess = s;
    t->next = s->active;
    s->active = t;
    anth_transfer_ask(t, ANTH_CMD_ADD);
    anth_mutex_unlock(&s->mu);
    anth_session_kick(s);
    return 1;
}

int anth_transfer_take_events(anth_transfer *t) {
    t->batch.len = t->batch_pos = 0;
    if (anth_sink_take(&t->sink, &t->batch) && t->paused && anth_sink_queued(&t->sink) == 0 &&
        t->sess != NULL) {
        t->paused = 0;
        anth_transfer_ask(t, ANTH_CMD_RESUME);
        return 1;
    }
    return 0;
}

/* --- the Lua object ------------------------------------------------------- */

/* Lua thread: takes t out of its session. A transfer the network thread has
 * not added yet is just dropped; one inside libcurl is removed by the
 * network thread, which this waits for (briefly: at most one of its rounds). */
static void transfer_stop(anth_transfer *t) {
    anth_session *s = t->home;
    if (s == NULL) return;
    if (anth_session_forked(s)) {
        /* a forked child: no lock (see anth_session_forked), and libcurl's
         * handle left alone (it shares its socket with the parent's) */
        if (t->sess != NULL) {
            unlink_from(&s->active, t, 0);
            if (t->cmd != 0) unlink_from(&s->commands, t, 1);
            t->sess = NULL;
        }
        t->easy.curl = NULL;
        abort_running(t);
        return;
    }
    anth_mutex_lock(&s->mu);
    if (t->sess != NULL) {
        if (!t->added || !s->has_thread) {
            /* never inside multi, or no network thread: this thread drives */
            anth_transfer_detach(t);
        } else {
            anth_transfer_ask(t, ANTH_CMD_REMOVE);
            anth_mutex_unlock(&s->mu);
            anth_session_kick(s);
            anth_mutex_lock(&s->mu);
            while (t->sess != NULL) anth_cond_wait(&s->changed, &s->mu, 100);
        }
    }
    anth_mutex_unlock(&s->mu);
}

static int transfer_close(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    transfer_stop(t);
    anth_easy_cleanup(&t->easy); /* one never started */
    curl_slist_free_all(t->headers);
    t->headers = NULL;
    anth_headers_release(t->shared_headers); /* libcurl no longer reads it: stopped, detached */
    t->shared_headers = NULL;
    if (t->mime != NULL) { curl_mime_free(t->mime); t->mime = NULL; }
    return 0;
}

static int transfer_gc(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    transfer_close(L);
    anth_sink_end(&t->sink, 0);
    anth_buf_free(&t->head);
    anth_buf_free(&t->body);
    anth_buf_free(&t->took);
    anth_buf_free(&t->batch);
    anth_sink_free(&t->sink);
    if (t->home != NULL) anth_session_release(t->home);
    t->home = NULL;
    return 0;
}

static int transfer_tostring(lua_State *L) {
    anth_transfer *t = anth_check_transfer(L, 1);
    const char *state;
    anth_transfer_lock(t);
    state = anth_transfer_state_name(t);
    anth_transfer_unlock(t);
    lua_pushfstring(L, "anthropic.transfer (%s)", state);
    return 1;
}

void anth_open_transfer(lua_State *L) {
    static const luaL_Reg methods[] = {
        {"close", transfer_close},
        {"__gc", transfer_gc},
#if LUA_VERSION_NUM >= 504
        {"__close", transfer_close},
#endif
        {"__tostring", transfer_tostring},
        {NULL, NULL}};
    anth_register(L, ANTH_TRANSFER_MT, methods);
}
