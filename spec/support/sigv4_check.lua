-- Test helper: has botocore (spec/support/sigv4_verify.py) re-derive the
-- SigV4 signature of every request the fake server recorded, as an AWS
-- front end would: returns its verdicts (one per request: match,
-- authorization, expected, problems) and the records.
local fake = require("support.fake")
local core = require("anthropic.core")
local py = require("support.platform_python")

local M = {}

function M.verify(server, creds, region)
  local recs = server:requests()
  local list = {}
  for i, r in ipairs(recs) do
    list[i] = { method = r.method, path = r.path, header_list = r.header_list, body_b64 = core.base64_encode(r.body) }
  end
  local input = fake.json_encode({
    access_key = creds.access_key, secret_key = creds.secret_key, session_token = creds.session_token or fake.null,
    region = region, service = "bedrock", scheme = "http", requests = list,
  })
  return fake.json_decode(py.run("sigv4_verify.py", input)), recs
end

return M
