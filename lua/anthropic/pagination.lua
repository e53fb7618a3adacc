--- Pages of a list endpoint, one page object for the API's two kinds:
--
-- * id pages (`limit`, `after_id`, `before_id`; models, message batches):
--   `data`, `has_more`, `first_id`, `last_id`; a list started with
--   `before_id` walks backwards (its next page is the one before `first_id`);
-- * cursor pages (`limit`, `page`; files, skills and most newer lists):
--   `data`, `next_page`; `has_more` is true while `next_page` is set.
--
-- Each list knows its kind; the caller never chooses.
--
--     local page, err = client.models.list({ limit = 20 })
--     for _, model in ipairs(page.data) do print(model.id) end
--     page = page:next()                     -- nil when there is none (nil, err on failure)
--     for model in client.models.list():each() do print(model.id) end  -- every page
-- @module anthropic.pagination
local raise = require("anthropic.misuse").raise

local M = {}

--- The query keys of each kind of list and their Lua types.
M.QUERY = {
  id = { limit = "number", after_id = "string", before_id = "string" },
  cursor = { limit = "number", page = "string" },
}

local Page = {}
Page.__index = Page
M.Page = Page

-- What a page needs to fetch the next one, kept out of the page's fields so
-- that printing or serialising a page shows the API's data only.
local hidden = setmetatable({}, { __mode = "k" })

local function check_list(where, k, v)
  for i = 1, #v do
    if type(v[i]) ~= "string" then raise(("%s: option '%s'[%d] must be a string"):format(where, k, i)) end
  end
  for key in pairs(v) do
    if type(key) ~= "number" or key < 1 or key > #v or key % 1 ~= 0 then
      raise(("%s: option '%s' must be a list of strings"):format(where, k))
    end
  end
end

--- Splits list options into the query (the keys of `kind`, "id" or
-- "cursor", and any `extra` query keys with their Lua types; a "table"
-- key takes a list of strings, sent as `k[]=a&k[]=b`) and the request
-- options; checks both.
function M.split(where, opts, kind, extra)
  if opts == nil then return {}, nil end
  if type(opts) ~= "table" then raise(("%s: options must be a table, got %s"):format(where, type(opts))) end
  local known = M.QUERY[kind]
  local query, rest = {}, {}
  for k, v in pairs(opts) do
    local want = known[k] or (extra and extra[k])
    if want then
      if type(v) ~= want then
        raise(("%s: option '%s' must be a %s, got %s"):format(where, k, want == "table" and "list" or want, type(v)))
      end
      if want == "table" then check_list(where, k, v) end
      query[k] = v
    else
      rest[k] = v
    end
  end
  if query.limit ~= nil and not (query.limit >= 1 and query.limit % 1 == 0) then
    raise(where .. ": option 'limit' must be a positive integer")
  end
  if query.limit then query.limit = ("%d"):format(query.limit) end
  if query.after_id and query.before_id then
    raise(where .. ": give after_id or before_id, not both")
  end
  return query, rest
end

local function make(client, req, kind, body)
  local page = setmetatable({ data = type(body.data) == "table" and body.data or {} }, Page)
  if kind == "id" then
    page.has_more, page.first_id, page.last_id = body.has_more == true, body.first_id, body.last_id
  else
    page.next_page = type(body.next_page) == "string" and body.next_page or nil
    if body.has_more ~= nil then
      page.has_more = body.has_more == true and page.next_page ~= nil
    else
      page.has_more = page.next_page ~= nil
    end
  end
  hidden[page] = { client = client, req = req, kind = kind, backwards = req.query.before_id ~= nil }
  return page
end

--- Fetches the first page of list request `req` (see `anthropic.call`; its
-- `query` holds the list's query) of kind "id" or "cursor": a page, or nil, err.
function M.fetch(client, req, kind)
  req.query = req.query or {}
  local body, err = client:request(req)
  if body == nil then return nil, err end
  return make(client, req, kind or "id", body)
end

-- The query of the page after `page`, or nil when there is none.
local function next_query(page, h)
  local query = {}
  for k, v in pairs(h.req.query) do query[k] = v end
  if h.kind == "cursor" then
    if not page.next_page then return nil end
    query.page = page.next_page
    return query
  end
  if not page.has_more then return nil end
  local cursor = h.backwards and page.first_id or page.last_id
  if cursor == nil then return nil end
  query.after_id, query.before_id = nil, nil
  query[h.backwards and "before_id" or "after_id"] = cursor
  return query
end

--- The next page: a page, nil when this one is the last, or nil, err.
function Page:next()
  local h = hidden[self]
  local query = next_query(self, h)
  if not query then return nil end
  local req = {}
  for k, v in pairs(h.req) do req[k] = v end
  req.query = query
  return M.fetch(h.client, req, h.kind)
end

--- Iterates every item of this page and of the pages after it, fetching
-- them as it goes. A failure to fetch a later page raises its error (an
-- `anthropic.errors` table; a `for` loop has no way to return it).
function Page:each()
  local page, i = self, 0
  return function()
    while page do
      i = i + 1
      local item = page.data[i]
      if item ~= nil then return item end
      local nxt, err = page:next()
      if err then error(err, 0) end
      page, i = nxt, 0
    end
    return nil
  end
end

--- "anthropic.page (N items, more)".
function Page:__tostring()
  return ("anthropic.page (%d items%s)"):format(#self.data, self.has_more and ", more" or "")
end

return M
