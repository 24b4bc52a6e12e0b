// make bench: measures, in one run, normalization throughput (native, wasm, two JS baselines),
// sizes, Worker latency in workerd, savings on a replayed day, and popup first paint. Prints a
// table of figures and ratios and writes bench/RESULTS.md. It prints; it does not pass or fail.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, brotliCompressSync } from "node:zlib";
import { writePayloads } from "./payloads.mjs";
import { latencies, replay } from "./worker.mjs";
import { cpuPerRequest } from "./cpu.mjs";
import { popupSection, popupTimings } from "./popup.mjs";
import { searchBench } from "./search.mjs";
import { uniboxBench, uniboxScaleBench, uniboxScaleSection } from "./unibox.mjs";
import { registryBench, registrySection } from "./registry.mjs";
import { startSandbox } from "../tests/js/sandbox.mjs";
import { startWorker } from "../tests/js/worker.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = [];
const say = (line = "") => { console.log(line); out.push(line); };
const table = (head, rows) => {
  say(`| ${head.join(" | ")} |`);
  say(`| ${head.map(() => "---").join(" | ")} |`);
  for (const row of rows) say(`| ${row.join(" | ")} |`);
  say();
};
const fmt = (n, digits = 1) => Number(n).toFixed(digits);

// 1. Normalization throughput
const payloads = mkdtempSync(join(tmpdir(), "inbox-payloads-"));
writePayloads(payloads);
const lines = [
  ...execFileSync("cargo", ["bench", "-q", "-p", "linkedin-inbox-bench", "--bench", "normalize"], { cwd: repo, env: { ...process.env, BENCH_PAYLOADS: payloads }, encoding: "utf8" }).split("\n"),
  ...execFileSync("node", [join(repo, "bench/normalize.mjs"), payloads], { encoding: "utf8" }).split("\n"),
].filter((l) => /^(native|wasm|js-)[a-z-]* /.test(l));
const results = {};
for (const line of lines) {
  const [impl, kase, bytes, min, median] = line.split(" ");
  (results[kase] ??= {})[impl] = { bytes: Number(bytes), min: Number(min), median: Number(median) };
}
const mbps = (r, which) => (r.bytes / 1e6) / (r[which] / 1e9);
// A ratio of medians, and of best runs in brackets (on a loaded machine the best runs are the
// steadier figure: a busy neighbour only ever slows a run down).
const ratio = (r, a, b) => (r[a] && r[b]
  ? `${fmt(mbps(r[a], "median") / mbps(r[b], "median"), 2)}× (${fmt(mbps(r[a], "min") / mbps(r[b], "min"), 2)}×)` : "—");
const cell = (r) => (r ? `${fmt(mbps(r, "median"))} (${fmt(mbps(r, "min"))})` : "—");
const throughput = (impls, ratios) => table(["payload", ...impls, ...ratios.map(([a, b]) => `${a} / ${b}`)],
  Object.entries(results).map(([kase, r]) => [kase, ...impls.map((i) => cell(r[i])), ...ratios.map(([a, b]) => ratio(r, a, b))]));
say("## 1. Normalization throughput (MB/s of provider JSON, median of 21 interleaved runs; best in brackets)");
say();
say("Node rows (wasm, js-*) are timed in CPU time of the Node process (`process.cpuUsage`), each implementation warmed up for 300 ms and 20 calls first (bench/normalize.mjs, `measure`): on this shared machine the wall clock also counted the time other processes held the cores and the first runs timed V8 compiling, which put medians 2–5× below the best runs. The native column is wall clock (cargo bench).");
say();
say("From the response text (what the issue asks): wasm = the npm package in Node (`parseResponse`, text → JS objects); js-floor = JSON.parse + hand mapping, no validation; js-zod = JSON.parse + zod 3 + mapping. Ratios above 1× mean the wasm path is faster. Targets: wasm ≥ 1.5× js-zod and ≥ 0.6× js-floor on every payload; from bytes, ≥ 1.0× js-floor-bytes on ConnectSafely pages. The generated pages mix scripts (names, emoji); connectsafely-ascii-100 is the same page with every non-ASCII character dropped, like many English inboxes (measured in Node only).");
say();
throughput(["native", "wasm", "js-floor", "js-zod"], [["wasm", "js-floor"], ["wasm", "js-zod"]]);
say("Pages/s for one 100-item page (median): " + ["connectsafely-100", "linkup-100"].map((k) =>
  `${k}: ${["native", "wasm", "js-floor", "js-zod"].map((i) => `${i} ${fmt(1e9 / results[k][i].median, 0)}`).join(", ")}`).join("; "));
