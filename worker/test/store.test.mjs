// The account's pages in its Durable Object's SQLite store: one copy wherever
// the Worker runs, surviving restarts; DELETE /v1/data wipes them and keeps the ledger.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const CLIENTS = [
  { name: "alex", token: "store-alex", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex" },
  { name: "priya", token: "store-priya", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" },
  { name: "titouan", token: "store-titouan", account: "5f1b2c3d4e5f60718293a4b5", loginToken: null },
];

let sandbox, worker, state;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  state = mkdtempSync(join(tmpdir(), "inbox-store-"));
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, persistTo: state });
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
  rmSync(state, { recursive: true, force: true });
});

const call = (path, token = "store-alex", method = "GET") => checkedCall(worker.base, path, { method, authorization: `Bearer ${token}` });
const upstream = async () => (await sandbox.stats()).calls.total;

test("a stored page survives a restart: the repeat is a HIT with 0 upstream calls", async () => {
  const head = await call("/v1/conversations?count=8");
  const path = `/v1/conversations?count=8&cursor=${encodeURIComponent(head.body.nextCursor)}`;
  const first = await call(path);
  assert.equal(first.status, 200);
  await worker.stop();
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, persistTo: state });
  const before = await upstream();
  const again = await call(path);
  assert.deepEqual([again.status, again.headers.get("x-cache")], [200, "HIT"]);
  assert.deepEqual(again.body, first.body);
  assert.equal(await upstream(), before);
});

test("DELETE /v1/data wipes the calling account's pages, not another's, and keeps its ledger", async () => {
  const mine = await call("/v1/conversations?count=9");
  const theirs = await call("/v1/conversations?count=9", "store-priya");
  assert.equal((await call("/v1/conversations?count=9")).headers.get("x-cache"), "HIT");
  const usage = (await call("/v1/usage")).body;

  const wiped = await call("/v1/data", "store-alex", "DELETE");
  assert.equal(wiped.status, 204);
  const before = await upstream();
  const after = await call("/v1/conversations?count=9");
  assert.equal(after.headers.get("x-cache"), "MISS", "nothing of the account was left to read");
  assert.equal((await upstream()) - before, 1);
  assert.deepEqual(after.body.items.map((c) => c.id), mine.body.items.map((c) => c.id));
  assert.equal((await call("/v1/conversations?count=9", "store-priya")).headers.get("x-cache"), "HIT", "another account keeps its pages");
  assert.ok(theirs.status === 200);
  const kept = (await call("/v1/usage")).body;
  assert.equal(kept.connectsafely.callsToday, usage.connectsafely.callsToday + 1, "the ledger survives the wipe");
  const wrongMethod = await call("/v1/data", "store-alex", "GET");
  assert.deepEqual([wrongMethod.status, wrongMethod.headers.get("allow")], [405, "DELETE"]);
});

test("a wipe during an upstream call is not undone: the list and the thread fetched across it are not kept", async () => {
  const token = "store-titouan";
  await sandbox.fault({ mode: "latency", latencyMs: 1500, count: 1, endpoint: "connectsafely" });
  const list = call("/v1/conversations?count=5", token);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal((await call("/v1/data", token, "DELETE")).status, 204);
  const answered = await list;
  assert.equal(answered.status, 200, "the caller gets an answer (from the store as the wipe left it)");
  const after = await call("/v1/conversations?count=5", token);
  assert.equal(after.headers.get("x-cache"), "MISS", "nothing of the page fetched across the wipe was kept");
  const id = after.body.items[0].id;
  await call("/v1/data", token, "DELETE");
  await sandbox.fault({ mode: "latency", latencyMs: 1500, count: 1, endpoint: "connectsafely" });
  const thread = call(`/v1/conversations/${encodeURIComponent(id)}/messages?count=3`, token);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal((await call("/v1/data", token, "DELETE")).status, 204);
  assert.equal((await thread).status, 200);
  const again = await call(`/v1/conversations/${encodeURIComponent(id)}/messages?count=3`, token);
  assert.equal(again.headers.get("x-cache"), "MISS", "the thread page fetched across the wipe was not kept");
});

