--- The Models API: `client.models.list` and `client.models.retrieve`.
-- @module anthropic.models
local endpoint = require("anthropic.endpoint")
local pagination = require("anthropic.pagination")

local M = {}

--- The `models` table of a client.
function M.bind(client)
  local api = {}

  --- Lists the models, newest first: a page (see `anthropic.pagination`), or nil, err.
  -- opts: `limit`, `after_id`, `before_id`, and the request options.
  function api.list(a, b)
    local opts = endpoint.args(api, a, b)
    local where = "anthropic.models.list"
    local query, rest = pagination.split(where, opts, "id")
    return pagination.fetch(client, endpoint.request(client, where, rest, { method = "GET", path = "/v1/models",
                                                                             query = query }), "id")
  end

  -- One model (`id`, `display_name`, `created_at`, `type`), or nil, err; `id` is a model id or alias.
  api.retrieve = endpoint.by_id(client, api, "anthropic.models.retrieve", "GET", "/v1/models", "model id")

  return api
end

return M
