---@meta anthropic
-- LuaLS annotations of lua-anthropic's public functions and handles: the
-- module, the client and its resources, the handles (Request, Stream,
-- Results, Runner, Page), the conversation, tasks. Type definitions only;
-- `require("anthropic")` resolves here for lua-language-server when types/ is
-- on its workspace.library (see the README: "Types for editors").
-- .ci/types.lua (make lint) fails when the modules export a function that is
-- not declared here with its ---@param and ---@return.

---@class anthropic
---@field VERSION string The SDK's version (lua/anthropic/version.lua).
---@field null lightuserdata Sends a JSON `null`; `null` list items decode to it.
---@field image anthropic.image
---@field document anthropic.document
---@field conversation anthropic.conversation
---@field errors anthropic.errors
---@field async anthropic.async
---@field messages anthropic.Messages The default client's `messages` (every member, `batches` too).
---@field models anthropic.Models The default client's `models`.
---@field files anthropic.Files The default client's `files`.
---@field skills anthropic.Skills The default client's `skills`.
local anthropic = {}

---A client. Every option is optional; the credentials and base URL default
---to `$ANTHROPIC_API_KEY` / `$ANTHROPIC_AUTH_TOKEN` / `$ANTHROPIC_BASE_URL`.
---@param opts? anthropic.ClientOptions
---@return anthropic.Client
function anthropic.new(opts) end

---A client for Claude on Amazon Bedrock: the same surface as `anthropic.new`'s
---(messages, streams, the tool runner, parse), each request rewritten for
---Bedrock and signed with SigV4 (or sent with a Bedrock API key).
---@param opts? anthropic.BedrockOptions
---@return anthropic.Client
function anthropic.bedrock(opts) end

---A client for Claude on Google Vertex AI: the same surface as `anthropic.new`'s,
---with a Google access token (fixed, a function, or from credentials).
---@param opts? anthropic.VertexOptions
---@return anthropic.Client
function anthropic.vertex(opts) end

---The client built from the environment on first use (behind `anthropic.messages`).
---@return anthropic.Client
function anthropic.default_client() end

---Marks a table as a JSON array: `{}` is sent as `[]`.
---@generic T: table
---@param t? T
---@return T
function anthropic.array(t) end

---Marks a table as a JSON object: `{}` is sent as `{}`.
---@generic T: table
---@param t? T
---@return T
function anthropic.object(t) end

---The text blocks of a message joined.
---@param message anthropic.Message
---@return string
function anthropic.text(message) end

---The response behind a result (status, headers, request_id, attempts),
---kept outside the result's table.
---@param value table A message, page, batch... returned by the SDK.
---@return anthropic.ResponseInfo?
function anthropic.response_of(value) end

---Whether `v` is an SDK error table.
---@param v any
---@return boolean
function anthropic.is_error(v) end

---A tool the runner can run: the definition plus `run(input, block)`.
---@param def anthropic.RunnableTool
---@return anthropic.RunnableTool
function anthropic.tool(def) end

-- Content helpers ------------------------------------------------------------

---Image blocks.
---@class anthropic.image
anthropic.image = {}

---@param data string Base64.
---@param media_type "image/jpeg"|"image/png"|"image/gif"|"image/webp"
---@param opts? anthropic.BlockOptions
---@return anthropic.ImageBlockParam
function anthropic.image.base64(data, media_type, opts) end

---Reads and base64-encodes a file; the type comes from its first bytes.
---@param path string
---@param opts? anthropic.BlockOptions
---@return anthropic.ImageBlockParam
function anthropic.image.file(path, opts) end

---@param url string
---@param opts? anthropic.BlockOptions
---@return anthropic.ImageBlockParam
function anthropic.image.url(url, opts) end

---An image uploaded with the Files API.
---@param id string
---@param opts? anthropic.BlockOptions
---@return anthropic.ImageBlockParam
function anthropic.image.file_id(id, opts) end

