-- luacheck: lint settings for the Lua layer, the specs, examples and benchmarks.
std = "max"
max_line_length = 120
codes = true
files["spec/"] = { std = "+busted" }
files["lua/anthropic/codec.lua"] = { read_globals = { "vim" } }
files["spec/support/nvim_codec.lua"] = { read_globals = { "vim" } }
exclude_files = { "build/", "anthropic/" }
-- types/: LuaLS definitions (empty function bodies, unused locals, long types).
files["types/"] = { ignore = { "212", "241", "631" } }
