// Each account's health in plain sight: a LinkedIn session the provider refuses
// (the sandbox answers an unknown LinkupAPI v1 login token with its 401 INVALID_LOGIN_TOKEN)
// turns the account `session_expired` in GET /v1/accounts, the change feed and the push
// channel; the dead session is then called at most once a minute (other requests answer from
// the store, else 401 with Retry-After); a restart with the account's new session clears it;
// an upstream 429 shows `provider_paused` with its `until`; a spent daily credit cap
// `over_budget` until the UTC reset.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const GOOD = "demo-login-token-alex";
const DEAD = "demo-login-token-alex-revoked";
const alex = (loginToken) => ({ id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", loginToken });
const clients = (loginToken) => [{ name: "team", token: "health-team", accounts: [alex(loginToken)] }];
// Thread head pages go stale after a second, so a held session's requests reach the store.
const VARS = { RATE_LIMIT_PER_MINUTE: "0", HEAD_TTL_SECS: "1" };

let sandbox, worker, dir;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  dir = mkdtempSync(join(tmpdir(), "inbox-health-"));
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function restart(loginToken, { vars = {}, persistTo = dir } = {}) {
  await worker?.stop();
  worker = await startWorker({ sandboxBase: sandbox.base, clients: clients(loginToken), persistTo, vars: { ...VARS, ...vars } });
}

const call = (path) => checkedCall(worker.base, path, { authorization: "Bearer health-team" });
const linkupCalls = async () => (await sandbox.stats()).calls.linkup;
const health = async () => {
  const answer = await call("/v1/accounts");
  assert.equal(answer.status, 200, answer.text);
  return answer.body.accounts[0].health;
};
const thread = (id) => call(`/v1/conversations/${encodeURIComponent(id)}/messages?account=alex&count=20`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let threads;
test("a working session is ok, and a thread is stored", async () => {
  await restart(GOOD);
  const list = await call("/v1/conversations?account=alex&count=20");
  assert.equal(list.status, 200, list.text);
  threads = list.body.items.map((c) => c.urn ?? c.id);
  assert.ok(threads.length >= 8, `enough threads: ${threads.length}`);
  const first = await thread(threads[0]);
  assert.equal(first.status, 200, first.text);
  const shown = await health();
  assert.equal(shown.state, "ok");
  assert.equal(shown.until, undefined);
});

test("a refused session is session_expired in /v1/accounts and the feed, and called at most once a minute", async () => {
  await restart(DEAD);
  assert.equal((await health()).state, "ok", "nothing refused yet");
  const start = await call("/v1/changes?account=alex");
  assert.equal(start.status, 200, start.text);
  assert.equal(start.body.accounts[0].health.state, "ok");
  // A socket of the account hears the change too.
  const tickets = await checkedCall(worker.base, "/v1/live?account=alex", { method: "POST", authorization: "Bearer health-team" });
  assert.equal(tickets.status, 200, tickets.text);
  const frames = [];
  const socket = new WebSocket(tickets.body.sockets[0].url);
  socket.onmessage = (event) => frames.push(JSON.parse(event.data));
  await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
  for (let i = 0; i < 40 && !frames.some((f) => f.type === "ready"); i++) await sleep(50);
  assert.equal(frames.find((f) => f.type === "ready")?.health?.state, "ok");

  const before = await linkupCalls();
  const refused = await thread(threads[1]);
  // Served as the provider's refusal of the proxy's credentials, never the client's 401.
  assert.equal(refused.status, 502, refused.text);
  assert.equal(refused.body.error.code, "UPSTREAM_ERROR");
  assert.match(refused.body.error.message, /reconnected/);
  assert.equal(await linkupCalls(), before + 1, "the refusal was one upstream call");
  const expired = await health();
  assert.equal(expired.state, "session_expired");
  assert.ok(expired.since > 0 && expired.since <= Date.now(), JSON.stringify(expired));
  assert.equal(expired.until, undefined);

  const feed = await call(`/v1/changes?account=alex&since=${encodeURIComponent(start.body.token)}`);
  assert.equal(feed.status, 200, feed.text);
  assert.deepEqual(feed.body.accounts[0].health, expired, "the feed shows the change");
  assert.notEqual(feed.body.token, start.body.token, "a health change moves the token");
  for (let i = 0; i < 40 && !frames.some((f) => f.type === "change" && f.health?.state === "session_expired"); i++) await sleep(50);
  assert.ok(frames.some((f) => f.type === "change" && f.account === "alex" && f.health?.state === "session_expired"), JSON.stringify(frames));
  socket.close();

  // The stored thread answers from the store; the others wait for the next probe.
  await sleep(1_100);
  const stored = await thread(threads[0]);
  assert.equal(stored.status, 200, stored.text);
  assert.equal(stored.headers.get("x-cache"), "STALE");
  for (const id of threads.slice(2, 8)) {
    const held = await thread(id);
    assert.equal(held.status, 502, held.text);
    assert.equal(held.body.error.code, "UPSTREAM_ERROR");
    const wait = Number(held.headers.get("retry-after"));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
  }
  // Lists come from ConnectSafely, whose calls go on.
  assert.equal((await call("/v1/conversations?account=alex&count=5")).status, 200);
  assert.equal(await linkupCalls(), before + 1, "no other call with the dead session within the minute");
  assert.equal((await health()).state, "session_expired");
});

test("the account's new session clears it after a restart", async () => {
  await restart(GOOD);
  const shown = await health();
  assert.equal(shown.state, "ok", JSON.stringify(shown));
  const before = await linkupCalls();
  const opened = await thread(threads[2]);
  assert.equal(opened.status, 200, opened.text);
  assert.equal(await linkupCalls(), before + 1);
});

test("an upstream 429 shows provider_paused with until", async () => {
  await sandbox.fault({ mode: "status", status: 429, retryAfter: 120, endpoint: "linkup", count: 1 });
  const asked = Date.now();
  const limited = await thread(threads[3]);
  assert.equal(limited.status, 429, limited.text);
  const paused = await health();
  assert.equal(paused.state, "provider_paused", JSON.stringify(paused));
  assert.ok(paused.since >= asked - 1_000, JSON.stringify(paused));
  assert.ok(paused.until >= asked + 110_000 && paused.until <= Date.now() + 121_000, JSON.stringify(paused));
});

test("a daily cap reached shows over_budget until the UTC reset", async () => {
  const fresh = mkdtempSync(join(tmpdir(), "inbox-health-budget-"));
  try {
    // A thread page of 20 messages costs LinkupAPI 2 credits: a cap of 2 pays for one.
    await restart(GOOD, { vars: { LINKUP_DAILY_CREDIT_CAP: "2" }, persistTo: fresh });
    assert.equal((await thread(threads[4])).status, 200);
    assert.equal((await health()).state, "ok");
    const before = await linkupCalls();
    const refused = await thread(threads[5]);
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.body.error.code, "BUDGET_EXHAUSTED");
    assert.equal(await linkupCalls(), before);
    const spent = await health();
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    assert.deepEqual([spent.state, spent.until], ["over_budget", midnight.getTime()], JSON.stringify(spent));
  } finally {
    await worker?.stop();
    worker = null;
    rmSync(fresh, { recursive: true, force: true });
  }
});
