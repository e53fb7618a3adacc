--- Google Vertex AI's side of a request, as pure functions for
-- `anthropic.vertex`: region, project and base URL from options and the
-- environment, and the rewrite of a Messages API call into
-- `.../publishers/anthropic/models/{model}:rawPredict` (or
-- `:streamRawPredict`, or `count-tokens:rawPredict`). Tokens are
-- `anthropic.google_credentials`.
-- @module anthropic.vertex_request
local platform = require("anthropic.platform_request")

local M = {}

local nonempty = platform.nonempty

--- The body's default `anthropic_version` on Vertex AI.
M.VERSION = "vertex-2023-10-16"

--- The region: `region`, else `CLOUD_ML_REGION`.
-- @tparam[opt] string region the option
-- @tparam[opt] function getenv like `os.getenv`
-- @treturn string the region, or nil and a message
function M.region(region, getenv)
  local r = nonempty(region) or nonempty((getenv or os.getenv)("CLOUD_ML_REGION"))
  if r then return r end
  return nil, "No region was given: pass region to anthropic.vertex or set CLOUD_ML_REGION"
end

--- The project given explicitly: `project_id`, else
-- `ANTHROPIC_VERTEX_PROJECT_ID` (else the caller asks the credentials).
-- @tparam[opt] string project_id the option
-- @tparam[opt] function getenv like `os.getenv`
-- @treturn string the project id, or nil
function M.project_id(project_id, getenv)
  return nonempty(project_id) or nonempty((getenv or os.getenv)("ANTHROPIC_VERTEX_PROJECT_ID"))
end

--- The base URL: `base_url`, else `ANTHROPIC_VERTEX_BASE_URL`, else by
-- region: global `https://aiplatform.googleapis.com/v1`, us/eu the
-- multi-region `https://aiplatform.{us,eu}.rep.googleapis.com/v1`, any other
-- `https://{region}-aiplatform.googleapis.com/v1`.
-- @tparam string region the region
-- @tparam[opt] string base_url the option
-- @tparam[opt] function getenv like `os.getenv`
-- @treturn string the base URL, without a trailing slash
function M.base_url(region, base_url, getenv)
  local url = nonempty(base_url) or nonempty((getenv or os.getenv)("ANTHROPIC_VERTEX_BASE_URL"))
  if not url then
    if region == "global" then
      url = "https://aiplatform.googleapis.com/v1"
    elseif region == "us" or region == "eu" then
      url = "https://aiplatform." .. region .. ".rep.googleapis.com/v1"
    else
      url = "https://" .. region .. "-aiplatform.googleapis.com/v1"
    end
  end
  return (url:gsub("/+$", ""))
end

local function segment(s)
  return platform.encode_segment(s, ":@")
end

--- Rewrites an Anthropic API call for Vertex AI. The path is relative to
-- M.base_url; ids are percent-encoded (`@` and `:` kept).
-- @tparam string path the Anthropic path (`/v1/messages`, `?beta=true`, `/v1/messages/count_tokens`)
-- @tparam table body the request parameters (not changed)
-- @tparam string project the project id
-- @tparam string region the region
-- @treturn table `{path, body, stream, model}`, or nil and a message
function M.rewrite(path, body, project, region)
  local op = platform.operation(path)
  if op == "batches" then return nil, "The Batch API is not supported in the Vertex client yet" end
  if op ~= "messages" and op ~= "count_tokens" then return nil, ("%s is not supported on Vertex AI"):format(path) end
  if type(body) ~= "table" or type(body.model) ~= "string" or body.model == "" then
    return nil, "a Vertex AI request needs a model (e.g. claude-sonnet-4@20250514)"
  end
  local base = "/projects/" .. segment(project) .. "/locations/" .. segment(region) .. "/publishers/anthropic/models/"
  if op == "count_tokens" then
    return { path = base .. "count-tokens:rawPredict", body = platform.copy_body(body, M.VERSION),
      stream = false, model = body.model }
  end
  local stream = body.stream == true
  return {
    path = base .. segment(body.model) .. (stream and ":streamRawPredict" or ":rawPredict"),
    body = platform.copy_body(body, M.VERSION, { "model" }), stream = stream, model = body.model,
  }
end

--- The headers that authenticate one attempt: `authorization: Bearer` with
-- a token from the client's token source (cached; fetched or refreshed
-- through `post` when needed).
-- @tparam table source from `anthropic.google_credentials.token_source`
-- @tparam function post `post(url, form_body) -> status, body`
-- @treturn table name -> value, or nil and an authentication_error
function M.auth_headers(source, post)
  local token, err = source:token(post)
  if not token then return nil, err end
  return { authorization = "Bearer " .. token }
end

return M
