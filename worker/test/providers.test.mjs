// Each provider alone is a whole inbox through the Worker, in workerd against the sandbox in both
// ConnectSafely seed modes; accounts of one provider list and open threads; LinkupAPI v1 and v2
// walks (inboxes with their documented 0/1 unread, a v2 thread to its end) equal the sandbox's data.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const TITOUAN = "5f1b2c3d4e5f60718293a4b5", PRIYA = "6a7b8c9d0e1f2a3b4c5d6e7f";
const CLIENTS = [
  { name: "both", token: "p-both", account: TITOUAN, loginToken: "demo-login-token-titouan" },
  { name: "cs-only", token: "p-cs", account: TITOUAN, loginToken: null },
  { name: "lk-v2-only", token: "p-lk2", account: null, loginToken: null, linkupAccountId: `lk_acc_${TITOUAN}` },
  { name: "lk-v1-only", token: "p-lk1", account: null, loginToken: "demo-login-token-priya" },
  { name: "cs-fresh", token: "p-cs2", account: PRIYA, loginToken: null },
];

let sandbox, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { UPSTREAM_TIMEOUT_MS: "3000", HEAD_TTL_SECS: "0", CURSOR_TTL_SECS: "0", RATE_LIMIT_PER_MINUTE: "0" } });
});
after(async () => { await worker?.stop(); sandbox?.stop(); });

const call = (path, token) => checkedCall(worker.base, path, { authorization: `Bearer ${token}` });
const seedMode = (mode) => sandbox.control("POST", "settings", { connectsafelySeed: mode });