say();
const boundaries = ["wasm-swb", "wasm-json-text", "wasm-no-output"].filter((i) => results["connectsafely-100"][i]);
if (boundaries.length) {
  say("The boundary: the same wasm with results crossing three ways: wasm = a flat tape of numbers and two string buffers that a small JS function turns into objects (npm/src/tape, npm/js/boundary.js; shipped); wasm-swb = objects built from Rust by serde-wasm-bindgen, one boundary call per string and property (feature `boundary-swb`); wasm-json-text = JSON text + `JSON.parse` (feature `boundary-json-text`); wasm-no-output = the same parse with no result crossing at all (feature `boundary-none`: the ceiling of any boundary, next to js-floor). The last three are built for this comparison only.");
  say();
  throughput(["wasm", ...boundaries, "js-floor"], [...boundaries.map((b) => ["wasm", b]), ...(boundaries.includes("wasm-no-output") ? [["wasm-no-output", "js-floor"]] : [])]);
}
say("From the response bytes (`await res.arrayBuffer()`, as a client holds them before decoding): the package takes a `Uint8Array` and skips the UTF-8 → UTF-16 → UTF-8 round trip; the JS baselines must decode first (`TextDecoder`, what `res.text()`/`res.json()` do).");
say();
throughput(["wasm-bytes", "js-floor-bytes", "js-zod-bytes"], [["wasm-bytes", "js-floor-bytes"], ["wasm-bytes", "js-zod-bytes"]]);

// 2. Sizes
const wasmFile = readFileSync(join(repo, "npm/dist/linkedin_inbox_bg.wasm"));
// What `npm install` puts on disk: the files of the packed tarball (one .wasm for every entry).
const tarball = join(repo, "npm", readdirSync(join(repo, "npm")).find((f) => /^linkedin-inbox-.*\.tgz$/.test(f)));
const installed = execFileSync("tar", ["-xzOf", tarball], { maxBuffer: 1 << 26 }).length;
const workerBundle = Buffer.concat([readFileSync(join(repo, "worker/build/index_bg.wasm")), readFileSync(join(repo, "worker/build/index.js"))]);
say("## 2. Size");
say();
const gnuGzip = execFileSync("gzip", ["-9", "-c", join(repo, "npm/dist/linkedin_inbox_bg.wasm")], { maxBuffer: 1 << 26 }).length;
say(`KB = 1,024 bytes; gzip = Node's \`zlib.gzipSync\` at level 9 (GNU \`gzip -9\`, what scripts/build-npm.sh prints, packs the same file ~3% smaller). The npm .wasm is ${wasmFile.length.toLocaleString("en")} bytes: ${gzipSync(wasmFile, { level: 9 }).length.toLocaleString("en")} by zlib, ${gnuGzip.toLocaleString("en")} by \`gzip -9\` (budget 160 KiB = 163,840; issue 36's target 150 KiB = 153,600). The install is the unpacked tarball's file bytes (\`tar -xzOf npm/linkedin-inbox-*.tgz | wc -c\`, what \`npm install\` writes to node_modules): ${installed.toLocaleString("en")} bytes (target under 500,000). The size and speed of the build alternatives tried for issue 36 (what each cost and gave): docs/npm.md, "Build alternatives".`);
say();
table(["artifact", "raw", "gzip", "brotli", "budget"], [
  ["npm package .wasm", `${fmt(wasmFile.length / 1024)} KB`, `${fmt(gzipSync(wasmFile, { level: 9 }).length / 1024)} KB`, `${fmt(brotliCompressSync(wasmFile).length / 1024)} KB`, "160 KB gzip"],
  ["npm package install (tarball files; gzip = the .tgz)", `${fmt(installed / 1024)} KB`, `${fmt(readFileSync(tarball).length / 1024)} KB`, "", "500 KB installed"],
  ["Worker bundle (wasm + js)", `${fmt(workerBundle.length / 1024)} KB`, `${fmt(gzipSync(workerBundle, { level: 9 }).length / 1024)} KB`, `${fmt(brotliCompressSync(workerBundle).length / 1024)} KB`, "1 MB gzip (free plan limit 3 MB)"],
]);

