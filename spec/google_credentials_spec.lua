-- Google credentials for Vertex AI (anthropic.google_credentials): the
-- service-account JWT is verified by a local token endpoint with
-- python3-google-auth (signature with a key generated for this run, iss, aud,
-- scope, iat/exp); authorized-user refresh; failures are clear
-- authentication_errors that never hold the key, secret or tokens; the token
-- is cached and refreshed before it expires.
local core = require("anthropic.core")
local gc = require("anthropic.google_credentials")
local google = require("support.google_fake")

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local function env(t)
  return function(name) return t[name] end
end

describe("anthropic.google_credentials", function()
  local g, sa_path, au_path, secrets

  setup(function()
    g = google.start()
    sa_path, au_path = g.dir .. "/service_account.json", g.dir .. "/authorized_user.json"
    local sa, au = core.decode(read(sa_path)), core.decode(read(au_path))
    secrets = { sa.private_key, sa.private_key:match("\n([^\n]+)\n"), au.client_secret, au.refresh_token }
  end)
  teardown(function() g:stop() end)
  before_each(function() g:reset() end)

  local function assert_no_secret(s)
    s = tostring(s)
    for _, secret in ipairs(secrets) do assert.falsy(s:find(secret, 1, true), "a secret leaked: " .. s) end
    assert.falsy(s:find("ya29.", 1, true))
  end

  it("gets a token for a service account: the JWT passes google-auth's verification", function()
    local creds = assert(gc.load(sa_path))
    local tok = assert(gc.fetch(creds, g.post, os.time()))
    assert.truthy(tok.access_token:match("^ya29%.fake%-%d+$"))
    assert.truthy(tok.expires_at > os.time() + 3000)
    local req = g:requests()[1]
    assert.is_true(req.ok, table.concat(req.problems, "; "))
    assert.equal("urn:ietf:params:oauth:grant-type:jwt-bearer", req.grant_type)
    assert.equal("lua-test@test-project.iam.gserviceaccount.com", req.claims.iss)
    assert.equal(gc.SCOPE, req.claims.scope)
    assert.equal(gc.TOKEN_URL, req.claims.aud)
    assert.equal(3600, req.claims.exp - req.claims.iat)
    assert.equal("RS256", req.header.alg)
    assert.equal(creds.private_key_id, req.header.kid)
  end)

  it("a JWT signed with another key or for another audience is refused", function()
    local creds = assert(gc.load(sa_path))
    local other = core.decode(read(sa_path))
    other.path = sa_path
    -- a different key: the token endpoint's google-auth check fails
    local p = io.popen("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null")
    other.private_key = p:read("*a")
    p:close()
    local tok, err = gc.fetch(other, g.post, os.time())
    assert.is_nil(tok)
    assert.equal("authentication_error", err.type)
    assert.truthy(err.message:find("HTTP 400: invalid_grant", 1, true))
    assert.is_false(g:requests()[1].ok)
    assert_no_secret(err)
    -- an expired assertion
    local _, err2 = gc.fetch(creds, g.post, os.time() - 7200)
    assert.truthy(err2.message:find("invalid_grant", 1, true))
  end)

  it("refreshes an authorized_user (gcloud) file's token at its token_uri", function()
    local creds = assert(gc.load(au_path))
    assert.equal("quota-project", gc.project_id(creds, env({})))
    local tok = assert(gc.fetch(creds, g.post, os.time()))
    assert.truthy(tok.access_token:find("ya29.", 1, true))
    local req = g:requests()[1]
    assert.is_true(req.ok, table.concat(req.problems, "; "))
    assert.equal("refresh_token", req.grant_type)
    assert.same({ "client_id", "client_secret", "grant_type", "refresh_token", "scope" }, req.form_keys)
    local bad = assert(gc.load(au_path))
    bad.refresh_token = "1//revoked"
    local _, err = gc.fetch(bad, g.post, os.time())
    assert.equal("authentication_error", err.type)
    assert_no_secret(err)
  end)

  it("a failing or unreachable token endpoint is a clear authentication_error", function()
    local creds = assert(gc.load(sa_path))
    g:control({ fail_status = 503, fail_body = '{"error":"backend_error"}' })
    local _, err = gc.fetch(creds, g.post, os.time())
    assert.equal("authentication_error", err.type)
    assert.equal("Google token request failed: HTTP 503: backend_error", err.message)
    assert.is_true(err.retryable)
    g:control({ fail_status = 500, fail_body = "<html>" .. creds.private_key .. "</html>" })
    local _, err2 = gc.fetch(creds, g.post, os.time())
    assert.equal("Google token request failed: HTTP 500", err2.message)
    local dead = assert(gc.load(sa_path))
    dead.token_uri = require("support.fake").dead_url() .. "/token"
    local _, err3 = gc.fetch(dead, g.post, os.time())
    assert.equal("authentication_error", err3.type)
    assert.is_true(err3.retryable)
    for _, e in ipairs({ err, err2, err3 }) do assert_no_secret(e) end
  end)

  it("caches the token per source and refreshes it before it expires", function()
    local clock = os.time()
    -- (an authorized-user file: a JWT from a clock moved ahead would be refused, rightly)
    local src = assert(gc.token_source({ credentials = au_path, now = function() return clock end }))
    local t1 = assert(src:token(g.post))
    clock = clock + 3599 - gc.REFRESH_MARGIN - 1
    assert.equal(t1, src:token(g.post))
    assert.equal(1, #g:requests())
    clock = clock + 2 -- inside the refresh margin
    local t2 = assert(src:token(g.post))
    assert.are_not.equal(t1, t2)
    assert.equal(2, #g:requests())
    src:invalidate()
    assert.are_not.equal(t2, src:token(g.post))
    -- expires_in may come as a string
    g:control({ expires_in = 100, expires_in_string = true })
    src:invalidate()
    src:token(g.post)
    clock = clock + 100 - gc.REFRESH_MARGIN + 1
    src:token(g.post)
    assert.equal(5, #g:requests())
  end)

  it("takes a fixed access_token or a function, and refuses other types", function()
    local fixed = assert(gc.token_source({ access_token = "tok-1" }))
    assert.equal("tok-1", fixed:token(function() error("no exchange expected") end))
    local n = 0
    local fn = assert(gc.token_source({ access_token = function() n = n + 1 return "tok-" .. n end }))
    assert.equal("tok-1", fn:token())
    assert.equal("tok-2", fn:token())
    local failing = gc.token_source({ access_token = function() return nil, "expired" end })
    local _, err = failing:token()
    assert.equal("authentication_error", err.type)
    assert.has_error(function() gc.token_source({ access_token = 42 }) end)
  end)

  it("finds the ADC file and explains what is missing", function()
    assert.equal(sa_path, (gc.find_adc(env({ GOOGLE_APPLICATION_CREDENTIALS = sa_path }))))
    local dir = g.dir .. "/gcloud"
    os.execute("mkdir -p '" .. dir .. "' && cp '" .. au_path .. "' '" .. dir
      .. "/application_default_credentials.json'")
    assert.equal(dir .. "/application_default_credentials.json", (gc.find_adc(env({ CLOUDSDK_CONFIG = dir }))))
    os.execute("mkdir -p '" .. g.dir .. "/home/.config' && cp -r '" .. dir .. "' '" .. g.dir .. "/home/.config/'")
    assert.equal(g.dir .. "/home/.config/gcloud/application_default_credentials.json",
      (gc.find_adc(env({ HOME = g.dir .. "/home" }))))
    local creds, err = gc.load(nil, env({ HOME = g.dir .. "/nowhere" }))
    assert.is_nil(creds)
    assert.equal("authentication_error", err.type)
    assert.truthy(err.message:find("GOOGLE_APPLICATION_CREDENTIALS", 1, true))
    assert.equal("test-project", gc.project_id(assert(gc.load(sa_path)), env({})))
    assert.equal("env-project", gc.project_id(nil, env({ GOOGLE_CLOUD_PROJECT = "env-project" })))
  end)

  it("refuses bad key files with messages that name the file, never the key", function()
    local function write(name, text)
      local path = g.dir .. "/" .. name
      local f = assert(io.open(path, "wb"))
      f:write(text)
      f:close()
      return path
    end
    local sa = core.decode(read(sa_path))
    local cases = {
      { write("bad1.json", "not json"), "not a JSON object" },
      { write("bad2.json", '{"type":"external_account"}'), "type 'external_account'" },
      { write("bad3.json", '{"type":"service_account","client_email":"x","token_uri":"y"}'), "no private_key" },
    }
    for _, c in ipairs(cases) do
      local creds, err = gc.load(c[1])
      assert.is_nil(creds)
      assert.truthy(err.message:find(c[2], 1, true), err.message)
    end
    -- a damaged key: the signing error names the file, not the key
    sa.private_key = sa.private_key:gsub("\n[^\n]+\n", "\nAAAA\n", 1)
    sa.path = "damaged.json"
    local jwt, err = gc.jwt_assertion(sa, os.time())
    assert.is_nil(jwt)
    assert.equal("Google credentials file damaged.json: private key is not an unencrypted PEM private key", err.message)
    assert_no_secret(err)
    local _, why = core.rs256_sign(read(sa_path):sub(1, 200), "x")
    assert_no_secret(why)
  end)

  it("signs RS256 with libcrypto: a signature openssl verifies", function()
    local sa = core.decode(read(sa_path))
    local sig = assert(core.rs256_sign(sa.private_key, "hello"))
    assert.equal(256, #sig)
    local function write(name, data)
      local f = assert(io.open(g.dir .. "/" .. name, "wb"))
      f:write(data)
      f:close()
      return g.dir .. "/" .. name
    end
    local key, data, s = write("k.pem", sa.private_key), write("d", "hello"), write("s", sig)
    local p = io.popen(("openssl dgst -sha256 -sign '%s' '%s' | cmp - '%s' && echo same"):format(key, data, s))
    assert.equal("same", p:read("*l"))
    p:close()
    assert.equal("aGk", core.base64url_encode("hi"))
    assert.equal("-_8", core.base64url_encode("\251\255"))
  end)
end)
