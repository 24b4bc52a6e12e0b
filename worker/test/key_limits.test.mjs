// Limits as the providers state them, per API key, in workerd: 30 accounts on
// one ConnectSafely key under load stay under the key's rates with a fair share each, and an
// upstream 429 pauses the key for all 30.
//
// The provider's rates are scaled up (a burst window of 60 calls per 2 s, 1,800 a minute) so
// the run takes seconds; the Worker is set to the same figures. Between the Worker and the
// sandbox a loopback relay counts every ConnectSafely call by the account that made it (the
// sandbox knows 3 demo accounts: the relay maps the 30 onto them) and checks each arrival
// against the same figures as sliding windows, the strictest reading of them: a call over
// them is answered 429 there and counted. When the sandbox has its own per-key limits
// (`POST /__sandbox/settings` `keyRateLimits`), they are switched on too and must count no
// refusal.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const RATES = { perMinute: 1800, burst: 60, burstWindowSecs: 2 };
const ACCOUNTS = 30;
const LOAD_MS = 40_000; // ~29 calls an account: a 10% band is about 3 calls wide
/** Shares are compared once every account is asking (the first may get a lease of a few). */
const WARM_UP_MS = 3_000;
const DEMO_ACCOUNTS = ["696ce9e780e0483585e4e553", "5f1b2c3d4e5f60718293a4b5", "6a7b8c9d0e1f2a3b4c5d6e7f"];
const CLIENTS = Array.from({ length: ACCOUNTS }, (_, i) => ({
  name: `fleet-${i}`,
  token: `key-limits-${i}`,
  account: `a0a0a0a0a0a0a0a0a0a0a0${i.toString(16).padStart(2, "0")}`,
  loginToken: null,
}));
const VARS = {
  CONNECTSAFELY_KEY_PER_MINUTE: String(RATES.perMinute),
  CONNECTSAFELY_KEY_BURST: String(RATES.burst),
  CONNECTSAFELY_KEY_BURST_WINDOW_SECS: String(RATES.burstWindowSecs),
  KEY_LEASE_MS: "500",
  // Clients wait for their permit rather than be refused: the run measures the key's shares.
  KEY_WAIT_MAX_MS: "10000",
  HEAD_TTL_SECS: "0", // every list request syncs the head: one upstream call each
  RATE_LIMIT_PER_MINUTE: "0",
  UPSTREAM_TIMEOUT_MS: "5000",
  MAX_PAUSE_SECS: "60",
};

let sandbox, relay, worker, sandboxLimits;
/** A conversation of each account, from its first list. */
const threads = [];

/** Every ConnectSafely call the relay saw: [ms, account, status]. */
const seen = [];
let overLimit = 0;

function overRates(now) {
  const inWindow = (ms) => seen.filter(([at, , status]) => status !== 429 && at > now - ms).length;
  return inWindow(60_000) >= RATES.perMinute || inWindow(RATES.burstWindowSecs * 1000) >= RATES.burst;
}

function startRelay(target) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://relay");
    const account = url.searchParams.get("accountId");
    const connectsafely = url.pathname.startsWith("/linkedin/");
    const now = Date.now();
    if (connectsafely && overRates(now)) {
      overLimit += 1;
      seen.push([now, account, 429]);
      res.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
      res.end(JSON.stringify({ success: false, error: "Rate limit exceeded" }));
      return;
    }
    const index = CLIENTS.findIndex((c) => c.account === account);
    if (index >= 0) url.searchParams.set("accountId", DEMO_ACCOUNTS[index % DEMO_ACCOUNTS.length]);
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const answer = await fetch(`${target}${url.pathname}${url.search}`, {
      method: req.method,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "content-length")),
      body: chunks.length ? Buffer.concat(chunks) : undefined,
      redirect: "manual",
    });
    if (connectsafely) seen.push([now, account, answer.status]);
    const headers = {};
    for (const name of ["content-type", "retry-after", "location", "x-ratelimit-reset"]) {
      const value = answer.headers.get(name);
      if (value) headers[name] = value;
    }
    res.writeHead(answer.status, headers);
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    base: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  })));
}

