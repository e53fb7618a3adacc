-- AWS settings for Bedrock (anthropic.aws_config): the shared files' INI,
-- and the precedence of options, environment, credentials file and config
-- file as botocore resolves them.
local aws = require("anthropic.aws_config")

local tmp

local function write(name, text)
  local f = assert(io.open(tmp .. "/" .. name, "wb"))
  f:write(text)
  f:close()
  return tmp .. "/" .. name
end

local function env(t)
  t.AWS_SHARED_CREDENTIALS_FILE = t.AWS_SHARED_CREDENTIALS_FILE or tmp .. "/credentials"
  t.AWS_CONFIG_FILE = t.AWS_CONFIG_FILE or tmp .. "/config"
  return function(name) return t[name] end
end

describe("anthropic.aws_config", function()
  setup(function()
    local p = io.popen("mktemp -d")
    tmp = p:read("*l")
    p:close()
    write("credentials", [[
# comment
[default]
aws_access_key_id = AKIDFILE
aws_secret_access_key = file/secret
[work]
aws_access_key_id=AKIDWORK
aws_secret_access_key=work-secret
aws_session_token = work-token
]])
    write("config", "[default]\r\nregion = eu-west-1\r\n[profile work]\nregion: ap-south-1\ns3 =\n"
      .. "  max_concurrent_requests = 10\n; comment\n[profile cfgonly]\naws_access_key_id = AKIDCFG\n"
      .. "aws_secret_access_key = cfg-secret\n[profile sso]\nsso_session = corp\n")
  end)
  teardown(function() os.execute("rm -rf '" .. tmp .. "'") end)

  it("parses INI as botocore reads the shared files", function()
    local s = aws.parse_ini("[a]\nKey = v w \n  # not a comment inside? no: a comment\n[profile b]\nx: 1\n"
      .. "nested =\n  k = v\n  K2=v2\nafter = 3\n")
    assert.same({ key = "v w" }, s.a)
    assert.same({ x = "1", nested = { k = "v", k2 = "v2" }, after = "3" }, s["profile b"])
  end)

  it("takes explicit options first", function()
    local r = assert(aws.resolve({ aws_access_key = "AK", aws_secret_key = "SK", aws_session_token = "ST",
      aws_region = "us-west-2" }, env({ AWS_ACCESS_KEY_ID = "ENV", AWS_SECRET_ACCESS_KEY = "ENVS" })))
    assert.same({ "sigv4", "AK", "SK", "ST", "us-west-2", "options" },
      { r.auth, r.access_key, r.secret_key, r.session_token, r.region, r.source })
  end)

  it("then the environment, then the credentials file, then the config file", function()
    local r = assert(aws.resolve({}, env({ AWS_ACCESS_KEY_ID = "ENV", AWS_SECRET_ACCESS_KEY = "ENVS",
      AWS_SESSION_TOKEN = "ENVT" })))
    assert.same({ "ENV", "ENVS", "ENVT", "environment", "eu-west-1" },
      { r.access_key, r.secret_key, r.session_token, r.source, r.region })
    r = assert(aws.resolve({}, env({})))
    assert.same({ "AKIDFILE", "file/secret", "shared credentials file", "default" },
      { r.access_key, r.secret_key, r.source, r.profile })
    r = assert(aws.resolve({ aws_profile = "cfgonly" }, env({})))
    assert.same({ "AKIDCFG", "config file", "us-east-1" }, { r.access_key, r.source, r.region })
  end)

  it("picks the profile from aws_profile, AWS_DEFAULT_PROFILE, AWS_PROFILE", function()
    local r = assert(aws.resolve({}, env({ AWS_PROFILE = "work" })))
    assert.same({ "AKIDWORK", "work-token", "ap-south-1" }, { r.access_key, r.session_token, r.region })
    r = assert(aws.resolve({}, env({ AWS_PROFILE = "cfgonly", AWS_DEFAULT_PROFILE = "work" })))
    assert.equal("work", r.profile)
    -- an explicit profile skips the environment's keys (botocore drops its EnvProvider)
    r = assert(aws.resolve({ aws_profile = "work" }, env({ AWS_ACCESS_KEY_ID = "ENV",
      AWS_SECRET_ACCESS_KEY = "ENVS" })))
    assert.equal("AKIDWORK", r.access_key)
  end)

  it("resolves the region from the option, AWS_REGION, AWS_DEFAULT_REGION, the profile, us-east-1", function()
    assert.equal("r1", aws.resolve({ aws_region = "r1" }, env({ AWS_REGION = "r2" })).region)
    assert.equal("r2", aws.resolve({}, env({ AWS_REGION = "r2", AWS_DEFAULT_REGION = "r3" })).region)
    assert.equal("r3", aws.resolve({}, env({ AWS_DEFAULT_REGION = "r3" })).region)
    assert.equal("eu-west-1", aws.resolve({}, env({})).region)
    assert.equal("us-east-1", aws.resolve({}, env({ AWS_CONFIG_FILE = tmp .. "/none",
      AWS_SHARED_CREDENTIALS_FILE = tmp .. "/none", AWS_ACCESS_KEY_ID = "A", AWS_SECRET_ACCESS_KEY = "S" })).region)
  end)

  it("uses a Bedrock API key (bearer, no signing) from api_key or AWS_BEARER_TOKEN_BEDROCK", function()
    local r = assert(aws.resolve({ api_key = "bedrock-key" }, env({})))
    assert.same({ "bearer", "bedrock-key", "api_key" }, { r.auth, r.api_key, r.source })
    r = assert(aws.resolve({}, env({ AWS_BEARER_TOKEN_BEDROCK = "env-key", AWS_ACCESS_KEY_ID = "A",
      AWS_SECRET_ACCESS_KEY = "S" })))
    assert.same({ "bearer", "env-key" }, { r.auth, r.api_key })
    -- explicit AWS credentials win over the environment's key
    r = assert(aws.resolve({ aws_access_key = "A", aws_secret_key = "S" }, env({ AWS_BEARER_TOKEN_BEDROCK = "k" })))
    assert.equal("sigv4", r.auth)
    assert.has_error(function() aws.resolve({ api_key = "k", aws_access_key = "A", aws_secret_key = "S" }, env({})) end,
      "anthropic.bedrock: give either api_key or aws_* credentials, not both")
    assert.has_error(function() aws.resolve({ aws_access_key = "A" }, env({})) end,
      "anthropic.bedrock: aws_access_key and aws_secret_key go together")
  end)

  it("explains what is missing or unsupported, without secrets", function()
    local r, err = aws.resolve({}, env({ AWS_CONFIG_FILE = tmp .. "/none",
      AWS_SHARED_CREDENTIALS_FILE = tmp .. "/none" }))
    assert.is_nil(r)
    assert.truthy(err:find("no AWS credentials found", 1, true))
    r, err = aws.resolve({ aws_profile = "nope" }, env({}))
    assert.is_nil(r)
    assert.truthy(err:find("AWS profile 'nope' not found", 1, true))
    r, err = aws.resolve({ aws_profile = "sso" }, env({}))
    assert.is_nil(r)
    assert.truthy(err:find("uses sso_session", 1, true))
    assert.falsy(err:find("secret", 1, true))
  end)

  it("finds ~/.aws by HOME when the variables are not set", function()
    local c, f = aws.paths(function(n) return n == "HOME" and "/home/u" or nil end)
    assert.equal("/home/u/.aws/credentials", c)
    assert.equal("/home/u/.aws/config", f)
  end)
end)
