// The proxy's limits and cursors in workerd against the sandbox:
// signed cursors, credit reservation, per-client rate limit, refresh throttle, the operator's
// pause reset, stale pages for timed-out waiters, browser cache lifetimes. Each test failed on
// the code before its fix.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const CLIENTS = [
  { name: "alice", token: "limits-alice", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex" },
  { name: "bob", token: "limits-bob", account: "5f1b2c3d4e5f60718293a4b5", loginToken: "demo-login-token-titouan" },
  // Three clients of one account (one ledger), each with its own request bucket.
  { name: "rate", token: "limits-rate", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" },
  { name: "rate-twin", token: "limits-rate-twin", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" },
  { name: "credit", token: "limits-credit", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" },
];
const VARS = {
  HEAD_TTL_SECS: "1",
  COALESCE_WAIT_MS: "500",
  UPSTREAM_TIMEOUT_MS: "4000",
  LINKUP_DAILY_CREDIT_CAP: "4",
  RATE_LIMIT_PER_MINUTE: "60",
  RATE_LIMIT_BURST: "8",
  REFRESH_MIN_INTERVAL_SECS: "30",
  MAX_PAUSE_SECS: "120",
};
const DOC_PROFILE = encodeURIComponent("https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/");

let sandbox, worker, state;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  state = mkdtempSync(join(tmpdir(), "inbox-limits-"));
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: VARS, persistTo: state });
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
  rmSync(state, { recursive: true, force: true });
});

// Every answer is also checked against docs/openapi.yaml.
const call = (path, token, method = "GET") => checkedCall(worker.base, path, { method, authorization: `Bearer ${token}` });

const stats = () => sandbox.stats();
const upstreamCalls = async () => (await stats()).calls.total;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("cursors are signed for their account: forged, unsigned or foreign ones cost 0 upstream calls", async () => {
  const head = await call("/v1/conversations?count=5", "limits-alice");
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("cache-control"), "private, no-cache", "browsers revalidate head pages");
  const sealed = head.body.nextCursor;
  const next = await call(`/v1/conversations?count=5&cursor=${encodeURIComponent(sealed)}`, "limits-alice");
  assert.equal(next.status, 200);
  const maxAge = Number(/max-age=(\d+)/.exec(next.headers.get("cache-control"))?.[1]);
  assert.ok(maxAge > 0 && maxAge <= 60, `an older page is kept briefly: ${next.headers.get("cache-control")}`);

  const thread = await call(`/v1/messages?profileUrl=${DOC_PROFILE}&count=3`, "limits-bob");
  assert.equal(thread.status, 200);
  const [core, tag] = [sealed.slice(0, sealed.lastIndexOf(".")), sealed.slice(sealed.lastIndexOf(".") + 1)];
  const flipped = tag.startsWith("A") ? `B${tag.slice(1)}` : `A${tag.slice(1)}`;
  const before = await upstreamCalls();
  const refusals = [
    ["an unsigned core cursor", `/v1/conversations?count=5&cursor=${encodeURIComponent(core)}`, "limits-alice"],
    ["a forged tag", `/v1/conversations?count=5&cursor=${encodeURIComponent(`${core}.${flipped}`)}`, "limits-alice"],
    ["another account's list cursor", `/v1/conversations?count=5&cursor=${encodeURIComponent(sealed)}`, "limits-bob"],
    ["another account's thread cursor", `/v1/messages?profileUrl=${DOC_PROFILE}&count=3&cursor=${encodeURIComponent(thread.body.nextCursor)}`, "limits-alice"],
  ];
  for (const [what, path, token] of refusals) {
    const refused = await call(path, token);
    assert.deepEqual([refused.status, refused.body.error?.code], [400, "INVALID_CURSOR"], what);
  }
  assert.equal(await upstreamCalls(), before, "no refused cursor went upstream");
});

