// Security and reliability findings of the proxy review, each in workerd against the
// sandbox: each test failed on the code before its fix.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const ACCOUNT = "696ce9e780e0483585e4e553";
const CLIENTS = [
  { name: "alice", token: "alice-client-token", account: ACCOUNT, loginToken: "demo-login-token-alex" },
  // Same LinkedIn account, another client and a rotated session: one ledger, one set of limits.
  { name: "alice-laptop", token: "alice-laptop-token", account: ACCOUNT, loginToken: "demo-login-token-alex-rotated" },
  { name: "bob", token: "bob-client-token", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" },
];
const DOC_PROFILE = "https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/";

let sandbox, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { UPSTREAM_TIMEOUT_MS: "1500", MAX_PAUSE_SECS: "120", LINKUP_DAILY_CREDIT_CAP: "2" } });
});
after(async () => { await worker?.stop(); sandbox?.stop(); });

// Every response is checked against docs/openapi.yaml (tests/js/openapi.mjs).
const call = (base, path, { authorization = "Bearer alice-client-token", method = "GET" } = {}) => checkedCall(base, path, { authorization, method });

const upstreamCalls = async () => (await sandbox.stats()).calls.total;

test("a registry with two clients of one name is refused: 503 everywhere, /health says config invalid", async () => {
  const broken = await startWorker({
    sandboxBase: sandbox.base,
    clients: [
      { name: "me", token: "token-a", account: ACCOUNT, loginToken: "demo-login-token-alex" },
      { name: "me", token: "token-b", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" },
    ],
  });
  try {
    const before = await upstreamCalls();
    const profile = await call(broken.base, `/v1/messages?profileUrl=${encodeURIComponent(DOC_PROFILE)}`, { authorization: "Bearer token-b" });
    assert.deepEqual([profile.status, profile.body.error.code], [503, "PROXY_MISCONFIGURED"]);
    const list = await call(broken.base, "/v1/conversations", { authorization: "Bearer token-a" });
    assert.deepEqual([list.status, list.body.error.code], [503, "PROXY_MISCONFIGURED"]);
    const health = await call(broken.base, "/health", { authorization: null });
    assert.deepEqual([health.status, health.body], [503, { status: "unavailable", config: "invalid" }]);
    assert.equal(await upstreamCalls(), before, "nothing went upstream");
    assert.ok(!JSON.stringify([profile.body, list.body, health.body]).includes("demo-login-token"));
  } finally {
    await broken.stop();
  }
});

test("an upstream Retry-After pauses only its provider, clamped to MAX_PAUSE_SECS", async () => {
  await sandbox.fault({ mode: "status", status: 429, retryAfter: 999999999, count: 1, endpoint: "linkup" });
  const thread = await call(worker.base, `/v1/messages?profileUrl=${encodeURIComponent(DOC_PROFILE)}&count=3`, { authorization: "Bearer bob-client-token" });
  assert.equal(thread.status, 429);
  assert.equal(thread.body.error.code, "RATE_LIMITED");
  assert.ok(Number(thread.headers.get("retry-after")) <= 120, `Retry-After ${thread.headers.get("retry-after")}`);
  const list = await call(worker.base, "/v1/conversations?count=2", { authorization: "Bearer bob-client-token" });
  assert.equal(list.status, 200, "ConnectSafely is not paused by LinkupAPI's 429");
});

test("two clients of one LinkedIn account share one ledger, whatever their session tokens", async () => {
  const first = await call(worker.base, "/v1/usage");
  assert.equal(first.status, 200);
  const listed = await call(worker.base, "/v1/conversations?count=4", { authorization: "Bearer alice-laptop-token" });
  assert.equal(listed.status, 200);
  const after = await call(worker.base, "/v1/usage");
  assert.equal(after.body.connectsafely.callsToday, first.body.connectsafely.callsToday + 1);
  const cached = await call(worker.base, "/v1/conversations?count=4");
  assert.equal(cached.headers.get("x-cache"), "HIT", "the other client's page is this account's page");
});

test("the LinkupAPI daily credit cap: a page dearer than the cap is 400, the next page past it 429 with Retry-After to the reset", async () => {
  const before = await upstreamCalls();
  const dear = await call(worker.base, `/v1/messages?profileUrl=${encodeURIComponent(DOC_PROFILE)}&count=30`);
  assert.deepEqual([dear.status, dear.body.error.code, dear.body.error.field], [400, "INVALID_INPUT", "count"]);
  assert.equal(await upstreamCalls(), before, "refused before any upstream call");

  const list = await call(worker.base, "/v1/conversations?count=1");
  const thread = `/v1/conversations/${encodeURIComponent(list.body.items[0].id)}/messages`;
  const spent = await call(worker.base, `${thread}?count=20`);
  assert.deepEqual([spent.status, spent.headers.get("x-credits-spent")], [200, "2"]);
  const calls = await upstreamCalls();
  const refused = await call(worker.base, `${thread}?count=11`);
  assert.deepEqual([refused.status, refused.body.error.code], [429, "BUDGET_EXHAUSTED"]);
  const usage = (await call(worker.base, "/v1/usage")).body;
  const untilReset = Math.ceil((usage.linkup.resetsAt - Date.now()) / 1000);
  assert.ok(Math.abs(Number(refused.headers.get("retry-after")) - untilReset) <= 5, `Retry-After ${refused.headers.get("retry-after")} vs ${untilReset}`);
  assert.equal(await upstreamCalls(), calls, "the refused page never went upstream");
  assert.deepEqual([usage.linkup.creditsToday, usage.linkup.dailyCreditCap], [2, 2]);
});

test("the Bearer scheme is case-insensitive", async () => {
  for (const authorization of ["bearer alice-client-token", "BEARER alice-client-token"]) {
    const usage = await call(worker.base, "/v1/usage", { authorization });
    assert.equal(usage.status, 200, authorization);
  }
  assert.equal((await call(worker.base, "/v1/usage", { authorization: "Basic alice-client-token" })).status, 401);
});

test("a wrong method gets a JSON 405 with Allow; usage and errors are not stored", async () => {
  const before = await upstreamCalls();
  const wrong = await call(worker.base, "/v1/conversations", { method: "POST" });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get("allow"), "GET");
  assert.equal(wrong.body.error.code, "METHOD_NOT_ALLOWED");
  const root = await call(worker.base, "/");
  assert.deepEqual([root.status, root.body.error?.code, root.headers.get("cache-control")], [404, "NOT_FOUND", "no-store"]);
  const refresh = await call(worker.base, "/v1/refresh", { method: "GET" });
  assert.deepEqual([refresh.status, refresh.headers.get("allow")], [405, "POST"]);
  const usage = await call(worker.base, "/v1/usage");
  assert.equal(usage.headers.get("cache-control"), "no-store");
  const missing = await call(worker.base, "/v1/conversations?count=0");
  assert.deepEqual([missing.status, missing.headers.get("cache-control")], [400, "no-store"]);
  assert.equal(await upstreamCalls(), before);
});

test("log lines name routes, never conversation ids", async () => {
  const id = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAAPersonal,2-cGVyc29uYWw=)";
  await call(worker.base, `/v1/conversations/${encodeURIComponent(id)}/messages?count=1`);
  await new Promise((r) => setTimeout(r, 300));
  // Every line the Worker wrote: all but wrangler dev's own request lines (not in production).
  const ours = worker.logs().split("\n").filter((line) => !/^\[wrangler:/.test(line.trim()));
  assert.ok(ours.some((line) => /GET conversation-messages client=alice/.test(line)), ours.join("\n"));
  const leaking = ours.filter((line) => line.includes("ACoAAPersonal") || line.includes("cGVyc29uYWw"));
  assert.deepEqual(leaking, [], "a URN reached the log");
});
