// The account gate (one Durable Object per account) inside workerd against the sandbox:
// coalescing, budgets that survive restarts, credits, stale-on-error, refresh, a load run.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const CLIENTS = [
  { name: "alex", token: "scale-alex", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex" },
  { name: "priya", token: "scale-priya", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" },
  { name: "titouan", token: "scale-titouan", account: "5f1b2c3d4e5f60718293a4b5", loginToken: "demo-login-token-titouan" },
];
const DOC_PROFILE = encodeURIComponent("https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/");
// Load runs measure the gate, not the per-client rate limit (limits.test.mjs covers that).
const SCALE_VARS = { UPSTREAM_TIMEOUT_MS: "3000", COALESCE_WAIT_MS: "1000", RATE_LIMIT_PER_MINUTE: "0" };
const STALE_VARS = { HEAD_TTL_SECS: "1", UPSTREAM_TIMEOUT_MS: "1500" };

let sandbox, scale, stale, state;

before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  state = mkdtempSync(join(tmpdir(), "inbox-gate-"));
  scale = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: SCALE_VARS, persistTo: state });
  stale = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: STALE_VARS });
});
after(async () => {
  await scale?.stop();
  await stale?.stop();
  sandbox?.stop();
  rmSync(state, { recursive: true, force: true });
});

// Every response, load runs included, is checked against docs/openapi.yaml (tests/js/openapi.mjs).
const call = (worker, path, token = "scale-alex", method = "GET") => checkedCall(worker.base, path, { method, authorization: `Bearer ${token}` });

const upstream = async () => (await sandbox.stats()).calls.total;
const credits = async () => (await sandbox.stats()).creditsSpent;

async function pool(count, concurrency, task) {
  let next = 0;
  const results = new Array(count);
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  }));
  return results;
}

test("100 concurrent identical cold requests cost exactly 1 upstream call", async () => {
  await sandbox.fault({ mode: "latency", latencyMs: 700, count: 1, endpoint: "connectsafely" });
  const before = await upstream();
  const results = await Promise.all(Array.from({ length: 100 }, () => call(scale, "/v1/conversations?count=33")));
  assert.equal((await upstream()) - before, 1);
  assert.ok(results.every((r) => r.status === 200));
  assert.equal(new Set(results.map((r) => r.text)).size, 1, "100 identical bodies");
  const sources = results.map((r) => r.headers.get("x-cache"));
  assert.equal(sources.filter((s) => s === "MISS").length, 1);
  assert.ok(sources.includes("COALESCED"), sources.join(","));
});

test("the same request from clients of 2 accounts costs 2 upstream calls, no shared body", async () => {
  const before = await upstream();
  const [a, b] = await Promise.all([call(scale, "/v1/conversations?count=34"), call(scale, "/v1/conversations?count=34", "scale-titouan")]);
  assert.equal((await upstream()) - before, 2);
  assert.notEqual(a.text, b.text);
  assert.deepEqual([a.body.accountId, b.body.accountId], ["696ce9e780e0483585e4e553", "5f1b2c3d4e5f60718293a4b5"]);
});

test("a cached page requested 1,000 times: 0 upstream calls, credits saved add up", async () => {
  const path = `/v1/messages?profileUrl=${DOC_PROFILE}&count=25`;
  const first = await call(scale, path, "scale-titouan");
  assert.deepEqual([first.status, first.headers.get("x-credits-spent")], [200, "3"]);
  const usageBefore = (await call(scale, "/v1/usage", "scale-titouan")).body;
  const before = await upstream();
  const results = await pool(1000, 20, () => call(scale, path, "scale-titouan"));
  assert.equal((await upstream()) - before, 0);
  assert.ok(results.every((r) => r.status === 200 && r.headers.get("x-cache") === "HIT"));
  const usageAfter = (await call(scale, "/v1/usage", "scale-titouan")).body;
  assert.equal(usageAfter.linkup.creditsSaved - usageBefore.linkup.creditsSaved, 3000);
  assert.equal(usageAfter.linkup.creditsSpent, usageBefore.linkup.creditsSpent);
});