---Document blocks.
---@class anthropic.document
anthropic.document = {}

---@param data string Base64.
---@param media_type? "application/pdf"|string
---@param opts? anthropic.BlockOptions
---@return anthropic.DocumentBlockParam
function anthropic.document.base64(data, media_type, opts) end

---A plain-text document.
---@param text string
---@param opts? anthropic.BlockOptions
---@return anthropic.DocumentBlockParam
function anthropic.document.text(text, opts) end

---Reads a file (PDF, or plain text).
---@param path string
---@param opts? anthropic.BlockOptions
---@return anthropic.DocumentBlockParam
function anthropic.document.file(path, opts) end

---@param url string
---@param opts? anthropic.BlockOptions
---@return anthropic.DocumentBlockParam
function anthropic.document.url(url, opts) end

---@param id string
---@param opts? anthropic.BlockOptions
---@return anthropic.DocumentBlockParam
function anthropic.document.file_id(id, opts) end

---A document made of content blocks (custom content).
---@param content string|anthropic.ContentBlockParam[]
---@param opts? anthropic.BlockOptions
---@return anthropic.DocumentBlockParam
function anthropic.document.content(content, opts) end

-- Errors ---------------------------------------------------------------------

---@class anthropic.errors
---@field Error table The metatable of error tables.
---@field type_of_status table<integer, anthropic.ErrorType> The error type of an HTTP status.
anthropic.errors = {}

---Makes an error table.
---@param fields anthropic.Error At least `type` and `message`.
---@return anthropic.Error
function anthropic.errors.new(fields) end

---@param v any
---@return boolean
function anthropic.errors.is_error(v) end

---The error of a failed HTTP response.
---@param status integer
---@param headers table<string, string>
---@param raw string The body.
---@param decoded? any The body decoded as JSON.
---@return anthropic.Error
function anthropic.errors.from_response(status, headers, raw, decoded) end

---The error of a request that got no response.
---@param kind string `timeout`, `idle_timeout`, `connect`, ...
---@param message string
---@return anthropic.Error
function anthropic.errors.from_transport(kind, message) end

-- Coroutine tasks ----------------------------------------------------------------

---`anthropic.async(fn, ...)` starts a task: inside it, requests and stream
---iterators yield to the SDK's scheduler instead of blocking.
---@class anthropic.async
---@overload fun(fn: fun(...): ..., ...): anthropic.Task
anthropic.async = {}

---Waits for every task: their first results, in order.
---@param tasks anthropic.Task[]
---@return any[]
function anthropic.async.all(tasks) end

---Runs the scheduler until no task is left.
---@return nil
function anthropic.async.run() end

---One turn of the scheduler: waits at most `timeout_ms` for transfers.
---@param timeout_ms? number
---@return integer running Tasks still running.
function anthropic.async.step(timeout_ms) end

---@class anthropic.Task
---@field done boolean
local Task = {}

---Runs the scheduler until this task ends: what its function returned
---(its error is raised).
---@return any ...
function Task:wait() end

-- The default client's messages ----------------------------------------------------

---`anthropic.messages.create{...}` etc.: the same calls on `anthropic.default_client()`.
-- The client -------------------------------------------------------------------

---@class anthropic.Client
---@field base_url string
---@field anthropic_version string
---@field timeout number Seconds.
---@field max_retries integer
---@field stream_idle_timeout? number
---@field connect_timeout? number
---@field default_headers table<string, string|false>
---@field messages anthropic.Messages
---@field models anthropic.Models
---@field files anthropic.Files
---@field skills anthropic.Skills
local Client = {}

---Sends a request to any endpoint (credentials, version and default headers
---added, body encoded as JSON, retried like `create`): the decoded JSON body.
---@param req anthropic.HttpRequest
---@return any? body
---@return anthropic.Error? err
function Client:request(req) end

