--- JSON codecs. Requests are always written by the core's own writer, which
-- knows where the API wants `[]` and where `{}`, checks UTF-8 and names the
-- path of a bad value; an injected codec (lua-cjson, the openresty fork,
-- Neovim's `vim.json`, dkjson...) decodes responses, and its sentinels
-- (null, empty array, array/object metatables) are understood when tables it
-- made are sent back.
-- @module anthropic.codec
local core = require("anthropic.core")
local raise = require("anthropic.misuse").raise

local M = {}

local math_type = math.type ---@diagnostic disable-line: deprecated
local tointeger = math.tointeger

--- The core's own codec: `encode`, `decode` (raising) and `decode_safe`.
M.builtin = {
  encode = core.encode,
  decode = core.decode,
  null = core.null,
  name = "builtin",
}

local function sentinel_marks(codec)
  local marks = {}
  local function mark(value, meaning)
    if value ~= nil then marks[value] = meaning end
  end
  mark(rawget(codec, "null"), "null")
  mark(rawget(codec, "empty_array"), "[]")
  mark(rawget(codec, "array_mt"), "array")
  mark(rawget(codec, "empty_array_mt"), "array")
  local vim = rawget(_G, "vim")
  if type(vim) == "table" and rawget(vim, "json") == codec then
    mark(rawget(vim, "NIL"), "null")
    if type(vim.empty_dict) == "function" then mark(getmetatable(vim.empty_dict()), "object") end
  end
  return marks
end

-- Foreign codecs disagree about null (a sentinel), integers (floats on 5.3+
-- with Debian's cjson) and empty tables; this walk makes their results look
-- like the builtin's: null members absent, null array items anthropic.null,
-- integral floats integers.
local function normalize(v, marks, depth)
  if depth > 1000 then return v end
  local tv = type(v)
  if tv == "number" then
    if math_type and math_type(v) == "float" and v == v and v % 1 == 0 and v >= -2^63 and v < 2^63 then
      return tointeger(v) or v
    end
    return v
  elseif tv ~= "table" then
    if marks[v] == "null" then return core.null end
    return v
  end
  local n = #v
  for k, item in pairs(v) do
    local nv = normalize(item, marks, depth + 1)
    if nv == core.null and not (type(k) == "number" and k >= 1 and k <= n) then nv = nil end
    if nv ~= item or type(nv) == "number" then v[k] = nv end -- 12 == 12.0, yet must be replaced
  end
  return v
end

--- Wraps a codec for use by a client.
-- @param codec nil for the builtin, or a table with `encode` and `decode`
-- @treturn table `{decode = function(s) -> value | nil, err, marks = table|nil, name = string}`
function M.adapt(codec)
  if codec == nil or codec == M.builtin then
    return { decode = core.decode_safe, marks = nil, name = "builtin" }
  end
  if type(codec) ~= "table" or type(codec.decode) ~= "function" or type(codec.encode) ~= "function" then
    raise("anthropic.new: option 'json' must be a codec with encode and decode functions")
  end
  local marks = sentinel_marks(codec)
  local decode = codec.decode
  return {
    name = tostring(codec._NAME or codec._VERSION or "custom"),
    marks = marks,
    decode = function(s)
      local ok, v = pcall(decode, s)
      if not ok then return nil, "anthropic: invalid JSON: " .. tostring(v) end
      return normalize(v, marks, 0)
    end,
  }
end

return M
