-- Recorded event streams of the Messages API (the shapes of the streaming
-- docs), as the raw bytes a server sends, with the message each one
-- accumulates to.
local M = {}

local function sse(events)
  local out = {}
  for i, e in ipairs(events) do
    out[i] = "event: " .. e[1] .. "\ndata: " .. e[2] .. "\n\n"
  end
  return table.concat(out)
end

local START = [[{"type":"message_start","message":{"id":"msg_s1","type":"message","role":"assistant",]] ..
  [["content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,]] ..
  [["usage":{"input_tokens":25,"output_tokens":1}}}]]

M.text = sse({
  { "message_start", START },
  { "content_block_start", [[{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}]] },
  { "ping", [[{"type": "ping"}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":0,"delta":{"type":"text_delta",]] ..
                           [["text":", wörld ✓"}}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}]] },
  { "content_block_stop", [[{"type":"content_block_stop","index":0}]] },
  { "message_delta", [[{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},]] ..
                     [["usage":{"output_tokens":15}}]] },
  { "message_stop", [[{"type":"message_stop"}]] },
})

--- A stream whose one text block is `text` (sent as a single delta).
function M.sse_text(text)
  local quoted = '"' .. text:gsub('[\\"]', "\\%0") .. '"'
  return sse({
    { "message_start", START },
    { "content_block_start", [[{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}]] },
    { "content_block_delta", [[{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":]] ..
                             quoted .. "}}" },
    { "content_block_stop", [[{"type":"content_block_stop","index":0}]] },
    { "message_delta", [[{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},]] ..
                       [["usage":{"output_tokens":15}}]] },
    { "message_stop", [[{"type":"message_stop"}]] },
  })
end

M.text_message = {
  id = "msg_s1", type = "message", role = "assistant", model = "claude-sonnet-4-5",
  content = { { type = "text", text = "Hello, wörld ✓!" } },
  stop_reason = "end_turn",
  usage = { input_tokens = 25, output_tokens = 15 },
}

M.tool_use = sse({
  { "message_start", START },
  { "content_block_start", [[{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":0,"delta":{"type":"text_delta",]] ..
                           [["text":"Let me check."}}]] },
  { "content_block_stop", [[{"type":"content_block_stop","index":0}]] },
  { "content_block_start", [[{"type":"content_block_start","index":1,"content_block":{"type":"tool_use",]] ..
                           [["id":"toolu_01","name":"get_weather","input":{}}}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta",]] ..
                           [["partial_json":""}}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta",]] ..
                           [["partial_json":"{\"location\": \"San Fra"}}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta",]] ..
                           [["partial_json":"ncisco, CA\", \"days\": 3, \"units\": []}"}}]] },
  { "content_block_stop", [[{"type":"content_block_stop","index":1}]] },
  { "message_delta", [[{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},]] ..
                     [["usage":{"output_tokens":89}}]] },
  { "message_stop", [[{"type":"message_stop"}]] },
})

M.tool_use_message = {
  id = "msg_s1", type = "message", role = "assistant", model = "claude-sonnet-4-5",
  content = {
    { type = "text", text = "Let me check." },
    { type = "tool_use", id = "toolu_01", name = "get_weather",
      input = { location = "San Francisco, CA", days = 3, units = {} } },
  },
  stop_reason = "tool_use",
  usage = { input_tokens = 25, output_tokens = 89 },
}

M.thinking = sse({
  { "message_start", START },
  { "content_block_start", [[{"type":"content_block_start","index":0,"content_block":{"type":"thinking",]] ..
                           [["thinking":"","signature":""}}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta",]] ..
                           [["thinking":"Let me solve this step by step:\n\n1. First break down 27 * 453"}}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta",]] ..
                           [["thinking":"\n2. 453 = 400 + 50 + 3"}}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta",]] ..
                           [["signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}}]] },
  { "content_block_stop", [[{"type":"content_block_stop","index":0}]] },
  { "content_block_start", [[{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":1,"delta":{"type":"text_delta",]] ..
                           [["text":"27 * 453 = 12,231"}}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":1,"delta":{"type":"citations_delta",]] ..
                           [["citation":{"type":"char_location","cited_text":"x","document_index":0,]] ..
                           [["start_char_index":0,"end_char_index":1}}}]] },
  { "content_block_stop", [[{"type":"content_block_stop","index":1}]] },
  { "message_delta", [[{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},]] ..
                     [["usage":{"output_tokens":200,"cache_read_input_tokens":null}}]] },
  { "message_stop", [[{"type":"message_stop"}]] },
})

M.thinking_message = {
  id = "msg_s1", type = "message", role = "assistant", model = "claude-sonnet-4-5",
  content = {
    { type = "thinking",
      thinking = "Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3",
      signature = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds" },
    { type = "text", text = "27 * 453 = 12,231",
      citations = { { type = "char_location", cited_text = "x", document_index = 0,
                      start_char_index = 0, end_char_index = 1 } } },
  },
  stop_reason = "end_turn",
  usage = { input_tokens = 25, output_tokens = 200 },
}

M.error = sse({
  { "message_start", START },
  { "content_block_start", [[{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}]] },
  { "content_block_delta", [[{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Par"}}]] },
  { "error", [[{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}]] },
})

-- A text stream cut in the middle of an event.
M.truncated = M.text:sub(1, M.text:find("content_block_stop", 1, true) + 30)

return M
