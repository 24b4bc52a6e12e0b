// Each provider alone is a whole inbox, as the providers answer today, through the
// installed package's direct client against the sandbox, in both ConnectSafely seed modes:
// `serve` (the seed path filters) and `redirect` (307 to /conversations, filtered here).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { InboxClient } from "linkedin-inbox";
import { startSandbox, DEMO } from "./sandbox.mjs";

const ACCOUNT = "5f1b2c3d4e5f60718293a4b5"; // DEMO.loginToken's account
const V2_ACCOUNT = `lk_acc_${ACCOUNT}`;

let sandbox;
before(async () => { sandbox = await startSandbox(["--daily-limit", "100000"]); });
after(() => sandbox.stop());

const seedMode = (mode) => sandbox.control("POST", "settings", { connectsafelySeed: mode });
const connectsafely = () => ({ apiKey: DEMO.connectsafelyKey, accountId: ACCOUNT, baseUrl: `${sandbox.base}/linkedin` });
const linkup = () => ({ apiKey: DEMO.linkupKey, loginToken: DEMO.loginToken, baseUrl: sandbox.base });
const linkupV2 = () => ({ apiKey: DEMO.linkupKey, accountId: V2_ACCOUNT, baseUrl: sandbox.base });

async function all(iterator) {
  const items = [];
  for await (const item of iterator) items.push(item);
  return items;
}

/** The whole inbox as the successor lists it, unfiltered (what a list page can show). */
async function wholeInbox() {
  const conversations = [];
  let cursor = null;
  do {
    const url = `${sandbox.base}/linkedin/conversations?accountId=${ACCOUNT}&count=100${cursor ? `&nextCursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = await fetch(url, { headers: { authorization: `Bearer ${DEMO.connectsafelyKey}` } }).then((r) => r.json());
    conversations.push(...page.conversations);
    cursor = page.hasMore ? page.nextCursor : null;
  } while (cursor);
  return conversations;
}

const listMatches = (c, keywords) => {
  const needle = keywords.toLowerCase();
  return c.participants.some((p) => p.name.toLowerCase().includes(needle) || (p.headline ?? "").toLowerCase().includes(needle))
    || (c.latestMessage?.text ?? "").toLowerCase().includes(needle);
};

/** A keyword that names some but not all conversations. */
function someKeyword(inbox) {
  const name = inbox.map((c) => c.participants[0]?.name ?? "").find((n) => /^[A-Za-z]{4,}/.test(n));
  return name.slice(0, 4).toLowerCase();
}

test("unread and keyword walks are exact in both seed modes, through the seed path and after its 307", async () => {
  const inbox = await wholeInbox();
  const keyword = someKeyword(inbox);
  const unread = inbox.filter((c) => c.unreadCount > 0).map((c) => c.conversationId);
  const named = inbox.filter((c) => listMatches(c, keyword)).map((c) => c.conversationId);
  assert.ok(unread.length > 0 && unread.length < inbox.length, "the demo inbox has read and unread threads");
  assert.ok(named.length > 0 && named.length < inbox.length, `keyword ${keyword}`);
  const client = new InboxClient({ connectsafely: connectsafely() });
  try {
    for (const mode of ["serve", "redirect"]) {
      await seedMode(mode);
      const before = (await sandbox.stats()).callsByEndpoint;
      const unreadWalk = await all(client.conversations({ unread: true, count: 7 }));
      assert.deepEqual(unreadWalk.map((c) => c.id), unread, `${mode}: every unread thread, once, in order`);
      assert.ok(unreadWalk.every((c) => c.unreadCount > 0 && !c.isRead), `${mode}: no read thread in the unread view`);
      const keywordWalk = (await all(client.conversations({ keywords: keyword, count: 5 }))).map((c) => c.id);
      if (mode === "redirect") {
        assert.deepEqual(keywordWalk, named, "after the 307, every list hit is found here");
      } else {
        // The seed path searches every message too: a superset of what a list shows.
        assert.ok(named.every((id) => keywordWalk.includes(id)), "every list hit is found");
      }
      const after = (await sandbox.stats()).callsByEndpoint;
      const redirected = after["cs.recent-messages.redirect"] - before["cs.recent-messages.redirect"];
      assert.equal(redirected > 0, mode === "redirect", `${mode}: 307s answered ${redirected}`);
    }
  } finally {
    await seedMode("serve");
  }
});