---Starts `client:request(req)` without waiting.
---@param req anthropic.HttpRequest
---@return anthropic.Request
function Client:request_async(req) end

---Starts a streaming request (the body gets `"stream": true`): the stream once
---its headers are in.
---@param req anthropic.HttpRequest
---@param callbacks? anthropic.StreamOptions
---@return anthropic.Stream? stream
---@return anthropic.Error? err
function Client:stream(req, callbacks) end

---Starts a streaming request without waiting for its headers.
---@param req anthropic.HttpRequest
---@param callbacks? anthropic.StreamOptions
---@return anthropic.Stream
function Client:stream_async(req, callbacks) end

---Moves every transfer of the client on, waiting at most `timeout_ms`
---(0: never blocks), and runs the callbacks that are due.
---@param timeout_ms? number
---@return integer pending Transfers still running.
function Client:poll(timeout_ms) end

---Stops every transfer and frees the connections (idempotent).
---@return nil
function Client:close() end

---A client with some options changed (credentials kept unless given) that
---shares this client's connections.
---@param opts anthropic.ClientOptions
---@return anthropic.Client
function Client:with_options(opts) end

---When the earliest retry back-off of the client's calls ends (`core.now()` seconds), or nil.
---@return number?
function Client:next_retry() end

---`client.messages`.
---@class anthropic.Messages
---@field batches anthropic.Batches
local Messages = {}

---Sends a message and waits for the whole answer.
---@param params anthropic.MessageCreateParams
---@param opts? anthropic.RequestOptions
---@return anthropic.Message? message
---@return anthropic.Error? err
function Messages.create(params, opts) end

---Starts a message without waiting.
---@param params anthropic.MessageCreateParams
---@param opts? anthropic.AsyncOptions
---@return anthropic.Request
function Messages.create_async(params, opts) end

---Streams a message: the stream, or nil, err when it failed before its first event.
---@param params anthropic.MessageCreateParams
---@param opts? anthropic.StreamOptions
---@return anthropic.Stream? stream
---@return anthropic.Error? err
function Messages.stream(params, opts) end

---Streams a message without waiting for its headers.
---@param params anthropic.MessageCreateParams
---@param opts? anthropic.StreamOptions
---@return anthropic.Stream
function Messages.stream_async(params, opts) end

---Counts the tokens of a request.
---@param params anthropic.MessageCreateParams
---@param opts? anthropic.RequestOptions
---@return anthropic.MessageTokensCount? count
---@return anthropic.Error? err
function Messages.count_tokens(params, opts) end

---`create`, then the answer's text decoded as JSON into `parsed_output`
---(`parse_error` when it is not JSON).
---@param params anthropic.MessageCreateParams
---@param opts? anthropic.RequestOptions
---@return anthropic.Message? message
---@return anthropic.Error? err
function Messages.parse(params, opts) end

---The tool runner: create, run the tools Claude asked for, send their
---results, until Claude stops asking or `max_iterations` requests were made.
---Lazy: nothing is sent until it is iterated.
---@param params anthropic.MessageCreateParams
---@param opts? anthropic.RunToolsOptions
---@return anthropic.Runner
function Messages.run_tools(params, opts) end

---`client.messages.batches`.
---@class anthropic.Batches
local Batches = {}

---@param params anthropic.BatchCreateParams
---@param opts? anthropic.RequestOptions
---@return anthropic.MessageBatch? batch
---@return anthropic.Error? err
function Batches.create(params, opts) end

---@param id string
---@param opts? anthropic.RequestOptions
---@return anthropic.MessageBatch? batch
---@return anthropic.Error? err
function Batches.retrieve(id, opts) end

---@param opts? anthropic.ListOptions
---@return anthropic.Page? page Of `anthropic.MessageBatch`.
---@return anthropic.Error? err
function Batches.list(opts) end

---@param id string
---@param opts? anthropic.RequestOptions
---@return anthropic.MessageBatch? batch
---@return anthropic.Error? err
function Batches.cancel(id, opts) end

