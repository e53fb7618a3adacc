rockspec_format = "3.0"
package = "lua-anthropic"
version = "0.1.0-1"
source = {
  url = "git+https://github.com/lua-anthropic/lua-anthropic.git",
  tag = "v0.1.0",
}
description = {
  summary = "Lua SDK for Anthropic's Messages API (Claude): a C core over libcurl with a thin Lua layer",
  detailed = [[
    require("anthropic").messages.create{...}: requests, streaming-ready transfers,
    retries, typed errors, conversation and image/document helpers, on Lua 5.1-5.4 and LuaJIT.
  ]],
  homepage = "https://github.com/lua-anthropic/lua-anthropic",
  license = "MIT",
}
dependencies = {
  "lua >= 5.1, < 5.5",
}
external_dependencies = {
  -- Only the library is looked up here: Debian keeps curl/curl.h under the
  -- multiarch include directory, which the Makefile finds with pkg-config.
  CURL = { library = "curl" },
  -- SigV4 and Google token signing (SHA-256, HMAC, RSA) and the event
  -- stream's CRC32.
  CRYPTO = { library = "crypto" },
  ZLIB = { library = "z" },
}
build = {
  type = "make",
  build_target = "rock",
  build_variables = {
    CFLAGS = "$(CFLAGS)",
    LIBFLAG = "$(LIBFLAG)",
    LUA_INCDIR = "$(LUA_INCDIR)",
    CURL_LIBDIR = "$(CURL_LIBDIR)",
    CRYPTO_LIBDIR = "$(CRYPTO_LIBDIR)",
    ZLIB_LIBDIR = "$(ZLIB_LIBDIR)",
  },
  install_variables = {
    INST_LIBDIR = "$(LIBDIR)",
    INST_LUADIR = "$(LUADIR)",
  },
  copy_directories = { "examples" },
}
