# lua-anthropic: `make` builds anthropic/core.so for Lua 5.4 (LUA=luajit,
# lua5.1, lua5.2, lua5.3 for the others); `make test` installs what is
# missing, lints, and runs the busted suite under Lua 5.4 and LuaJIT.

LUA ?= lua5.4
TEST_LUAS ?= lua5.4 luajit
ALL_LUAS = lua5.1 lua5.2 lua5.3 lua5.4 luajit

CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
STD = -std=c99 -D_POSIX_C_SOURCE=200809L -fPIC -fvisibility=hidden

lua_pc = $(if $(filter luajit,$(1)),luajit,$(1))
lua_cflags = $(shell pkg-config --cflags $(call lua_pc,$(1)) 2>/dev/null)
CURL_CFLAGS = $(shell pkg-config --cflags libcurl 2>/dev/null)
CURL_LIBS = $(shell pkg-config --libs libcurl 2>/dev/null || echo -lcurl)
# libcrypto (SHA-256, HMAC, RSA for SigV4 and Google tokens) and zlib (the
# event stream's CRC32); libcurl links both already.
CRYPTO_CFLAGS = $(shell pkg-config --cflags libcrypto zlib 2>/dev/null)
CRYPTO_LIBS = $(shell pkg-config --libs libcrypto zlib 2>/dev/null || echo -lcrypto -lz)

