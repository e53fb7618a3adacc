--- Content blocks for images and documents: what `anthropic.image` and
-- `anthropic.document` build. Every helper returns a plain table, ready to
-- go into a message's `content` list; an optional last `opts` table is merged
-- into the block (`cache_control`, and for documents `title`, `context`,
-- `citations`). Misuse raises an error that names the helper and points at
-- the caller.
--
--     local anthropic = require("anthropic")
--     local msg = { role = "user", content = {
--       anthropic.image.file("ant.jpg"),
--       { type = "text", text = "What is in the above image?" },
--     } }
--
-- @module anthropic.content
local core = require("anthropic.core")
local raise = require("anthropic.misuse").raise

local M = {}

--- The media types the API takes for images, in the order error messages list them.
M.image_media_types = { "image/jpeg", "image/png", "image/gif", "image/webp" }

local image_ok = {}
for _, t in ipairs(M.image_media_types) do image_ok[t] = true end
local IMAGE_LIST = table.concat(M.image_media_types, ", ")

local function describe(v)
  if type(v) == "string" then return string.format("%q", v) end
  return type(v)
end

-- A public helper: fn returns the block, or nil and a message; the message
-- is raised naming the helper, at the level of whoever called it.
local function api(name, fn)
  local prefix = "anthropic." .. name .. ": "
  return function(...)
    local block, err = fn(...)
    if block == nil then raise(prefix .. err) end
    return block
  end
end

local function check_string(v, what)
  if type(v) ~= "string" then return nil, what .. " must be a string, got " .. type(v) end
  if v == "" then return nil, what .. " must not be empty" end
  return true
end

-- Known option keys and the types they must have; others pass through as is.
local opt_types = {
  cache_control = "table",
  citations = "table",
  title = "string",
  context = "string",
}

local function merge_opts(block, opts)
  if opts == nil then return block end
  if type(opts) ~= "table" then return nil, "opts must be a table, got " .. type(opts) end
  for k, v in pairs(opts) do
    if k == "type" or k == "source" then
      return nil, "opts cannot set " .. describe(k) .. " (it is what the helper builds)"
    end
    local want = opt_types[k]
    if want and type(v) ~= want then
      return nil, "opts." .. tostring(k) .. " must be a " .. want .. ", got " .. type(v)
    end
    block[k] = v
  end
  return block
end

local function block_of(kind, source, opts)
  return merge_opts({ type = kind, source = source }, opts)
end

-- The first bytes of base64 data, decoded (at most 12 bytes), or nil.
local function head_bytes(b64) -- b64: a string or a blob (`core.base64_file`)
  return (core.base64_decode(b64:sub(1, 16)))
end

local function hex_head(bytes)
  local shown = bytes:sub(1, 8)
  return (shown:gsub(".", function(c) return string.format("%02x ", c:byte()) end):gsub(" $", ""))
end

-- Checks that data is strict base64 whose content agrees with media_type
-- (when the first bytes tell a type at all).
local function check_base64(data, media_type)
  local ok, err = check_string(data, "data")
  if not ok then return nil, err end
  ok, err = core.base64_check(data)
  if not ok then
    local raw = core.sniff(data)
    if raw then
      return nil, "data looks like raw " .. raw .. " bytes; it must be base64-encoded (" .. err .. ")"
    end
    return nil, "data is not valid base64: " .. err
  end
  local detected = core.sniff(head_bytes(data) or "")
  if detected and detected ~= media_type then
    return nil, "data is " .. detected .. " but media_type is " .. media_type
  end
  return true
end

-- What a file turned out to be, for error messages.
local function what_file_is(b64, mt, size)
  if size == 0 then return "is empty" end
  if mt then return "is " .. mt end
  return "is of an unrecognized type (first bytes " .. hex_head(head_bytes(b64) or "") .. ")"
end

-- The media type as the API wants it (media types are case-insensitive), or nil, message.
local function check_media_type(media_type)
  if type(media_type) ~= "string" then
    return nil, "media_type must be a string (one of " .. IMAGE_LIST .. "), got " .. type(media_type)
  end
  if not image_ok[media_type:lower()] then
    return nil, "unsupported media_type " .. describe(media_type) .. "; supported: " .. IMAGE_LIST
  end
  return media_type:lower()
end

--- Images.
-- @section image
M.image = {}

--- An image block from base64 data: `{type="image", source={type="base64",
-- media_type=..., data=...}}`. The data must be strict base64 (no line
-- breaks); when its first bytes tell a type, it must be media_type.
M.image.base64 = api("image.base64", function(data, media_type, opts)
  local err
  media_type, err = check_media_type(media_type)
  if not media_type then return nil, err end
  local ok
  ok, err = check_base64(data, media_type)
  if not ok then return nil, err end
  return block_of("image", { type = "base64", media_type = media_type, data = data }, opts)
end)

