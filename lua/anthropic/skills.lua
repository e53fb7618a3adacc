--- The Skills API (GA: no beta header): `client.skills` (create, list,
-- retrieve, delete) and `client.skills.versions` (create, list, retrieve,
-- delete). A skill is uploaded as a multipart body of `files[]` parts,
-- streamed from disk.
--
--     local skill = assert(client.skills.create({ display_name = "Expenses",
--       files = { "expenses/SKILL.md", { path = "expenses/rules.md", filename = "expenses/rules.md" } } }))
-- @module anthropic.skills
local endpoint = require("anthropic.endpoint")
local pagination = require("anthropic.pagination")
local files = require("anthropic.files")
local raise = require("anthropic.misuse").raise

local M = {}

local BASE = "/v1/skills"

-- The multipart parts of a skill (or version) upload: `params.files`, a
-- list of paths or {data|path, filename, type}, plus the text fields named
-- in `fields`.
local function upload_parts(where, params, fields)
  endpoint.check_params(where, params)
  if type(params.files) ~= "table" or #params.files == 0 then
    raise(where .. ": params.files must be a non-empty list of paths or {data|path = ..., filename = ...}")
  end
  local parts = {}
  for i, source in ipairs(params.files) do
    parts[i] = files.part(("%s: files[%d]"):format(where, i), "files[]", source)
  end
  for k, v in pairs(params) do
    if k ~= "files" then
      if not fields[k] then raise(("%s: unknown param '%s'"):format(where, tostring(k))) end
      if type(v) ~= "string" then raise(("%s: param '%s' must be a string"):format(where, k)) end
      parts[#parts + 1] = { name = k, data = v }
    end
  end
  return parts
end

-- The functions of a collection: create (multipart), list (cursor pages),
-- retrieve and delete. `spec.base(where, parent)` is its path; with
-- `spec.parent`, every function takes the parent's id first.
local function collection(client, name, spec)
  local api = {}

  -- The arguments after the parent id (nil without spec.parent).
  local function split(a, b, c, d)
    local x, y, z = endpoint.args(api, a, b, c, d)
    if spec.parent then return x, y, z end
    return nil, x, y
  end

  --- Creates one from `params.files` (and its text fields): the object, or nil, err.
  function api.create(a, b, c, d)
    local parent, params, opts = split(a, b, c, d)
    local where = ("anthropic.%s.create"):format(name)
    local parts = upload_parts(where, params, spec.fields)
    return client:request(endpoint.request(client, where, opts, { method = "POST", path = spec.base(where, parent),
                                                                   multipart = parts }))
  end

  --- Lists them, newest first: a cursor page (see `anthropic.pagination`), or nil, err.
  function api.list(a, b, c)
    local parent, opts = split(a, b, c)
    local where = ("anthropic.%s.list"):format(name)
    local query, rest = pagination.split(where, opts, "cursor", spec.filters)
    return pagination.fetch(client, endpoint.request(client, where, rest, {
      method = "GET", path = spec.base(where, parent), query = query }), "cursor")
  end

  local function one(method, verb)
    return function(a, b, c, d)
      local parent, id, opts = split(a, b, c, d)
      local where = ("anthropic.%s.%s"):format(name, verb)
      local path = spec.base(where, parent) .. "/" .. endpoint.id(where, spec.item, id)
      return client:request(endpoint.request(client, where, opts, { method = method, path = path }))
    end
  end
  api.retrieve = one("GET", "retrieve")  -- one of them, or nil, err
  api.delete = one("DELETE", "delete")   -- {id = ..., type = ...}, or nil, err
  return api
end

--- The `skills` table of a client; `skills.versions` functions take the
-- skill id first (`client.skills.versions.retrieve(skill_id, version)`).
function M.bind(client)
  local api = collection(client, "skills", {
    base = function() return BASE end, item = "skill id",
    fields = { display_name = true }, filters = { source = "string" },
  })
  api.versions = collection(client, "skills.versions", {
    base = function(where, skill_id) return BASE .. "/" .. endpoint.id(where, "skill id", skill_id) .. "/versions" end,
    parent = true, item = "version", fields = {},
  })
  return api
end

return M