SRCS = $(sort $(wildcard csrc/*.c))
HDRS = $(wildcard csrc/*.h)

# Debian packages the build and the tests need (command or file -> package).
DEB_PKGS = gcc make pkg-config libcurl4-openssl-dev libssl-dev zlib1g-dev lua5.4 liblua5.4-dev luajit \
  libluajit-5.1-dev lua-cjson lua-busted lua-check lua-socket python3 neovim \
  python3-botocore python3-google-auth python3-cryptography openssl
ALL_DEB_PKGS = $(DEB_PKGS) lua5.1 liblua5.1-0-dev lua5.2 liblua5.2-dev lua5.3 liblua5.3-dev

.SECONDARY:
.PHONY: all test test-all check-c check-% deps deps-all lint demo clean build-% rock install asan valgrind check-asan check-valgrind check-gc fuzz bench embed-test test-hosts docs

# anthropic/core.so, rebuilt when LUA changes (the stamp names the Lua).
all: anthropic/.built-for-$(LUA)

anthropic/.built-for-$(LUA): $(SRCS) $(HDRS)
	@mkdir -p anthropic
	@rm -f anthropic/.built-for-*
	$(CC) $(CFLAGS) $(WARN) $(STD) $(call lua_cflags,$(LUA)) $(CURL_CFLAGS) $(CRYPTO_CFLAGS) -shared \
	  -o anthropic/core.so $(SRCS) $(CURL_LIBS) $(CRYPTO_LIBS) -lpthread
	@touch $@

# One build per Lua under build/<lua>/, so the versions never mix.
build/%/anthropic/core.so: $(SRCS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(STD) $(call lua_cflags,$*) $(CURL_CFLAGS) $(CRYPTO_CFLAGS) -shared \
	  -o $@ $(SRCS) $(CURL_LIBS) $(CRYPTO_LIBS) -lpthread

build-%: build/%/anthropic/core.so ;

# `luarocks make rockspec/*.rockspec` (build.type "make") passes LUA_INCDIR,
# LIBFLAG and the install directories.
LIBFLAG ?= -shared
rock: $(SRCS) $(HDRS)
	@mkdir -p anthropic
	$(CC) $(CFLAGS) $(WARN) $(STD) -I$(LUA_INCDIR) $(CURL_CFLAGS) $(CRYPTO_CFLAGS) $(LIBFLAG) \
	  -o anthropic/core.so $(SRCS) $(if $(CURL_LIBDIR),-L$(CURL_LIBDIR)) $(CURL_LIBS) \
	  $(if $(CRYPTO_LIBDIR),-L$(CRYPTO_LIBDIR)) $(if $(ZLIB_LIBDIR),-L$(ZLIB_LIBDIR)) $(CRYPTO_LIBS) -lpthread

install:
	mkdir -p $(INST_LIBDIR)/anthropic $(INST_LUADIR)/anthropic
	cp anthropic/core.so $(INST_LIBDIR)/anthropic/
	cp lua/anthropic/*.lua $(INST_LUADIR)/anthropic/

deps:
	@sh .ci/deps.sh $(DEB_PKGS)

deps-all:
	@sh .ci/deps.sh $(ALL_DEB_PKGS)

lint:
	luacheck --no-color -q lua spec examples bench
	sh .ci/docs.sh --check

# check-c: the standalone C tests of the plain-C parts (test/c/*_test.c).
C_TESTS = sse eventstream sigv4
C_TEST_SRCS_sse = csrc/sse.c csrc/buffer.c
C_TEST_SRCS_eventstream = csrc/eventstream.c csrc/bedrock_stream.c csrc/json_member.c csrc/base64.c \
  csrc/buffer.c
C_TEST_SRCS_sigv4 = csrc/sigv4.c csrc/digest.c csrc/buffer.c
check-c: $(foreach t,$(C_TESTS),build/c/$(t)_test)
	@for t in $(C_TESTS); do build/c/$${t}_test || exit 1; done
build/c/%_test: test/c/%_test.c $(SRCS) $(HDRS)
	@mkdir -p build/c
	$(CC) $(CFLAGS) $(WARN) $(STD) $(CRYPTO_CFLAGS) -Icsrc -Itest/c -o $@ $< $(C_TEST_SRCS_$*) $(CRYPTO_LIBS)

# check-<lua>: the busted suite under one Lua, against its own build.
check-%: build/%/anthropic/core.so
	LUA_CPATH="build/$*/?.so;;" LUA_PATH="lua/?.lua;lua/?/init.lua;spec/?.lua;;" \
	  ANTHROPIC_TEST_LUA=$* $* /usr/bin/busted --helper=spec/support/secret_guard.lua $(BUSTED_ARGS) spec

test: deps
	$(MAKE) lint
	$(MAKE) --no-print-directory check-c
	$(MAKE) $(foreach l,$(TEST_LUAS),build/$(l)/anthropic/core.so)
	@for l in $(TEST_LUAS); do $(MAKE) --no-print-directory check-$$l || exit 1; done
	$(MAKE) --no-print-directory embed-test

test-all: deps-all
	$(MAKE) lint
	$(MAKE) $(foreach l,$(ALL_LUAS),build/$(l)/anthropic/core.so)
	@for l in $(ALL_LUAS); do $(MAKE) --no-print-directory check-$$l || exit 1; done

demo: all
	LUA_CPATH="./?.so;;" LUA_PATH="lua/?.lua;lua/?/init.lua;spec/?.lua;;" \
	  $(LUA) examples/hello.lua

clean:
	rm -rf anthropic build

# Sanitizers, valgrind, GC stress and fuzzing (scripts in .ci/).
check-asan:
	sh .ci/asan.sh
check-valgrind:
	sh .ci/valgrind.sh
check-gc: build/lua5.4/anthropic/core.so build/luajit/anthropic/core.so
	$(MAKE) --no-print-directory check-lua5.4 BUSTED_ARGS="--helper=spec/support/gc_stress.lua"
	ANTHROPIC_GC=generational $(MAKE) --no-print-directory check-lua5.4 BUSTED_ARGS="--helper=spec/support/gc_stress.lua"
	$(MAKE) --no-print-directory check-luajit BUSTED_ARGS="--helper=spec/support/gc_stress.lua"
asan: check-asan
valgrind: check-valgrind
fuzz:
	sh .ci/fuzz.sh

# Benchmarks against the peers: bench/run.sh writes bench/RESULTS.md.
bench:
	sh bench/run.sh

# Hosts: a C program embedding Lua with the core linked statically; LÖVE
# under Xvfb; the API reference.
embed-test:
	sh examples/embed/test.sh
test-hosts:
	sh examples/love/test.sh
docs:
	sh .ci/docs.sh