// BENCH_SECTIONS=1-2 (bench/speed-size.sh): sections 1 and 2 only, put in place of theirs in
// bench/RESULTS.md; the other sections stay from their own run, whose date the header keeps.
if (process.env.BENCH_SECTIONS === "1-2") {
  const path = join(repo, "bench/RESULTS.md");
  const old = readFileSync(path, "utf8");
  const start = old.indexOf("## 1. "), end = old.indexOf("## 3. ");
  if (start < 0 || end < start) throw new Error("bench/RESULTS.md: no sections 1 to 3 to replace");
  const note = `Sections 1 and 2: a run of ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version} (\`bash bench/speed-size.sh\`); the other sections from the full run above.\n\n`;
  const before = old.slice(0, start).replace(/Sections 1 and 2: a run of [^\n]*\n\n/, "");
  writeFileSync(path, before + note + out.join("\n") + "\n" + old.slice(end));
  console.log("\nsections 1 and 2 written to bench/RESULTS.md");
  process.exit(0);
}

// 3-5. Worker, replay, popup (sandbox answering with 150 ms latency, like a real provider)
const sandbox = await startSandbox(["--daily-limit", "1000000", "--latency-ms", "150"]);
const clients = Array.from({ length: 20 }, (_, i) => ({
  name: `user${i + 1}`, token: `bench-user-${i + 1}`,
  ...[{ account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex" },
    { account: "5f1b2c3d4e5f60718293a4b5", loginToken: "demo-login-token-titouan" },
    { account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" }][i % 3],
  origins: ["chrome-extension://jcegmgjieaccpbogoabmpmboagcomiig"],
}));
// The benchmark measures the proxy, not its per-client limits (tested in worker/test/limits.test.mjs).
const vars = { CONNECTSAFELY_DAILY_LIMIT: "1000000", RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0", LINKUP_DAILY_CREDIT_CAP: "0" };
let worker = await startWorker({ sandboxBase: sandbox.base, clients, vars });
try {
  const lat = await latencies({ worker, sandbox, token: clients[0].token });
  say("## 3. Worker in workerd (wrangler dev, loopback; sandbox latency 150 ms; autocannon, 10 connections)");
  say();
  table(["path", "requests", "p50 ms", "p99 ms", "req/s", "answers"], Object.entries(lat).map(([name, s]) => [
    name, s.n, fmt(s.p50), fmt(s.p99), fmt(s.rps), Object.entries(s.seen).map(([k, v]) => `${k} ${v}`).join(", "),
  ]));
  say("MISS requests each ask for a thread page no stored page answers (each thread's newest message, then its newest two, …), so each is a new upstream call; list pages, their filters and search are answered from the account's store. The local `wrangler dev` server queues requests on this 2-core machine (the load generator shares the cores).");
  say();
  await sandbox.control("POST", "settings", { latencyMs: 0 });
  const cpu = await cpuPerRequest({ worker, token: clients[0].token });
  await sandbox.control("POST", "settings", { latencyMs: 150 });
  const range = (c) => `${fmt(c.min)} / ${fmt(c.median)}`;
  say(`CPU time per request of the workerd process that runs the Worker and the Durable Object with its SQLite store (kernel utime + stime over 200 sequential requests; min / median of 5 runs; asked with \`Accept-Encoding: identity\`, since locally workerd gzips answers in this same process while on Cloudflare the edge compresses outside the Worker's CPU time; ${fmt(cpu.pageBytes / 1024)} KB page of 100 conversations):`);
  say();
  table(["request", "CPU ms", "minus the /health floor"], [
    ["`/health` (auth-free, no cache, no upstream: the local plumbing floor)", range(cpu.health), "—"],
    ["HIT, 100-item page served from the store", range(cpu.hit), fmt(cpu.hit.median - cpu.health.median)],
    ["MISS, 100-item page (head sync: upstream call, parse, upserts, counters)", range(cpu.miss), fmt(cpu.miss.median - cpu.health.median)],
  ]);
  say(`Of the MISS, normalizing the 100-conversation page is ${fmt(results["connectsafely-100"].native.median / 1e6, 2)} ms natively and ${fmt(results["connectsafely-100"].wasm.median / 1e6, 2)} ms as the npm package's wasm in Node, results included (section 1; the Worker's own build differs: opt-level 3 throughout, its results never become JS objects). These figures are upper bounds for Cloudflare's CPU limit (10 ms on the free plan): the Durable Object's SQLite, its storage and the request plumbing run in this same workerd process and are counted; a HIT is an SQL query over the account's stored conversations and a JSON body (${fmt(cpu.hit.median - cpu.health.median)} ms over the floor; target: within 2 ms).`);
  say();

  await worker.stop();
  worker = await startWorker({ sandboxBase: sandbox.base, clients, vars: { ...vars, HEAD_TTL_SECS: "1" } });
  // 20 users each opening the popup every 10 minutes of an 8-hour day: 48 sessions each.
  const day = await replay({ worker, sandbox, tokens: clients.map((c) => c.token), sessionsPerUser: 48, spreadMs: 60_000 });
  say("## 4. Savings on a replayed day (20 users on 3 shared accounts)");
  say();
  say(`${day.sessions} popup sessions (inbox, sometimes a second page, the Unread view and a search, 1–3 threads, sometimes older messages) spread over ${fmt(day.seconds, 0)} s: each of the 20 users opens the popup every 10 minutes of an 8-hour working day, compressed 480× (8 h into 60 s), and the head freshness with it (30 s → 1 s, the floor: 8 minutes of the real day); older history stays stored for the retention period, as in production. Lists, Unread and search are answered from each account's store. Target: ≥ 5× fewer calls, ≥ 3× fewer credits. Errors: ${day.errors}.`);
  say();
  table(["", "upstream calls", "LinkupAPI credits"], [
    ["without the proxy (every request upstream)", day.withoutProxy.calls, day.withoutProxy.credits],
    ["with the proxy (sandbox counters)", day.withProxy.calls, day.withProxy.credits],
    ["saved", `${fmt(day.withoutProxy.calls / Math.max(1, day.withProxy.calls), 2)}× fewer`, `${fmt(day.withoutProxy.credits / Math.max(1, day.withProxy.credits), 2)}× fewer`],
  ]);

  popupSection(await popupTimings({ www: join(repo, "www"), proxyUrl: worker.base, token: clients[0].token }), { say, table, fmt });
} finally {
  await worker.stop();
  sandbox.stop();
}

// 6. Search in the store of a large account
{
  const big = await searchBench({ vars });
  say("## 6. Search in an account's store (workerd, loopback)");
  say();
  say(`A sandbox account of ${big.conversations} conversations, synced through the Worker in ${fmt(big.syncSeconds)} s (100 per upstream call), every thread opened (${big.messages} messages indexed in ${fmt(big.openSeconds)} s), then ${big.searches} keyword searches (first names and message words, ${fmt(big.hitsPerSearch)} results each on average, 20-item pages), one after another. Target: p50 under 50 ms.`);
  say();
  table(["", "p50 ms", "p95 ms"], [
    ["search (FTS5 over names, headlines, latest messages and every message stored)", fmt(big.p50), fmt(big.p95)],
    ["floor: `/health` on the same Worker", fmt(big.healthP50), "—"],
  ]);
}

// 7. One inbox over several accounts
{
  const u = await uniboxBench({ vars });
  say("## 7. One inbox over several accounts (workerd, loopback)");
  say();
  say(`3 sandbox accounts of ${u.conversations} conversations each (${u.stored} stored, synced through the Worker in ${fmt(u.syncSeconds)} s), then the first ${u.count}-item page of \`?account=all\` (the merge of the three stores by last activity, one signed composite cursor) and of one account, ${u.requests} of each, interleaved; then workerd CPU per request (user runtime with the Durable Objects, 5 runs of 100, median (min)). Upstream calls during the measurement: ${u.upstreamDuring}.`);
  say();
  table(["first page", "p50 ms", "p95 ms", "workerd CPU ms/request"], [
    ["`?account=all` (3 accounts merged)", fmt(u.all.p50), fmt(u.all.p95), `${fmt(u.all.cpu.median)} (${fmt(u.all.cpu.min)})`],
    ["`?account=big0` (one account)", fmt(u.one.p50), fmt(u.one.p95), `${fmt(u.one.cpu.median)} (${fmt(u.one.cpu.min)})`],
    ["ratio all / one", `${fmt(u.all.p50 / u.one.p50, 2)}×`, `${fmt(u.all.p95 / u.one.p95, 2)}×`, `${fmt(u.all.cpu.median / u.one.cpu.median, 2)}×`],
  ]);
  uniboxScaleSection(await uniboxScaleBench({ vars }), { say, table, fmt });
}

// 8. The registry at scale
registrySection(await registryBench({}), { say, table, fmt });

const header = [
  "# Benchmark results",
  "",
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  "Command: `make bench` (builds, then `node bench/run.mjs`). Machines here are noisy: compare ratios measured side by side in one run.",
  "",
];
writeFileSync(join(repo, "bench/RESULTS.md"), [...header, ...out].join("\n") + "\n");
console.log("\nwritten to bench/RESULTS.md");
