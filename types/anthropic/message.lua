---@meta _
-- LuaLS annotations: what the API answers (the message and its content
-- blocks, stream events and deltas, errors, models, batches, files). JSON
-- null is an absent field, so every field the API may send as null is
-- optional. spec/types_spec.lua fails when a recorded response or stream
-- holds a field that is not declared here.
error("types/ holds lua-language-server definitions; it cannot be required")

---@alias anthropic.StopReason
---| "end_turn"
---| "max_tokens"
---| "stop_sequence"
---| "tool_use"
---| "pause_turn"
---| "refusal"
---| "model_context_window_exceeded"
---| "compaction"

---What `messages.create` returns (and `stream:final_message()` accumulates).
---@class anthropic.Message
---@field id string
---@field type "message"
---@field role "assistant"
---@field content anthropic.ContentBlock[]
---@field model anthropic.Model
---@field stop_reason? anthropic.StopReason
---@field stop_sequence? string
---@field stop_details? table
---@field usage anthropic.Usage
---@field container? anthropic.Container
---@field parsed_output? any Set by `messages.parse`: the text decoded as JSON.

---@class anthropic.Container
---@field id string
---@field expires_at string

---@class anthropic.Usage
---@field input_tokens integer
---@field output_tokens integer
---@field cache_creation_input_tokens? integer
---@field cache_read_input_tokens? integer
---@field cache_creation? anthropic.CacheCreation
---@field server_tool_use? anthropic.ServerToolUsage
---@field service_tier? "standard"|"priority"|"batch"
---@field inference_geo? string

---@class anthropic.CacheCreation
---@field ephemeral_5m_input_tokens integer
---@field ephemeral_1h_input_tokens integer

---@class anthropic.ServerToolUsage
---@field web_search_requests? integer
---@field web_fetch_requests? integer

-- Content blocks of a message -----------------------------------------------

---@alias anthropic.ContentBlock
---| anthropic.TextBlock
---| anthropic.ThinkingBlock
---| anthropic.RedactedThinkingBlock
---| anthropic.ToolUseBlock
---| anthropic.ServerToolUseBlock
---| anthropic.WebSearchToolResultBlock
---| anthropic.WebFetchToolResultBlock
---| anthropic.CodeExecutionToolResultBlock
---| anthropic.ContainerUploadBlock
---| anthropic.CompactionBlock
---| anthropic.FallbackBlock
---| anthropic.MCPToolUseBlock
---| anthropic.MCPToolResultBlock

---@class anthropic.TextBlock
---@field type "text"
---@field text string
---@field citations? anthropic.TextCitation[]

---@class anthropic.ThinkingBlock
---@field type "thinking"
---@field thinking string
---@field signature string

---@class anthropic.RedactedThinkingBlock
---@field type "redacted_thinking"
---@field data string

---@class anthropic.ToolUseBlock
---@field type "tool_use"
---@field id string
---@field name string
---@field input table The arguments, decoded (streams: parsed from the `input_json_delta` pieces).
---@field input_error? string Set by the SDK when a streamed input was not valid JSON.
---@field caller? table

---@class anthropic.ServerToolUseBlock
---@field type "server_tool_use"
---@field id string
---@field name string
---@field input table
---@field caller? table

---@class anthropic.WebSearchToolResultBlock
---@field type "web_search_tool_result"
---@field tool_use_id string
---@field content table A list of `web_search_result` or an error.

---@class anthropic.WebFetchToolResultBlock
---@field type "web_fetch_tool_result"
---@field tool_use_id string
---@field content table

---@class anthropic.CodeExecutionToolResultBlock
---@field type "code_execution_tool_result"
---@field tool_use_id string
---@field content table

---@class anthropic.ContainerUploadBlock
---@field type "container_upload"
---@field file_id string

---A summary of earlier turns (beta compaction); `content` is nil when it failed.
---@class anthropic.CompactionBlock
---@field type "compaction"
---@field content? string
---@field encrypted_content? string

---The request fell back to another model (beta fallbacks); the message's
---`model` is the one that answered.
---@class anthropic.FallbackBlock
---@field type "fallback"
---@field from anthropic.ModelRef
---@field to anthropic.ModelRef
---@field trigger table Why (`{type = "refusal", category = ...}`).

---@class anthropic.ModelRef
---@field model string

