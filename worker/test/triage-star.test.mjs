// The star mirrored on LinkedIn (issue 35): on an account with ConnectSafely, a changed star
// is one ConnectSafely `PATCH /conversations/{urn}/star` (or `/unstar`) with the write
// guarantees of sends: once per change (the same request again, or 20 at once, ask once), every
// intent settled (`starredOn: "linkedin"`, or local with `starMirror.state: "failed"` and the
// reason), a provider 429 pausing the key. A LinkupAPI account's star stays local, no call.
// Black-box in workerd against the sandbox, which counts the calls and holds the star.
// Runs with node --experimental-websocket (Node 20).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const ALEX = { id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", loginToken: null };
const PRIYA = { id: "priya", label: "Priya", account: null, loginToken: "demo-login-token-priya" };
const CLIENTS = [
  { name: "desk", token: "star-desk", accounts: [ALEX] },
  { name: "lk", token: "star-lk", accounts: [PRIYA] },
];

let sandbox, worker, threads;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({
    sandboxBase: sandbox.base, clients: CLIENTS,
    vars: { RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0", HEAD_TTL_SECS: "3600" },
  });
  threads = (await list("alex")).map((c) => c.id);
  assert.ok(threads.length >= 8, "the demo account has conversations to star");
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
});

const token = { alex: "star-desk", priya: "star-lk" };
const call = (account, path, init = {}) =>
  checkedCall(worker.base, path, { ...init, authorization: `Bearer ${token[account]}` });

async function list(account) {
  const page = await call(account, `/v1/conversations?account=${account}&count=100`);
  assert.equal(page.status, 200, page.text);
  return page.body.items;
}

const triage = (id, body, account = "alex") =>
  call(account, `/v1/conversations/${encodeURIComponent(id)}/triage?account=${account}`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });

/** ConnectSafely star and unstar calls the sandbox answered so far, and its stars. */
async function upstream() {
  const stats = await sandbox.stats();
  return { star: stats.callsByEndpoint["cs.star"], unstar: stats.callsByEndpoint["cs.unstar"], starred: stats.starred[ALEX.account] ?? [] };
}

test("a star on a ConnectSafely account is one star call and lands on LinkedIn; the unstar is one unstar call", async () => {
  const t = threads[0];
  const start = await upstream();
  const starred = await triage(t, { starred: true });
  assert.equal(starred.status, 200, starred.text);
  assert.deepEqual(
    [starred.body.triage.starred, starred.body.triage.starredOn, starred.body.triage.starMirror],
    [true, "linkedin", undefined],
  );
  let now = await upstream();
  assert.deepEqual([now.star - start.star, now.unstar - start.unstar], [1, 0]);
  assert.ok(now.starred.includes(t), "ConnectSafely holds the star");
  const item = (await list("alex")).find((c) => c.id === t);
  assert.equal(item.triage.starredOn, "linkedin", "the list shows where the star holds");

  const again = await triage(t, { starred: true });
  assert.deepEqual(again.body, starred.body, "the same request again: the same state");
  assert.equal((await upstream()).star, now.star, "and no second call");

  const unstarred = await triage(t, { starred: false });
  assert.equal(unstarred.status, 200, unstarred.text);
  assert.deepEqual([unstarred.body.triage?.starred ?? false, unstarred.body.triage?.starredOn], [false, undefined]);
  now = await upstream();
  assert.deepEqual([now.star - start.star, now.unstar - start.unstar], [1, 1]);
  assert.ok(!now.starred.includes(t), "ConnectSafely dropped the star");
});

test("20 concurrent identical star requests are one upstream call", async () => {
  const t = threads[1];
  const start = await upstream();
  const answers = await Promise.all(Array.from({ length: 20 }, () => triage(t, { starred: true, labels: { add: ["burst"] } })));
  assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
  assert.ok(answers.every((a) => a.body.triage.starred === true));
  assert.equal(new Set(answers.map((a) => a.body.triage.updatedAt)).size, 1, "one write, the others saw it");
  assert.equal((await upstream()).star - start.star, 1);
  const item = (await list("alex")).find((c) => c.id === t);
  assert.deepEqual([item.triage.starredOn, item.triage.starMirror], ["linkedin", undefined], "settled once");
});

test("a star ConnectSafely refuses still holds here: local, with the failure and its reason", async () => {
  const t = threads[2];
  await sandbox.fault({ mode: "status", status: 500, count: 1, route: "cs.star" });
  const start = await upstream();
  const answer = await triage(t, { starred: true });
  assert.equal(answer.status, 200, answer.text);
  const { starred, starredOn, starMirror } = answer.body.triage;
  assert.deepEqual([starred, starredOn, starMirror.state, starMirror.starred], [true, "local", "failed", true]);
  assert.equal(starMirror.error.code, "UPSTREAM_ERROR");
  assert.ok(starMirror.error.message.length > 0);
  assert.equal((await upstream()).star - start.star, 1, "tried once");
  assert.ok(!(await upstream()).starred.includes(t));
  const item = (await list("alex")).find((c) => c.id === t);
  assert.deepEqual(item.triage.starMirror, starMirror, "every client sees why");
  const view = await call("alex", "/v1/conversations?account=alex&count=100&view=starred");
  assert.ok(view.body.items.some((c) => c.id === t), "the local star is in the starred view");
  // Unstar and star again: a new change, a new try, now on LinkedIn.
  assert.equal((await triage(t, { starred: false })).status, 200);
  const retried = await triage(t, { starred: true });
  assert.deepEqual([retried.body.triage.starredOn, retried.body.triage.starMirror], ["linkedin", undefined]);
});

