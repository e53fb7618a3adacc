# lua-anthropic: `make` builds anthropic/core.so for Lua 5.4 (LUA=luajit,
# lua5.1, lua5.2, lua5.3 for the others); `make test` installs what is
# missing, lints, and runs the busted suite under Lua 5.4 and LuaJIT;
# `make rock` checks the rockspec with LuaRocks, `make test-hosts` runs LÖVE.

LUA ?= lua5.4
TEST_LUAS ?= lua5.4 luajit
ALL_LUAS = lua5.1 lua5.2 lua5.3 lua5.4 luajit

CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
STD = -std=c99 -D_POSIX_C_SOURCE=200809L -fPIC -fvisibility=hidden
# A Lua module on macOS is a bundle whose Lua symbols the host provides.
SHARED = $(if $(filter Darwin,$(shell uname -s)),-bundle -undefined dynamic_lookup,-shared)

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

# Debian packages the build and the tests need (command or file -> package);
# nodejs and npm run the official TypeScript SDK that spec/diff_spec.lua
# compares with (spec/diff/install.sh installs it from npm); botocore and
# google-auth check the Bedrock and Vertex signatures independently.
DEB_PKGS = gcc make pkg-config libcurl4-openssl-dev libssl-dev zlib1g-dev lua5.4 liblua5.4-dev luajit \
  libluajit-5.1-dev lua-cjson lua-busted lua-check lua-socket python3 neovim nodejs npm \
  luarocks lua5.1 liblua5.1-0-dev python3-botocore python3-google-auth python3-cryptography openssl
ALL_DEB_PKGS = $(DEB_PKGS) lua5.1 liblua5.1-0-dev lua5.2 liblua5.2-dev lua5.3 liblua5.3-dev
# What `make demo` needs by itself: the build, Lua 5.4, and the bundled fake
# server it talks to without a key (Python, LuaSocket).
DEMO_DEB_PKGS = gcc make pkg-config libcurl4-openssl-dev libssl-dev zlib1g-dev lua5.4 liblua5.4-dev lua-socket python3

.SECONDARY:
.PHONY: all test test-all check-c check-mingw check-% deps deps-all lint demo clean build-% rock asan tsan valgrind check-asan check-tsan check-valgrind check-gc fuzz bench embed-test test-hosts love-screenshot docs

# anthropic/core.so for LUA: a copy of build/$(LUA)/anthropic/core.so, and
# the stamp anthropic/.built-for-$(LUA) names the Lua it was built for. The
# copy is compared every time, so a module something else wrote there (`luarocks
# make` in a checkout writes anthropic/core.so for its own Lua) is replaced and
# the stamp never names the wrong Lua after make.
all: build/$(LUA)/anthropic/core.so
	@mkdir -p anthropic
	@if ! cmp -s $< anthropic/core.so || [ ! -f anthropic/.built-for-$(LUA) ]; then \
	  rm -f anthropic/.built-for-*; cp $< anthropic/core.so && touch anthropic/.built-for-$(LUA) && \
	  echo "anthropic/core.so: built for $(LUA)"; fi

