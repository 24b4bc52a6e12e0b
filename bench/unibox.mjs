// One inbox over several accounts (issue 20): the merged first page of `?account=all` over 3
// accounts of N conversations each, served from their stores, next to one account's first page
// on the same Worker. Both are timed (p50, p95) and measured in workerd CPU per request,
// interleaved round by round so the machine's noise falls on both alike.
import { bigAccount, startSandbox } from "../tests/js/sandbox.mjs";
import { startWorker } from "../tests/js/worker.mjs";
import { cpuPerStep } from "./cpu.mjs";


const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

export async function uniboxBench({ conversations = 2000, count = 20, requests = 200, vars }) {
  const sandbox = await startSandbox(["--daily-limit", "1000000", "--big-account", String(conversations), "--big-accounts", "3"]);
  const accounts = [0, 1, 2].map((k) => ({ id: `big${k}`, label: `Big ${k}`, ...bigAccount(k) }));
  const worker = await startWorker({
    sandboxBase: sandbox.base,
    clients: [{ name: "team", token: "bench-team", accounts }],
    vars: { ...vars, HEAD_TTL_SECS: "86400", MAX_THREADS: String(conversations), RATE_LIMIT_PER_MINUTE: "0" },
  });
  const headers = { authorization: "Bearer bench-team", "accept-encoding": "identity" };
  const get = async (path) => {
    const response = await fetch(`${worker.base}${path}`, { headers });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  };
  try {
    // Each account's whole inbox into its store (100 per upstream call).
    const started = performance.now();
    let stored = 0;
    for (const { id } of accounts) {
      let cursor = null;
      do {
        const page = await get(`/v1/conversations?account=${id}&count=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        stored += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
    }
    const syncSeconds = (performance.now() - started) / 1000;
    const calls = (await sandbox.stats()).calls.total;
    const paths = { all: `/v1/conversations?account=all&count=${count}`, one: `/v1/conversations?account=big0&count=${count}` };
    const first = await get(paths.all);
    if (first.items.length !== count || new Set(first.items.map((c) => c.account)).size < 2) throw new Error("the merged page is not a mix of accounts");
    const times = { all: [], one: [] };
    for (let i = 0; i < requests; i++) {
      for (const which of i % 2 ? ["one", "all"] : ["all", "one"]) {
        const t = performance.now();
        await get(paths[which]);
        times[which].push(performance.now() - t);
      }
    }
    const cpu = {};
    for (const which of ["one", "all"]) cpu[which] = await cpuPerStep(worker.pid, 100, 5, () => get(paths[which]));
    const upstreamDuring = (await sandbox.stats()).calls.total - calls;
    for (const list of Object.values(times)) list.sort((a, b) => a - b);
    return {
      conversations, stored, count, syncSeconds, requests, upstreamDuring,
      all: { p50: percentile(times.all, 0.5), p95: percentile(times.all, 0.95), cpu: cpu.all },
      one: { p50: percentile(times.one, 0.5), p95: percentile(times.one, 0.95), cpu: cpu.one },
    };
  } finally {
    await worker.stop();
    sandbox.stop();
  }
}

// `node bench/unibox.mjs`: this benchmark alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await uniboxBench({ vars: {} }), null, 2));
}