test("a LinkupAPI account's star stays local and calls nothing", async () => {
  const [t] = (await list("priya")).map((c) => c.id);
  const start = await sandbox.stats();
  const answer = await triage(t, { starred: true }, "priya");
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual([answer.body.triage.starredOn, answer.body.triage.starMirror], ["local", undefined]);
  const now = await sandbox.stats();
  assert.equal(now.calls.connectsafely, start.calls.connectsafely, "no ConnectSafely call");
});

/** The item of `id` once no mirror of its star is under way. */
async function settled(id) {
  for (let i = 0; ; i++) {
    const item = (await list("alex")).find((c) => c.id === id);
    if (item.triage?.starMirror?.state !== "pending") return item;
    assert.ok(i < 50, "the mirror settles");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const later = (ms) => new Promise((r) => setTimeout(r, ms));

test("opposite stars of one conversation go to LinkedIn one at a time and end where the store is", async () => {
  // Star, unstar, star while the first star's call is slow: the later two wait for it; its
  // answer settles no later change; LinkedIn ends starred, as the store.
  const t = threads[5];
  let start = await upstream();
  await sandbox.fault({ mode: "latency", latencyMs: 400, count: 1, route: "cs.star" });
  const first = triage(t, { starred: true });
  await later(100);
  const second = triage(t, { starred: false });
  await later(50);
  const answers = await Promise.all([first, second, triage(t, { starred: true })]);
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
  let item = await settled(t);
  let now = await upstream();
  assert.deepEqual([item.triage.starred, item.triage.starredOn, item.triage.starMirror], [true, "linkedin", undefined]);
  assert.ok(now.starred.includes(t), "LinkedIn holds the star the store says it holds");
  assert.deepEqual([now.star - start.star, now.unstar - start.unstar], [1, 0], "LinkedIn was starred already: nothing more to tell");

  // Unstar while the call is slow, then star: the star is told after the unstar landed, so
  // the last call LinkedIn took is the star the store holds.
  await sandbox.fault({ mode: "latency", latencyMs: 400, count: 1, route: "cs.unstar" });
  start = now;
  const unstar = triage(t, { starred: false });
  await later(100);
  const [, restar] = await Promise.all([unstar, triage(t, { starred: true })]);
  assert.equal(restar.status, 200, restar.text);
  item = await settled(t);
  now = await upstream();
  assert.deepEqual([now.unstar - start.unstar, now.star - start.star], [1, 1], "one call each, in turn");
  assert.deepEqual([item.triage.starred, item.triage.starredOn, item.triage.starMirror], [true, "linkedin", undefined]);
  assert.ok(now.starred.includes(t), "the star, told last, holds on LinkedIn");
});

test("a star answered with no body, with isStarred only, or with plain text is on LinkedIn", async () => {
  const t = threads[6];
  try {
    for (const form of ["empty", "is-starred", "text"]) {
      await sandbox.control("POST", "settings", { starAnswer: form });
      const starred = await triage(t, { starred: true });
      assert.deepEqual([starred.body.triage.starredOn, starred.body.triage.starMirror], ["linkedin", undefined], form);
      assert.ok((await upstream()).starred.includes(t), form);
      const unstarred = await triage(t, { starred: false });
      assert.deepEqual([unstarred.body.triage?.starredOn, unstarred.body.triage?.starMirror], [undefined, undefined], form);
      assert.ok(!(await upstream()).starred.includes(t), form);
    }
  } finally {
    await sandbox.control("POST", "settings", { starAnswer: "json" });
  }
});

// Last: it pauses the ConnectSafely key.
test("a provider 429 on a star pauses the key: the next star fails RATE_LIMITED with no call", async () => {
  await sandbox.fault({ mode: "status", status: 429, retryAfter: 30, count: 1, route: "cs.star" });
  const start = await upstream();
  const limited = await triage(threads[3], { starred: true });
  assert.equal(limited.status, 200, limited.text);
  assert.deepEqual([limited.body.triage.starredOn, limited.body.triage.starMirror.error.code], ["local", "RATE_LIMITED"]);
  const paused = await triage(threads[4], { starred: true });
  assert.deepEqual([paused.body.triage.starred, paused.body.triage.starMirror.error.code], [true, "RATE_LIMITED"]);
  assert.equal((await upstream()).star - start.star, 1, "no call while paused");
});