# One build per Lua under build/<lua>/, so the versions never mix.
build/%/anthropic/core.so: $(SRCS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(STD) $(call lua_cflags,$*) $(CURL_CFLAGS) $(CRYPTO_CFLAGS) $(SHARED) \
	  -o $@ $(SRCS) $(CURL_LIBS) $(CRYPTO_LIBS) -lpthread

build-%: build/%/anthropic/core.so ;

# The rock (rockspec/, build type builtin: LuaRocks compiles with its own
# flags): luarocks lint, then luarocks make from a copy of the checkout into
# temporary trees for Lua 5.1 and 5.4, offline, and the module loaded from
# each (LuaJIT from the 5.1 tree); then make after luarocks make in place.
rock:
	sh .ci/rock.sh

deps:
	@sh .ci/deps.sh $(DEB_PKGS)

deps-all:
	@sh .ci/deps.sh $(ALL_DEB_PKGS)

lint:
	luacheck --no-color -q lua spec examples bench types
	sh .ci/docs.sh --check
	lua5.4 .ci/requires.lua lua/anthropic/*.lua
	sh .ci/release.sh
	sh .ci/types.sh
	python3 .ci/c_graph.py -q csrc

# check-c: the standalone C tests of the plain-C parts (test/c/*_test.c).
C_TESTS = sse eventstream sigv4 json sink base64
C_TEST_SRCS_base64 = csrc/base64.c
C_TEST_SRCS_sse = csrc/sse.c csrc/buffer.c
C_TEST_SRCS_sink = csrc/sink.c csrc/sse.c csrc/eventstream.c csrc/bedrock_stream.c csrc/json_member.c \
  csrc/base64.c csrc/buffer.c
C_TEST_SRCS_eventstream = csrc/eventstream.c csrc/bedrock_stream.c csrc/json_member.c csrc/base64.c \
  csrc/buffer.c
C_TEST_SRCS_sigv4 = csrc/sigv4.c csrc/digest.c csrc/buffer.c
C_TEST_SRCS_json = csrc/fpconv.c csrc/json_path.c csrc/json_write.c csrc/json_api.c \
  csrc/json_decode.c csrc/buffer.c csrc/compat.c csrc/base64.c
C_TEST_FLAGS_json = $(call lua_cflags,lua5.4)
C_TEST_LIBS_json = $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4) -lm
check-c: $(foreach t,$(C_TESTS),build/c/$(t)_test)
	@for t in $(C_TESTS); do build/c/$${t}_test || exit 1; done
build/c/%_test: test/c/%_test.c $(SRCS) $(HDRS) $(wildcard test/c/*.h)
	@mkdir -p build/c
	$(CC) $(CFLAGS) $(WARN) $(STD) $(CRYPTO_CFLAGS) $(C_TEST_FLAGS_$*) -Icsrc -Itest/c -o $@ $< $(C_TEST_SRCS_$*) \
	  $(C_TEST_LIBS_$*) $(CRYPTO_LIBS)

# Every csrc/*.c compiles for Windows (mingw-w64, compile only: .ci/mingw.sh).
check-mingw:
	sh .ci/mingw.sh

# check-<lua>: the busted suite under one Lua, against its own build.
check-%: build/%/anthropic/core.so
	LUA_CPATH="build/$*/?.so;;" LUA_PATH="lua/?.lua;lua/?/init.lua;spec/?.lua;;" \
	  ANTHROPIC_TEST_LUA=$* $* /usr/bin/busted --helper=spec/support/secret_guard.lua $(BUSTED_ARGS) spec

test: deps
	sh spec/diff/install.sh
	$(MAKE) lint
	$(MAKE) --no-print-directory check-c
	$(MAKE) $(foreach l,$(TEST_LUAS),build/$(l)/anthropic/core.so)
	@for l in $(TEST_LUAS); do $(MAKE) --no-print-directory check-$$l || exit 1; done
	$(MAKE) --no-print-directory embed-test

test-all: deps-all
	sh spec/diff/install.sh
	$(MAKE) lint
	$(MAKE) $(foreach l,$(ALL_LUAS),build/$(l)/anthropic/core.so)
	@for l in $(ALL_LUAS); do $(MAKE) --no-print-directory check-$$l || exit 1; done

demo:
	@sh .ci/deps.sh $(DEMO_DEB_PKGS)
	@$(MAKE) --no-print-directory all
	LUA_CPATH="./?.so;;" LUA_PATH="lua/?.lua;lua/?/init.lua;spec/?.lua;;" \
	  $(LUA) examples/hello.lua

clean:
	rm -rf anthropic build csrc/*.o

# Sanitizers, valgrind, GC stress and fuzzing (scripts in .ci/).
check-asan:
	sh .ci/asan.sh
check-valgrind:
	sh .ci/valgrind.sh
check-tsan:
	sh .ci/tsan.sh
check-gc: build/lua5.4/anthropic/core.so build/luajit/anthropic/core.so
	$(MAKE) --no-print-directory check-lua5.4 BUSTED_ARGS="--helper=spec/support/gc_stress.lua"
	ANTHROPIC_GC=generational $(MAKE) --no-print-directory check-lua5.4 BUSTED_ARGS="--helper=spec/support/gc_stress.lua"
	$(MAKE) --no-print-directory check-luajit BUSTED_ARGS="--helper=spec/support/gc_stress.lua"
asan: check-asan
tsan: check-tsan
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
# Refreshes the README's picture (examples/love/screenshot.png) on purpose.
love-screenshot:
	UPDATE_SCREENSHOT=1 sh examples/love/test.sh
docs:
	sh .ci/docs.sh
