-- :Claude {prompt} and :ClaudeCancel; options with require("claude").setup{...}.
-- luacheck: globals vim
if vim.g.loaded_claude then return end
vim.g.loaded_claude = true
require("claude").commands()