---@param id string
---@param opts? anthropic.RequestOptions
---@return anthropic.DeletedMessageBatch? deleted
---@return anthropic.Error? err
function Batches.delete(id, opts) end

---Polls `retrieve` until the batch has ended.
---@param id string
---@param opts? anthropic.BatchWaitOptions
---@return anthropic.MessageBatch? batch
---@return anthropic.Error? err
function Batches.wait(id, opts) end

---The results of an ended batch, read line by line from the network.
---@param id string
---@param opts? anthropic.RequestOptions
---@return anthropic.Results? results
---@return anthropic.Error? err
function Batches.results(id, opts) end

---`client.models`.
---@class anthropic.Models
local Models = {}

---@param id string A model id or alias.
---@param opts? anthropic.RequestOptions
---@return anthropic.ModelInfo? model
---@return anthropic.Error? err
function Models.retrieve(id, opts) end

---@param opts? anthropic.ListOptions
---@return anthropic.Page? page Of `anthropic.ModelInfo`.
---@return anthropic.Error? err
function Models.list(opts) end

---`client.files` (beta).
---@class anthropic.Files
local Files = {}

---Uploads a file, streamed from disk.
---@param file string|anthropic.FileUploadParams A path, or a table.
---@param opts? anthropic.RequestOptions
---@return anthropic.FileMetadata? file
---@return anthropic.Error? err
function Files.upload(file, opts) end

---@param opts? anthropic.CursorListOptions
---@return anthropic.Page? page Of `anthropic.FileMetadata`.
---@return anthropic.Error? err
function Files.list(opts) end

---@param id string
---@param opts? anthropic.RequestOptions
---@return anthropic.FileMetadata? file
---@return anthropic.Error? err
function Files.retrieve_metadata(id, opts) end

---Streams a file's content to `path` (through `path .. ".part"`).
---@param id string
---@param path string
---@param opts? anthropic.RequestOptions
---@return string? path
---@return anthropic.Error? err
function Files.download(id, path, opts) end

---@param id string
---@param opts? anthropic.RequestOptions
---@return anthropic.DeletedFile? deleted
---@return anthropic.Error? err
function Files.delete(id, opts) end

---`client.skills`: skills uploaded as multipart `files[]`.
---@class anthropic.Skills
---@field versions anthropic.SkillVersions
local Skills = {}

---@class anthropic.SkillCreateParams
---@field files (string|anthropic.UploadSource)[] Paths, or `{data|path = ..., filename = ..., type = ...}`.
---@field display_name? string

---@param params anthropic.SkillCreateParams
---@param opts? anthropic.RequestOptions
---@return table? skill
---@return anthropic.Error? err
function Skills.create(params, opts) end

---@param opts? anthropic.CursorListOptions
---@return anthropic.Page? page
---@return anthropic.Error? err
function Skills.list(opts) end

---@param id string
---@param opts? anthropic.RequestOptions
---@return table? skill
---@return anthropic.Error? err
function Skills.retrieve(id, opts) end

---@param id string
---@param opts? anthropic.RequestOptions
---@return table? deleted
---@return anthropic.Error? err
function Skills.delete(id, opts) end

---`client.skills.versions`: every function takes the skill id first.
---@class anthropic.SkillVersions
local SkillVersions = {}

---@param skill_id string
---@param params anthropic.SkillCreateParams
---@param opts? anthropic.RequestOptions
---@return table? version
---@return anthropic.Error? err
function SkillVersions.create(skill_id, params, opts) end

---@param skill_id string
---@param opts? anthropic.CursorListOptions
---@return anthropic.Page? page
---@return anthropic.Error? err
function SkillVersions.list(skill_id, opts) end

---@param skill_id string
---@param version string
---@param opts? anthropic.RequestOptions
---@return table? version
---@return anthropic.Error? err
function SkillVersions.retrieve(skill_id, version, opts) end