test("search finds a word that only an older message of an opened thread holds, with 0 upstream calls", async () => {
  const list = (await call("/v1/conversations?count=100", "store-priya")).body.items;
  const listText = list.map((c) => [...c.participants.flatMap((p) => [p.name, p.headline ?? ""]), c.latestMessage?.text ?? ""].join(" ")).join(" ").toLowerCase();
  let target = null, word = null;
  for (const conversation of list.slice(0, 10)) {
    const thread = await call(`/v1/conversations/${encodeURIComponent(conversation.urn ?? conversation.id)}/messages?count=100`, "store-priya");
    assert.equal(thread.status, 200);
    const older = thread.body.items.slice(1).flatMap((m) => m.text.split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length >= 5);
    word = older.find((w) => !listText.includes(w.toLowerCase()));
    if (word) { target = conversation; break; }
  }
  assert.ok(target, "an opened thread with a word found only in its older messages");
  const before = await upstream();
  const found = await call(`/v1/conversations?keywords=${encodeURIComponent(word.toUpperCase())}`, "store-priya");
  assert.equal(found.status, 200);
  assert.ok(found.body.items.some((c) => c.id === target.id), `"${word}" finds ${target.id}`);
  assert.equal(await upstream(), before, "search is answered from the store");
  // Another account's search never sees this account's messages.
  const foreign = await call(`/v1/conversations?keywords=${encodeURIComponent(word)}`);
  assert.ok(!foreign.body.items.some((c) => c.id === target.id));
});

