-- Recorded event streams with the events and blocks of the current API
-- (@anthropic-ai/sdk 1.12.0's BetaMessageStream handles them all), as the raw
-- bytes a server sends. spec/diff_spec.lua accumulates each one with the
-- official SDK and with ours; spec/accumulator_spec.lua checks the parts.
local M = {}

-- { name, data } pairs; a name of false sends the data without an `event:` line.
local function sse(events)
  local out = {}
  for i, e in ipairs(events) do
    out[i] = (e[1] and ("event: " .. e[1] .. "\n") or "") .. "data: " .. e[2] .. "\n\n"
  end
  return table.concat(out)
end

local function start(model, usage)
  return { "message_start", ([[{"type":"message_start","message":{"id":"msg_c1","type":"message",]] ..
    [["role":"assistant","content":[],"model":"%s","stop_reason":null,"stop_sequence":null,]] ..
    [["stop_details":null,"container":null,"usage":%s}}]]):format(model, usage or
    [[{"input_tokens":40,"output_tokens":1,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}]]) }
end

local function block_start(index, block)
  return { "content_block_start", ([[{"type":"content_block_start","index":%d,"content_block":%s}]])
    :format(index, block) }
end

local function delta(index, d)
  return { "content_block_delta", ([[{"type":"content_block_delta","index":%d,"delta":%s}]]):format(index, d) }
end

local function text(index, t)
  return delta(index, ([[{"type":"text_delta","text":"%s"}]]):format(t))
end

local function json(index, piece)
  return delta(index, ([[{"type":"input_json_delta","partial_json":%s}]]):format(piece))
end

local function stop(index)
  return { "content_block_stop", ([[{"type":"content_block_stop","index":%d}]]):format(index) }
end

local function message_delta(d, usage, extra)
  return { "message_delta", ([[{"type":"message_delta","delta":%s,"usage":%s%s}]])
    :format(d, usage, extra and ("," .. extra) or "") }
end

local MESSAGE_STOP = { "message_stop", [[{"type":"message_stop"}]] }
local PING = { "ping", [[{"type":"ping"}]] }

-- A compaction block whose delta assigns content and encrypted_content, then
-- one whose delta carries no encrypted_content key (it keeps the start's),
-- then a failed one (null content), then text; context_management arrives at the top of message_delta.
M.compaction = sse({
  start("claude-opus-4-7"),
  block_start(0, [[{"type":"compaction","content":null,"encrypted_content":null}]]),
  delta(0, [[{"type":"compaction_delta","content":"The user asked about tides; ]] ..
           [[we covered the moon.","encrypted_content":"enc_1f2e"}]]),
  stop(0),
  block_start(1, [[{"type":"compaction","content":"old","encrypted_content":"enc_keep"}]]),
  delta(1, [[{"type":"compaction_delta","content":"Second summary"}]]),
  stop(1),
  block_start(2, [[{"type":"compaction","content":null,"encrypted_content":null}]]),
  delta(2, [[{"type":"compaction_delta","content":null,"encrypted_content":null}]]),
  stop(2),
  block_start(3, [[{"type":"text","text":""}]]),
  PING,
  text(3, "Tides follow "),
  text(3, "the moon."),
  stop(3),
  message_delta([[{"stop_reason":"compaction","stop_sequence":null,"stop_details":null,"container":null}]],
                [[{"output_tokens":120,"input_tokens":null,"iterations":[{"type":"compaction",]] ..
                [["input_tokens":900,"output_tokens":80}]}]],
                [["context_management":{"applied_edits":[{"type":"clear_tool_uses_20250919",]] ..
                [["cleared_tool_uses":2,"cleared_input_tokens":300}]}]]),
  MESSAGE_STOP,
})

-- A fallback block relabels the message's model; message_delta brings a
-- container, stop_details and a fallback credit.
M.fallback = sse({
  start("claude-opus-4-7"),
  block_start(0, [[{"type":"fallback","from":{"model":"claude-opus-4-7"},"to":{"model":"claude-sonnet-4-5"},]] ..
                 [["trigger":{"type":"refusal","category":"cyber"}}]]),
  stop(0),
  block_start(1, [[{"type":"text","text":""}]]),
  text(1, "I can help with the defensive side."),
  stop(1),
  message_delta([[{"stop_reason":"end_turn","stop_sequence":null,"stop_details":{"type":"refusal",]] ..
                [["category":"cyber","explanation":null},"container":{"id":"container_01",]] ..
                [["expires_at":"2026-12-01T23:00:00Z","skills":null}}]],
                [[{"output_tokens":33,"cache_read_input_tokens":12,"fallback_credit":{"type":"redeemed",]] ..
                [["input_tokens":40}}]]),
  MESSAGE_STOP,
})

-- A server tool block that gets no input_json_delta keeps its start input;
-- its result block is stored as it came; citations arrive on the text.
M.server_tool = sse({
  start("claude-sonnet-4-5"),
  block_start(0, [[{"type":"server_tool_use","id":"srvtoolu_01","name":"web_search",]] ..
                 [["input":{"query":"tides today","max_results":3}}]]),
  stop(0),
  block_start(1, [[{"type":"web_search_tool_result","tool_use_id":"srvtoolu_01","content":[]] ..
                 [[{"type":"web_search_result","url":"https://example.com/tides","title":"Tides",]] ..
                 [["encrypted_content":"EqgfCioIARgB","page_age":null}]}]]),
  stop(1),
  block_start(2, [[{"type":"text","text":"","citations":null}]]),
  text(2, "High tide is at noon."),
  delta(2, [[{"type":"citations_delta","citation":{"type":"web_search_result_location",]] ..
           [["url":"https://example.com/tides","title":"Tides","encrypted_index":"Eo8BCioIAhgB",]] ..
           [["cited_text":"High tide 12:00"}}]]),
  stop(2),
  block_start(3, [[{"type":"server_tool_use","id":"srvtoolu_02","name":"code_execution","input":{}}]]),
  json(3, [["{\"code\": \"print(1"]]),
  json(3, [[")\"}"]]),
  stop(3),
  message_delta([[{"stop_reason":"end_turn","stop_sequence":null}]],
                [[{"output_tokens":60,"server_tool_use":{"web_search_requests":1}}]]),
  MESSAGE_STOP,
})

-- An MCP tool call streams its input as input_json_delta pieces (split inside
-- a key, a string, an escape and a number); its result block comes whole.
M.mcp_tool = sse({
  start("claude-sonnet-4-5"),
  block_start(0, [[{"type":"mcp_tool_use","id":"mcptoolu_01","name":"search_issues",]] ..
                 [["server_name":"github","input":{}}]]),
  json(0, [[""]]),
  json(0, [["{\"repo\": \"anthropics/"]]),
  json(0, [["sdk\", \"q\": \"label:bug \\\"stre"]]),
  json(0, [["am\\\"\", \"lim"]]),
  json(0, [["it\": 2"]]),
  json(0, [["5, \"open\": tr"]]),
  json(0, [["ue, \"tags\": [\"a\", nu"]]),
  json(0, [["ll]}"]]),
  stop(0),
  block_start(1, [[{"type":"mcp_tool_result","tool_use_id":"mcptoolu_01","is_error":false,]] ..
                 [["content":[{"type":"text","text":"3 issues"}]}]]),
  stop(1),
  block_start(2, [[{"type":"tool_use","id":"toolu_02","name":"noop","input":{"kept":true}}]]),
  stop(2),
  message_delta([[{"stop_reason":"tool_use","stop_sequence":null}]], [[{"output_tokens":77}]]),
  MESSAGE_STOP,
})

-- Events, deltas and blocks this SDK does not know: delivered, changing
-- nothing, the block kept as it came; a text delta aimed at a thinking block
-- is ignored, as the official SDK ignores it.
M.unknown = sse({
  start("claude-sonnet-4-5"),
  { "future_event", [[{"type":"future_event","payload":{"n":1}}]] },
  block_start(0, [[{"type":"future_block","id":"fb_1","data":{"x":[1,2,3]},"note":"as it came"}]]),
  delta(0, [[{"type":"future_delta","text":"ignored"}]]),
  stop(0),
  block_start(1, [[{"type":"thinking","thinking":"","signature":""}]]),
  delta(1, [[{"type":"thinking_delta","thinking":"Hmm."}]]),
  text(1, "not for thinking"),
  delta(1, [[{"type":"signature_delta","signature":"sig_1"}]]),
  stop(1),
  block_start(2, [[{"type":"text","text":""}]]),
  text(2, "Known."),
  delta(2, [[{"type":"future_delta","extra":true}]]),
  stop(2),
  message_delta([[{"stop_reason":"end_turn","stop_sequence":null,"future_field":"x"}]],
                [[{"output_tokens":9,"future_usage":4}]]),
  { "future_event", [[{"type":"future_event","payload":{"n":2}}]] },
  MESSAGE_STOP,
})

-- message_delta merged field by field: null counters keep their value,
-- set ones overwrite (never add up), output_tokens always overwrites,
-- input_transformations copied from the top level.
M.usage = sse({
  start("claude-sonnet-4-5", [[{"input_tokens":25,"output_tokens":1,"cache_creation_input_tokens":7,]] ..
                             [["cache_read_input_tokens":3,"service_tier":"standard"}]]),
  block_start(0, [[{"type":"text","text":"Pre"}]]),
  text(0, "fix"),
  stop(0),
  message_delta([[{"stop_reason":null,"stop_sequence":null}]],
                [[{"output_tokens":5,"input_tokens":null,"cache_creation_input_tokens":null}]]),
  message_delta([[{"stop_reason":"stop_sequence","stop_sequence":"END"}]],
                [[{"output_tokens":11,"input_tokens":30,"cache_read_input_tokens":null,]] ..
                [["output_tokens_details":{"thinking_tokens":4}}]],
                [=["input_transformations":[{"type":"redaction","count":1}]]=]),
  MESSAGE_STOP,
})

-- An event with no `event:` name is skipped by the official SDK's SSE layer.
M.unnamed = sse({
  start("claude-sonnet-4-5"),
  block_start(0, [[{"type":"text","text":""}]]),
  text(0, "Kept"),
  { false, [[{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" SKIPPED"}}]] },
  text(0, "."),
  stop(0),
  message_delta([[{"stop_reason":"end_turn","stop_sequence":null}]], [[{"output_tokens":3}]]),
  MESSAGE_STOP,
})

--- The fixtures in a fixed order: { name, raw }.
M.all = {
  { "compaction", M.compaction }, { "fallback", M.fallback }, { "server_tool", M.server_tool },
  { "mcp_tool", M.mcp_tool }, { "unknown", M.unknown }, { "usage", M.usage }, { "unnamed", M.unnamed },
}

return M
