// The registry at scale: clients and accounts created through the admin API, then
// the cost of authenticating a request next to today's CLIENTS secret of 5 clients, in the
// same run. The request is one the Worker answers right after authenticating (an unknown path:
// 404 once the token is known), so what differs between the rows is the registry lookup.
// Rows: the CLIENTS secret (5 clients); the stored registry with the isolate's cache (the
// default, 10 s); the stored registry asked on every request (cache 0 s: the worst case, a
// token seen for the first time in an isolate).
import { randomBytes } from "node:crypto";
import { startSandbox } from "../tests/js/sandbox.mjs";
import { startWorker } from "../tests/js/worker.mjs";
import { cpuPerStep } from "./cpu.mjs";

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function timed(count, step) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await step(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

/** p50/p95 and workerd CPU of an authenticated request with `token` on `worker`. */
async function authCost(worker, token, requests) {
  const probe = async () => {
    const response = await fetch(`${worker.base}/v1/registry-bench-probe`, { headers: { authorization: `Bearer ${token}`, "accept-encoding": "identity" } });
    await response.arrayBuffer();
    if (response.status !== 404) throw new Error(`the probe answered ${response.status}, not 404 (authenticated)`);
  };
  await probe();
  const latency = await timed(requests, probe);
  const cpu = await cpuPerStep(worker.pid, requests, 5, probe);
  return { ...latency, cpu };
}

/** Runs `task(i)` for i < count, `width` at a time. */
async function pool(count, width, task) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await task(next++);
  }));
}

export async function registryBench({ accounts = 10_000, clients = 5_000, budgetMs = 240_000, requests = 200 } = {}) {
  const sandbox = await startSandbox(["--daily-limit", "1000000"]);
  const demo = { account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex" };
  const envClients = Array.from({ length: 5 }, (_, i) => ({ name: `env${i}`, token: `bench-env-${i}`, ...demo }));
  const results = {};
  let worker = await startWorker({ sandboxBase: sandbox.base, clients: envClients, vars: { RATE_LIMIT_PER_MINUTE: "0" } });
  try {
    results.secret = await authCost(worker, "bench-env-4", requests);
  } finally {
    await worker.stop();
  }
  const adminToken = randomBytes(32).toString("hex");
  const secrets = { ADMIN_TOKEN: adminToken, REGISTRY_KEYS: `k1:${randomBytes(32).toString("base64")}` };
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const state = mkdtempSync(join(tmpdir(), "bench-registry-"));
  const start = (cacheSecs) => startWorker({
    sandboxBase: sandbox.base, clients: null, persistTo: state, secrets,
    vars: { RATE_LIMIT_PER_MINUTE: "0", REGISTRY_CACHE_SECS: String(cacheSecs) },
  });
  worker = await start(10);
  try {
    const admin = async (path, body, method = "POST") => {
      const response = await fetch(`${worker.base}/admin/v1${path}`, {
        method, headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return JSON.parse(text);
    };
    const began = performance.now();
    let madeAccounts = 0;
    let madeClients = 0;
    let lastToken = null;
    // Each account a distinct LinkedIn account (a ConnectSafely id of 24 hex digits).
    await pool(accounts, 8, async (i) => {
      if (performance.now() - began > budgetMs / 2) return;
      await admin("/accounts", { id: `acct${i}`, label: `Account ${i}`, connectsafelyAccountId: i.toString(16).padStart(24, "0") });
      madeAccounts++;
    });
    const accountSeconds = (performance.now() - began) / 1000;
    const clientsBegan = performance.now();
    await pool(clients, 8, async (i) => {
      if (performance.now() - began > budgetMs) return;
      // Two accounts each; the last client made also gets the demo account the probe can use.
      const made = await admin("/clients", { name: `client${i}`, accounts: [`acct${(2 * i) % madeAccounts}`, `acct${(2 * i + 1) % madeAccounts}`] });
      madeClients++;
      lastToken = made.token;
    });
    const clientSeconds = (performance.now() - clientsBegan) / 1000;
    results.created = { accounts: madeAccounts, clients: madeClients, accountSeconds, clientSeconds };
    results.cached = await authCost(worker, lastToken, requests);
    let after = null;
    results.paging = await timed(20, async () => {
      const page = await admin(`/accounts?limit=100${after ? `&after=${after}` : ""}`, undefined, "GET");
      after = page.next;
    });
    await worker.stop();
    worker = await start(0);
    results.uncached = await authCost(worker, lastToken, requests);
  } finally {
    await worker.stop();
    sandbox.stop();
    rmSync(state, { recursive: true, force: true });
  }
  return results;
}

/** Section 8 of bench/RESULTS.md from `registryBench`'s figures (`make bench`, or alone:
 *  `node bench/registry-only.mjs`). */
export function registrySection(r, { say, table, fmt }) {
  say("## 8. The client registry at scale (workerd, loopback)");
  say();
  say(`Created through the admin API, 8 at a time: ${r.created.accounts} accounts in ${fmt(r.created.accountSeconds)} s and ${r.created.clients} clients (2 accounts each) in ${fmt(r.created.clientSeconds)} s. Then one authenticated request (an unknown path: 404 right after the token is known) 200 times, timed, then workerd CPU per request (5 runs of 200, median (min)); today's \`CLIENTS\` secret of 5 clients measured in the same run. Target: at most +1 ms p50 and +0.3 ms CPU over the secret, whatever the registry's size. The uncached row counts the registry object's own CPU too (it runs in the same workerd process here; on Cloudflare it is the object's, not the request's).`);
  say();
  const row = (name, c) => [name, fmt(c.p50), fmt(c.p95), `${fmt(c.cpu.median)} (${fmt(c.cpu.min)})`, `${fmt(c.p50 - r.secret.p50, 2)} / ${fmt(c.cpu.median - r.secret.cpu.median, 2)}`];
  table(["registry", "p50 ms", "p95 ms", "workerd CPU ms/request", "over the secret: p50 / CPU ms"], [
    row("`CLIENTS` secret, 5 clients", r.secret),
    row(`stored, ${r.created.accounts} accounts / ${r.created.clients} clients, isolate cache (default 10 s)`, r.cached),
    row("stored, same size, asked on every request (cache 0 s: a token's first request in an isolate)", r.uncached),
  ]);
  say(`Admin list of accounts, 100 a page: p50 ${fmt(r.paging.p50)} ms, p95 ${fmt(r.paging.p95)} ms (20 pages).`);
  say();
}
