// The official TypeScript SDK (@anthropic-ai/sdk, installed into bench/node/
// by bench/run.sh) as a benchmark client: the same modes and output as
// bench/lua_client.lua. cpu is process.cpuUsage() (user + system, every
// thread of the process); wall is performance.now().
//   node bench/ts_client.mjs BASE create N WARMUP | text K | events K | final K
//                            | image FILE | inflight N | stall N
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(new URL("./node/", import.meta.url));
const Anthropic = require("@anthropic-ai/sdk").default;

const [base, mode, a1, a2] = process.argv.slice(2);
// BENCH_MODEL: another model name, to measure without the SDK's deprecation
// warning for the guide's model (printed to stderr on every request).
const MODEL = process.env.BENCH_MODEL || "claude-sonnet-4-5";
const PARAMS = {
  model: MODEL,
  max_tokens: 1024,
  messages: [{ role: "user", content: "Hello, Claude" }],
};

const now = () => performance.now() / 1000;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const hwmKb = () => Number(/VmHWM:\s*(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]);
const client = (path = "") => new Anthropic({ apiKey: "sk-bench", baseURL: base + path, maxRetries: 0 });
const result = (f) => {
  const out = ["result"];
  for (const [k, v] of Object.entries(f)) out.push(`${k}=${Number(v.toFixed(6))}`);
  console.log(out.join(" "));
};

const modes = {
  async create(n = 1000, warmup = 100) {
    n = Number(n);
    warmup = Number(warmup);
    const c = client();
    const cold0 = cpu();
    let w0, c0, cold;
    for (let i = 0; i < warmup + n; i++) {
      if (i === warmup) {
        w0 = now();
        c0 = cpu();
        cold = c0 - cold0;
      }
      const m = await c.messages.create(PARAMS);
      if (m.content[0].text !== "Hello!") throw new Error("bad message");
    }
    result({ wall: now() - w0, cpu: cpu() - c0, n, cold_cpu: cold, warmup });
  },

  async text(k = 5) {
    await streams(k, async (s, counts) => {
      s.on("text", (t) => {
        counts.deltas++;
        counts.bytes += Buffer.byteLength(t);
      });
      await s.finalMessage();
    });
  },

  async events(k = 5) {
    await streams(k, async (s, counts) => {
      for await (const e of s) {
        counts.events++;
        if (e.type === "content_block_delta") counts.deltas++;
      }
    });
  },

  async final(k = 5) {
    await streams(k, async (s, counts) => {
      const m = await s.finalMessage();
      counts.events++;
      counts.bytes += Buffer.byteLength(m.content[0].text);
    });
  },

  async image(path) {
    const c = client("/upload");
    const w0 = now();
    const c0 = cpu();
    const raw = readFileSync(path);
    await c.messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages: [{
        role: "user",
        content: [
          { type: "image", source: { type: "base64", media_type: "image/jpeg", data: raw.toString("base64") } },
          { type: "text", text: "What is in the above image?" },
        ],
      }],
    });
    result({ wall: now() - w0, cpu: cpu() - c0, payload: raw.length, hwm_kb: hwmKb() });
  },

  async inflight(n = 64) {
    n = Number(n);
    const c = client("/slow");
    const w0 = now();
    const c0 = cpu();
    await Promise.all(Array.from({ length: n }, () => c.messages.create(PARAMS)));
    result({ wall: now() - w0, cpu: cpu() - c0, n });
  },

  // 16 streams at once and a 1 ms setInterval: its largest gap over 1 ms.
  async stall(n = 16) {
    n = Number(n);
    const c = client("/stream");
    const w0 = now();
    const c0 = cpu();
    let last = now();
    let maxGap = 0;
    let ticks = 0;
    let deltas = 0;
    const timer = setInterval(() => {
      const t = now();
      if (t - last > maxGap) maxGap = t - last;
      last = t;
      ticks++;
    }, 1);
    await Promise.all(Array.from({ length: n }, () => {
      const s = c.messages.stream(PARAMS);
      s.on("text", () => deltas++);
      return s.finalMessage();
    }));
    clearInterval(timer);
    result({ wall: now() - w0, cpu: cpu() - c0, n, deltas, max_stall_ms: Math.max(0, maxGap - 0.001) * 1000, ticks });
  },
};

async function streams(k, each) {
  k = Number(k);
  const c = client("/stream");
  const counts = { events: 0, deltas: 0, bytes: 0 };
  let w0, c0;
  for (let i = 0; i <= k; i++) {
    if (i === 1) {
      counts.events = counts.deltas = counts.bytes = 0;
      w0 = now();
      c0 = cpu();
    }
    await each(c.messages.stream(PARAMS), counts);
  }
  result({ wall: now() - w0, cpu: cpu() - c0, n: k, ...counts });
}

if (!modes[mode]) {
  console.error("usage: ts_client.mjs BASE create|text|events|final|image|inflight|stall ...");
  process.exit(2);
}
await modes[mode](a1, a2);