---@param skill_id string
---@param version string
---@param opts? anthropic.RequestOptions
---@return table? deleted
---@return anthropic.Error? err
function SkillVersions.delete(skill_id, version, opts) end

---The lifecycle of one request (`anthropic.call`): attempts, waits, judges,
---backs off, retries, records the response. Handles are built on it.
---@class anthropic.Call
---@field attempts integer Attempts started.
---@field error? anthropic.Error Set once settled with a failure.
---@field response? anthropic.ResponseInfo The response record, once the goal is reached.
---@field retry_at? number When the back-off ends (`core.now()` seconds).
local Call = {}

---Moves the call on without blocking: true once settled.
---@return boolean
function Call:step() end

---Blocks (yields inside a task) until settled: true when the goal was reached.
---@return boolean
function Call:wait() end

---The outcome of a settled "value" call.
---@return any? value
---@return anthropic.Error? err
function Call:result() end

---After a failure a handle saw later: plans the next attempt (true) or makes `err` final (false).
---@param err anthropic.Error
---@return boolean
function Call:retry(err) end

---Abandons the call (settles with `aborted`; idempotent).
---@return nil
function Call:cancel() end

-- Handles ------------------------------------------------------------------------

---What every handle (Request, Stream, Results, Runner) has.
---@class anthropic.Handle
---@field error? anthropic.Error The error that ended it, or nil.
local Handle = {}

---Whether it is over, successfully or not.
---@return boolean
function Handle:done() end

---Calls `fn(result, err)` once when it is over (at once if it already is).
---@param fn fun(result: any?, err: anthropic.Error?)
---@return anthropic.Handle
function Handle:on_done(fn) end

---A request started without waiting (`create_async`, `request_async`).
---@class anthropic.Request : anthropic.Handle
---@field result? anthropic.Message The message, once done.
local Request = {}

---Never blocks: the result once done (`value` or `nil, err`), nothing while pending.
---@return any? value
---@return anthropic.Error? err
function Request:poll() end

---Blocks (yields inside a task) until done.
---@return any? value
---@return anthropic.Error? err
function Request:wait() end

---Abandons the request: it ends with an `aborted` error (idempotent).
---@return nil
function Request:cancel() end

---The same as `cancel` (and `<close>` on Lua 5.4).
---@return nil
function Request:close() end

---A streaming answer. Pull-based: events are parsed in C, nothing of yours
---runs inside libcurl.
---@class anthropic.Stream : anthropic.Handle
local Stream = {}

---The next event (`ping` skipped), or nil at the end (then see `stream.error`).
---@return anthropic.MessageStreamEvent?
function Stream:next() end

---Iterates over the events.
---@return fun(): anthropic.MessageStreamEvent?
function Stream:events() end

---Iterates over the text deltas only.
---@return fun(): string?
function Stream:text() end

---Never blocks: the events that have arrived.
---@return anthropic.MessageStreamEvent[]
function Stream:poll() end

---Runs the stream to its end: the accumulated message.
---@return anthropic.Message? message
---@return anthropic.Error? err
function Stream:final_message() end

---The message accumulated so far.
---@return anthropic.Message?
function Stream:current_message() end

---Stops the transfer at once; an unfinished stream ends with an `aborted`
---error (idempotent; `<close>` on Lua 5.4).
---@return nil
function Stream:close() end

---Blocks (yields inside a task) until the response headers are in: true
---once streaming, false on failure (see `stream.error`).
---@return boolean
function Stream:connect() end

---The results of a batch, one JSONL line at a time (constant memory).
---@class anthropic.Results : anthropic.Handle
---@field count integer Results read so far.
---@overload fun(): anthropic.BatchResult?
local Results = {}

---The next result, or nil at the end.
---@return anthropic.BatchResult?
function Results:next() end

---Iterates over the results.
---@return fun(): anthropic.BatchResult?
function Results:each() end

