--- Claude on Google Vertex AI: `anthropic.vertex(opts)` makes a client whose
-- `messages` (create, stream, the async forms, count_tokens, parse, the tool
-- runner, the conversation helper) work exactly as on `anthropic.new`.
-- Requests go to `.../projects/{p}/locations/{r}/publishers/anthropic/
-- models/{model}:rawPredict` (`:streamRawPredict` for streams, server-sent
-- events as on Anthropic's API; `count-tokens:rawPredict`), with
-- `anthropic_version` "vertex-2023-10-16" and `model` out of the body, and a
-- Google access token as a bearer token.
--
-- Options (besides every client option but `api_key` and `auth_token`):
-- `region` (`CLOUD_ML_REGION`; "global", "us", "eu" or a regional name),
-- `project_id` (`ANTHROPIC_VERTEX_PROJECT_ID`, else the credentials'),
-- `access_token` (a string, or a function called before every attempt),
-- `credentials` (a key file's path or its table; default: Application
-- Default Credentials, `GOOGLE_APPLICATION_CREDENTIALS` else gcloud's
-- file), `base_url` (`ANTHROPIC_VERTEX_BASE_URL`). Tokens from credentials
-- (a service account's RS256 JWT, or an authorized user's refresh token)
-- are cached per client and refreshed before they expire.
-- @module anthropic.vertex
local client = require("anthropic.client")
local errors = require("anthropic.errors")
local wire = require("anthropic.wire")
local google_credentials = require("anthropic.google_credentials")
local vertex_request = require("anthropic.vertex_request")
local platform = require("anthropic.platform")
local raise = require("anthropic.misuse").raise

local M = {}

--- The options that are Vertex's own (the others go to the client).
M.OPTIONS = { region = "string", project_id = "string", access_token = "string or function",
              credentials = "string or table" }

--- Makes a Vertex AI client.
-- @tparam[opt] table opts see the module's description
function M.new(opts)
  local where = "anthropic.vertex"
  local own, rest = platform.split_options(where, opts, M.OPTIONS, { "api_key", "auth_token" })
  local region, rerr = vertex_request.region(own.region)
  if not region then raise(where .. ": " .. rerr) end
  local source, serr = google_credentials.token_source({ access_token = own.access_token,
                                                          credentials = own.credentials })
  local project = vertex_request.project_id(own.project_id)
    or (source and source:credentials() and google_credentials.project_id(source:credentials()))
  if not project then
    raise(where .. ": no project: pass project_id, set ANTHROPIC_VERTEX_PROJECT_ID, or use credentials that name one")
  end
  rest.base_url = vertex_request.base_url(region, rest.base_url)
  local c = client.make(rest)
  local function post(url, form) return wire.post_form(c, url, form) end
  c.platform = platform.new({
    name = "Vertex",
    prepare = function(req)
      local call, err = vertex_request.rewrite(req.path or "", req.body, project, region)
      if not call then return nil, err end
      return { path = call.path, body = call.body }
    end,
    authorize = function()
      if not source then
        return nil, errors.new({ type = "authentication_error", reason = "credentials",
                                 message = "anthropic.vertex: " .. tostring(serr and serr.message or serr) ..
                                           "; nothing was sent" })
      end
      return vertex_request.auth_headers(source, post)
    end,
    -- A 401: the cached token is dropped and the call tries once more with
    -- a new one, as the official SDK does with its token cache.
    refresh_credentials = function() return source ~= nil and source:invalidate() end,
  })
  return c
end

return M