before(async () => {
  sandbox = await startSandbox(["--daily-limit", "1000000"]);
  // The sandbox's own per-key limits, where it has them (an older sandbox answers 404).
  const switched = await fetch(`${sandbox.base}/__sandbox/settings`, {
    method: "POST",
    // 10% above the Worker's figures: the relay judges every call at the exact rates as it
    // arrives; the sandbox, one loopback hop later, also sees that hop's jitter (calls the
    // relay passed 100 ms apart can reach it together on a loaded machine).
    body: JSON.stringify({ keyRateLimits: { connectsafely: { ...RATES, burst: Math.ceil(RATES.burst * 1.1), perMinute: Math.ceil(RATES.perMinute * 1.1) }, linkup: null } }),
  });
  sandboxLimits = switched.ok && (await switched.json()).keyRateLimits?.connectsafely != null;
  relay = await startRelay(sandbox.base);
  worker = await startWorker({
    sandboxBase: sandbox.base,
    clients: CLIENTS,
    vars: { ...VARS, CONNECTSAFELY_BASE_URL: `${relay.base}/linkedin` },
  });
});
after(async () => {
  await worker?.stop();
  await relay?.stop();
  sandbox?.stop();
});

const call = (i, path) => checkedCall(worker.base, path, { authorization: `Bearer ${CLIENTS[i].token}` });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Each account's newest message, asked in a loop until `until` (one upstream call each: the
 * thread's head is never fresh with HEAD_TTL_SECS 0); the answers' statuses. */
async function load(until) {
  const statuses = {};
  await Promise.all(CLIENTS.map(async (_, i) => {
    for (let n = 0; Date.now() < until && n < 500; n++) {
      // A loopback connection the loaded machine drops (`fetch failed`) is counted and asked
      // again, as a client would; the test bounds how many there may be.
      const answer = await call(i, `/v1/conversations/${encodeURIComponent(threads[i])}/messages?count=1`)
        .catch((error) => ({ status: `transport: ${error.message}` }));
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (answer.status === 429 || typeof answer.status === "string") await sleep(200);
    }
  }));
  return statuses;
}

/** The sandbox's own count of the ConnectSafely key's calls and refusals (its per-key limits). */
const sandboxKey = async () => {
  const stats = await sandbox.stats();
  const digest = createHash("sha256").update("demo-connectsafely-key").digest("hex").slice(0, 8);
  return stats.keyRateLimits?.connectsafely?.[digest] ?? { calls: 0, limited: 0 };
};