test("refresh: the next head page misses, older cursor pages still hit", async () => {
  const head = await call(scale, "/v1/conversations?count=11");
  const cursorPath = `/v1/conversations?count=11&cursor=${encodeURIComponent(head.body.nextCursor)}`;
  assert.equal((await call(scale, cursorPath)).headers.get("x-cache"), "MISS");
  assert.equal((await call(scale, "/v1/conversations?count=11")).headers.get("x-cache"), "HIT");
  const refreshed = await call(scale, "/v1/refresh", "scale-alex", "POST");
  assert.equal(refreshed.status, 200);
  const before = await upstream();
  assert.equal((await call(scale, "/v1/conversations?count=11")).headers.get("x-cache"), "MISS");
  assert.equal((await call(scale, cursorPath)).headers.get("x-cache"), "HIT");
  assert.equal((await upstream()) - before, 1);
  const other = await call(scale, "/v1/conversations?count=34", "scale-titouan");
  assert.equal(other.headers.get("x-cache"), "HIT", "another account's head pages are untouched");
});

test("a hung in-flight call: waiters answer 504 within the bound, at most 1 extra call follows", async () => {
  await sandbox.fault({ mode: "hang", count: 1, endpoint: "connectsafely" });
  const before = await upstream();
  const leader = call(scale, "/v1/conversations?count=35");
  await new Promise((r) => setTimeout(r, 200));
  const started = Date.now();
  const waiters = await Promise.all(Array.from({ length: 5 }, () => call(scale, "/v1/conversations?count=35")));
  const waited = Date.now() - started;
  assert.ok(waiters.every((w) => w.status === 504 && w.body.error.code === "NETWORK_ERROR"), JSON.stringify(waiters.map((w) => w.status)));
  assert.ok(waited < 2500, `waiters gave up after ${waited} ms`);
  const lead = await leader;
  assert.equal(lead.status, 504);
  const retry = await call(scale, "/v1/conversations?count=35");
  assert.equal(retry.status, 200);
  assert.ok((await upstream()) - before <= 2);
});

test("a 10 s load run over several accounts: no errors, exact upstream calls and credits", async () => {
  const paths = [];
  for (const token of ["scale-alex", "scale-titouan"]) {
    for (const count of [61, 62, 63, 64]) paths.push([`/v1/conversations?count=${count}`, token, 0]);
    paths.push([`/v1/conversations?count=65&unread=true`, token, 0]);
  }
  for (const count of [12, 27, 40]) paths.push([`/v1/messages?profileUrl=${DOC_PROFILE}&count=${count}`, "scale-titouan", Math.ceil(count / 10)]);
  const [callsBefore, creditsBefore] = [await upstream(), await credits()];
  const deadline = Date.now() + 10_000;
  const statuses = {};
  let requests = 0;
  await Promise.all(Array.from({ length: 10 }, async (_, worker) => {
    for (let i = worker; Date.now() < deadline; i += 7) {
      const [path, token] = paths[i % paths.length];
      const { status } = await call(scale, path, token);
      statuses[status] = (statuses[status] ?? 0) + 1;
      requests += 1;
    }
  }));
  assert.deepEqual(Object.keys(statuses), ["200"], JSON.stringify(statuses));
  assert.ok(requests > paths.length * 5, `${requests} requests`);
  assert.equal((await upstream()) - callsBefore, paths.length, "one upstream call per distinct page");
  assert.equal((await credits()) - creditsBefore, paths.reduce((sum, [, , cost]) => sum + cost, 0));
});