---A call to a tool of an MCP server (beta mcp_servers).
---@class anthropic.MCPToolUseBlock
---@field type "mcp_tool_use"
---@field id string
---@field name string
---@field server_name string
---@field input table

---@class anthropic.MCPToolResultBlock
---@field type "mcp_tool_result"
---@field tool_use_id string
---@field is_error boolean
---@field content string|anthropic.TextBlock[]

---@alias anthropic.TextCitation
---| anthropic.CitationCharLocation
---| anthropic.CitationPageLocation
---| anthropic.CitationContentBlockLocation
---| anthropic.CitationsWebSearchResultLocation
---| anthropic.CitationsSearchResultLocation

---@class anthropic.CitationCharLocation
---@field type "char_location"
---@field cited_text string
---@field document_index integer
---@field document_title? string
---@field file_id? string
---@field start_char_index integer
---@field end_char_index integer

---@class anthropic.CitationPageLocation
---@field type "page_location"
---@field cited_text string
---@field document_index integer
---@field document_title? string
---@field file_id? string
---@field start_page_number integer
---@field end_page_number integer

---@class anthropic.CitationContentBlockLocation
---@field type "content_block_location"
---@field cited_text string
---@field document_index integer
---@field document_title? string
---@field file_id? string
---@field start_block_index integer
---@field end_block_index integer

---@class anthropic.CitationsWebSearchResultLocation
---@field type "web_search_result_location"
---@field cited_text string
---@field encrypted_index string
---@field title? string
---@field url string

---@class anthropic.CitationsSearchResultLocation
---@field type "search_result_location"
---@field cited_text string
---@field search_result_index integer
---@field source string
---@field title? string
---@field start_block_index integer
---@field end_block_index integer

---`messages.count_tokens`.
---@class anthropic.MessageTokensCount
---@field input_tokens integer

-- Stream events and deltas ---------------------------------------------------

---@alias anthropic.MessageStreamEvent
---| anthropic.MessageStartEvent
---| anthropic.ContentBlockStartEvent
---| anthropic.ContentBlockDeltaEvent
---| anthropic.ContentBlockStopEvent
---| anthropic.MessageDeltaEvent
---| anthropic.MessageStopEvent
---| anthropic.PingEvent
---| anthropic.ErrorEvent

---@class anthropic.MessageStartEvent
---@field type "message_start"
---@field message anthropic.Message

---@class anthropic.ContentBlockStartEvent
---@field type "content_block_start"
---@field index integer
---@field content_block anthropic.ContentBlock

---@class anthropic.ContentBlockDeltaEvent
---@field type "content_block_delta"
---@field index integer
---@field delta anthropic.ContentBlockDelta

---@class anthropic.ContentBlockStopEvent
---@field type "content_block_stop"
---@field index integer

---@class anthropic.MessageDeltaEvent
---@field type "message_delta"
---@field delta anthropic.MessageDelta
---@field usage anthropic.MessageDeltaUsage
---@field context_management? table Edits the API applied (beta context management).
---@field input_transformations? table[] What the API changed in the input (e.g. redactions).

---@class anthropic.MessageDelta
---@field stop_reason? anthropic.StopReason
---@field stop_sequence? string
---@field stop_details? table
---@field container? anthropic.Container

---Counts so far: `output_tokens` always, the others when known.
---@class anthropic.MessageDeltaUsage
---@field output_tokens integer
---@field input_tokens? integer
---@field cache_creation_input_tokens? integer
---@field cache_read_input_tokens? integer
---@field server_tool_use? anthropic.ServerToolUsage
---@field output_tokens_details? anthropic.OutputTokensDetails
---@field iterations? table[] Per-iteration counts (compaction).
---@field fallback_credit? table What a fallback credited.

---@class anthropic.OutputTokensDetails
---@field thinking_tokens? integer

---@class anthropic.MessageStopEvent
---@field type "message_stop"

---Skipped by `stream:events()`.
---@class anthropic.PingEvent
---@field type "ping"

---Ends the stream with `stream.error`.
---@class anthropic.ErrorEvent
---@field type "error"
---@field error anthropic.ErrorObject
---@field request_id? string

