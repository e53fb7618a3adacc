// Feeds recorded event streams, byte for byte, through the official
// TypeScript SDK (@anthropic-ai/sdk, pinned in spec/diff/node/package.json):
// a client whose fetch answers with the recorded body, and its
// messages.stream() (MessageStream, "ga") and beta.messages.stream()
// (BetaMessageStream, "beta"). Prints, per stream, the final message and
// what each listener got, as JSON.
//   node spec/diff/ts_accumulate.mjs < [{"name": ..., "raw": ..., "params"?: ...}, ...]
//   node spec/diff/ts_accumulate.mjs --partial < ["json prefix", ...]  (partialParse of each)
//   node spec/diff/ts_accumulate.mjs --parse < [{"params": ..., "message": ...}, ...]
//     (parseBetaMessage's parsed_output of each, as messages.parse computes it)
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(new URL("./node/", import.meta.url));
const Anthropic = require("@anthropic-ai/sdk").default;

const input = JSON.parse(readFileSync(0, "utf8"));
const clone = (v) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

if (process.argv[2] === "--partial") {
  const { partialParse } = require("@anthropic-ai/sdk/_vendor/partial-json-parser/parser");
  const out = input.map((text) => {
    try {
      return { value: partialParse(text) };
    } catch (e) {
      return { error: String(e) };
    }
  });
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

if (process.argv[2] === "--parse") {
  const { parseBetaMessage } = require("@anthropic-ai/sdk/lib/beta-parser");
  const out = input.map(({ params, message }) => {
    try {
      return { value: parseBetaMessage(message, params, { logger: console }).parsed_output };
    } catch (e) {
      return { error: String(e) };
    }
  });
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

const PARAMS = { model: "claude-diff-model", max_tokens: 1024, messages: [{ role: "user", content: "Hello" }] };

async function run(raw, beta, params) {
  const client = new Anthropic({
    apiKey: "sk-diff",
    maxRetries: 0,
    fetch: async () =>
      new Response(new TextEncoder().encode(raw), {
        status: 200,
        headers: { "content-type": "text/event-stream", "request-id": "req_diff" },
      }),
  });
  const api = beta ? client.beta.messages : client.messages;
  const s = api.stream(params || PARAMS);
  const events = [];
  const record = (name) => s.on(name, (...args) => events.push([name, ...args.map(clone)]));
  for (const name of ["text", "citation", "inputJson", "thinking", "signature", "contentBlock", "message"]) {
    record(name);
  }
  if (beta) record("compaction");
  s.on("streamEvent", (event) => events.push(["streamEvent", event.type]));
  try {
    const message = await s.finalMessage();
    return { message: clone(message), parsed_output: clone(message.parsed_output), events };
  } catch (e) {
    return { error: String(e), events };
  }
}

const out = {};
for (const { name, raw, params } of input) {
  out[name] = { beta: await run(raw, true, params), ga: await run(raw, false, params) };
}
process.stdout.write(JSON.stringify(out));
