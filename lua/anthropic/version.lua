--- The version of lua-anthropic: the one place it is written. The rockspec's
-- name and version, CHANGELOG.md's latest section and the user agent agree
-- with it (`make lint` checks: .ci/release.sh).
-- @module anthropic.version
return "0.1.0"