---Stops reading; an unfinished walk ends with an `aborted` error (idempotent).
---@return nil
function Results:close() end

---Never blocks: the results already here (drives the network once unless a host loop does).
---@return anthropic.BatchResult[]
function Results:poll() end

---The tool runner (`client.messages.run_tools`).
---@class anthropic.Runner : anthropic.Handle
---@field messages anthropic.MessageParam[] The whole conversation so far.
---@overload fun(): anthropic.Message?
local Runner = {}

---The next assistant message (running the tools it asked for), or nil at the end.
---@return anthropic.Message?
function Runner:next() end

---Iterates over the assistant messages.
---@return fun(): anthropic.Message?
function Runner:each() end

---Runs the loop to its end: the last message.
---@return anthropic.Message? message
---@return anthropic.Error? err
function Runner:until_done() end

---Stops the loop: no further request; an unfinished runner ends with an
---`aborted` error (idempotent). A runner has no `poll`: each step is a whole
---request; run it in an `anthropic.async` task to overlap it with other work.
---@return nil
function Runner:close() end

---A page of a list: id pages (`models.list`, `batches.list`: `first_id`,
---`last_id`) or cursor pages (`files.list`, `skills.list`: `next_page`).
---@class anthropic.Page
---@field data any[] The items of this page.
---@field has_more boolean
---@field first_id? string
---@field last_id? string
---@field next_page? string
local Page = {}

---The next page; nil when there is none.
---@return anthropic.Page? page
---@return anthropic.Error? err
function Page:next() end

---Iterates over every item of this page and the pages after it (a failure
---to fetch one raises its error).
---@return fun(): any
function Page:each() end

-- Conversation -----------------------------------------------------------------------

---`anthropic.conversation(opts)`: a history that sends itself.
---@class anthropic.conversation
---@overload fun(opts: anthropic.ConversationOptions): anthropic.Conversation
---@field Conversation table The class of conversations.
anthropic.conversation = {}

---@class anthropic.ConversationOptions : anthropic.MessageCreateParams
---@field client? anthropic.Client Default: `anthropic.default_client()`.
---@field model anthropic.Model
---@field max_tokens integer
---@field messages? anthropic.MessageParam[]

---@param opts anthropic.ConversationOptions
---@return anthropic.Conversation
function anthropic.conversation.new(opts) end

---A conversation saved with `to_json`.
---@param s string
---@param opts? anthropic.ConversationOptions
---@return anthropic.Conversation? conversation
---@return string? err
function anthropic.conversation.from_json(s, opts) end

---A conversation saved with `save`.
---@param path string
---@param opts? anthropic.ConversationOptions
---@return anthropic.Conversation? conversation
---@return string? err
function anthropic.conversation.load(path, opts) end

---@class anthropic.Conversation
---@field client anthropic.Client
---@field messages anthropic.MessageParam[]
local Conversation = {}

---Sends a user turn: the reply's text (with the prefill) and the message
---(the history gets both turns), or nil, err (the history is left as it was).
---@param content string|anthropic.ContentBlockParam[]
---@param opts? anthropic.RequestOptions|{prefill?: string}
---@return string? text
---@return anthropic.Message|anthropic.Error message_or_err
function Conversation:send(content, opts) end

---Adds a user turn without sending.
---@param content string|anthropic.ContentBlockParam[]
---@return anthropic.Conversation
function Conversation:add_user(content) end

---Adds an assistant turn without sending.
---@param content string|anthropic.ContentBlockParam[]
---@return anthropic.Conversation
function Conversation:add_assistant(content) end

---Removes the last exchange (a user turn and the reply after it).
---@return anthropic.MessageParam? user
---@return anthropic.MessageParam? reply
function Conversation:undo() end

---@return string json
function Conversation:to_json() end

---@param path string
---@return boolean? ok
---@return string? err
function Conversation:save(path) end

return anthropic