test("the store migrates from the previous schema version with its data and ledger kept", async () => {
  const dir = mkdtempSync(join(tmpdir(), "inbox-migrate-"));
  const clients = [{ name: "titouan", token: "migrate-titouan", account: "5f1b2c3d4e5f60718293a4b5", loginToken: "demo-login-token-titouan" }];
  const thread = `/v1/messages?profileUrl=${encodeURIComponent("https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/")}&count=4`;
  // The previous version: schema 1 (thread pages only).
  let old = await startWorker({ sandboxBase: sandbox.base, clients, persistTo: dir, vars: { SCHEMA_VERSION_CAP: "1", HISTORY_TTL_SECS: "3600", HEAD_TTL_SECS: "3600" } });
  try {
    const first = await checkedCall(old.base, thread, { authorization: "Bearer migrate-titouan" });
    assert.deepEqual([first.status, first.headers.get("x-cache")], [200, "MISS"]);
    const usage = (await checkedCall(old.base, "/v1/usage", { authorization: "Bearer migrate-titouan" })).body;
    await old.stop();
    old = await startWorker({ sandboxBase: sandbox.base, clients, persistTo: dir, vars: { HISTORY_TTL_SECS: "3600", HEAD_TTL_SECS: "3600" } });
    const before = await upstream();
    const kept = await checkedCall(old.base, thread, { authorization: "Bearer migrate-titouan" });
    assert.deepEqual([kept.status, kept.headers.get("x-cache")], [200, "HIT"], "the stored page survived the migration");
    assert.equal(await upstream(), before);
    const list = await checkedCall(old.base, "/v1/conversations?count=5", { authorization: "Bearer migrate-titouan" });
    assert.deepEqual([list.status, list.body.items.length], [200, 5], "the new tables work");
    const after = (await checkedCall(old.base, "/v1/usage", { authorization: "Bearer migrate-titouan" })).body;
    assert.equal(after.linkup.creditsSpent, usage.linkup.creditsSpent, "the ledger is kept");
  } finally {
    await old.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("schema 3 gives conversations and messages explicit keys: search over data stored at schema 2 still finds it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "inbox-migrate-"));
  const clients = [{ name: "titouan", token: "migrate-titouan", account: "5f1b2c3d4e5f60718293a4b5", loginToken: "demo-login-token-titouan" }];
  const auth = { authorization: "Bearer migrate-titouan" };
  const vars = { HISTORY_TTL_SECS: "3600", HEAD_TTL_SECS: "3600" };
  let old = await startWorker({ sandboxBase: sandbox.base, clients, persistTo: dir, vars: { ...vars, SCHEMA_VERSION_CAP: "2" } });
  try {
    const list = await checkedCall(old.base, "/v1/conversations?count=20", auth);
    const target = list.body.items.find((c) => c.latestMessage?.text && /[A-Za-z]{5,}/.test(c.latestMessage.text));
    assert.ok(target, "a conversation with a searchable latest message");
    const thread = await checkedCall(old.base, `/v1/conversations/${encodeURIComponent(target.id)}/messages?count=10`, auth);
    assert.equal(thread.status, 200);
    const word = target.participants[0].name.split(/\s+/)[0];
    const messageWord = thread.body.items.map((m) => m.text.match(/[A-Za-z]{6,}/)?.[0]).find(Boolean);
    const search = async (base, q) => (await checkedCall(base, `/v1/conversations?count=100&keywords=${encodeURIComponent(q)}`, auth)).body.items.map((c) => c.id);
    const before = { name: await search(old.base, word), message: messageWord && await search(old.base, messageWord), all: list.body.items.map((c) => c.id) };
    assert.ok(before.name.includes(target.id));
    await old.stop();
    old = await startWorker({ sandboxBase: sandbox.base, clients, persistTo: dir, vars });
    const calls = await upstream();
    assert.deepEqual(await search(old.base, word), before.name, "names and headlines still found");
    if (messageWord) assert.deepEqual(await search(old.base, messageWord), before.message, "message text still found");
    const again = await checkedCall(old.base, "/v1/conversations?count=20", auth);
    assert.deepEqual([again.headers.get("x-cache"), again.body.items.map((c) => c.id)], ["HIT", before.all], "the list is kept, in order");
    assert.equal(await upstream(), calls, "nothing was fetched again");
  } finally {
    await old.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("schema 10 adds triage to a store of schema 9: the list kept byte for byte, triage and its views work", async () => {
  const dir = mkdtempSync(join(tmpdir(), "inbox-migrate-"));
  const clients = [{ name: "titouan", token: "migrate-titouan", account: "5f1b2c3d4e5f60718293a4b5", loginToken: "demo-login-token-titouan" }];
  const auth = { authorization: "Bearer migrate-titouan" };
  const vars = { HISTORY_TTL_SECS: "3600", HEAD_TTL_SECS: "3600" };
  let old = await startWorker({ sandboxBase: sandbox.base, clients, persistTo: dir, vars: { ...vars, SCHEMA_VERSION_CAP: "9" } });
  try {
    const list = await checkedCall(old.base, "/v1/conversations?count=20", auth);
    assert.equal(list.status, 200);
    await old.stop();
    old = await startWorker({ sandboxBase: sandbox.base, clients, persistTo: dir, vars });
    const again = await checkedCall(old.base, "/v1/conversations?count=20", auth);
    assert.deepEqual([again.headers.get("x-cache"), again.body.items], ["HIT", list.body.items], "the stored list is kept as it was");
    const target = list.body.items[1].id;
    const archived = await checkedCall(old.base, `/v1/conversations/${encodeURIComponent(target)}/triage`, { ...auth, method: "POST", headers: { "content-type": "application/json" }, body: '{"archived":true}' });
    assert.equal(archived.status, 200, archived.text);
    const view = await checkedCall(old.base, "/v1/conversations?count=20&view=archived", auth);
    assert.deepEqual(view.body.items.map((c) => c.id), [target]);
  } finally {
    await old.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("store answers tally hits exactly while the object lives, and write them in batches that survive a restart", async () => {
  await call("/v1/conversations?count=5");
  const before = (await call("/v1/usage")).body.cache.hits;
  for (let i = 0; i < 20; i++) assert.equal((await call("/v1/conversations?count=5")).headers.get("x-cache"), "HIT");
  assert.equal((await call("/v1/usage")).body.cache.hits, before + 20, "every HIT counted, written or not");
  await worker.stop();
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, persistTo: state });
  const kept = (await call("/v1/usage")).body.cache.hits;
  assert.ok(kept >= before + 20 - 15 && kept <= before + 20, `at most one batch (15 answers) lost on a restart: ${before} → ${kept}`);
});

test("a cross-account probe over every route reads nothing of another account", async () => {
  const alexList = (await call("/v1/conversations?count=5")).body;
  const alexThread = alexList.items[0];
  // Priya presents Alex's thread id: her own account's object and session answer (not found).
  const thread = await call(`/v1/conversations/${encodeURIComponent(alexThread.urn ?? alexThread.id)}/messages?count=3`, "store-priya");
  assert.equal(thread.status, 404);
  // Alex's cursor in Priya's hands is refused before anything is read.
  const cursor = await call(`/v1/conversations?count=5&cursor=${encodeURIComponent(alexList.nextCursor)}`, "store-priya");
  assert.deepEqual([cursor.status, cursor.body.error.code], [400, "INVALID_CURSOR"]);
  // Search, lists, usage, refresh and wipe are hers only.
  const search = await call(`/v1/conversations?keywords=${encodeURIComponent(alexThread.participants[0].name.split(" ")[0])}`, "store-priya");
  assert.ok(!search.body.items.some((c) => c.id === alexThread.id));
  const priyaList = (await call("/v1/conversations?count=100", "store-priya")).body.items;
  assert.ok(!priyaList.some((c) => c.id === alexThread.id));
  const usage = (await call("/v1/usage", "store-priya")).body;
  assert.equal(usage.client, "priya");
  assert.equal((await call("/v1/refresh", "store-priya", "POST")).status, 200);
  assert.equal((await call("/v1/conversations?count=5")).headers.get("x-cache"), "HIT", "her refresh left his store alone");
});
