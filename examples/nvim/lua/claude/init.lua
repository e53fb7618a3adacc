--- claude: a minimal Neovim plugin over lua-anthropic.
--
--   :Claude {prompt}          ask; the answer streams into the [Claude] buffer
--   :'<,'>Claude {prompt}     the same, with the selected lines attached
--   :ClaudeCancel             stop the running answer (<C-c> in that buffer)
--
-- The client runs on Neovim's own libuv loop (anthropic.uv): nothing polls
-- and nothing blocks the editor while an answer streams in. The driver is
-- attached with `schedule = vim.schedule`, so the SDK's callbacks run where
-- vim.api is allowed, not in the loop's "fast" context.
-- luacheck: globals vim
local M = {}

local function env(name)
  local v = os.getenv(name)
  if v == "" then return nil end
  return v
end

--- The options; `setup()` overrides them.
M.config = {
  model = env("ANTHROPIC_MODEL") or "claude-sonnet-4-5",
  max_tokens = tonumber(env("ANTHROPIC_MAX_TOKENS") or "") or 1024,
  system = nil,      -- an optional system prompt
  api_key = nil,     -- nil: ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)
  base_url = nil,    -- nil: ANTHROPIC_BASE_URL, else https://api.anthropic.com
  cpath = nil,       -- where anthropic/core.so is: "/dir/?.so", "/dir", or a list
  cancel_key = "<C-c>",
  split = "botright split", -- how the answer buffer is opened when not shown
}

local state = {
  client = nil, -- the anthropic client, made on first use
  buf = nil,    -- the [Claude] scratch buffer
  job = nil,    -- the running answer
}

--- The last answer (running or not): `status` is "running", "done",
-- "cancelled" or "error"; `text` the text received so far; `err` the error.
M.last = nil

local levels = vim.log.levels

local function notify(msg, level)
  -- Safe from anywhere, the fast context included.
  vim.schedule(function() vim.notify("Claude: " .. msg, level or levels.ERROR) end)
end

-- ---------------------------------------------------------------------------
-- Finding the SDK
-- ---------------------------------------------------------------------------

local function exists(path)
  return vim.loop.fs_stat(path) ~= nil
end

-- Whether the in-place core (anthropic/core.so at the root, from `make
-- LUA=luajit`) is LuaJIT's: its stamp says so and is not older than it (a
-- later `luarocks make` in the checkout rewrites core.so for another Lua).
local function inplace_is_luajit(root)
  local stamp = vim.loop.fs_stat(root .. "/anthropic/.built-for-luajit")
  local so = vim.loop.fs_stat(root .. "/anthropic/core.so")
  if not (stamp and so) then return false end
  local function t(st) return st.mtime.sec + st.mtime.nsec / 1e9 end
  return t(stamp) >= t(so)
end

local function prepend(field, entry)
  if not package[field]:find(entry, 1, true) then
    package[field] = entry .. ";" .. package[field]
  end
end

-- The repository this file lives in, when run from a checkout of
-- lua-anthropic (examples/nvim/lua/claude/init.lua).
local function repo_root()
  local src = debug.getinfo(1, "S").source
  if src:sub(1, 1) ~= "@" then return nil end
  local file = vim.fn.fnamemodify(src:sub(2), ":p"):gsub("//+", "/")
  return file:match("^(.*)/examples/nvim/lua/claude/init%.lua$")
end

