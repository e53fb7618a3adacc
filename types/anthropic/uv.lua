---@meta anthropic.uv
-- LuaLS annotations of anthropic.uv: a client on a libuv loop (Neovim's
-- vim.uv / vim.loop, or luv).

---@class anthropic.uv
---@field Driver table The class of drivers.
local uv = {}

---@class anthropic.UvAttachOptions
---@field schedule? fun(fn: function) Runs each dispatch through it (`vim.schedule` in Neovim).
---@field on_error? fun(err: any) Called with an error raised by a callback.

---Runs `client` on the loop `uv` (default: `vim.uv`, `vim.loop` or `require("luv")`).
---@param client anthropic.Client
---@param loop? table The luv module.
---@param opts? anthropic.UvAttachOptions
---@return anthropic.Driver
function uv.attach(client, loop, opts) end

---@class anthropic.Driver
local Driver = {}

---Stops watching the client's descriptor (idempotent).
---@return nil
function Driver:detach() end

return uv
