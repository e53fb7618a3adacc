--- Pages of a list endpoint (models, files, message batches), one pattern
-- everywhere:
--
--     local page, err = client.models.list({ limit = 20 })
--     for _, model in ipairs(page.data) do print(model.id) end
--     page = page:next()                     -- nil when there is none (nil, err on failure)
--     for model in client.models.list():each() do print(model.id) end  -- every page
--
-- A page has `data`, `has_more`, `first_id` and `last_id`. A list started
-- with `before_id` walks backwards: its next page is the one before `first_id`.
-- @module anthropic.pagination
local options = require("anthropic.options")
local raise = options.raise

local M = {}

--- The query keys every list endpoint takes.
M.QUERY = { limit = "number", after_id = "string", before_id = "string" }

local Page = {}
Page.__index = Page
M.Page = Page

-- What a page needs to fetch the next one, kept out of the page's fields so
-- that printing or serialising a page shows the API's data only.
local hidden = setmetatable({}, { __mode = "k" })

--- Splits list options into the query (limit, after_id, before_id and any
-- `extra` query keys) and the request options; checks both.
-- @tparam string where the function name for error messages
-- @tparam[opt] table opts what the caller passed
-- @tparam[opt] table extra more query keys and their Lua types
function M.split(where, opts, extra)
  if opts == nil then return {}, nil end
  if type(opts) ~= "table" then raise(("%s: options must be a table, got %s"):format(where, type(opts))) end
  local query, rest = {}, {}
  for k, v in pairs(opts) do
    local want = M.QUERY[k] or (extra and extra[k])
    if want then
      if type(v) ~= want then
        raise(("%s: option '%s' must be a %s, got %s"):format(where, k, want, type(v)))
      end
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

local function make(client, req, body)
  local page = setmetatable({
    data = type(body.data) == "table" and body.data or {},
    has_more = body.has_more == true,
    first_id = body.first_id,
    last_id = body.last_id,
  }, Page)
  hidden[page] = { client = client, req = req, backwards = req.query.before_id ~= nil }
  return page
end

--- Fetches the first page of list request `req` (see `Client:request`; its
-- `query` holds limit, after_id, before_id): a page, or nil, err.
function M.fetch(client, req)
  req.query = req.query or {}
  local body, err = client:request(req)
  if body == nil then return nil, err end
  return make(client, req, body)
end

--- The next page: a page, nil when this one is the last, or nil, err.
function Page:next()
  if not self.has_more then return nil end
  local h = hidden[self]
  local cursor = h.backwards and self.first_id or self.last_id
  if cursor == nil then return nil end
  local req, query = {}, {}
  for k, v in pairs(h.req) do req[k] = v end
  for k, v in pairs(h.req.query) do query[k] = v end
  query.after_id, query.before_id = nil, nil
  query[h.backwards and "before_id" or "after_id"] = cursor
  req.query = query
  return M.fetch(h.client, req)
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