async function walk(path, token) {
  const items = [];
  let cursor = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const page = await call(`${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ""}`, token);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** The account's whole inbox as the sandbox holds it (its ConnectSafely list, in documented shape). */
async function wholeInbox(account = TITOUAN) {
  const conversations = [];
  let cursor = null;
  do {
    const url = `${sandbox.base}/linkedin/conversations?accountId=${account}&count=100${cursor ? `&nextCursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = await fetch(url, { headers: { authorization: "Bearer demo-connectsafely-key" } }).then((r) => r.json());
    conversations.push(...page.conversations);
    cursor = page.hasMore ? page.nextCursor : null;
  } while (cursor);
  return conversations;
}

test("unread, read and keyword views are exact in both seed modes: each match once, in order", async () => {
  const unread = (await wholeInbox()).filter((c) => c.unreadCount > 0).map((c) => c.conversationId);
  try {
    for (const mode of ["serve", "redirect"]) {
      await seedMode(mode);
      const items = await walk("/v1/conversations?unread=true&count=6", "p-both");
      assert.deepEqual(items.map((c) => c.id), unread, mode);
      assert.ok(items.every((c) => c.unreadCount > 0), mode);
      const read = await walk("/v1/conversations?unread=false&count=9", "p-both");
      assert.ok(read.length > 0 && read.every((c) => c.isRead && c.unreadCount === 0), mode);
      if (mode === "redirect") {
        // Keywords after the 307: every conversation whose list entry names it, once, in order.
        const inbox = await wholeInbox();
        const keyword = inbox.map((c) => c.participants[0]?.name ?? "").find((n) => /^[A-Za-z]{4,}/.test(n)).slice(0, 4).toLowerCase();
        const hits = inbox.filter((c) => c.participants.some((p) => p.name.toLowerCase().includes(keyword) || (p.headline ?? "").toLowerCase().includes(keyword))
          || (c.latestMessage?.text ?? "").toLowerCase().includes(keyword)).map((c) => c.conversationId);
        const found = await walk(`/v1/conversations?keywords=${encodeURIComponent(keyword)}&count=4`, "p-both");
        assert.deepEqual(found.map((c) => c.id), hits, `keyword ${keyword}`);
      }
    }
  } finally {
    await seedMode("serve");
  }
});

test("single-provider accounts list and open threads; one thread gives the same messages through either provider", async () => {
  const threads = {};
  for (const token of ["p-cs", "p-lk2", "p-lk1"]) {
    const inbox = await walk("/v1/conversations?count=30", token);
    assert.ok(inbox.length > 20, `${token}: ${inbox.length}`);
    assert.equal(new Set(inbox.map((c) => c.id)).size, inbox.length);
    const id = inbox[0].id;
    const thread = await call(`/v1/conversations/${encodeURIComponent(id)}/messages?count=5`, token);
    assert.equal(thread.status, 200, `${token}: ${JSON.stringify(thread.body)}`);
    assert.ok(thread.body.items.length > 0 && thread.body.items.every((m) => m.conversationId === id), token);
    threads[token] = { id, messages: thread.body.items.map((m) => m.id) };
  }
  assert.equal(threads["p-cs"].id, threads["p-lk2"].id, "ConnectSafely and LinkupAPI v2 list the same newest thread");
  assert.deepEqual(threads["p-cs"].messages, threads["p-lk2"].messages);
  const usage = await call("/v1/usage", "p-lk2");
  assert.ok(usage.body.linkup.creditsToday > 0, "the LinkupAPI-only list spends credits");
});

test("through the Worker, a redirect to another host is refused after one upstream call: 502, or STALE from the store", async () => {
  const calls = async () => (await sandbox.stats()).calls.total;
  let before = await calls();
  await sandbox.fault({ mode: "redirect", location: "http://127.0.0.1:9/linkedin/conversations", count: 1, endpoint: "connectsafely" });
  const refused = await call("/v1/conversations?count=13", "p-cs2");
  assert.deepEqual([refused.status, refused.body.error?.code], [502, "UPSTREAM_ERROR"], "nothing stored yet");
  assert.equal((await calls()) - before, 1);
  assert.equal((await call("/v1/conversations?count=13", "p-cs2")).status, 200);
  before = await calls();
  await sandbox.fault({ mode: "redirect", location: "http://127.0.0.1:9/linkedin/conversations", count: 1, endpoint: "connectsafely" });
  const stale = await call("/v1/conversations?count=13", "p-cs2");
  assert.deepEqual([stale.status, stale.headers.get("x-cache")], [200, "STALE"]);
  assert.equal((await calls()) - before, 1);
});

const unread = (c) => !c.isRead || c.unreadCount > 0;

test("LinkupAPI v1 and v2 inbox walks: every conversation once, in order, with the sandbox's unread state; the unread view is its unread set", async () => {
  // v2 serves Titouan's account, v1 Priya's (by her login token): the sandbox's data for each.
  for (const [token, account] of [["p-lk2", TITOUAN], ["p-lk1", PRIYA]]) {
    const held = await wholeInbox(account);
    assert.ok(held.some((c) => c.unreadCount > 0) && held.some((c) => c.unreadCount === 0), `${token}: both states held`);
    const walked = await walk("/v1/conversations?count=25", token);
    assert.deepEqual(walked.map((c) => c.id), held.map((c) => c.conversationId), `${token}: every conversation once, newest first`);
    assert.deepEqual(walked.map(unread), held.map((c) => c.unreadCount > 0), `${token}: each one's unread state (LinkupAPI's documented 0/1)`);
    const unreadOnly = await walk("/v1/conversations?unread=true&count=7", token);
    assert.deepEqual(unreadOnly.map((c) => c.id), held.filter((c) => c.unreadCount > 0).map((c) => c.conversationId), `${token}: the unread view`);
  }
});

test("a LinkupAPI v2 thread walked to its end through the Worker: the same messages as ConnectSafely's, paged on next_cursor alone", async () => {
  const inbox = await walk("/v1/conversations?count=30", "p-cs");
  let paged = 0;
  for (const { id } of inbox.slice(0, 6)) {
    const path = `/v1/conversations/${encodeURIComponent(id)}/messages?count=4`;
    const [v2, cs] = [await walk(path, "p-lk2"), await walk(path, "p-cs")];
    assert.ok(v2.length > 0, id);
    assert.deepEqual(v2.map((m) => m.id), cs.map((m) => m.id), `${id}: the whole thread, each message once`);
    assert.equal(new Set(v2.map((m) => m.id)).size, v2.length);
    if (v2.length > 4) paged += 1;
  }
  assert.ok(paged > 0, "at least one thread took more than one page");
});