--- An image block from a JPEG, PNG, GIF or WebP file, its type told by its
-- first bytes (not its name), read now. The block's `source.data` is a
-- blob, not a string: the file's bytes stay in C memory, standing for their
-- base64, which request bodies splice and encode as they are sent (a 20 MB
-- image costs 20 MB, never a Lua string nor the 26.7 MB of its encoding).
-- `tostring(data)` gives the base64 string; `#data` and `data:sub(i, j)`
-- work as on it; `core.encode` and conversation saves write it as the string.
M.image.file = api("image.file", function(path, opts)
  local ok, err = check_string(path, "path")
  if not ok then return nil, err end
  local b64, mt, size = core.base64_file(path)
  if not b64 then return nil, mt end
  if not image_ok[mt] then
    return nil, path .. " " .. what_file_is(b64, mt, size) .. ", not a supported image type ("
      .. IMAGE_LIST .. ")"
  end
  return block_of("image", { type = "base64", media_type = mt, data = b64 }, opts)
end)

--- An image block the API fetches from a URL: `{type="image", source={type="url", url=...}}`.
M.image.url = api("image.url", function(url, opts)
  local ok, err = check_string(url, "url")
  if not ok then return nil, err end
  return block_of("image", { type = "url", url = url }, opts)
end)

--- An image block for a file uploaded with the Files API:
-- `{type="image", source={type="file", file_id=...}}`.
M.image.file_id = api("image.file_id", function(id, opts)
  local ok, err = check_string(id, "file_id")
  if not ok then return nil, err end
  return block_of("image", { type = "file", file_id = id }, opts)
end)

--- Documents.
-- @section document
M.document = {}

--- A document block from base64 data. media_type is "application/pdf"
-- (the default: `document.base64(data, opts)` works too) or "text/plain",
-- which is decoded and sent as a text source (see `document.text`).
M.document.base64 = api("document.base64", function(data, media_type, opts)
  if type(media_type) == "table" and opts == nil then media_type, opts = nil, media_type end
  if media_type == nil then media_type = "application/pdf" end
  if type(media_type) == "string" then media_type = media_type:lower() end
  if media_type ~= "application/pdf" and media_type ~= "text/plain" then
    return nil, "unsupported media_type " .. describe(media_type)
      .. "; supported: application/pdf, text/plain"
  end
  local ok, err = check_base64(data, media_type)
  if not ok then return nil, err end
  if media_type == "text/plain" then
    local text = core.base64_decode(data)
    return block_of("document", { type = "text", media_type = "text/plain", data = text }, opts)
  end
  return block_of("document", { type = "base64", media_type = media_type, data = data }, opts)
end)

--- A document block of plain text:
-- `{type="document", source={type="text", media_type="text/plain", data=text}}`.
M.document.text = api("document.text", function(text, opts)
  if type(text) ~= "string" then return nil, "text must be a string, got " .. type(text) end
  return block_of("document", { type = "text", media_type = "text/plain", data = text }, opts)
end)

--- A document block from a PDF file (told by its `%PDF-` header), read now;
-- its `source.data` is a blob, as with `image.file`.
M.document.file = api("document.file", function(path, opts)
  local ok, err = check_string(path, "path")
  if not ok then return nil, err end
  local b64, mt, size = core.base64_file(path)
  if not b64 then return nil, mt end
  if mt ~= "application/pdf" then
    return nil, path .. " " .. what_file_is(b64, mt, size)
      .. ", not a PDF (for plain text use anthropic.document.text)"
  end
  return block_of("document", { type = "base64", media_type = mt, data = b64 }, opts)
end)

--- A document block the API fetches from a URL (a PDF).
M.document.url = api("document.url", function(url, opts)
  local ok, err = check_string(url, "url")
  if not ok then return nil, err end
  return block_of("document", { type = "url", url = url }, opts)
end)

--- A document block for a file uploaded with the Files API.
M.document.file_id = api("document.file_id", function(id, opts)
  local ok, err = check_string(id, "file_id")
  if not ok then return nil, err end
  return block_of("document", { type = "file", file_id = id }, opts)
end)

--- A document block whose source is content blocks of your own (a string, or
-- a list of text/image blocks): `{type="document", source={type="content", content=...}}`.
M.document.content = api("document.content", function(content, opts)
  if type(content) ~= "string" and type(content) ~= "table" then
    return nil, "content must be a string or a list of blocks, got " .. type(content)
  end
  return block_of("document", { type = "content", content = content }, opts)
end)

return M
