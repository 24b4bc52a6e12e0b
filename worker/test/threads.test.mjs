// A thread's head page past its TTL is served from the store, with no credits spent, when the
// freshly synced list shows no activity in the thread after its newest stored message.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const CLIENTS = [{ name: "priya", token: "threads-priya", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" }];
let sandbox, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { HEAD_TTL_SECS: "2" } });
});
after(async () => { await worker?.stop(); sandbox?.stop(); });

const call = (path) => checkedCall(worker.base, path, { authorization: "Bearer threads-priya" });
const stats = async () => { const s = await sandbox.stats(); return { calls: s.calls.linkup, credits: s.creditsSpent }; };

test("an unchanged thread is not fetched again after its TTL; an unknown one is", async () => {
  const list = (await call("/v1/conversations?count=10")).body.items;
  const path = `/v1/conversations/${encodeURIComponent(list[0].urn ?? list[0].id)}/messages?count=20`;
  const first = await call(path);
  assert.equal(first.headers.get("x-cache"), "MISS");
  await new Promise((r) => setTimeout(r, 2500)); // both the list and the thread page are past the TTL
  assert.equal((await call("/v1/conversations?count=10")).headers.get("x-cache"), "MISS", "the list syncs");
  const before = await stats();
  const again = await call(path);
  assert.deepEqual([again.status, again.headers.get("x-cache")], [200, "HIT"]);
  assert.deepEqual(again.body.items.map((m) => m.id), first.body.items.map((m) => m.id));
  assert.deepEqual(await stats(), before, "no upstream call, no credit");
  // By profile URL the store cannot tell which thread it is: past its TTL the page is fetched.
  const thread = list[0];
  const profile = thread.participants[0]?.profileUrl;
  assert.ok(profile);
  const byProfile = `/v1/messages?profileUrl=${encodeURIComponent(profile)}&count=5`;
  assert.equal((await call(byProfile)).status, 200);
  await new Promise((r) => setTimeout(r, 2500));
  await call("/v1/conversations?count=10");
  const refetched = await call(byProfile);
  assert.equal(refetched.headers.get("x-cache"), "MISS");
});
