-- client.skills and client.skills.versions (GA: no beta header): multipart
-- `files[]` uploads with display_name, cursor pages, retrieve, delete.
local harness = require("support.harness")
local fake = require("support.fake")

local parse_multipart = require("support.multipart")

local function parts_of(req)
  return parse_multipart(req.headers["content-type"], req.body)
end

describe("client.skills", function()
  local server, client
  harness.fake_api({ api_key = "sk-test-skills" }, function(s, c) server, client = s, c end)

  local function skill(id) return { id = id, type = "skill", display_name = "Expenses", source = "custom" } end

  it("creates a skill from two files (one from disk, one from memory) as files[] parts", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    f:write("---\nname: expenses\n---\nRules.")
    f:close()
    server:script({ match = { method = "POST", path = "/v1/skills" }, json = skill("skill_1") })
    local s = assert(client.skills.create({ display_name = "Expenses", files = {
      { path = path, filename = "expenses/SKILL.md" },
      { data = "a,b\n1,2\n", filename = "expenses/data.csv" },
    } }))
    os.remove(path)
    assert.equal("skill_1", s.id)
    local req = server:last_request()
    assert.is_nil(req.headers["anthropic-beta"])
    local parts = parts_of(req)
    assert.equal(3, #parts)
    assert.same({ "files[]", "expenses/SKILL.md", "---\nname: expenses\n---\nRules." },
                { parts[1].name, parts[1].filename, parts[1].data })
    assert.same({ "files[]", "expenses/data.csv", "a,b\n1,2\n" }, { parts[2].name, parts[2].filename, parts[2].data })
    assert.same({ "display_name", "Expenses" }, { parts[3].name, parts[3].data })
    assert.has_error(function() client.skills.create({ display_name = "x", files = {} }) end)
    assert.has_error(function() client.skills.create({ files = { "/nonexistent/SKILL.md" } }) end)
    assert.has_error(function() client.skills.create({ files = { { data = "x", filename = "a" } }, bogus = "1" }) end)
  end)

  it("lists with cursor pages, retrieves and deletes", function()
    server:script({
      { match = { path = "/v1/skills?limit=1&source=custom" }, json = { data = { skill("s2") }, next_page = "p2" } },
      { match = { path = "/v1/skills?limit=1&page=p2&source=custom" },
        json = { data = { skill("s1") }, next_page = fake.null } },
      { match = { method = "GET", path = "/v1/skills/s1" }, json = skill("s1") },
      { match = { method = "DELETE", path = "/v1/skills/s1" }, json = { id = "s1", type = "skill_deleted" } },
    })
    local ids = {}
    for s in assert(client.skills.list({ limit = 1, source = "custom" })):each() do ids[#ids + 1] = s.id end
    assert.same({ "s2", "s1" }, ids)
    assert.equal("s1", assert(client.skills:retrieve("s1")).id)
    assert.equal("skill_deleted", assert(client.skills.delete("s1")).type)
  end)

  it("manages versions under a skill: create, list, retrieve, delete", function()
    server:script({
      { match = { method = "POST", path = "/v1/skills/s1/versions" }, json = { id = "v1", type = "skill_version" } },
      { match = { path = "/v1/skills/s1/versions" }, json = { data = { { id = "v1" } }, next_page = fake.null } },
      { match = { method = "GET", path = "/v1/skills/s1/versions/1759178010641129" }, json = { id = "v1" } },
      { match = { method = "DELETE", path = "/v1/skills/s1/versions/1759178010641129" },
        json = { id = "v1", type = "skill_version_deleted" } },
    })
    assert(client.skills.versions.create("s1", { files = { { data = "# v2", filename = "expenses/SKILL.md" } } }))
    local parts = parts_of(server:last_request())
    assert.equal(1, #parts)
    assert.equal("files[]", parts[1].name)
    local page = assert(client.skills.versions.list("s1"))
    assert.equal("v1", page.data[1].id)
    assert.is_false(page.has_more)
    assert(client.skills.versions:retrieve("s1", "1759178010641129"))
    assert.equal("skill_version_deleted", assert(client.skills.versions.delete("s1", "1759178010641129")).type)
    assert.has_error(function() client.skills.versions.list(nil) end)
  end)
end)