test("30 accounts on one ConnectSafely key under load: no upstream 429, each within 10% of its fair share", async () => {
  for (let i = 0; i < ACCOUNTS; i++) {
    const listed = await call(i, "/v1/conversations?count=1");
    assert.equal(listed.status, 200, listed.text);
    threads.push(listed.body.items[0].id);
  }
  await sleep(2 * RATES.burstWindowSecs * 1000); // the windows drain
  const started = Date.now();
  const statuses = await load(started + LOAD_MS);
  const duration = Date.now() - started;
  const steady = seen.filter(([at, , status]) => at >= started + WARM_UP_MS && status !== 429);
  const perAccount = CLIENTS.map((c) => steady.filter(([, account]) => account === c.account).length);
  const total = perAccount.reduce((a, b) => a + b, 0);
  const mean = total / ACCOUNTS;
  const [min, max] = [Math.min(...perAccount), Math.max(...perAccount)];
  const upstream429 = seen.filter(([, , status]) => status === 429).length;
  console.log(`# key_limits load: ${duration} ms, ${seen.length} ConnectSafely calls (${total} after ${WARM_UP_MS} ms warm-up), ` +
    `per account min ${min} max ${max} mean ${mean.toFixed(1)} (${((min / mean - 1) * 100).toFixed(1)}% / +${((max / mean - 1) * 100).toFixed(1)}%), ` +
    `upstream 429: ${upstream429}, client answers ${JSON.stringify(statuses)}, sandbox per-key limits ${sandboxLimits ? "on" : "absent"}`);
  // The relay stamps each call when its handler runs, in this test's own event loop, which a
  // loaded machine delays: calls the limiter spread over two windows can be stamped into one.
  // So the relay may see at most 1% over (a clean-clone run saw 1 of 933); the limiter's
  // exact rates are tested without clocks in rules/key_limits.rs.
  const overAllowed = Math.max(1, Math.floor(seen.length / 100));
  assert.ok(overLimit <= overAllowed, `${overLimit} calls over the key's rates reached the provider (allowed ${overAllowed})`);
  const dropped = Object.entries(statuses).filter(([status]) => status.startsWith("transport")).reduce((n, [, count]) => n + count, 0);
  assert.ok(dropped <= Math.max(1, seen.length / 100), `at most 1% of the requests dropped by the loaded machine: ${JSON.stringify(statuses)}`);
  // The rates are judged at the relay (above). The sandbox's own limiter, one
  // loopback hop later and a token bucket where the providers document only the rates, is a
  // second witness: on a loaded machine the hop can bunch a few calls together, so it may
  // refuse at most 1% of them.
  const witness = Math.max(1, Math.floor(seen.length / 100));
  assert.ok(upstream429 <= witness, `${upstream429} upstream 429 (the sandbox's witness allows ${witness})`);
  if (sandboxLimits) {
    const counted = await sandboxKey();
    assert.ok(counted.calls >= total, `the sandbox counted the key's calls: ${JSON.stringify(counted)}`);
    assert.ok(counted.limited <= witness, `the sandbox's own per-key limits refused ${counted.limited}`);
  }
  // Every client was served: a limiter that lost permits or stopped granting them would leave
  // clients waiting past KEY_WAIT_MAX_MS and refused. How much of the key a run uses depends
  // on how fast the machine answers (alone 85-90%, a loaded CI run 44%), so it is printed,
  // not asserted; the limiter's exact grants are tested without clocks in rules/key_limits.rs.
  const refused = Object.entries(statuses).filter(([status]) => status !== "200" && !status.startsWith("transport"));
  assert.deepEqual(refused, [], `every answer 200: ${JSON.stringify(statuses)}`);
  const allowed = ((LOAD_MS - WARM_UP_MS) / (RATES.burstWindowSecs * 1000 + 500)) * RATES.burst;
  console.log(`# key_limits key use: ${total} of ${allowed.toFixed(0)} calls the key allowed (${((100 * total) / allowed).toFixed(0)}%)`);
  // Within 10% of the fair share, or 2 calls where a slow machine leaves each account so few
  // calls that 10% is less than two (a call a window early or late is timing, not share).
  const band = Math.max(mean * 0.1, 2);
  assert.ok(min >= mean - band && max <= mean + band, `shares ${JSON.stringify(perAccount)} (mean ${mean.toFixed(1)}, band ±${band.toFixed(1)})`);
  const usage = await call(7, "/v1/usage");
  console.log(`# key_limits usage.limits of one account: ${JSON.stringify(usage.body.limits)}`);
  const key = usage.body.limits.keys.find((k) => k.provider === "connectsafely");
  const digest = createHash("sha256").update("demo-connectsafely-key").digest("hex").slice(0, 8);
  assert.deepEqual([key.key, key.perMinute, key.burst, key.burstWindowSecs], [digest, RATES.perMinute, RATES.burst, RATES.burstWindowSecs]);
  assert.ok(!usage.text.includes("demo-connectsafely-key"), "the key never in clear");
});

