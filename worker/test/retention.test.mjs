// The store's retention: a Durable Object alarm keeps the newest MAX_THREADS
// conversations and prunes messages older than RETENTION_DAYS with their search text.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const CLIENTS = [{ name: "alex", token: "retention-alex", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex" }];
let sandbox, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  // Every demo message is months old: a 1-day retention prunes them all; 5 threads are kept.
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { MAX_THREADS: "5", RETENTION_DAYS: "1", PRUNE_INTERVAL_SECS: "2", HEAD_TTL_SECS: "3600" } });
});
after(async () => { await worker?.stop(); sandbox?.stop(); });

const call = (path) => checkedCall(worker.base, path, { authorization: "Bearer retention-alex" });

test("the alarm keeps the newest MAX_THREADS conversations and prunes old messages from search", async () => {
  const all = (await call("/v1/conversations?count=100")).body.items;
  assert.ok(all.length > 5);
  const newest = all[0];
  const thread = await call(`/v1/conversations/${encodeURIComponent(newest.urn ?? newest.id)}/messages?count=50`);
  const word = thread.body.items.flatMap((m) => m.text.split(/[^\p{L}\p{N}]+/u)).find((w) => w.length >= 5
    && !JSON.stringify(all.map((c) => [c.participants, c.latestMessage?.text])).toLowerCase().includes(w.toLowerCase()));
  assert.ok(word, "a word only the thread's messages hold");
  assert.ok((await call(`/v1/conversations?keywords=${encodeURIComponent(word)}`)).body.items.some((c) => c.id === newest.id), "found before pruning");
  await new Promise((r) => setTimeout(r, 4500)); // the alarm runs
  const kept = (await call("/v1/conversations?count=100")).body.items;
  assert.deepEqual(kept.map((c) => c.id), all.slice(0, 5).map((c) => c.id), "the newest five stay");
  const search = await call(`/v1/conversations?keywords=${encodeURIComponent(word)}`);
  assert.ok(!search.body.items.some((c) => c.id === newest.id), "pruned messages are no longer searchable");
});
