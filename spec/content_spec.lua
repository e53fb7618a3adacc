-- core.base64_* / core.sniff (csrc/base64*.c) and anthropic.content
-- (anthropic.image / anthropic.document).
local core = require("anthropic.core")
local limit = require("support.timing")
local content = require("anthropic.content")

local floor = math.floor

-- An independent, obviously-correct encoder to compare the C one with.
local ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function ref_encode(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local q = {}
    for k = 1, 4 do
      local v = floor(n / 64 ^ (4 - k)) % 64
      q[k] = ALPHA:sub(v + 1, v + 1)
    end
    if not b then q[3], q[4] = "=", "=" elseif not c then q[4] = "=" end
    out[#out + 1] = table.concat(q)
  end
  return table.concat(out)
end

local function random_bytes(n)
  local t = {}
  for i = 1, n do t[i] = string.char(math.random(0, 255)) end
  return table.concat(t)
end

local clock = os.clock
do
  local ok, socket = pcall(require, "socket")
  if ok and type(socket) == "table" and socket.gettime then clock = socket.gettime end
end

-- Temporary paths (os.tmpname creates the file it names: both are removed).
local tmpfiles = {}
local function tmppath(suffix)
  local base = os.tmpname()
  tmpfiles[#tmpfiles + 1] = base
  if suffix then tmpfiles[#tmpfiles + 1] = base .. suffix end
  return base .. (suffix or "")
end
local function cleanup()
  for _, p in ipairs(tmpfiles) do os.remove(p) end
  tmpfiles = {}
end

local function tmpfile(bytes, suffix)
  local path = tmppath(suffix)
  local f = assert(io.open(path, "wb"))
  assert(f:write(bytes))
  f:close()
  return path
end

-- Tiny handcrafted headers (enough bytes for the sniffer, plus a tail).
local HEADERS = {
  ["image/jpeg"] = "\255\216\255\224\0\16JFIF\0\1\1\0\0\1",
  ["image/png"] = "\137PNG\r\n\26\n\0\0\0\13IHDR",
  ["image/gif"] = "GIF89a\1\0\1\0\128\0\0",
  ["image/webp"] = "RIFF\36\0\0\0WEBPVP8 ",
  ["application/pdf"] = "%PDF-1.7\n%\226\227\207\211\n",
}

-- The error a function raises, checked to point at this file (level 2).
local function raised(fn, ...)
  local ok, err = pcall(fn, ...)
  assert.is_false(ok, "expected an error")
  assert.is_string(err)
  return err
end
local function raised_here(f)
  local ok, err = pcall(f)
  assert.is_false(ok, "expected an error")
  assert.is_truthy(err:find("content_spec.lua:%d+: "), "error does not point at the caller: " .. err)
  return err
end

describe("core base64", function()
  teardown(cleanup)

  it("matches the RFC 4648 test vectors", function()
    local vectors = {
      [""] = "", f = "Zg==", fo = "Zm8=", foo = "Zm9v", foob = "Zm9vYg==",
      fooba = "Zm9vYmE=", foobar = "Zm9vYmFy",
    }
    for plain, enc in pairs(vectors) do
      assert.equal(enc, core.base64_encode(plain))
      assert.equal(plain, core.base64_decode(enc))
    end
  end)

  it("round-trips every length 0..64 of random binary, as the reference encoder does", function()
    math.randomseed(42)
    local checked = 0
    for n = 0, 64 do
      for _ = 1, 8 do
        local s = random_bytes(n)
        local enc = core.base64_encode(s)
        assert.equal(4 * math.ceil(n / 3), #enc)
        assert.equal(ref_encode(s), enc)
        assert.equal(s, core.base64_decode(enc))
        local ok, len = core.base64_check(enc)
        assert.is_true(ok)
        assert.equal(n, len)
        checked = checked + 1
      end
    end
    assert.equal(65 * 8, checked)
  end)

  it("round-trips large inputs across block boundaries", function()
    math.randomseed(7)
    local chunk = random_bytes(4099)
    for _, n in ipairs({ 1023, 1024, 1025, 196607, 196608, 196609, 600001 }) do
      local s = chunk:rep(floor(n / #chunk) + 1):sub(1, n)
      local enc = core.base64_encode(s)
      assert.equal(4 * math.ceil(n / 3), #enc)
      assert.equal(ref_encode(s:sub(1, 3000)), enc:sub(1, 4000))
      assert.equal(s, core.base64_decode(enc))
    end
  end)

  it("encodes all 256 byte values", function()
    local t = {}
    for i = 0, 255 do t[#t + 1] = string.char(i) end
    local s = table.concat(t)
    assert.equal(ref_encode(s), core.base64_encode(s))
    assert.equal(s, core.base64_decode(core.base64_encode(s)))
  end)

  it("accepts exactly the 64 alphabet characters, for every byte value", function()
    for b = 0, 255 do
      local c = string.char(b)
      local v = core.base64_decode("AAA" .. c .. "AAAA")
      if ALPHA:find(c, 1, true) then
        assert.equal(6, #v)
      else
        assert.is_nil(v, "byte " .. b)
      end
    end
  end)

  describe("strict decoding rejects", function()
    local cases = {
      { "Zm9", "length is not a multiple of 4" },
      { "Zm9vY", "length is not a multiple of 4" },
      { "Zg=", "length is not a multiple of 4" },
      { "Zm9v!A==", "invalid character '!' at byte 5" },
      { "Zm9v YmFy", "length" },
      { "Zm9vYmF\n", "invalid character (byte value 10) at byte 8" },
      { "Zm9v\255mFy", "invalid character (byte value 255) at byte 5" },
      { "Zm9v\0mFy", "invalid character (byte value 0) at byte 5" },
      { "Zm-v", "invalid character '-' at byte 3" }, -- base64url is not base64
      { "Zm_v", "invalid character '_' at byte 3" },
      { "Zg=a", "misplaced padding '=' at byte 3" },
      { "=Zm9", "misplaced padding '=' at byte 1" },
      { "Z===", "misplaced padding" },
      { "====", "misplaced padding" },
      { "Zg==Zm9v", "misplaced padding '=' at byte 3" },
      { "Zm8=Zm9v", "misplaced padding '=' at byte 4" },
      { "Zh==", "non-canonical encoding" },  -- "f" is Zg==
      { "Zm9=", "non-canonical encoding" },  -- "fo" is Zm8=
      { "Zm9vZ/==", "non-canonical encoding" },
    }
    for _, case in ipairs(cases) do
      it(string.format("%q", case[1]), function()
        local v, err = core.base64_decode(case[1])
        assert.is_nil(v)
        assert.is_truthy(err:find("invalid base64: ", 1, true), err)
        assert.is_truthy(err:find(case[2], 1, true), err)
        local ok, err2 = core.base64_check(case[1])
        assert.is_nil(ok)
        assert.equal(err, err2)
      end)
    end
  end)

  it("raises on non-string arguments", function()
    raised(core.base64_encode, nil)
    raised(core.base64_decode, {})
    raised(core.sniff)
  end)

  it("sniffs each type from its first bytes", function()
    for mt, header in pairs(HEADERS) do
      assert.equal(mt, core.sniff(header))
      assert.equal(mt, core.sniff(header .. random_bytes(100)))
    end
    assert.equal("image/jpeg", core.sniff("\255\216\255"))
    assert.equal("image/gif", core.sniff("GIF87a"))
    assert.equal("image/bmp", core.sniff("BM\70\0\0\0\0\0\0\0\54\0\0\0"))
    assert.equal("image/tiff", core.sniff("II*\0\8\0\0\0"))
    assert.equal("image/tiff", core.sniff("MM\0*\0\0\0\8"))
    assert.equal("image/heic", core.sniff("\0\0\0\24ftypheic\0\0\0\0"))
    assert.equal("image/avif", core.sniff("\0\0\0\28ftypavif\0\0\0\0"))
    -- truncated or near-miss headers
    assert.is_nil(core.sniff(""))
    assert.is_nil(core.sniff("\255\216"))
    assert.is_nil(core.sniff("\137PNG\r\n\26"))
    assert.is_nil(core.sniff("GIF88a"))
    assert.is_nil(core.sniff("RIFF\36\0\0\0WAVE"))
    assert.is_nil(core.sniff("RIFF\36\0\0\0WEB"))
    assert.is_nil(core.sniff("%PDF"))
    assert.is_nil(core.sniff("BMP is a format"))
    assert.is_nil(core.sniff("hello, world"))
  end)

  describe("base64_file", function()
    it("encodes a file and sniffs it", function()
      local bytes = HEADERS["image/png"] .. random_bytes(1000)
      local b64, mt, size = core.base64_file(tmpfile(bytes))
      assert.equal(core.base64_encode(bytes), tostring(b64))
      assert.is_true(core.is_blob(b64))
      assert.equal("image/png", mt)
      assert.equal(#bytes, size)
    end)

    it("agrees with the base64 command", function()
      local bytes = random_bytes(5000)
      local path = tmpfile(bytes)
      local p = io.popen("base64 -w0 < '" .. path .. "' 2>/dev/null")
      local expected = p and p:read("*a")
      if p then p:close() end
      if expected and #expected > 0 then
        assert.equal(expected, tostring((core.base64_file(path))))
      end
    end)

    it("handles empty and tiny files", function()
      local b64, mt, size = core.base64_file(tmpfile(""))
      assert.equal("", tostring(b64))
      assert.equal(0, #b64)
      assert.is_nil(mt)
      assert.equal(0, size)
      for n = 1, 7 do
        local s = random_bytes(n)
        local enc, _, len = core.base64_file(tmpfile(s))
        assert.equal(ref_encode(s), tostring(enc))
        assert.equal(#ref_encode(s), #enc)
        assert.equal(n, len)
      end
    end)

    it("encodes files of sizes around the block size", function()
      math.randomseed(3)
      local chunk = random_bytes(65537)
      for _, n in ipairs({ 196607, 196608, 196609, 393216, 393217 }) do
        local s = chunk:rep(7):sub(1, n)
        local b64, _, size = core.base64_file(tmpfile(s))
        assert.equal(n, size)
        assert.equal(core.base64_encode(s), tostring(b64))
      end
    end)

    it("reads files whose size fstat does not tell (/proc, fifos)", function()
      local f = io.open("/proc/self/mounts", "rb")
      if f then
        f:close()
        local b64, _, size = core.base64_file("/proc/self/mounts")
        local text = core.base64_decode(tostring(b64))
        assert.equal(size, #text)
        assert.is_truthy(size > 0)
      end
      local fifo = tmppath(".fifo")
      local made = os.execute("mkfifo '" .. fifo .. "' 2>/dev/null")
      if made == true or made == 0 then
        local s = random_bytes(1000):rep(700) -- 700 KB: grows past the first guess
        local src = tmpfile(s)
        os.execute("cat '" .. src .. "' > '" .. fifo .. "' &")
        local b64, _, size = core.base64_file(fifo)
        os.remove(fifo)
        assert.equal(#s, size)
        assert.equal(core.base64_encode(s), tostring(b64))
      end
    end)

    it("reports unreadable files with the path and the reason", function()
      local missing = tmppath("-missing.png")
      local v, err = core.base64_file(missing)
      assert.is_nil(v)
      assert.equal("cannot open " .. missing .. ": No such file or directory", err)
      v, err = core.base64_file("/tmp")
      assert.is_nil(v)
      assert.is_truthy(err:find("/tmp", 1, true) and err:find("directory", 1, true), err)
    end)

    it("honours max_bytes", function()
      local path = tmpfile(random_bytes(1000))
      local v, err = core.base64_file(path, 999)
      assert.is_nil(v)
      assert.equal(path .. ": file too large", err)
      assert.is_true(core.is_blob((core.base64_file(path, 1000))))
      assert.is_true(core.is_blob((core.base64_file(path, 1e300))))
      assert.is_nil((core.base64_file(tmpfile("x"), 0)))
      assert.equal("", tostring((core.base64_file(tmpfile(""), 0))))
      raised(core.base64_file, path, -1)
      raised(core.base64_file, path, "many")
      raised(core.base64_file, nil)
    end)

    it("encodes a 20 MB file quickly", function()
      local n = 20 * 1024 * 1024
      local bytes = (HEADERS["image/jpeg"] .. random_bytes(4080)):rep(n / 4096)
      assert.equal(n, #bytes)
      local path = tmpfile(bytes)
      local best, first = math.huge, nil
      local b64, mt, size
      -- best of 5, each after a full collection: the allocator can then reuse
      -- the memory of the previous result, as a long-running program does
      -- (fresh pages cost ~10 us each to fault in on some virtual machines,
      -- where even string.rep of 27 MB can take 100+ ms)
      for _ = 1, 5 do
        b64 = nil -- luacheck: ignore 311
        collectgarbage()
        collectgarbage()
        local t0 = clock()
        b64, mt, size = core.base64_file(path)
        local t = clock() - t0
        first = first or t
        if t < best then best = t end
      end
      print(string.format("\n  base64_file: 20 MB in %.1f ms (%.0f MB/s), first run %.1f ms",
        best * 1e3, 20 / best, first * 1e3))
      assert.equal(n, size)
      assert.equal("image/jpeg", mt)
      assert.equal(4 * math.ceil(n / 3), #b64)
      assert.equal(ref_encode(bytes:sub(1, 3000)), b64:sub(1, 4000))
      assert.equal(core.base64_encode(bytes), tostring(b64))
      local slowed = (os.getenv("LD_PRELOAD") or ""):find("valgrind", 1, true)
      if not slowed then assert.is_true(best < limit(0.2), string.format("took %.3f s", best)) end
      -- the image helper takes the same path
      local t0 = clock()
      local block = content.image.file(path)
      print(string.format("  image.file:  20 MB in %.1f ms", (clock() - t0) * 1e3))
      assert.equal(tostring(b64), tostring(block.source.data))
    end)
  end)
end)

describe("anthropic.image", function()
  local image = content.image
  teardown(cleanup)

  it("builds base64 blocks", function()
    local data = core.base64_encode(HEADERS["image/png"])
    assert.same({ type = "image", source = { type = "base64", media_type = "image/png", data = data } },
      image.base64(data, "image/png"))
    assert.same({
      type = "image",
      source = { type = "base64", media_type = "image/png", data = data },
      cache_control = { type = "ephemeral" },
    }, image.base64(data, "image/png", { cache_control = { type = "ephemeral" } }))
    assert.equal("image/png", image.base64(data, "Image/PNG").source.media_type)
    -- data whose first bytes tell nothing is taken as declared
    assert.equal("image/gif", image.base64("AAAA", "image/gif").source.media_type)
  end)

  it("expresses the guide's vision examples exactly", function()
    local b64 = core.base64_encode(HEADERS["image/jpeg"] .. "rest")
    local url = "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg"
    local messages = {
      { role = "user", content = {
        image.base64(b64, "image/jpeg"),
        { type = "text", text = "What is in the above image?" },
      } },
    }
    assert.same({
      { role = "user", content = {
        { type = "image", source = { type = "base64", media_type = "image/jpeg", data = b64 } },
        { type = "text", text = "What is in the above image?" },
      } },
    }, messages)
    assert.same({ type = "image", source = { type = "url", url = url } }, image.url(url))
    assert.same({ type = "image", source = { type = "file", file_id = "file_011CNha8iCJcU1wXNR6q4V8w" } },
      image.file_id("file_011CNha8iCJcU1wXNR6q4V8w"))
  end)

  it("rejects unsupported media types, naming the supported ones", function()
    local err = raised_here(function() image.base64("AAAA", "image/jpg") end)
    assert.is_truthy(err:find('anthropic.image.base64: unsupported media_type "image/jpg"; supported: '
      .. "image/jpeg, image/png, image/gif, image/webp", 1, true), err)
    err = raised_here(function() image.base64("AAAA", "application/pdf") end)
    assert.is_truthy(err:find("image/jpeg, image/png, image/gif, image/webp", 1, true), err)
    err = raised_here(function() image.base64("AAAA") end)
    assert.is_truthy(err:find("media_type must be a string", 1, true), err)
  end)

  it("rejects data that is not base64 or not what media_type says", function()
    local err = raised_here(function() image.base64("not base64!", "image/png") end)
    assert.is_truthy(err:find("anthropic.image.base64: data is not valid base64: invalid base64", 1, true), err)
    err = raised_here(function() image.base64(HEADERS["image/png"], "image/png") end)
    assert.is_truthy(err:find("data looks like raw image/png bytes; it must be base64-encoded", 1, true), err)
    err = raised_here(function() image.base64(core.base64_encode(HEADERS["image/png"]), "image/jpeg") end)
    assert.is_truthy(err:find("data is image/png but media_type is image/jpeg", 1, true), err)
    err = raised_here(function() image.base64(nil, "image/png") end)
    assert.is_truthy(err:find("anthropic.image.base64: data must be a string, got nil", 1, true), err)
    err = raised_here(function() image.base64("", "image/png") end)
    assert.is_truthy(err:find("data must not be empty", 1, true), err)
  end)

  it("reads, sniffs and encodes files of each image type", function()
    for _, mt in ipairs(content.image_media_types) do
      local bytes = HEADERS[mt] .. random_bytes(300)
      local block = image.file(tmpfile(bytes, ".bin")) -- the name does not matter
      assert.equal(core.base64_encode(bytes), tostring(block.source.data))
      block.source.data = tostring(block.source.data)
      assert.same({ type = "image", source = { type = "base64", media_type = mt,
        data = core.base64_encode(bytes) } }, block)
    end
    local block = image.file(tmpfile(HEADERS["image/webp"]), { cache_control = { type = "ephemeral" } })
    assert.same({ type = "ephemeral" }, block.cache_control)
  end)

  it("names the path and what it found in a file of another type", function()
    local pdf = tmpfile(HEADERS["application/pdf"], ".png")
    local err = raised_here(function() image.file(pdf) end)
    assert.is_truthy(err:find("anthropic.image.file: " .. pdf .. " is application/pdf, not a supported image type "
      .. "(image/jpeg, image/png, image/gif, image/webp)", 1, true), err)
    local bmp = tmpfile("BM\70\0\0\0\0\0\0\0\54\0\0\0", ".bmp")
    err = raised_here(function() image.file(bmp) end)
    assert.is_truthy(err:find(bmp .. " is image/bmp, not a supported image type", 1, true), err)
    local junk = tmpfile("hello, world\n")
    err = raised_here(function() image.file(junk) end)
    assert.is_truthy(err:find(junk .. " is of an unrecognized type (first bytes 68 65 6c 6c 6f 2c 20 77)", 1, true),
      err)
    local empty = tmpfile("")
    err = raised_here(function() image.file(empty) end)
    assert.is_truthy(err:find(empty .. " is empty", 1, true), err)
  end)

  it("names the path of an unreadable file", function()
    local missing = tmppath("-nope.jpg")
    local err = raised_here(function() image.file(missing) end)
    local want = "anthropic.image.file: cannot open " .. missing .. ": No such file or directory"
    assert.is_truthy(err:find(want, 1, true), err)
  end)

  it("names the argument of a bad type", function()
    local err = raised_here(function() image.file(42) end)
    assert.is_truthy(err:find("anthropic.image.file: path must be a string, got number", 1, true), err)
    err = raised_here(function() image.url() end)
    assert.is_truthy(err:find("anthropic.image.url: url must be a string, got nil", 1, true), err)
    err = raised_here(function() image.file_id({}) end)
    assert.is_truthy(err:find("anthropic.image.file_id: file_id must be a string, got table", 1, true), err)
    err = raised_here(function() image.url("https://x/y.png", "ephemeral") end)
    assert.is_truthy(err:find("anthropic.image.url: opts must be a table, got string", 1, true), err)
    err = raised_here(function() image.url("https://x/y.png", { source = {} }) end)
    assert.is_truthy(err:find('opts cannot set "source"', 1, true), err)
    err = raised_here(function() image.url("https://x/y.png", { cache_control = "ephemeral" }) end)
    assert.is_truthy(err:find("opts.cache_control must be a table, got string", 1, true), err)
  end)

  it("builds url and file_id blocks with opts", function()
    assert.same({ type = "image", source = { type = "url", url = "https://e.com/a.gif" },
      cache_control = { type = "ephemeral" } },
      image.url("https://e.com/a.gif", { cache_control = { type = "ephemeral" } }))
    assert.same({ type = "image", source = { type = "file", file_id = "file_1" } }, image.file_id("file_1"))
  end)
end)

describe("anthropic.document", function()
  teardown(cleanup)
  local document = content.document
  local pdf_bytes = HEADERS["application/pdf"] .. "1 0 obj\n<<>>\nendobj\n%%EOF\n"
  local pdf_b64 = core.base64_encode(pdf_bytes)

  it("builds base64 PDF blocks, with opts", function()
    assert.same({ type = "document", source = { type = "base64", media_type = "application/pdf", data = pdf_b64 } },
      document.base64(pdf_b64, "application/pdf"))
    assert.same({ type = "document", source = { type = "base64", media_type = "application/pdf", data = pdf_b64 } },
      document.base64(pdf_b64))
    assert.same({
      type = "document",
      source = { type = "base64", media_type = "application/pdf", data = pdf_b64 },
      title = "Report", context = "Q3", citations = { enabled = true }, cache_control = { type = "ephemeral" },
    }, document.base64(pdf_b64, { title = "Report", context = "Q3", citations = { enabled = true },
      cache_control = { type = "ephemeral" } }))
    assert.equal("T", document.base64(pdf_b64, "application/pdf", { title = "T" }).title)
  end)

  it("turns base64 text/plain into a text source", function()
    assert.same({ type = "document", source = { type = "text", media_type = "text/plain", data = "hello" } },
      document.base64(core.base64_encode("hello"), "text/plain"))
  end)

  it("builds text, url, file_id and content blocks", function()
    assert.same({ type = "document", source = { type = "text", media_type = "text/plain",
      data = "The grass is green." }, title = "Facts", citations = { enabled = true } },
      document.text("The grass is green.", { title = "Facts", citations = { enabled = true } }))
    assert.same({ type = "document", source = { type = "url", url = "https://e.com/a.pdf" } },
      document.url("https://e.com/a.pdf"))
    assert.same({ type = "document", source = { type = "file", file_id = "file_9" }, context = "c" },
      document.file_id("file_9", { context = "c" }))
    local chunks = { { type = "text", text = "one" }, { type = "text", text = "two" } }
    assert.same({ type = "document", source = { type = "content", content = chunks } },
      document.content(chunks))
  end)

  it("reads PDF files", function()
    local path = tmpfile(pdf_bytes, ".pdf")
    local block = document.file(path, { citations = { enabled = true } })
    assert.is_true(core.is_blob(block.source.data)) -- the base64 stays in C memory
    assert.equal(pdf_b64, tostring(block.source.data))
    assert.equal(#pdf_b64, #block.source.data)
    assert.equal(pdf_b64:sub(3, 9), block.source.data:sub(3, 9))
    assert.equal(pdf_b64:sub(-5), block.source.data:sub(-5))
    assert.equal("", block.source.data:sub(5, 4))
    assert.equal("x" .. pdf_b64, "x" .. block.source.data)
    -- written as the string it holds, by the request encoder and core.encode alike
    assert.equal('{"d":"' .. pdf_b64 .. '"}', core.encode({ d = block.source.data }))
    assert.equal('{"d":"' .. pdf_b64 .. '"}', core.json_body({ d = block.source.data }):string())
    block.source.data = tostring(block.source.data)
    assert.same({ type = "document", source = { type = "base64", media_type = "application/pdf", data = pdf_b64 },
      citations = { enabled = true } }, block)
  end)

  it("rejects what is not a PDF, and bad arguments", function()
    local png = tmpfile(HEADERS["image/png"], ".pdf")
    local err = raised_here(function() document.file(png) end)
    assert.is_truthy(err:find("anthropic.document.file: " .. png .. " is image/png, not a PDF", 1, true), err)
    local missing = tmppath("-none.pdf")
    err = raised_here(function() document.file(missing) end)
    assert.is_truthy(err:find("cannot open " .. missing, 1, true), err)
    err = raised_here(function() document.base64(pdf_b64, "application/msword") end)
    assert.is_truthy(err:find('unsupported media_type "application/msword"; supported: application/pdf, text/plain',
      1, true), err)
    err = raised_here(function() document.base64(core.base64_encode(HEADERS["image/gif"])) end)
    assert.is_truthy(err:find("data is image/gif but media_type is application/pdf", 1, true), err)
    err = raised_here(function() document.text(nil) end)
    assert.is_truthy(err:find("anthropic.document.text: text must be a string, got nil", 1, true), err)
    err = raised_here(function() document.text("x", { title = 1 }) end)
    assert.is_truthy(err:find("opts.title must be a string, got number", 1, true), err)
    err = raised_here(function() document.url("https://e.com/a.pdf", { citations = true }) end)
    assert.is_truthy(err:find("opts.citations must be a table, got boolean", 1, true), err)
    err = raised_here(function() document.content(5) end)
    assert.is_truthy(err:find("content must be a string or a list of blocks", 1, true), err)
  end)
end)