test("the 151st ConnectSafely call of the day is refused with no upstream call, even after a restart", async () => {
  const usage = (await call(scale, "/v1/usage", "scale-priya")).body;
  const remaining = usage.connectsafely.dailyLimit - usage.connectsafely.callsToday;
  assert.equal(usage.connectsafely.dailyLimit, 150);
  const before = await upstream();
  const spent = await pool(remaining, 10, (i) => call(scale, `/v1/conversations?count=${(i % 100) + 1}&unread=${i < 100}`, "scale-priya"));
  assert.ok(spent.every((r) => r.status === 200 && r.headers.get("x-cache") === "MISS"));
  assert.equal((await upstream()) - before, remaining);
  const refused = await call(scale, "/v1/conversations?count=100&keywords=over-budget", "scale-priya");
  assert.deepEqual([refused.status, refused.body.error.code], [429, "BUDGET_EXHAUSTED"]);
  const retryAfter = Number(refused.headers.get("retry-after"));
  assert.ok(retryAfter > 0 && retryAfter <= 86_400);
  const cached = await call(scale, "/v1/conversations?count=1&unread=true", "scale-priya");
  assert.equal(cached.headers.get("x-cache"), "HIT", "cached pages are still served");
  assert.equal((await upstream()) - before, remaining, "no upstream call once spent");

  await scale.stop();
  scale = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: SCALE_VARS, persistTo: state });
  const afterRestart = await call(scale, "/v1/conversations?count=99&keywords=after-restart", "scale-priya");
  assert.deepEqual([afterRestart.status, afterRestart.body.error.code], [429, "BUDGET_EXHAUSTED"], "the budget lives in storage");
  assert.equal((await upstream()) - before, remaining);
});

test("upstream failures with a cached page answer STALE; without one, the documented error", async () => {
  const failures = [
    [{ mode: "status", status: 500 }, 502, "UPSTREAM_ERROR"],
    [{ mode: "status", status: 502 }, 502, "UPSTREAM_ERROR"],
    [{ mode: "status", status: 429, retryAfter: 1 }, 429, "RATE_LIMITED"],
    [{ mode: "hang" }, 504, "NETWORK_ERROR"],
    [{ mode: "malformed" }, 502, "MALFORMED_RESPONSE"],
  ];
  let count = 70;
  for (const [fault, status, code] of failures) {
    count += 1;
    const path = `/v1/conversations?count=${count}`;
    const fresh = await call(stale, path);
    assert.equal(fresh.headers.get("x-cache"), "MISS");
    await new Promise((r) => setTimeout(r, 1100));
    await sandbox.fault({ ...fault, count: 1 });
    const started = Date.now();
    const served = await call(stale, path);
    assert.deepEqual([served.status, served.headers.get("x-cache")], [200, "STALE"], JSON.stringify(fault));
    assert.ok(Number(served.headers.get("age")) >= 1);
    assert.equal(served.text, fresh.text);
    assert.ok(Date.now() - started < 5000, "within the waiter timeout");
    if (fault.retryAfter) await new Promise((r) => setTimeout(r, 1100));

    await sandbox.fault({ ...fault, count: 1 });
    const uncached = await call(stale, `/v1/conversations?count=${count}&unread=true`);
    assert.deepEqual([uncached.status, uncached.body.error.code], [status, code], JSON.stringify(fault));
    if (fault.retryAfter) {
      assert.equal(uncached.headers.get("retry-after"), "1");
      await new Promise((r) => setTimeout(r, 1100));
    }
  }
});

test("when the account gate itself fails: 503, never an upstream call around it", async () => {
  const warm = await call(scale, "/v1/conversations?count=44", "scale-titouan");
  assert.equal(warm.headers.get("x-cache"), "MISS");
  await scale.stop();
  const broken = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { ...SCALE_VARS, ACCOUNT_GATE_BINDING: "NO_SUCH_BINDING" }, persistTo: state });
  try {
    const before = await upstream();
    // The pages live in the account's object: without it nothing is served, nothing fetched.
    for (const count of [44, 45]) {
      const answer = await call(broken, `/v1/conversations?count=${count}`, "scale-titouan");
      assert.deepEqual([answer.status, answer.body.error.code], [503, "UNAVAILABLE"]);
    }
    const usage = await call(broken, "/v1/usage", "scale-titouan");
    assert.equal(usage.status, 503);
    assert.equal((await upstream()) - before, 0);
  } finally {
    await broken.stop();
    scale = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: SCALE_VARS, persistTo: state });
  }
});
