-- Run by nvim_install_spec inside `nvim --headless -u NONE`, in an empty
-- directory, against an installed copy of lua-anthropic (never the
-- repository): loads the :Claude plugin the way a plugin manager would and
-- streams one answer from the fake server at $ANTH_FAKE_URL. Writes "ok
-- core=<path> lua=<path>" then the [Claude] buffer (or the failure) to $ANTH_OUT.
--   ANTH_MODE=lazy  $ANTH_DIR is the plugin directory lazy.nvim cloned and
--                   built (`build = "make LUA=luajit"`): lazy puts it on the
--                   runtimepath and the spec's config adds examples/nvim.
--   ANTH_MODE=rock  $ANTH_DIR is a LuaRocks tree for Lua 5.1: the rock
--                   manager puts its share/lua and lib/lua on the Lua paths,
--                   and the rock's examples/nvim goes on the runtimepath.
-- luacheck: globals vim
local out_path = os.getenv("ANTH_OUT")
local dir = os.getenv("ANTH_DIR")

local function run()
  local mode = os.getenv("ANTH_MODE")
  if mode == "lazy" then
    vim.opt.runtimepath:append(dir)                      -- what lazy.nvim does with plugin.dir
    vim.opt.runtimepath:append(dir .. "/examples/nvim")  -- the README's config function
  elseif mode == "rock" then
    package.path = dir .. "/share/lua/5.1/?.lua;" .. dir .. "/share/lua/5.1/?/init.lua;" .. package.path
    package.cpath = dir .. "/lib/lua/5.1/?.so;" .. package.cpath
    local rock = vim.fn.glob(dir .. "/lib/luarocks/rocks-5.1/lua-anthropic/*/examples/nvim")
    if rock == "" then return nil, "the rock has no examples/nvim" end
    vim.opt.runtimepath:append(rock)
  else
    return nil, "unknown ANTH_MODE " .. tostring(mode)
  end
  vim.cmd("runtime plugin/claude.lua")
  local claude = require("claude")
  claude.setup({ api_key = "sk-install", base_url = os.getenv("ANTH_FAKE_URL"), model = "m" })
  vim.cmd("Claude hello")
  local job = claude.last
  if not job then return nil, ":Claude did not start" end
  vim.wait(20000, function() return job.status ~= "running" end, 5)
  if job.status ~= "done" then return nil, "answer " .. job.status .. ": " .. tostring(job.err) end
  local core = package.searchpath("anthropic.core", package.cpath)
  local lua = debug.getinfo(require("anthropic").new, "S").source:gsub("^@", "")
  local buf = vim.fn.bufnr("[Claude]")
  return ("ok core=%s lua=%s\n%s"):format(core, lua, table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n"))
end

local ok, result, err = pcall(run)
local f = assert(io.open(out_path, "wb"))
f:write(ok and (result or ("error: " .. tostring(err))) or ("error: " .. tostring(result)))
f:close()
