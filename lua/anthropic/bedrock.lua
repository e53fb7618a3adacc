--- Claude on Amazon Bedrock: `anthropic.bedrock(opts)` makes a client whose
-- `messages` (create, stream, the async forms, parse, the tool runner, the
-- conversation helper) work exactly as on `anthropic.new`. Each request is
-- rewritten as the official SDKs do (`POST /model/{id}/invoke` or
-- `/invoke-with-response-stream`, `model` and `stream` out of the body,
-- `anthropic_version` "bedrock-2023-05-31", betas as `anthropic_beta`) and
-- signed with SigV4 in the core for every attempt, or sent with a Bedrock
-- API key as a bearer token. Streams arrive as AWS event-stream frames,
-- decoded in C into the same events an SSE stream gives.
--
-- Options (besides every client option but `auth_token`): `aws_region`,
-- `aws_access_key`, `aws_secret_key`, `aws_session_token`, `aws_profile`,
-- `api_key` (a Bedrock API key), `base_url`; each falls back on the
-- environment and the shared AWS files as botocore resolves them (see
-- `anthropic.aws_config`).
-- @module anthropic.bedrock
local client = require("anthropic.client")
local errors = require("anthropic.errors")
local aws_config = require("anthropic.aws_config")
local bedrock_request = require("anthropic.bedrock_request")
local platform = require("anthropic.platform")

local M = {}

--- The options that are Bedrock's own (the others go to the client).
M.OPTIONS = { aws_region = "string", aws_access_key = "string", aws_secret_key = "string",
              aws_session_token = "string", aws_profile = "string", api_key = "string" }

--- Makes a Bedrock client.
-- @tparam[opt] table opts see the module's description
function M.new(opts)
  local where = "anthropic.bedrock"
  local own, rest = platform.split_options(where, opts, M.OPTIONS, { "auth_token" })
  local settings, why = aws_config.resolve(own)
  rest.base_url = bedrock_request.base_url(settings and settings.region or aws_config.region(own), rest.base_url)
  local c = client.make(rest)
  c.platform = platform.new({
    name = "Bedrock",
    prepare = function(req)
      local betas = req.betas and { ["anthropic-beta"] = table.concat(req.betas, ",") }
      local call, err = bedrock_request.rewrite(req.path or "", req.body, betas)
      if not call then return nil, err end
      return { path = call.path, body = call.body, betas = false }
    end,
    authorize = function(spec, headers)
      if not settings then
        return nil, errors.new({ type = "authentication_error", reason = "credentials",
                                 message = "anthropic.bedrock: " .. why .. "; nothing was sent" })
      end
      return bedrock_request.auth_headers(settings, spec.method or "GET", spec.url, headers, spec.body)
    end,
    response_error = bedrock_request.response_error,
    stream_error = bedrock_request.error_event_error,
    request_id_header = "x-amzn-requestid",
  })
  return c
end

return M
