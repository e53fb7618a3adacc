-- The builtin build type: LuaRocks compiles and links anthropic.core with its
-- own compiler, flags and LIBFLAG on Linux, macOS (-bundle -undefined
-- dynamic_lookup) and Windows (MSVC or MinGW), as lua-cjson, LuaSocket and
-- Lua-cURLv3 do. `make lint` checks (.ci/release.sh) that the sources below
-- are exactly csrc/*.c and that the version agrees with
-- lua/anthropic/version.lua and CHANGELOG.md.
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
    require("anthropic").messages.create{...}: requests, streaming, non-blocking
    transfers, retries, typed errors, batches, files, the tool runner,
    conversation and image/document helpers, on Lua 5.1-5.4 and LuaJIT.
    Ships LuaLS annotations in types/.
  ]],
  homepage = "https://github.com/lua-anthropic/lua-anthropic",
  license = "MIT",
  labels = { "anthropic", "claude", "ai", "http" },
}
dependencies = {
  "lua >= 5.1, < 5.5",
}
external_dependencies = {
  -- Debian keeps curl/curl.h under the multiarch include directory, where
  -- the compiler looks by itself, so only the library is looked up on Unix.
  CURL = { library = "curl" },
  -- SigV4 and Google token signing (SHA-256, HMAC, RSA) and the event
  -- stream's CRC32.
  CRYPTO = { library = "crypto" },
  ZLIB = { library = "z" },
  platforms = {
    windows = { CURL = { header = "curl/curl.h", library = "libcurl" },
                CRYPTO = { header = "openssl/evp.h", library = "libcrypto" },
                ZLIB = { header = "zlib.h", library = "zlib" } },
    mingw32 = { CURL = { header = "curl/curl.h", library = "curl" },
                CRYPTO = { header = "openssl/evp.h", library = "crypto" },
                ZLIB = { header = "zlib.h", library = "z" } },
  },
}
build = {
  type = "builtin",
  modules = {
    -- The Lua layer is lua/anthropic/*.lua: LuaRocks copies the whole lua/
    -- directory into the tree, so new modules need no entry here.
    ["anthropic.core"] = {
      sources = {
        "csrc/appender.c",
        "csrc/base64.c",
        "csrc/base64_lua.c",
        "csrc/bedrock_stream.c",
        "csrc/blob.c",
        "csrc/body.c",
        "csrc/buffer.c",
        "csrc/clock.c",
        "csrc/compat.c",
        "csrc/core.c",
        "csrc/digest.c",
        "csrc/easy.c",
        "csrc/eventstream.c",
        "csrc/eventstream_lua.c",
        "csrc/fpconv.c",
        "csrc/headers.c",
        "csrc/json_api.c",
        "csrc/json_decode.c",
        "csrc/json_lua.c",
        "csrc/json_member.c",
        "csrc/json_path.c",
        "csrc/json_write.c",
        "csrc/partial_json.c",
        "csrc/platform.c",
        "csrc/response.c",
        "csrc/rs256.c",
        "csrc/session.c",
        "csrc/signing_lua.c",
        "csrc/sigv4.c",
        "csrc/sink.c",
        "csrc/sse.c",
        "csrc/transfer.c",
        "csrc/upload.c",
        "csrc/wait.c",
      },
      defines = { "_POSIX_C_SOURCE=200809L" },
      incdirs = { "$(CURL_INCDIR)", "$(CRYPTO_INCDIR)", "$(ZLIB_INCDIR)" },
      libdirs = { "$(CURL_LIBDIR)", "$(CRYPTO_LIBDIR)", "$(ZLIB_LIBDIR)" },
      libraries = { "curl", "crypto", "z" },
    },
  },
  platforms = {
    unix = { modules = { ["anthropic.core"] = { libraries = { "curl", "crypto", "z", "pthread" } } } },
    windows = { modules = { ["anthropic.core"] = { libraries = { "libcurl", "libcrypto", "zlib" } } } },
    mingw32 = { modules = { ["anthropic.core"] = { libraries = { "curl", "crypto", "z" } } } },
  },
  -- The LuaLS annotations and the hosts' examples (the Neovim plugin, LÖVE),
  -- installed under lib/luarocks/rocks-<lua>/lua-anthropic/<version>/.
  copy_directories = { "types", "examples" },
}
