---@meta _
-- LuaLS annotations: what a request sends (client and request options, the
-- Messages API's parameters, the content blocks a user sends, tools). Type
-- definitions only; never loaded by the SDK. Names follow the API's JSON;
-- a field the API may leave out is optional (`name?`). `make lint` checks
-- these against the modules (.ci/types.lua) and spec/types_spec.lua checks the
-- recorded responses and streams against them.
error("types/ holds lua-language-server definitions; it cannot be required")

-- ---------------------------------------------------------------------------
-- Options
-- ---------------------------------------------------------------------------

---A JSON codec with cjson's interface (`require("cjson")`, `vim.json`, ...).
---@class anthropic.JsonCodec
---@field encode fun(value: any): string
---@field decode fun(text: string): any

---`anthropic.new(opts)`: every option is optional.
---@class anthropic.ClientOptions
---@field api_key? string|fun(): string Sent as `x-api-key`; a function is called before every attempt. Default: `$ANTHROPIC_API_KEY`.
---@field auth_token? string|fun(): string Sent as `authorization: Bearer ...`; a string or a function. Default: `$ANTHROPIC_AUTH_TOKEN`.
---@field base_url? string Default: `$ANTHROPIC_BASE_URL`, else `https://api.anthropic.com`.
---@field anthropic_version? string The `anthropic-version` header (default `2023-06-01`).
---@field timeout? number Seconds for a whole request (default 600); bounds a stream's silences.
---@field connect_timeout? number Seconds to connect.
---@field stream_idle_timeout? number Seconds without a byte before a stream fails.
---@field max_retries? integer Default 2.
---@field default_headers? table<string, string|false> Sent with every request; `false` removes one.
---@field json? anthropic.JsonCodec Decodes responses (default: the core's own decoder).
---@field proxy? string A proxy URL (default: libcurl's `https_proxy` handling).
---@field ca_file? string CA certificates (a PEM file).
---@field ca_path? string CA certificates (a directory).
---@field insecure_skip_tls_verify? boolean Turns off TLS verification (never with a real key).

---`anthropic.bedrock(opts)`: the client options (but `auth_token`) plus AWS's.
---@class anthropic.BedrockOptions : anthropic.ClientOptions
---@field aws_region? string Default: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's region, us-east-1.
---@field aws_access_key? string Default: `AWS_ACCESS_KEY_ID`, else the shared files.
---@field aws_secret_key? string Default: `AWS_SECRET_ACCESS_KEY`, else the shared files.
---@field aws_session_token? string Default: `AWS_SESSION_TOKEN`.
---@field aws_profile? string Default: `AWS_PROFILE` / `AWS_DEFAULT_PROFILE`, else "default".

---`anthropic.vertex(opts)`: the client options (but `api_key`, `auth_token`) plus Google's.
---@class anthropic.VertexOptions : anthropic.ClientOptions
---@field region? string "global", "us", "eu" or a region. Default: `CLOUD_ML_REGION`.
---@field project_id? string Default: `ANTHROPIC_VERTEX_PROJECT_ID`, else the credentials'.
---@field access_token? string|fun(): string A token, or a function called before every attempt.
---@field credentials? string|table A key file's path or its table. Default: Application Default Credentials.

---Per-request options (`create(params, opts)` and the other calls).
---@class anthropic.RequestOptions
---@field headers? table<string, string|false> Extra headers; `false` removes one.
---@field timeout? number Seconds for this request.
---@field betas? string[] Sent comma-joined as `anthropic-beta`.
---@field max_retries? integer
---@field stream_idle_timeout? number Seconds without a byte before a stream fails.
---@field workspace_id? string Sent as `anthropic-workspace-id`.

---`stream(params, opts)` and `stream_async`: request options plus callbacks,
---run from the SDK's loop (`client:poll`, the stream's iterators, the uv driver).
---@class anthropic.StreamOptions : anthropic.RequestOptions
---@field on_event? fun(event: anthropic.MessageStreamEvent, snapshot: anthropic.Message)
---@field on_text? fun(delta: string, snapshot: anthropic.Message)
---@field on_thinking? fun(delta: string, snapshot: anthropic.Message)
---@field on_citation? fun(citation: table, snapshot: anthropic.Message)
---@field on_signature? fun(signature: string, snapshot: anthropic.Message)
---@field on_compaction? fun(content: string, snapshot: anthropic.Message)
---@field on_input_json? fun(partial_json: string, value: any, snapshot: anthropic.Message) `value`: the tool input parsed so far.
---@field on_content_block? fun(block: anthropic.ContentBlock) A finished block.
---@field on_message? fun(message: anthropic.Message) At message_stop.
---@field on_done? fun(message: anthropic.Message?, err: anthropic.Error?)

---`create_async(params, opts)`: request options plus `on_done`.
---@class anthropic.AsyncOptions : anthropic.RequestOptions
---@field on_done? fun(message: anthropic.Message?, err: anthropic.Error?)

---`client:request(req)`: any endpoint.
---@class anthropic.HttpRequest : anthropic.RequestOptions
---@field method? "GET"|"POST"|"DELETE"|string Default `GET`.
---@field path string Appended to `base_url`.
---@field query? table<string, string|number> URL-encoded.
---@field body? any Encoded as JSON.
---@field accept? string The `accept` header.

---List options of id pages (models, batches): the page query plus request options.
---@class anthropic.ListOptions : anthropic.RequestOptions
---@field limit? integer Items per page.
---@field after_id? string
---@field before_id? string

---List options of cursor pages (files, skills): the page query plus request options.
---@class anthropic.CursorListOptions : anthropic.RequestOptions
---@field limit? integer Items per page.
---@field page? string A `next_page` cursor.
---@field ids? string[] `files.list` only: just these files (at most 100), in one page.
---@field source? string `skills.list` only: "custom" or "anthropic".

---A file to upload: a path, or bytes with a name.
---@class anthropic.UploadSource
---@field data? string The bytes.
---@field path? string A file to stream from disk.
---@field filename? string Default: the path's base name.
---@field type? string The media type (default: from the extension, else the first bytes).

-- ---------------------------------------------------------------------------
-- Messages API parameters
-- ---------------------------------------------------------------------------

---@alias anthropic.Model
---| "claude-opus-4-5"
---| "claude-sonnet-4-5"
---| "claude-haiku-4-5"
---| string

---@alias anthropic.Role "user"|"assistant"

---The body of `messages.create` / `stream` / `count_tokens` / `parse`.
---@class anthropic.MessageCreateParams
---@field model anthropic.Model
---@field max_tokens integer
---@field messages anthropic.MessageParam[]
---@field system? string|anthropic.TextBlockParam[]
---@field metadata? anthropic.Metadata
---@field stop_sequences? string[]
---@field stream? boolean Set by `stream` / `stream_async`; leave it out.
---@field temperature? number
---@field top_p? number
---@field top_k? integer
---@field tools? anthropic.ToolUnion[]
---@field tool_choice? anthropic.ToolChoice
---@field thinking? anthropic.ThinkingConfig
---@field output_config? anthropic.OutputConfig
---@field service_tier? "auto"|"standard_only"
---@field container? string
---@field cache_control? anthropic.CacheControl
---@field inference_geo? string
---@field speed? string
---@field mcp_servers? table[] (beta)
---@field context_management? table (beta)

---@class anthropic.MessageParam
---@field role anthropic.Role
---@field content string|anthropic.ContentBlockParam[]

---@class anthropic.Metadata
---@field user_id? string

---@class anthropic.CacheControl
---@field type "ephemeral"
---@field ttl? "5m"|"1h"

---@class anthropic.CitationsConfig
---@field enabled boolean

---@alias anthropic.ThinkingConfig
---| anthropic.ThinkingConfigEnabled
---| anthropic.ThinkingConfigDisabled
---| anthropic.ThinkingConfigAdaptive

---@class anthropic.ThinkingConfigEnabled
---@field type "enabled"
---@field budget_tokens integer

---@class anthropic.ThinkingConfigDisabled
---@field type "disabled"

---@class anthropic.ThinkingConfigAdaptive
---@field type "adaptive"

---@class anthropic.OutputConfig
---@field effort? "low"|"medium"|"high"|string
---@field format? anthropic.JsonSchemaFormat

---@class anthropic.JsonSchemaFormat
---@field type "json_schema"
---@field schema table A JSON Schema.

-- Content blocks a request sends --------------------------------------------

---@alias anthropic.ContentBlockParam
---| anthropic.TextBlockParam
---| anthropic.ImageBlockParam
---| anthropic.DocumentBlockParam
---| anthropic.SearchResultBlockParam
---| anthropic.ToolUseBlockParam
---| anthropic.ToolResultBlockParam
---| anthropic.ThinkingBlockParam
---| anthropic.RedactedThinkingBlockParam
---| anthropic.ServerToolUseBlockParam
---| anthropic.WebSearchToolResultBlockParam

---@class anthropic.TextBlockParam
---@field type "text"
---@field text string
---@field cache_control? anthropic.CacheControl
---@field citations? anthropic.TextCitation[]

---@class anthropic.ImageBlockParam
---@field type "image"
---@field source anthropic.ImageSource
---@field cache_control? anthropic.CacheControl

---@alias anthropic.ImageSource anthropic.Base64ImageSource|anthropic.URLImageSource|anthropic.FileImageSource

---A file's bytes kept in C memory, standing for their base64: request
---bodies encode it as they are sent, without a copy. `tostring(blob)` gives
---the base64 string; `#blob` and `blob:sub(i, j)` work as on it.
---@class anthropic.Blob
---@field len fun(self: anthropic.Blob): integer
---@field sub fun(self: anthropic.Blob, i: integer, j?: integer): string
---@field string fun(self: anthropic.Blob): string

---@class anthropic.Base64ImageSource
---@field type "base64"
---@field media_type "image/jpeg"|"image/png"|"image/gif"|"image/webp"
---@field data string|anthropic.Blob Base64 (a blob from `anthropic.image.file`).

---@class anthropic.URLImageSource
---@field type "url"
---@field url string

---@class anthropic.FileImageSource
---@field type "file"
---@field file_id string

---@class anthropic.DocumentBlockParam
---@field type "document"
---@field source anthropic.DocumentSource
---@field title? string
---@field context? string
---@field citations? anthropic.CitationsConfig
---@field cache_control? anthropic.CacheControl

---@alias anthropic.DocumentSource
---| anthropic.Base64PDFSource
---| anthropic.PlainTextSource
---| anthropic.ContentBlockSource
---| anthropic.URLPDFSource
---| anthropic.FileDocumentSource

---@class anthropic.Base64PDFSource
---@field type "base64"
---@field media_type "application/pdf"
---@field data string|anthropic.Blob Base64 (a blob from `anthropic.document.file`).

---@class anthropic.PlainTextSource
---@field type "text"
---@field media_type "text/plain"
---@field data string

---@class anthropic.ContentBlockSource
---@field type "content"
---@field content string|(anthropic.TextBlockParam|anthropic.ImageBlockParam)[]

---@class anthropic.URLPDFSource
---@field type "url"
---@field url string

---@class anthropic.FileDocumentSource
---@field type "file"
---@field file_id string

---@class anthropic.SearchResultBlockParam
---@field type "search_result"
---@field source string
---@field title string
---@field content anthropic.TextBlockParam[]
---@field citations? anthropic.CitationsConfig
---@field cache_control? anthropic.CacheControl

---@class anthropic.ToolUseBlockParam
---@field type "tool_use"
---@field id string
---@field name string
---@field input table
---@field cache_control? anthropic.CacheControl

---@class anthropic.ToolResultBlockParam
---@field type "tool_result"
---@field tool_use_id string
---@field content? string|(anthropic.TextBlockParam|anthropic.ImageBlockParam|anthropic.DocumentBlockParam|anthropic.SearchResultBlockParam)[]
---@field is_error? boolean
---@field cache_control? anthropic.CacheControl

---@class anthropic.ThinkingBlockParam
---@field type "thinking"
---@field thinking string
---@field signature string

---@class anthropic.RedactedThinkingBlockParam
---@field type "redacted_thinking"
---@field data string

---@class anthropic.ServerToolUseBlockParam
---@field type "server_tool_use"
---@field id string
---@field name string
---@field input table
---@field cache_control? anthropic.CacheControl

---@class anthropic.WebSearchToolResultBlockParam
---@field type "web_search_tool_result"
---@field tool_use_id string
---@field content table
---@field cache_control? anthropic.CacheControl

-- Tools -------------------------------------------------------------------

---@alias anthropic.ToolUnion anthropic.Tool|anthropic.RunnableTool|anthropic.ServerTool

---A client tool: Claude asks for it with a `tool_use` block.
---@class anthropic.Tool
---@field name string
---@field description? string
---@field input_schema table A JSON Schema (`type = "object"`).
---@field type? "custom"
---@field strict? boolean
---@field cache_control? anthropic.CacheControl

---`anthropic.tool{...}`: a tool the runner can run (`run` is never sent).
---@class anthropic.RunnableTool : anthropic.Tool
---@field run fun(input: table, block: anthropic.ToolUseBlock): any

---A tool the API runs or defines (web search, web fetch, code execution,
---bash, text editor, ...): its `type` names the version.
---@class anthropic.ServerTool
---@field type string e.g. `"web_search_20250305"`.
---@field name string
---@field max_uses? integer
---@field allowed_domains? string[]
---@field blocked_domains? string[]
---@field user_location? table
---@field cache_control? anthropic.CacheControl

---@alias anthropic.ToolChoice
---| anthropic.ToolChoiceAuto
---| anthropic.ToolChoiceAny
---| anthropic.ToolChoiceTool
---| anthropic.ToolChoiceNone

---@class anthropic.ToolChoiceAuto
---@field type "auto"
---@field disable_parallel_tool_use? boolean

---@class anthropic.ToolChoiceAny
---@field type "any"
---@field disable_parallel_tool_use? boolean

---@class anthropic.ToolChoiceTool
---@field type "tool"
---@field name string
---@field disable_parallel_tool_use? boolean

---@class anthropic.ToolChoiceNone
---@field type "none"

---`client.messages.run_tools(params, opts)`: request options plus the loop's.
---@class anthropic.RunToolsOptions : anthropic.StreamOptions
---@field max_iterations? integer Requests at most (default 10).
---@field stream? boolean Stream every request.

-- Batches and files -------------------------------------------------------

---@class anthropic.BatchCreateParams
---@field requests anthropic.BatchRequest[]

---@class anthropic.BatchRequest
---@field custom_id string
---@field params anthropic.MessageCreateParams

---@class anthropic.BatchWaitOptions : anthropic.RequestOptions
---@field interval? number Seconds between polls (default 10).
---@field timeout? number Give up after this many seconds (`timeout_error`).

---`client.files.upload(t)`: a path, or bytes with a name.
---@class anthropic.FileUploadParams
---@field path? string Streamed from disk.
---@field data? string The bytes.
---@field filename? string
---@field type? string The media type (default: from the name or the first bytes).

---Options of the content helpers (`anthropic.image.file(path, opts)`, ...):
---extra fields of the block.
---@class anthropic.BlockOptions
---@field title? string
---@field context? string
---@field citations? anthropic.CitationsConfig
---@field cache_control? anthropic.CacheControl
