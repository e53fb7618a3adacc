-- Test helper: starts spec/support/google_token_server.py (a fake of
-- Google's token endpoint that verifies service-account JWTs with
-- python3-google-auth) and drives it.
--
--   local google = require("support.google_fake")
--   local g = google.start()      -- g.dir holds service_account.json and authorized_user.json
--   local status, body = g.post(g.token_url, form)   -- a real HTTP POST
--   g:control({ fail_status = 503, fail_body = "{}" }); g:requests(); g:stop()
local http = require("socket.http")
local ltn12 = require("ltn12")
local fake = require("support.fake")
local py = require("support.platform_python")

local M = {}
local G = {}
G.__index = G

--- POSTs a form body; returns status and body (or nil and the error).
function M.post(url, form)
  local chunks = {}
  local ok, code = http.request({
    url = url, method = "POST", sink = ltn12.sink.table(chunks), source = ltn12.source.string(form),
    headers = { ["content-type"] = "application/x-www-form-urlencoded", ["content-length"] = tostring(#form) },
  })
  if not ok then return nil, code end
  return code, table.concat(chunks)
end

function M.start()
  local dir = py.tmpdir()
  local port_file = dir .. "/port"
  local cmd = "exec " .. py.command() .. " " .. py.quote(py.dir .. "/google_token_server.py")
    .. " --dir " .. py.quote(dir) .. " --port-file " .. py.quote(port_file)
  local proc = assert(io.popen(cmd, "w"))
  local port
  local socket = require("socket")
  for _ = 1, 300 do
    local f = io.open(port_file, "r")
    if f then
      port = tonumber(f:read("*l"))
      f:close()
      if port then break end
    end
    socket.sleep(0.05)
  end
  assert(port, "google_token_server.py did not start")
  local self = setmetatable({ proc = proc, dir = dir, url = "http://127.0.0.1:" .. port }, G)
  self.token_url = self.url .. "/token"
  self.post = M.post
  return self
end

function G:control(t)
  local status = M.post(self.url .. "/control", fake.json_encode(t))
  assert(status == 200, "control failed")
end

function G:reset()
  assert(M.post(self.url .. "/reset", "") == 200)
end

function G:requests()
  local body = http.request(self.url .. "/requests")
  return fake.json_decode(body)
end

function G:stop()
  if self.proc then
    self.proc:close()
    self.proc = nil
  end
  os.execute("rm -rf " .. py.quote(self.dir))
end

return M
