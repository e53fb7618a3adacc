/* examples/embed/host.c: a C program that embeds Lua 5.4 and carries the
 * anthropic.core module inside its own binary (every csrc .c file compiled
 * in; nothing is loaded with dlopen). The host registers the module itself in
 * package.preload, points package.path at lua/ and runs a script.
 *
 *   host [--root DIR] SCRIPT [ARGS...]              one Lua state, output streamed to stdout
 *   host --threads N [--root DIR] SCRIPT [ARGS...]  N Lua states in N pthreads at once
 *
 * The script sees a global table `host`: host.id (1..N; 1 without --threads),
 * host.threads (N, or 0 without --threads), host.emit(s) (appends s to this
 * state's output: written to stdout at once in single mode, collected and
 * printed per thread after all threads joined in --threads mode) and
 * host.now() (seconds since the host started, for timings). POSIX hosts
 * also get host.fork() (fork(2): 0 in the child, the child's pid in the
 * parent) and host.wait(pid) (the child's exit status), for fork.lua.
 *
 * Build: see examples/embed/README.md and examples/embed/test.sh.
 */
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

/* The one entry point of the core (csrc/core.h declares it too). */
int luaopen_anthropic_core(lua_State *L);

typedef struct {
    int id;          /* 1..N */
    int threads;     /* N, or 0 in single mode */
    const char *root;
    const char *script;
    int argc;
    char **argv;     /* the script's arguments */
    char *out;       /* what host.emit collected (threads mode) */
    size_t len, cap;
    int ok;
    double started, finished;
    char error[1024];
} job;

static struct timespec t0;

static double host_clock(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
}

static job *job_of(lua_State *L) {
    return (job *)lua_touserdata(L, lua_upvalueindex(1));
}

static int l_emit(lua_State *L) {
    job *j = job_of(L);
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    if (j->threads == 0) {
        fwrite(s, 1, n, stdout);
        fflush(stdout);
        return 0;
    }
    if (j->len + n + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 256;
        while (j->len + n + 1 > cap) cap *= 2;
        char *p = realloc(j->out, cap);
        if (!p) return luaL_error(L, "host.emit: out of memory");
        j->out = p;
        j->cap = cap;
    }
    memcpy(j->out + j->len, s, n);
    j->len += n;
    j->out[j->len] = '\0';
    return 0;
}

static int l_now(lua_State *L) {
    lua_pushnumber(L, host_clock());
    return 1;
}

/* host.fork() -> 0 in the child, the child's pid in the parent. Output
 * is flushed first so that nothing buffered is written twice. */
static int l_fork(lua_State *L) {
    pid_t pid;
    fflush(stdout);
    pid = fork();
    if (pid < 0) return luaL_error(L, "host.fork: fork failed");
    lua_pushinteger(L, (lua_Integer)pid);
    return 1;
}

/* host.wait(pid) -> the child's exit status (-1 when it did not exit). */
static int l_wait(lua_State *L) {
    int status = 0;
    pid_t pid = (pid_t)luaL_checkinteger(L, 1);
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) lua_pushinteger(L, -1);
    else lua_pushinteger(L, WEXITSTATUS(status));
    return 1;
}

static int traceback(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    luaL_traceback(L, L, msg ? msg : "(error object is not a string)", 1);
    return 1;
}

/* A fresh state with the standard libraries, anthropic.core preloaded (no
 * C searcher needed: package.cpath is emptied to prove it), package.path on
 * <root>/lua, the `host` table and `arg`. */
static lua_State *new_state(job *j) {
    lua_State *L = luaL_newstate();
    if (!L) return NULL;
    luaL_openlibs(L);

    lua_getglobal(L, "package");
    lua_getfield(L, -1, "preload");
    lua_pushcfunction(L, luaopen_anthropic_core);
    lua_setfield(L, -2, "anthropic.core");
    lua_pop(L, 1);
    lua_pushfstring(L, "%s/lua/?.lua;%s/lua/?/init.lua", j->root, j->root);
    lua_setfield(L, -2, "path");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "cpath");
    lua_pop(L, 1);

    lua_newtable(L);
    lua_pushinteger(L, j->id);
    lua_setfield(L, -2, "id");
    lua_pushinteger(L, j->threads);
    lua_setfield(L, -2, "threads");
    lua_pushlightuserdata(L, j);
    lua_pushcclosure(L, l_emit, 1);
    lua_setfield(L, -2, "emit");
    lua_pushcfunction(L, l_now);
    lua_setfield(L, -2, "now");
    lua_pushcfunction(L, l_fork);
    lua_setfield(L, -2, "fork");
    lua_pushcfunction(L, l_wait);
    lua_setfield(L, -2, "wait");
    lua_setglobal(L, "host");

    lua_createtable(L, j->argc, 1);
    lua_pushstring(L, j->script);
    lua_rawseti(L, -2, 0);
    for (int i = 0; i < j->argc; i++) {
        lua_pushstring(L, j->argv[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setglobal(L, "arg");
    return L;
}

static void *run_job(void *arg) {
    job *j = (job *)arg;
    j->started = host_clock();
    lua_State *L = new_state(j);
    if (!L) {
        snprintf(j->error, sizeof j->error, "cannot create a Lua state");
        return NULL;
    }
    lua_pushcfunction(L, traceback);
    int status = luaL_loadfile(L, j->script);
    if (status == LUA_OK) status = lua_pcall(L, 0, 0, -2);
    if (status == LUA_OK) {
        j->ok = 1;
    } else {
        const char *msg = lua_tostring(L, -1);
        snprintf(j->error, sizeof j->error, "%s", msg ? msg : "(no message)");
    }
    lua_close(L);
    j->finished = host_clock();
    return NULL;
}

static int usage(void) {
    fprintf(stderr, "usage: host [--threads N] [--root DIR] SCRIPT [ARGS...]\n");
    return 2;
}

int main(int argc, char **argv) {
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int threads = 0;
    const char *root = ".";
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = atoi(argv[++i]);
            if (threads < 1 || threads > 64) return usage();
        } else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) {
            root = argv[++i];
        } else {
            return usage();
        }
    }
    if (i >= argc) return usage();
    const char *script = argv[i++];

    if (threads == 0) {
        job j = { .id = 1, .threads = 0, .root = root, .script = script,
                  .argc = argc - i, .argv = argv + i };
        run_job(&j);
        if (!j.ok) {
            fprintf(stderr, "host: %s\n", j.error);
            return 1;
        }
        return 0;
    }

    job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    if (!jobs || !tids) return 1;
    for (int k = 0; k < threads; k++) {
        jobs[k] = (job){ .id = k + 1, .threads = threads, .root = root, .script = script,
                         .argc = argc - i, .argv = argv + i };
        if (pthread_create(&tids[k], NULL, run_job, &jobs[k]) != 0) {
            fprintf(stderr, "host: pthread_create failed\n");
            return 1;
        }
    }
    int failed = 0;
    double last_start = 0, first_end = 1e9;
    for (int k = 0; k < threads; k++) pthread_join(tids[k], NULL);
    for (int k = 0; k < threads; k++) {
        job *j = &jobs[k];
        printf("[thread %d] %.3f..%.3f s: %s\n", j->id, j->started, j->finished,
               j->ok ? (j->out ? j->out : "") : j->error);
        if (!j->ok) failed = 1;
        if (j->started > last_start) last_start = j->started;
        if (j->finished < first_end) first_end = j->finished;
        free(j->out);
    }
    /* All threads were running at once for this long. */
    printf("[threads] %d states, all running together for %.3f s\n", threads, first_end - last_start);
    free(jobs);
    free(tids);
    return failed;
}
