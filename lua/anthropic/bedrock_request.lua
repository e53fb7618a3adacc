--- Amazon Bedrock's side of a request, as pure functions for
-- `anthropic.bedrock`: the base URL, the rewrite of a Messages API call into
-- `POST /model/{id}/invoke` (or `/invoke-with-response-stream`), and the
-- errors of Bedrock answers and of its event stream's exception frames.
-- Signing is `anthropic.core.sigv4`; credentials are `anthropic.aws_config`.
-- @module anthropic.bedrock_request
local core = require("anthropic.core")
local errors = require("anthropic.errors")
local platform = require("anthropic.platform_request")

local M = {}

--- The body's default `anthropic_version` on Bedrock.
M.VERSION = "bedrock-2023-05-31"
--- SigV4's signing name (`bedrock-runtime` is only the host prefix).
M.SIGNING_NAME = "bedrock"

--- The HTTP status of each exception of Bedrock's ResponseStream.
M.EXCEPTION_STATUS = {
  internalServerException = 500,
  modelStreamErrorException = 424,
  validationException = 400,
  throttlingException = 429,
  modelTimeoutException = 408,
  serviceUnavailableException = 503,
}

--- The base URL: `base_url`, else `ANTHROPIC_BEDROCK_BASE_URL`, else
-- `https://bedrock-runtime.{region}.amazonaws.com`.
-- @tparam string region the AWS region
-- @tparam[opt] string base_url the option
-- @tparam[opt] function getenv like `os.getenv`
-- @treturn string the base URL, without a trailing slash
function M.base_url(region, base_url, getenv)
  getenv = getenv or os.getenv
  local url = platform.nonempty(base_url) or platform.nonempty(getenv("ANTHROPIC_BEDROCK_BASE_URL"))
    or ("https://bedrock-runtime." .. region .. ".amazonaws.com")
  return (url:gsub("/+$", ""))
end