test("credits are reserved before the call: concurrent misses never pass the daily cap; refused calls are refunded", async () => {
  const listed = await call("/v1/conversations?count=1", "limits-credit");
  const thread = `/v1/conversations/${encodeURIComponent(listed.body.items[0].id)}/messages`;
  await sandbox.fault({ mode: "status", status: 500, count: 1, endpoint: "linkup" });
  const failed = await call(`${thread}?count=6`, "limits-credit");
  assert.deepEqual([failed.status, failed.body.error.code], [502, "UPSTREAM_ERROR"]);

  const callsBefore = (await stats()).calls;
  await sandbox.fault({ mode: "latency", latencyMs: 800, count: 5, endpoint: "linkup" });
  // Five different pages of 1 credit each, all in flight at once, under a cap of 4.
  const results = await Promise.all([1, 2, 3, 4, 5].map((count) => call(`${thread}?count=${count}`, "limits-credit")));
  await sandbox.control("DELETE", "faults"); // the refused page left one latency fault unused
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 200, 200, 200, 429], "the failed call's credit came back, the fifth is refused");
  const refused = results.find((r) => r.status === 429);
  assert.equal(refused.body.error.code, "BUDGET_EXHAUSTED");
  const retryAfter = Number(refused.headers.get("retry-after"));
  assert.ok(retryAfter > 0 && retryAfter <= 86_400, `Retry-After ${refused.headers.get("retry-after")}`);
  const callsAfter = (await stats()).calls;
  assert.deepEqual([callsAfter.total - callsBefore.total, callsAfter.linkup - callsBefore.linkup], [4, 4], "the refused page never went upstream");
  const usage = await call("/v1/usage", "limits-credit");
  assert.deepEqual([usage.body.linkup.creditsToday, usage.body.linkup.dailyCreditCap], [4, 4]);
});

