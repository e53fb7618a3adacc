-- The compression figures of `make bench`: lua-anthropic (this Lua) reads a
-- large models list (models.list with limit 1000: one JSON answer) and a
-- batch's JSONL results (batches.results, every line), from bench/server.sh's
-- nginx, once where the server gzips the answers (/gz/, as the API does when
-- asked) and once where it never does (/raw/). Bytes on the wire come from
-- nginx's log of each body it sent (build/bench/nginx/sent.log). Prints one
-- markdown table row per (answer, server); the figures are medians of RUNS.
--   lua5.4 bench/compress.lua BASE_URL TRANSPORT_NAME [RUNS]
-- BENCH_CA (environment): the CA file for an https BASE_URL.
local anthropic = require("anthropic")
local core = require("anthropic.core")

local base, transport, runs = arg[1], arg[2] or "?", tonumber(arg[3] or "5")
local CA = os.getenv("BENCH_CA")
local LOG = "build/bench/nginx/sent.log"

local function median(t)
  table.sort(t)
  local n = #t
  return n % 2 == 1 and t[(n + 1) // 2] or (t[n // 2] + t[n // 2 + 1]) / 2
end

-- The bytes nginx sent for the last request to `uri`.
local function sent(uri)
  local f = assert(io.open(LOG))
  local bytes
  for line in f:lines() do
    local u, n = line:match("^(%S+) (%d+)$")
    if u == uri then bytes = tonumber(n) end
  end
  f:close()
  return bytes
end

local WORK = {
  { name = "models list (1000 models)", uri = "/v1/models", run = function(c)
      local page = assert(c.models.list({ limit = 1000 }))
      assert(#page.data == 1000, "expected 1000 models")
      return 1000
    end },
  { name = "batch results (5000 lines)", uri = "/v1/messages/batches/msgbatch_bench/results", run = function(c)
      local results = assert(c.messages.batches.results("msgbatch_bench"))
      local n = 0
      for r in results do
        if r.result.type ~= "succeeded" then error("unexpected result") end
        n = n + 1
      end
      if results.error then error(tostring(results.error)) end
      assert(n == 5000, "expected 5000 results")
      return n
    end },
}

for _, w in ipairs(WORK) do
  for _, enc in ipairs({ "gz", "raw" }) do
    local c = anthropic.new({ api_key = "sk-bench", base_url = base .. "/" .. enc, max_retries = 0,
                              ca_file = CA ~= "" and CA or nil })
    w.run(c) -- warm-up: the connection, the first allocations
    local walls, cpus = {}, {}
    for i = 1, runs do
      local w0, c0 = core.now(), os.clock()
      w.run(c)
      walls[i], cpus[i] = (core.now() - w0) * 1e3, (os.clock() - c0) * 1e3
    end
    local bytes = sent("/" .. enc .. w.uri)
    -- What those bytes take on a 100 Mbit/s link (here they cross loopback).
    local link_ms = bytes and bytes * 8 / 100e6 * 1e3
    print(("| %s | %s | %s | %.0f | %.1f | %.2f | %.2f |"):format(w.name, transport,
      enc == "gz" and "gzip (as the API, asked)" or "never compressed", bytes or -1, link_ms or -1,
      median(walls), median(cpus)))
    c:close()
  end
end