test("a keyword filtered here matches non-ASCII letters in any case (Unicode lowercase, as JS's toLowerCase)", async () => {
  const inbox = await wholeInbox();
  // A name word with a non-ASCII letter that has a case (Müller, Ødegård, Мария…), upper-cased.
  const word = inbox.flatMap((c) => c.participants.flatMap((p) => (p.name ?? "").split(/\s+/)))
    .find((w) => /[^\x00-\x7f]/.test(w) && w.toUpperCase() !== w.toLowerCase() && w !== w.toUpperCase());
  assert.ok(word, "the demo inbox has a non-ASCII name");
  const keyword = word.toUpperCase();
  const named = inbox.filter((c) => listMatches(c, keyword)).map((c) => c.conversationId);
  assert.ok(named.length > 0, `${keyword} names some conversation`);
  await seedMode("redirect");
  try {
    const client = new InboxClient({ connectsafely: connectsafely() });
    const walked = (await all(client.conversations({ keywords: keyword, count: 5 }))).map((c) => c.id);
    assert.deepEqual(walked, named, `${keyword}: every list hit, filtered here`);
  } finally {
    await seedMode("serve");
  }
});

test("the same thread opened through ConnectSafely and through LinkupAPI yields the same messages", async () => {
  const [conversation] = (await new InboxClient({ connectsafely: connectsafely() }).listConversations({ count: 1 })).items;
  const viaConnectSafely = new InboxClient({ connectsafely: connectsafely(), linkup: linkup(), threadsVia: "connectsafely" });
  const viaLinkup = new InboxClient({ connectsafely: connectsafely(), linkup: linkup() });
  const viaV2 = new InboxClient({ linkup: linkupV2() });
  const cs = await viaConnectSafely.listMessages({ conversationId: conversation.id, count: 10 });
  const lk = await viaLinkup.listMessages({ conversationId: conversation.id, count: 10 });
  const v2 = await viaV2.listMessages({ conversationId: conversation.id, count: 10 });
  assert.ok(cs.items.length > 0);
  assert.deepEqual(cs.items.map((m) => m.id), lk.items.map((m) => m.id));
  assert.deepEqual(v2.items.map((m) => m.id), lk.items.map((m) => m.id));
  assert.deepEqual(cs.items.map((m) => m.sentAt), lk.items.map((m) => m.sentAt));
  assert.equal(cs.thread.conversationId, conversation.id);
  assert.equal(lk.thread.conversationId, conversation.id);
  // Every message of the thread, older pages by cursor, through ConnectSafely alone.
  const everything = await all(viaConnectSafely.messages({ conversationId: conversation.id, count: 7 }));
  const linkupEverything = await all(viaLinkup.messages({ conversationId: conversation.id, count: 7 }));
  assert.deepEqual(everything.map((m) => m.id), linkupEverything.map((m) => m.id));
});

test("a ConnectSafely-only and a LinkupAPI-only account (v1 and v2) each list and open threads", async () => {
  for (const [label, config] of [["connectsafely", { connectsafely: connectsafely() }], ["linkup v1", { linkup: linkup() }], ["linkup v2", { linkup: linkupV2() }]]) {
    const client = new InboxClient(config);
    const inbox = await all(client.conversations({ count: 25 }));
    assert.ok(inbox.length > 20, `${label}: ${inbox.length} conversations`);
    assert.equal(new Set(inbox.map((c) => c.id)).size, inbox.length, `${label}: each once`);
    assert.ok(inbox.every((c) => /^2-/.test(c.id)), `${label}: thread ids`);
    const unreadOnly = (await client.listConversations({ unread: true, count: 5 })).items;
    assert.ok(unreadOnly.length > 0 && unreadOnly.every((c) => c.unreadCount > 0), label);
    const thread = await client.listMessages({ conversationId: inbox[0].id, count: 5 });
    assert.ok(thread.items.length > 0, `${label}: opens a thread`);
    assert.ok(thread.items.every((m) => m.conversationId === inbox[0].id), label);
  }
  // Same conversations whichever provider lists them.
  const listed = async (config) => (await all(new InboxClient(config).conversations({ count: 50 }))).map((c) => c.id).sort();
  assert.deepEqual(await listed({ linkup: linkup() }), await listed({ connectsafely: connectsafely() }));
});

test("a redirect to another host, or a second hop, is refused with no further request", async () => {
  const client = new InboxClient({ connectsafely: connectsafely() });
  const calls = async () => (await sandbox.stats()).calls.total;
  let before = await calls();
  await sandbox.fault({ mode: "redirect", location: "http://127.0.0.1:9/linkedin/conversations", count: 1, endpoint: "connectsafely" });
  await assert.rejects(client.listConversations({ count: 3 }), (e) => e.code === "UPSTREAM_ERROR" && /another host/.test(e.message));
  assert.equal((await calls()) - before, 1, "the other host was never called");

  before = await calls();
  await sandbox.fault({ mode: "redirect", location: "/linkedin/conversations", count: 2, endpoint: "connectsafely" });
  await assert.rejects(client.listConversations({ count: 3 }), (e) => e.code === "UPSTREAM_ERROR" && /more than once/.test(e.message));
  assert.equal((await calls()) - before, 2, "one hop followed, the second refused");
  assert.equal((await client.listConversations({ count: 3 })).items.length, 3, "and then it works again");
});