---@alias anthropic.ContentBlockDelta
---| anthropic.TextDelta
---| anthropic.InputJSONDelta
---| anthropic.ThinkingDelta
---| anthropic.SignatureDelta
---| anthropic.CitationsDelta
---| anthropic.CompactionDelta

---@class anthropic.TextDelta
---@field type "text_delta"
---@field text string

---@class anthropic.InputJSONDelta
---@field type "input_json_delta"
---@field partial_json string

---@class anthropic.ThinkingDelta
---@field type "thinking_delta"
---@field thinking string

---@class anthropic.SignatureDelta
---@field type "signature_delta"
---@field signature string

---@class anthropic.CitationsDelta
---@field type "citations_delta"
---@field citation anthropic.TextCitation

---Assigns a compaction block's `content` (and `encrypted_content` when present).
---@class anthropic.CompactionDelta
---@field type "compaction_delta"
---@field content? string
---@field encrypted_content? string

-- Errors ---------------------------------------------------------------------

---@alias anthropic.ErrorType
---| "invalid_request_error"
---| "authentication_error"
---| "billing_error"
---| "permission_error"
---| "not_found_error"
---| "request_too_large"
---| "rate_limit_error"
---| "api_error"
---| "overloaded_error"
---| "timeout_error"
---| "connection_error"
---| "api_response_error"
---| "incomplete_stream"
---| "callback_error"
---| "parse_error"
---| "batch_not_ready"
---| "io_error"
---| string

---The error table every API and transport failure returns as `nil, err`
---(`tostring(err)` gives one line, never a credential).
---@class anthropic.Error
---@field type anthropic.ErrorType
---@field status integer The HTTP status; 0 when no response came.
---@field message string
---@field request_id? string The `request-id` response header.
---@field body? anthropic.ErrorBody|string The decoded error body, or the raw text.
---@field headers? table<string, string> The response headers, lower-cased.
---@field retryable? boolean Whether the failure is worth retrying.
---@field attempts? integer How many attempts were made.
---@field reason? string Transport failures: what happened (`timeout`, `idle_timeout`, ...).
---@field partial? boolean A stream that failed after some events.
---@field text? string `parse_error`: the text that is not JSON.
---@field message_value? anthropic.Message `parse_error`: the message.
---@field processing_status? string `batch_not_ready`: the batch's status.
---@field batch? anthropic.MessageBatch `batches.wait` timeout: the batch last seen.

---The API's error body.
---@class anthropic.ErrorBody
---@field type "error"
---@field error anthropic.ErrorObject
---@field request_id? string

---@class anthropic.ErrorObject
---@field type anthropic.ErrorType
---@field message string
---@field details? table

-- Models, batches, files -----------------------------------------------------

---@class anthropic.ModelInfo
---@field id string
---@field type "model"
---@field display_name string
---@field created_at string RFC 3339.
---@field max_input_tokens? integer
---@field max_tokens? integer
---@field capabilities? table

---@class anthropic.MessageBatch
---@field id string
---@field type "message_batch"
---@field processing_status "in_progress"|"canceling"|"ended"
---@field request_counts anthropic.BatchRequestCounts
---@field created_at string
---@field expires_at string
---@field ended_at? string
---@field cancel_initiated_at? string
---@field archived_at? string
---@field results_url? string

---@class anthropic.BatchRequestCounts
---@field processing integer
---@field succeeded integer
---@field errored integer
---@field canceled integer
---@field expired integer

---@class anthropic.DeletedMessageBatch
---@field id string
---@field type "message_batch_deleted"

---One line of a batch's results.
---@class anthropic.BatchResult
---@field custom_id string
---@field result anthropic.BatchResultOutcome

---@class anthropic.BatchResultOutcome
---@field type "succeeded"|"errored"|"canceled"|"expired"
---@field message? anthropic.Message `succeeded`.
---@field error? anthropic.ErrorBody `errored`.

---@class anthropic.FileMetadata
---@field id string
---@field type "file"
---@field filename string
---@field mime_type string
---@field size_bytes integer
---@field created_at string
---@field downloadable? boolean
---@field expires_at? string

---@class anthropic.DeletedFile
---@field id string
---@field type "file_deleted"

---What `anthropic.response_of(result)` gives: the response behind a result.
---@class anthropic.ResponseInfo
---@field status integer
---@field request_id? string
---@field headers table<string, string>
---@field attempts? integer