--- A model id as a path segment: `:` kept, everything else but unreserved
-- characters percent-encoded (an ARN's `/` becomes `%2F`).
-- @tparam string model the model id or ARN
-- @treturn string the encoded id
function M.encode_model(model)
  return platform.encode_segment(model, ":")
end

local UNSUPPORTED = {
  batches = "The Batch API is not supported in Bedrock yet",
  count_tokens = "Token counting is not supported in Bedrock yet",
}

--- Rewrites an Anthropic API call for Bedrock.
-- @tparam string path the Anthropic path (`/v1/messages`, `/v1/messages?beta=true`, `/v1/complete`)
-- @tparam table body the request parameters (not changed)
-- @tparam[opt] table headers the request's headers (`anthropic-beta` is copied into the body)
-- @treturn table `{path, body, stream, model}`, or nil and a message
function M.rewrite(path, body, headers)
  local op = platform.operation(path)
  if UNSUPPORTED[op] then return nil, UNSUPPORTED[op] end
  if op ~= "messages" and op ~= "complete" then return nil, ("%s is not supported on Bedrock"):format(path) end
  if type(body) ~= "table" or type(body.model) ~= "string" or body.model == "" then
    return nil, "a Bedrock request needs a model (the Bedrock model id or ARN)"
  end
  local stream = body.stream == true
  local out = platform.copy_body(body, M.VERSION, { "model", "stream" })
  local beta = platform.header(headers, "anthropic-beta")
  if out.anthropic_beta == nil and type(beta) == "string" and beta ~= "" then
    local list = {}
    for item in beta:gmatch("[^,]+") do
      item = item:gsub("^%s+", ""):gsub("%s+$", "")
      if item ~= "" then list[#list + 1] = item end
    end
    out.anthropic_beta = list
  end
  return {
    path = "/model/" .. M.encode_model(body.model) .. (stream and "/invoke-with-response-stream" or "/invoke"),
    body = out, stream = stream, model = body.model,
  }
end

--- The headers that authenticate one attempt, to add to the request as it
-- is sent (call again for every attempt: the signature covers the time).
-- With a Bedrock API key: `authorization: Bearer ...`. With AWS keys: SigV4
-- over the method, URL, headers and the exact body bytes (host, x-amz-date,
-- x-amz-security-token when there is a session token, authorization).
-- @tparam table settings from `anthropic.aws_config.resolve`
-- @tparam string method "POST"
-- @tparam string url the absolute URL as sent
-- @tparam table headers name -> value: the request's other headers, as sent
-- @param body the body as sent: a string or a `core.json_body`
-- @tparam[opt] number now Unix seconds (default the current time)
-- @treturn table name -> value of the headers to add
function M.auth_headers(settings, method, url, headers, body, now)
  if settings.auth == "bearer" then return { authorization = "Bearer " .. settings.api_key } end
  return (core.sigv4({
    method = method, url = url, headers = headers, body = body, time = now,
    region = settings.region, service = M.SIGNING_NAME, access_key = settings.access_key,
    secret_key = settings.secret_key, session_token = settings.session_token,
  }))
end

local function lower_first(s)
  return s:sub(1, 1):lower() .. s:sub(2)
end

-- The error of a stream exception named `name` (its status as
-- EXCEPTION_STATUS maps it, else 400 as botocore).
local function exception_error(name, message, extra)
  local status = M.EXCEPTION_STATUS[lower_first(name)] or 400
  local fields = {
    type = name, status = status, reason = "stream_exception",
    message = type(message) == "string" and message ~= "" and message or ("Bedrock stream " .. name),
    retryable = status == 408 or status == 429 or status >= 500,
  }
  for k, v in pairs(extra or {}) do fields[k] = v end
  return errors.new(fields)
end

--- The error an exception or error frame of the event stream ends the stream
-- with: `type` the exception's name (e.g. "throttlingException"), `status`
-- as `EXCEPTION_STATUS` maps it (400 for others, as botocore), `retryable`
-- for 408, 429 and 5xx.
-- @tparam table frame a decoded frame (`core.eventstream_decoder`):
--   `message_type`, `exception_type`, `error_code`, `error_message`, `payload`
-- @tparam[opt] function decode a JSON decoder returning nil on bad input
--   (default `core.decode_safe`)
-- @treturn table the error
function M.stream_error(frame, decode)
  if frame.message_type == "error" then return exception_error(frame.error_code or "error", frame.error_message) end
  decode = decode or core.decode_safe
  local doc = frame.payload and decode(frame.payload)
  if type(doc) ~= "table" then return exception_error(frame.exception_type or "exception") end
  return exception_error(frame.exception_type or "exception", doc.message or doc.Message, {
    original_status = tonumber(doc.originalStatusCode),
    original_message = type(doc.originalMessage) == "string" and doc.originalMessage or nil,
  })
end

--- The same for the `error` event the core's Bedrock stream makes of an
-- exception frame (`{"type":"error","error":{"type":name,"message":...}}`,
-- see csrc/bedrock_stream.h). An error event of the API itself (a
-- snake_case type such as "overloaded_error", inside a chunk) gives nil: it
-- is handled as on any stream.
-- @tparam table data the decoded event
-- @treturn table the error, or nil
function M.error_event_error(data)
  local e = type(data) == "table" and data.error
  if type(e) ~= "table" or type(e.type) ~= "string" then return nil end
  local name = e.type
  -- the API's own types are snake_case ("overloaded_error"); AWS names are not
  if name:find("_", 1, true) then return nil end
  return exception_error(name, e.message)
end

--- The error of an event stream that could not be decoded (bad CRC,
-- truncated or over-size frame): an `incomplete_stream`.
-- @tparam string kind what the decoder reported ("bad_crc", "too_big", "malformed", "truncated")
-- @tparam string message its description
-- @tparam[opt] number events events received before
-- @treturn table the error
function M.decode_error(kind, message, events)
  return errors.new({ type = "incomplete_stream", reason = kind, events = events or 0,
    message = ("Bedrock event stream: %s (after %d events)"):format(message, events or 0) })
end

--- Bedrock's error code of a failed answer: the `x-amzn-errortype` header
-- (the part before `:`), else the body's `__type` (after `#`) or `code`.
-- @tparam table headers lower-cased response headers
-- @param decoded the body decoded as JSON, or nil
-- @treturn string the code, or nil
function M.error_code(headers, decoded)
  local h = headers and headers["x-amzn-errortype"]
  if type(h) == "string" and h ~= "" then return (h:match("^[^:]*")) end
  if type(decoded) == "table" then
    local t = decoded.__type or decoded.code or decoded.Code
    if type(t) == "string" and t ~= "" then return (t:match("[^#]*$")) end
  end
  return nil
end

--- The error of a failed Bedrock answer: mapped by status like the SDKs,
-- with `error_code` (e.g. "ThrottlingException"), the message from
-- `message`/`Message` and the request id from `x-amzn-requestid` when there
-- is no `request-id`.
-- @tparam number status the HTTP status
-- @tparam table headers lower-cased response headers
-- @tparam string raw the body as received
-- @param decoded the body decoded as JSON, or nil
-- @treturn table the error
function M.response_error(status, headers, raw, decoded)
  local err = errors.from_response(status, headers, raw, decoded)
  if type(decoded) == "table" and type(decoded.Message) == "string" and type(decoded.message) ~= "string" then
    err.message = decoded.Message
  end
  err.error_code = M.error_code(headers, decoded)
  err.request_id = headers["x-amzn-requestid"] or err.request_id
  return err
end

return M