test("each client has a request bucket: past the burst, 429 RATE_LIMITED with Retry-After, then it refills", async () => {
  // The bucket holds 8 and refills one a second: a slow machine may earn a token or two while
  // the calls go out, so the calls go on until the first refusal (bounded) and the count of
  // answers before it is checked against the tokens the elapsed time could have added.
  const started = Date.now();
  const answers = [];
  while (answers.length < 30 && answers.at(-1)?.status !== 429) answers.push(await call("/v1/usage", "limits-rate"));
  const refilled = Math.floor((Date.now() - started) / 1000) + 1;
  const accepted = answers.length - 1;
  assert.ok(accepted >= 8 && accepted <= 8 + refilled, `${accepted} accepted before the first 429 (burst 8, up to ${refilled} refilled)`);
  assert.deepEqual(answers.slice(0, accepted).map((a) => a.status), Array(accepted).fill(200));
  const limited = answers.at(-1);
  assert.deepEqual([limited.status, limited.body.error.code], [429, "RATE_LIMITED"]);
  const retryAfter = Number(limited.headers.get("retry-after"));
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${limited.headers.get("retry-after")}`);
  assert.equal(limited.headers.get("cache-control"), "no-store");
  const twin = await call("/v1/usage", "limits-rate-twin");
  assert.equal(twin.status, 200, "another client of the same account has a bucket of its own");
  await sleep(retryAfter * 1000 + 100);
  assert.equal((await call("/v1/usage", "limits-rate")).status, 200);
});

test("a coalesced waiter that times out gets the stale page instead of 504", async () => {
  const path = "/v1/conversations?count=7";
  const fresh = await call(path, "limits-alice");
  assert.equal(fresh.headers.get("x-cache"), "MISS");
  await sleep(1100); // past HEAD_TTL_SECS
  await sandbox.fault({ mode: "latency", latencyMs: 2000, count: 1, endpoint: "connectsafely" });
  let leaderAnsweredAt = null;
  const leader = call(path, "limits-alice").then((answer) => { leaderAnsweredAt = Date.now(); return answer; });
  await sleep(200);
  const waiter = await call(path, "limits-alice");
  const waiterAnsweredAt = Date.now();
  assert.deepEqual([waiter.status, waiter.headers.get("x-cache")], [200, "STALE"]);
  assert.deepEqual(waiter.body, fresh.body);
  // Judged by order, not by a clock a loaded machine stretches: the waiter had its answer
  // while the leader's upstream call (2 s of latency) was still out.
  assert.equal(leaderAnsweredAt, null, "the waiter did not wait for the leader");
  const led = await leader;
  assert.ok(leaderAnsweredAt >= waiterAnsweredAt);
  assert.deepEqual([led.status, led.headers.get("x-cache")], [200, "MISS"]);
});

test("refresh is throttled; it does not lift a provider pause, the operator's reset does", async () => {
  const path = `/v1/messages?profileUrl=${DOC_PROFILE}&count=9`;
  await sandbox.fault({ mode: "status", status: 429, retryAfter: 999999, count: 1, endpoint: "linkup" });
  const paused = await call(path, "limits-bob");
  assert.deepEqual([paused.status, paused.body.error.code], [429, "RATE_LIMITED"]);
  assert.ok(Number(paused.headers.get("retry-after")) <= 120);

  const refreshed = await call("/v1/refresh", "limits-bob", "POST");
  assert.equal(refreshed.status, 200);
  const again = await call("/v1/refresh", "limits-bob", "POST");
  assert.deepEqual([again.status, again.body.error.code], [429, "RATE_LIMITED"]);
  const wait = Number(again.headers.get("retry-after"));
  assert.ok(wait > 0 && wait <= 30, `Retry-After ${again.headers.get("retry-after")}`);
  const usage = await call("/v1/usage", "limits-bob");
  assert.equal(usage.body.generation, refreshed.body.generation, "the throttled refresh changed nothing");

  const before = await upstreamCalls();
  const stillPaused = await call(path, "limits-bob");
  assert.deepEqual([stillPaused.status, stillPaused.body.error.code], [429, "RATE_LIMITED"], "refresh does not clear a pause");
  assert.equal(await upstreamCalls(), before);

  // The operator lifts it: CLEAR_PAUSES_BEFORE_MS set to now, and a redeploy (here a restart).
  await worker.stop();
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { ...VARS, CLEAR_PAUSES_BEFORE_MS: String(Date.now()) }, persistTo: state });
  const lifted = await call(path, "limits-bob");
  assert.deepEqual([lifted.status, lifted.headers.get("x-cache")], [200, "MISS"]);
});

test("a rotated CURSOR_SECRET: old cursors are refused and no cached page hands one out", async () => {
  const head = await call("/v1/conversations?count=6", "limits-alice");
  const old = head.body.nextCursor;
  assert.equal((await call(`/v1/conversations?count=6&cursor=${encodeURIComponent(old)}`, "limits-alice")).status, 200);
  await worker.stop();
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: VARS, persistTo: state, cursorSecret: "a-rotated-cursor-secret-of-32-chars-or-more" });
  const refused = await call(`/v1/conversations?count=6&cursor=${encodeURIComponent(old)}`, "limits-alice");
  assert.deepEqual([refused.status, refused.body.error.code], [400, "INVALID_CURSOR"]);
  const fresh = await call("/v1/conversations?count=6", "limits-alice");
  assert.notEqual(fresh.body.nextCursor, old);
  // Every cursor handed out after the rotation is the new key's.
  const second = await call(`/v1/conversations?count=6&cursor=${encodeURIComponent(fresh.body.nextCursor)}`, "limits-alice");
  assert.equal(second.status, 200);
  assert.notEqual(second.body.nextCursor, undefined);
  const third = await call(`/v1/conversations?count=6&cursor=${encodeURIComponent(second.body.nextCursor)}`, "limits-alice");
  assert.equal(third.status, 200, "the cursors it hands out are the new key's");
});