--- Puts the C core (and the Lua layer, if needed) on Lua's search paths:
-- `config.cpath` first, then the checkout's build/luajit/ (`make
-- build-luajit`) or its root (`make LUA=luajit`).
function M.paths()
  local cp = M.config.cpath
  if type(cp) == "string" then cp = { cp } end
  local root = repo_root()
  if root then
    if inplace_is_luajit(root) then prepend("cpath", root .. "/?.so") end
    if exists(root .. "/build/luajit/anthropic/core.so") then prepend("cpath", root .. "/build/luajit/?.so") end
    if exists(root .. "/lua/anthropic/init.lua") then
      prepend("path", root .. "/lua/?/init.lua")
      prepend("path", root .. "/lua/?.lua")
    end
  end
  for i = #(cp or {}), 1, -1 do -- the user's entries end up first, in order
    local entry = cp[i]
    if not entry:find("?", 1, true) then entry = entry:gsub("/$", "") .. "/?.so" end
    prepend("cpath", entry)
  end
end

--- The JSON codec the client decodes with and its name: Neovim's vim.json
-- when there is one, else the core's own decoder (nil).
function M.codec()
  if vim.json then return vim.json, "vim.json" end
  return nil, "builtin (anthropic.core)"
end

local function client()
  if state.client then return state.client end
  M.paths()
  local ok, anthropic = pcall(require, "anthropic")
  if not ok then
    error("cannot load lua-anthropic (build it with `make LUA=luajit`, or set cpath in setup()): "
          .. tostring(anthropic), 0)
  end
  local c = anthropic.new({
    api_key = M.config.api_key,
    base_url = M.config.base_url,
    json = M.codec(),
  })
  require("anthropic.uv").attach(c, vim.loop, {
    schedule = vim.schedule,
    on_error = function(err) notify(tostring(err)) end,
  })
  state.client = c
  return c
end

-- ---------------------------------------------------------------------------
-- The answer buffer
-- ---------------------------------------------------------------------------

local api = vim.api

local function buffer()
  local buf = state.buf
  if buf and api.nvim_buf_is_valid(buf) then return buf end
  buf = api.nvim_create_buf(false, true) -- unlisted scratch buffer
  api.nvim_buf_set_name(buf, "[Claude]")
  api.nvim_buf_set_option(buf, "bufhidden", "hide")
  api.nvim_buf_set_option(buf, "filetype", "markdown")
  vim.keymap.set("n", M.config.cancel_key, M.cancel, { buffer = buf, desc = "Cancel the Claude answer" })
  state.buf = buf
  return buf
end

--- Shows the answer buffer (in a new split unless a window shows it).
function M.show()
  local buf = buffer()
  local win = vim.fn.bufwinid(buf)
  if win == -1 then
    vim.cmd(M.config.split)
    win = api.nvim_get_current_win()
    api.nvim_win_set_buf(win, buf)
    api.nvim_win_set_option(win, "wrap", true)
    api.nvim_win_set_option(win, "linebreak", true)
  end
  return buf, win
end

local function last_line(buf)
  local n = api.nvim_buf_line_count(buf)
  return n, api.nvim_buf_get_lines(buf, n - 1, n, false)[1] or ""
end

-- Appends text at the very end of buf (newlines start lines); windows whose
-- cursor was on the last line follow it.
local function append(buf, text)
  if text == "" or not api.nvim_buf_is_valid(buf) then return end
  local n, line = last_line(buf)
  local followers = {}
  for _, win in ipairs(vim.fn.win_findbuf(buf)) do
    if api.nvim_win_get_cursor(win)[1] == n then followers[#followers + 1] = win end
  end
  api.nvim_buf_set_text(buf, n - 1, #line, n - 1, #line, vim.split(text, "\n", { plain = true }))
  n = api.nvim_buf_line_count(buf)
  for _, win in ipairs(followers) do api.nvim_win_set_cursor(win, { n, 0 }) end
end

-- Adds a line of its own (after the text so far).
local function add_line(buf, s)
  if not api.nvim_buf_is_valid(buf) then return end
  local _, line = last_line(buf)
  append(buf, (line == "" and "" or "\n") .. s)
end

-- ---------------------------------------------------------------------------
-- Asking
-- ---------------------------------------------------------------------------

-- Text arrives in many small deltas: they are collected and written to the
-- buffer once per batch (one vim.schedule), not once per delta.
local function flush(job)
  job.flush_pending = false
  if #job.queue == 0 then return end
  local text = table.concat(job.queue)
  job.queue = {}
  append(job.buf, text)
  job.flushes = job.flushes + 1
end

local function finish(job, status, mark)
  flush(job)
  job.status = status
  if mark then add_line(job.buf, mark) end
  if state.job == job then state.job = nil end
end

--- Cancels the running answer, if any: its transfer stops at once and
-- "[cancelled]" ends its text. Returns whether one was running.
function M.cancel()
  local job = state.job
  if not job then return false end
  finish(job, "cancelled", "[cancelled]") -- first: the stream's on_done (aborted) then sees it is over
  job.stream:close()
  return true
end

--- Asks `prompt` (with `context`, a string, attached) and streams the
-- answer into the [Claude] buffer. A running answer is cancelled first.
function M.ask(prompt, context)
  M.cancel()
  local ok, c = pcall(client)
  if not ok then
    vim.notify("Claude: " .. tostring(c), levels.ERROR)
    return nil
  end
  local content = prompt
  if context and context ~= "" then content = prompt .. "\n\n```\n" .. context .. "\n```" end
  local buf = M.show()
  local _, line = last_line(buf)
  local header = {}
  if api.nvim_buf_line_count(buf) > 1 or line ~= "" then header[#header + 1] = "" end
  for _, l in ipairs(vim.split(prompt, "\n", { plain = true })) do header[#header + 1] = "> " .. l end
  header[#header + 1] = ""
  if api.nvim_buf_line_count(buf) == 1 and line == "" then
    api.nvim_buf_set_lines(buf, 0, 1, false, header)
  else
    api.nvim_buf_set_lines(buf, -1, -1, false, header)
  end
  for _, win in ipairs(vim.fn.win_findbuf(buf)) do
    api.nvim_win_set_cursor(win, { api.nvim_buf_line_count(buf), 0 })
  end

  local job = { buf = buf, queue = {}, parts = {}, flushes = 0, status = "running" }
  job.text = function() return table.concat(job.parts) end
  local params = {
    model = M.config.model,
    max_tokens = M.config.max_tokens,
    system = M.config.system,
    messages = { { role = "user", content = content } },
  }
  local started, stream = pcall(c.messages.stream_async, params, {
    on_text = function(delta)
      if job.status ~= "running" then return end
      job.parts[#job.parts + 1] = delta
      job.queue[#job.queue + 1] = delta
      if not job.flush_pending then
        job.flush_pending = true
        vim.schedule(function() flush(job) end)
      end
    end,
    on_done = function(message, err)
      if job.status ~= "running" then return end
      if err then
        job.err = err
        finish(job, "error", "[error]")
        vim.notify("Claude: " .. tostring(err), levels.ERROR)
      else
        job.message = message
        finish(job, "done", message.stop_reason == "max_tokens" and "[max_tokens reached]" or nil)
      end
    end,
  })
  if not started then
    job.err = stream
    finish(job, "error", "[error]")
    vim.notify("Claude: " .. tostring(stream), levels.ERROR)
    return nil
  end
  job.stream = stream
  state.job = job
  M.last = job
  return job
end

--- The command: `:[range]Claude {prompt}`.
function M.command(opts)
  local context
  if opts.range and opts.range > 0 then
    context = table.concat(api.nvim_buf_get_lines(0, opts.line1 - 1, opts.line2, false), "\n")
  end
  if opts.args == "" then
    vim.notify("Claude: usage: :Claude {prompt}", levels.WARN)
    return
  end
  M.ask(opts.args, context)
end

--- Defines :Claude and :ClaudeCancel (plugin/claude.lua does it at startup).
function M.commands()
  api.nvim_create_user_command("Claude", M.command, { nargs = "*", range = true, desc = "Ask Claude" })
  api.nvim_create_user_command("ClaudeCancel", function() M.cancel() end, { desc = "Cancel the Claude answer" })
end

--- Sets options (see `M.config`); a client already made is replaced.
function M.setup(opts)
  for k, v in pairs(opts or {}) do M.config[k] = v end
  if state.client then
    M.cancel()
    state.client:close()
    state.client = nil
  end
  M.commands()
end

--- The client in use (made on first use), for scripts and tests.
function M.client()
  return client()
end

return M
