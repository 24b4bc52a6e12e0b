// The providers' documented contracts in production: drift counted per endpoint and JSON path
// in `GET /v1/usage` (never a value), in workerd against the sandbox in documented and drifted
// shapes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const TITOUAN = "5f1b2c3d4e5f60718293a4b5";
const CLIENTS = [
  { name: "cs", token: "c-cs", account: TITOUAN, loginToken: null },
  { name: "lk-v1", token: "c-lk1", account: null, loginToken: "demo-login-token-priya" },
  { name: "lk-v2", token: "c-lk2", account: null, loginToken: null, linkupAccountId: `lk_acc_${TITOUAN}` },
  { name: "lk-v1-drift", token: "c-lk1d", account: null, loginToken: "demo-login-token-alex" },
];
const SECRETS = ["demo-connectsafely-key", "demo-linkup-key", "demo-login-token-priya", "demo-login-token-alex", "c-cs", "c-lk1", "c-lk2", "c-lk1d"];

let sandbox, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { CONTRACT_CHECK_INTERVAL_SECS: "0", HEAD_TTL_SECS: "0", REFRESH_MIN_INTERVAL_SECS: "0", RATE_LIMIT_PER_MINUTE: "0" } });
});
after(async () => { await worker?.stop(); sandbox?.stop(); });

const call = (path, token, init = {}) => checkedCall(worker.base, path, { authorization: `Bearer ${token}`, ...init });
const drift = (names) => sandbox.control("POST", "settings", { drift: names });

async function usageDrift(token) {
  const usage = await call("/v1/usage", token);
  assert.equal(usage.status, 200, usage.text);
  for (const secret of SECRETS) assert.ok(!usage.text.includes(secret), `usage names ${secret}`);
  return usage.body.contractDrift;
}

test("documented answers count no drift; a drifted LinkupAPI inbox is counted by path and form", async () => {
  await drift([]);
  for (const token of ["c-cs", "c-lk1", "c-lk2"]) {
    assert.equal((await call("/v1/conversations?count=20", token)).status, 200);
    assert.deepEqual(await usageDrift(token), [], token);
  }
  try {
    await drift(["unread-boolean"]);
    for (let i = 0; i < 2; i++) {
      const page = await call("/v1/conversations?count=20", "c-lk1");
      assert.equal(page.status, 200, page.text);
    }
    const counted = await usageDrift("c-lk1");
    const unread = counted.find((d) => d.path === "$.data.conversations[].unread");
    assert.ok(unread, JSON.stringify(counted));
    assert.equal(unread.endpoint, "LinkupAPI POST /v1/messages/inbox");
    assert.equal(unread.difference, "expected integer, seen boolean");
    assert.equal(typeof unread.breaks, "string");
    assert.ok(unread.count >= 2, JSON.stringify(unread));
    assert.ok(Math.abs(unread.lastSeenAt - Date.now()) < 60_000);
    // Another account's store counts its own answers only.
    assert.deepEqual(await usageDrift("c-cs"), []);
  } finally {
    await drift([]);
  }
});

test("an answer the proxy cannot read is counted with its JSON path as MALFORMED_RESPONSE", async () => {
  const before = await usageDrift("c-lk2");
  await sandbox.fault({ mode: "malformed", endpoint: "linkup", count: 1 });
  await call("/v1/conversations?count=20", "c-lk2");
  const counted = await usageDrift("c-lk2");
  assert.deepEqual(before, []);
  const unreadable = counted.filter((d) => d.difference === "MALFORMED_RESPONSE");
  assert.equal(unreadable.length, 1, JSON.stringify(counted));
  assert.deepEqual([unreadable[0].endpoint, unreadable[0].count], ["LinkupAPI POST /v2/messages list_inbox", 1]);
  // The core's path where reading stopped: positions folded, no reason or excerpt kept.
  assert.match(unreadable[0].path, /^\$(\.[a-z_]+(\[\])?)*$/);
  assert.ok(counted.some((d) => d.path === "$" && d.difference.startsWith("expected JSON")), JSON.stringify(counted));
});

/** Every name and message text the account's inbox shows: none may appear in a report. */
async function inboxWords(token) {
  const list = await call("/v1/conversations?count=20", token);
  const words = [];
  for (const c of list.body.items) {
    for (const p of c.participants ?? []) if (p.name) words.push(p.name);
    if (c.latestMessage?.text) words.push(c.latestMessage.text);
  }
  return words;
}

function assertRedacted(report, words) {
  for (const secret of [...SECRETS, "lk_acc_", TITOUAN]) assert.ok(!report.text.includes(secret), `the report names ${secret}`);
  for (const word of words) assert.ok(!report.text.includes(word), `the report quotes ${word}`);
}

test("the operator's doctor: documented answers are all clear, metered like any call, with no secret or message text", async () => {
  await drift([]);
  for (const [token, titles] of [["c-cs", ["ConnectSafely"]], ["c-lk1", ["LinkupAPI v1"]], ["c-lk2", ["LinkupAPI v2"]]]) {
    const words = await inboxWords(token);
    const before = (await call("/v1/usage", token)).body;
    const report = await call("/v1/doctor", token, { method: "POST" });
    assert.equal(report.status, 200, report.text);
    assert.equal(report.body.allClear, true, report.text);
    assert.deepEqual(report.body.sections.map((s) => s.title), titles);
    const calls = report.body.sections[0].calls;
    assert.ok(calls.some((c) => c.outcome.kind === "read" && /conversations/.test(c.outcome.detail)), report.text);
    assert.ok(calls.some((c) => c.outcome.kind === "read" && /messages/.test(c.outcome.detail)), report.text);
    assert.ok(calls.every((c) => c.findings === null || c.findings.length === 0), report.text);
    assertRedacted(report, words);
    const after = (await call("/v1/usage", token)).body;
    if (token === "c-cs") {
      assert.ok(after.connectsafely.callsToday - before.connectsafely.callsToday >= 2, "the checks spend the daily budget");
    } else {
      assert.equal(after.linkup.creditsToday - before.linkup.creditsToday, 2, "one credit per page of five");
    }
    // One run per account per 10 minutes: the next is refused before any upstream call.
    const again = await call("/v1/doctor", token, { method: "POST" });
    assert.equal(again.status, 429, again.text);
    assert.equal(again.body.error.code, "RATE_LIMITED");
    const wait = Number(again.headers.get("retry-after"));
    assert.ok(wait > 500 && wait <= 600, `Retry-After ${wait}`);
    assert.deepEqual((await call("/v1/usage", token)).body.connectsafely, after.connectsafely);
  }
});

test("the operator's doctor names a drift of the sandbox, and an unknown account is 404", async () => {
  const words = await inboxWords("c-lk1d");
  try {
    await drift(["unread-boolean"]);
    const report = await call("/v1/doctor", "c-lk1d", { method: "POST" });
    assert.equal(report.status, 200, report.text);
    assert.equal(report.body.allClear, false);
    assert.ok(report.body.breaking >= 1, report.text);
    const inbox = report.body.sections[0].calls.find((c) => c.endpoint === "LinkupAPI POST /v1/messages/inbox");
    const unread = inbox.findings.find((f) => f.path === "$.data.conversations[].unread");
    assert.equal(unread?.difference, "expected integer, seen boolean", report.text);
    assertRedacted(report, words);
  } finally {
    await drift([]);
  }
  const foreign = await call("/v1/doctor?account=nobody", "c-lk1d", { method: "POST" });
  assert.equal(foreign.status, 404);
  const unauthenticated = await checkedCall(worker.base, "/v1/doctor", { method: "POST" });
  assert.equal(unauthenticated.status, 401);
});