test("an upstream 429 pauses the key: every account of it waits, then all resume", async () => {
  await sleep(2 * RATES.burstWindowSecs * 1000); // the windows drain
  await sandbox.fault({ mode: "status", status: 429, retryAfter: 4, endpoint: "connectsafely", count: 1 });
  const limited = await call(0, "/v1/conversations?count=5");
  const hit = seen.findLast(([, , status]) => status === 429);
  assert.ok(hit && hit[1] === CLIENTS[0].account, `the fault answered account 0 (${limited.status} ${limited.headers.get("x-cache")}; ${JSON.stringify(seen.slice(-3))}; ${JSON.stringify((await sandbox.stats()).faultsPending)})`);
  const pausedAt = hit[0];
  const during = await call(11, "/v1/usage");
  const key = during.body.limits.keys.find((k) => k.provider === "connectsafely");
  assert.ok(key.pausedUntil >= pausedAt + 3_000 && key.pausedUntil <= pausedAt + 5_000, `pausedUntil ${key.pausedUntil - pausedAt} ms after the 429`);
  const started = Date.now();
  const overBefore = overLimit;
  const statuses = await load(pausedAt + 8_000);
  // Permits granted before the pause reached the key's gate (a lease, or an ask answered
  // while the 429 travelled back) may still be used: at most a lease's time plus that trip.
  const settledAt = pausedAt + Number(VARS.KEY_LEASE_MS) + 500;
  const inFlight = seen.filter(([at, , status]) => at > pausedAt && at <= settledAt && status !== 429);
  const held = seen.filter(([at, , status]) => at > settledAt && at < pausedAt + 3_900 && status !== 429);
  const after = seen.filter(([at]) => at >= pausedAt + 3_900);
  const resumed = new Set(after.map(([, account]) => account));
  console.log(`# key_limits pause: ${inFlight.length} calls under permits granted before it, ${held.length} calls in the rest of the 4 s pause, ${after.length} calls from ${resumed.size} accounts after it, ` +
    `${Date.now() - started} ms, client answers ${JSON.stringify(statuses)}`);
  assert.equal(held.length, 0, "no account of the key called while it was paused");
  assert.ok(inFlight.length <= RATES.burst, `${inFlight.length} calls under permits granted before the pause`);
  assert.ok(resumed.size >= 20, `${resumed.size} accounts resumed`);
  assert.ok(overLimit - overBefore <= Math.max(1, Math.floor(seen.length / 100)), "the relay's count of calls over the rates (see the load test)");
  if (sandboxLimits) assert.ok((await sandboxKey()).limited <= Math.max(1, Math.floor(seen.length / 100)), "the sandbox's witness");
});

test("past KEY_WAIT_MAX_MS a refused call answers 429 RATE_LIMITED with Retry-After, spending nothing; a list answers from its store", async () => {
  await sleep(2 * RATES.burstWindowSecs * 1000);
  await sandbox.fault({ mode: "status", status: 429, retryAfter: 30, endpoint: "connectsafely", count: 1 });
  const first = await call(0, `/v1/conversations/${encodeURIComponent(threads[0])}/messages?count=1`);
  assert.equal(seen.at(-1)[2], 429, `the fault answered (${first.status} ${first.headers.get("x-cache")})`);
  const calls = seen.length;
  // Another account, a page it never fetched (no stored page to answer STALE): the key's
  // pause (30 s) is longer than a client waits (10 s).
  const refused = await call(5, `/v1/conversations/${encodeURIComponent(threads[5])}/messages?count=2`);
  assert.deepEqual([refused.status, refused.body.error?.code], [429, "RATE_LIMITED"], refused.text);
  const retryAfter = Number(refused.headers.get("retry-after"));
  assert.ok(retryAfter >= 25 && retryAfter <= 30, `Retry-After ${retryAfter}`);
  const listed = await call(6, "/v1/conversations?count=5");
  assert.deepEqual([listed.status, listed.headers.get("x-cache")], [200, "STALE"], "the stored list, flagged");
  assert.equal(seen.length, calls, "no upstream call while the key is paused");
  // A send and a read-state change wait for the key too: refused, nothing sent or spent, and
  // the send's Idempotency-Key is free for a retry.
  const sendsBefore = (await call(7, "/v1/usage")).body;
  const key = randomUUID();
  const sent = await fetch(`${worker.base}/v1/conversations/${encodeURIComponent(threads[7])}/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${CLIENTS[7].token}`, "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify({ text: "while the key is paused" }),
  });
  const sentBody = await sent.json();
  assert.deepEqual([sent.status, sentBody.error?.code], [429, "RATE_LIMITED"], JSON.stringify(sentBody));
  assert.ok(Number(sent.headers.get("retry-after")) >= 1, "Retry-After on a refused send");
  const marked = await fetch(`${worker.base}/v1/conversations/${encodeURIComponent(threads[7])}/read`, {
    method: "POST",
    headers: { authorization: `Bearer ${CLIENTS[7].token}` },
  });
  assert.equal(marked.status, 429, await marked.text());
  assert.equal(seen.length, calls, "no send or mark reached the provider while the key is paused");
  const sendsAfter = (await call(7, "/v1/usage")).body;
  assert.deepEqual(sendsAfter.sends, sendsBefore.sends, "no send spent");
});
