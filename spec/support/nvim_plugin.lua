-- Run by nvim_plugin_spec inside `nvim --headless -u NONE`: loads the example
-- plugin (examples/nvim), which finds build/luajit/ and lua/ by itself, and
-- runs one case against the fake server at $ANTH_FAKE_URL. A 5 ms vim.loop
-- timer ticks all along. Writes "ok <key=value ...>" then the [Claude]
-- buffer's lines (or the failure) to $ANTH_OUT.
--   ANTH_CASE=stream  :Claude hello, waits for the answer.
--   ANTH_CASE=cancel  :Claude hello on a slow stream, <C-c> once text came;
--                     writes $ANTH_OUT.cancelled and waits for the spec to
--                     write $ANTH_OUT.checked (it looks at the server
--                     meanwhile); then :Claude again (slow) and :Claude third
--                     (fast), which cancels "again".
-- luacheck: globals vim
local uv = vim.loop
local api = vim.api
local out_path = os.getenv("ANTH_OUT")

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

local function run()
  vim.opt.runtimepath:prepend(vim.fn.fnamemodify("examples/nvim", ":p"))
  vim.cmd("runtime plugin/claude.lua")
  if vim.fn.exists(":Claude") ~= 2 then return nil, "plugin/claude.lua did not define :Claude" end
  local claude = require("claude")
  claude.setup({ api_key = "sk-nvim", base_url = os.getenv("ANTH_FAKE_URL"), model = "m", max_tokens = 4096 })

  local max_gap, ticks, last = 0, 0, nil
  local timer = uv.new_timer()
  timer:start(5, 5, function()
    local now = uv.hrtime()
    if last then max_gap = math.max(max_gap, (now - last) / 1e6) end
    last, ticks = now, ticks + 1
  end)
  local info = {}
  local t0 = uv.hrtime()
  local case = os.getenv("ANTH_CASE")

  if case == "stream" then
    vim.cmd("Claude hello")
    local job = claude.last
    if not job then return nil, ":Claude did not start" end
    vim.wait(30000, function() return job.status ~= "running" end, 5)
    info.status, info.flushes = job.status, job.flushes
    info.stop = job.message and job.message.stop_reason or tostring(job.err)
  elseif case == "cancel" then
    vim.cmd("Claude hello")
    local job = claude.last
    vim.wait(10000, function() return #job.parts >= 20 end, 5)
    if #job.parts < 20 then return nil, "no text arrived: " .. tostring(job.err) end
    if api.nvim_get_current_buf() ~= vim.fn.bufnr("[Claude]") then return nil, "not in the [Claude] buffer" end
    api.nvim_feedkeys(api.nvim_replace_termcodes("<C-c>", true, false, true), "x", false)
    info.status = job.status
    local lines = api.nvim_buf_line_count(0)
    local parts = #job.parts
    info.pending = vim.tbl_count(claude.client().pending)
    write(out_path .. ".cancelled", "")
    vim.wait(10000, function() return exists(out_path .. ".checked") end, 5)
    -- Nothing more arrived after the cancel.
    info.after = (#job.parts - parts) + (api.nvim_buf_line_count(0) - lines)
    -- A second :Claude while one runs cancels the first.
    vim.cmd("Claude again")
    local again = claude.last
    vim.wait(10000, function() return #again.parts >= 5 end, 5)
    vim.cmd("Claude third")
    local third = claude.last
    vim.wait(10000, function() return third.status ~= "running" end, 5)
    info.again, info.third = again.status, third.status
  else
    return nil, "unknown ANTH_CASE " .. tostring(case)
  end

  info.took = ("%.0f"):format((uv.hrtime() - t0) / 1e6)
  timer:stop()
  timer:close()
  info.gap, info.ticks = ("%.2f"):format(max_gap), ticks
  local buf = vim.fn.bufnr("[Claude]")
  if buf == -1 then return nil, "no [Claude] buffer" end
  local kv = {}
  for k, v in pairs(info) do kv[#kv + 1] = k .. "=" .. tostring(v) end
  table.sort(kv)
  return "ok " .. table.concat(kv, " ") .. "\n" .. table.concat(api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
end

local ok, result, err = pcall(run)
write(out_path, ok and (result or ("error: " .. tostring(err))) or ("error: " .. tostring(result)))
