-- Writes the long recorded SSE response the streaming benchmarks replay:
-- message_start, content_block_start, then DELTAS content_block_delta events
-- (short text deltas of one or two words, about 110 bytes each, a ping every
-- 200 deltas), content_block_stop, message_delta, message_stop. Same wire
-- format as spec/support/streams.lua ("event: <name>\ndata: <json>\n\n").
-- With PACE_MS, OUT is instead a list of nginx echo-module directives that
-- send the same events with a pause of PACE_MS after each text delta (the
-- paced stream of the LÖVE frame measurement, included by bench/nginx.conf.in).
--   lua5.4 bench/gen_stream.lua OUT [DELTAS [PACE_MS]]
-- Prints "<events> <text deltas> <bytes> <text bytes>".
local out_path = assert(arg[1], "usage: gen_stream.lua OUT [DELTAS [PACE_MS]]")
local deltas = tonumber(arg[2] or "20000")
local pace_ms = tonumber(arg[3])

local words = { "The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", ".",
                " Streaming", " text", " arrives", " in", " small", " pieces", ",", " ok" }

local parts, events, text_bytes, bytes = {}, 0, 0, 0
local function ev(name, data)
  local e = "event: " .. name .. "\ndata: " .. data .. "\n\n"
  bytes = bytes + #e
  if pace_ms then
    assert(not e:find("[$'\\]"), "the event needs escaping")
    e = "echo -n '" .. e:gsub("\n", "\\n") .. "';\n"
    if name == "content_block_delta" then e = e .. ("echo_flush;\necho_sleep %.3f;\n"):format(pace_ms / 1000) end
  end
  parts[#parts + 1] = e
  events = events + 1
end

ev("message_start", [[{"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL",]] ..
   [["type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5",]] ..
   [["stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}]])
ev("content_block_start", [[{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}]])
for i = 0, deltas - 1 do
  if i % 200 == 0 then ev("ping", [[{"type": "ping"}]]) end
  local text = words[i % 18 + 1] .. words[(i * 7 + 3) % 18 + 1]
  text_bytes = text_bytes + #text
  ev("content_block_delta", [[{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"]] ..
     text .. [["}}]])
end
ev("content_block_stop", [[{"type":"content_block_stop","index":0}]])
ev("message_delta", [[{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},]] ..
   [["usage":{"output_tokens":]] .. deltas .. [[}}]])
ev("message_stop", [[{"type":"message_stop"}]])

local body = table.concat(parts)
local f = assert(io.open(out_path, "wb"))
f:write(body)
f:close()
print(events, deltas, bytes, text_bytes)
