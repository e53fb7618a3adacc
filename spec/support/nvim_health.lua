-- Run by nvim_health_spec inside `nvim --headless -u NONE`: loads the example
-- plugin (examples/nvim) and runs `:checkhealth claude`, then writes the
-- report's lines to $ANTH_OUT. $ANTH_CPATH (optional) is passed to
-- setup{cpath = ...}; $ANTH_API_KEY (optional) to setup{api_key = ...}.
-- ANTH_CASE=newapi runs the check with a vim.health that has only Neovim
-- 0.10's start/ok/warn/error/info (0.7 has the `health` module instead), and
-- writes what it reported, one "<kind>: <message>" line each.
-- luacheck: globals vim
local out_path = os.getenv("ANTH_OUT")

local function write(s)
  local f = assert(io.open(out_path, "wb"))
  f:write(s)
  f:close()
end

local ok, err = pcall(function()
  vim.opt.runtimepath:prepend(vim.fn.fnamemodify("examples/nvim", ":p"))
  vim.cmd("runtime plugin/claude.lua")
  local cpath = os.getenv("ANTH_CPATH")
  require("claude").setup({ cpath = (cpath and cpath ~= "") and cpath or nil,
                            api_key = os.getenv("ANTH_API_KEY"), base_url = "http://127.0.0.1:9" })
  if os.getenv("ANTH_CASE") == "newapi" then
    local lines = {}
    local function rec(kind) return function(msg) lines[#lines + 1] = kind .. ": " .. msg end end
    vim.health = { start = rec("start"), ok = rec("ok"), warn = rec("warn"), error = rec("error"), info = rec("info") }
    require("claude.health").check()
    write(table.concat(lines, "\n"))
    return
  end
  vim.cmd("checkhealth claude")
  write(table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n"))
end)
if not ok then write("FAILED " .. tostring(err)) end
