-- Writes the large JSON answers of the compression figures (bench/compress.lua):
-- a models list page of MODELS models (as GET /v1/models?limit=... answers),
-- a batch (GET /v1/messages/batches/msgbatch_bench) whose results_url is
-- relative, and its results: RESULTS JSONL lines, each a succeeded message
-- of a few hundred bytes, as the API writes them.
--   lua5.4 bench/gen_big.lua DIR [MODELS [RESULTS]]
-- Prints "<models.json bytes> <results.jsonl bytes>".
local dir = assert(arg[1], "usage: gen_big.lua DIR [MODELS [RESULTS]]")
local nmodels, nresults = tonumber(arg[2] or "1000"), tonumber(arg[3] or "5000")

local function write(name, text)
  local f = assert(io.open(dir .. "/" .. name, "wb"))
  f:write(text)
  f:close()
  return #text
end

local models = {}
for i = 1, nmodels do
  models[i] = ('{"type":"model","id":"claude-bench-%d-20250101","display_name":"Claude Bench %d",' ..
               '"created_at":"2025-01-01T00:00:00Z"}'):format(i, i)
end
local models_bytes = write("models.json", ('{"data":[%s],"has_more":false,"first_id":"claude-bench-1-20250101",' ..
                                           '"last_id":"claude-bench-%d-20250101"}'):format(
                                             table.concat(models, ","), nmodels))

write("batch.json", '{"id":"msgbatch_bench","type":"message_batch","processing_status":"ended",' ..
                    ('"request_counts":{"processing":0,"succeeded":%d,"errored":0,"canceled":0,"expired":0},'):format(
                      nresults) ..
                    '"ended_at":"2025-01-01T01:00:00Z","created_at":"2025-01-01T00:00:00Z",' ..
                    '"expires_at":"2025-01-02T00:00:00Z","cancel_initiated_at":null,"archived_at":null,' ..
                    '"results_url":"/v1/messages/batches/msgbatch_bench/results"}')

local sentences = { "The quick brown fox jumps over the lazy dog.", "Batch results arrive one line at a time.",
                    "Each line is one request's answer.", "Compression pays on repetitive JSON." }
local lines = {}
for i = 1, nresults do
  local text = sentences[i % 4 + 1] .. " " .. sentences[(i + 1) % 4 + 1] .. " (" .. i .. ")"
  lines[i] = ('{"custom_id":"request-%d","result":{"type":"succeeded","message":{"id":"msg_bench_%d",' ..
              '"type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text",' ..
              '"text":"%s"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":12,' ..
              '"output_tokens":24,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}}'):format(
                i, i, text)
end
local results_bytes = write("results.jsonl", table.concat(lines, "\n") .. "\n")
print(models_bytes, results_bytes)
