// Several accounts through the proxy: the installed package against the Worker in
// workerd and the sandbox: listAccounts, `account` on lists, threads and read state, merged
// `all` walks; and what a client with provider keys answers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { InboxClient, buildRequest, PageWalker } from "linkedin-inbox";
import { directConfig } from "./sandbox.mjs";
import { startProxy, ALEX, TITOUAN, PRIYA, ALEX_TOKEN } from "./workerd.mjs";

let proxy;
// The daily ConnectSafely call cap and the send cap are off by default (the provider caps
// neither reads nor replies); set here so listAccounts has budgets to show.
before(async () => { proxy = await startProxy({ vars: { CONNECTSAFELY_DAILY_LIMIT: "150", SEND_DAILY_LIMIT: "150" } }); });
after(() => proxy?.stop());

const ORDER = ["alex", "titouan", "priya"];

async function rejection(promise) {
  try { await promise; } catch (error) { return error; }
  assert.fail("expected a rejection");
}

async function all(iterator) {
  const items = [];
  for await (const item of iterator) items.push(item);
  return items;
}

test("listAccounts: the client's accounts in the registry's order, their unread totals and budgets left", async () => {
  const inbox = new InboxClient(proxy.config());
  const before = await inbox.listAccounts();
  assert.deepEqual(before.map((a) => [a.id, a.label]), [["alex", "Alex Morgan"], ["titouan", "Titouan Prioux"], ["priya", "Priya Iyer"]]);
  assert.deepEqual(before.map((a) => a.providers), [["connectsafely", "linkup"], ["connectsafely"], ["connectsafely", "linkup"]]);
  assert.deepEqual(before.map((a) => a.unreadTotal), [null, null, null], "no store synced yet");
  for (const account of before) {
    assert.deepEqual(Object.keys(account.budgetLeftToday).sort(), ["connectsafelyCalls", "linkupCredits", "sends"]);
    assert.ok(Number.isInteger(account.budgetLeftToday.connectsafelyCalls) && Number.isInteger(account.budgetLeftToday.sends));
  }
  assert.equal(before[1].budgetLeftToday.linkupCredits, null, "titouan has no LinkupAPI");
  assert.ok(Number.isInteger(before[0].budgetLeftToday.linkupCredits));
  // A walk of every account syncs their stores: the totals are the walk's unread conversations,
  // and each account's ConnectSafely budget is down by the sandbox's count of its calls.
  const unread = Object.fromEntries(ORDER.map((id) => [id, 0]));
  for await (const c of inbox.conversations({ account: "all", count: 50 })) if (c.unreadCount > 0) unread[c.account]++;
  const after = await inbox.listAccounts();
  assert.deepEqual(after.map((a) => a.unreadTotal), ORDER.map((id) => unread[id]));
  assert.ok(ORDER.every((id) => unread[id] > 0));
  const { callsByAccount } = await proxy.sandbox.stats();
  for (const [i, account] of [ALEX, TITOUAN, PRIYA].entries()) {
    const calls = callsByAccount.filter((c) => c.endpoint === "connectsafely" && c.account === account.account).reduce((n, c) => n + c.calls, 0);
    assert.ok(calls > 0);
    assert.equal(after[i].budgetLeftToday.connectsafelyCalls, before[i].budgetLeftToday.connectsafelyCalls - calls, account.id);
    assert.equal(after[i].budgetLeftToday.sends, before[i].budgetLeftToday.sends);
  }
  const solo = await new InboxClient(proxy.config(ALEX_TOKEN)).listAccounts();
  assert.deepEqual(solo.map((a) => a.id), ["alex"]);
  assert.equal(solo[0].unreadTotal, unread.alex, "the same account, the same store");
  const wrongToken = await rejection(new InboxClient(proxy.config("nope")).listAccounts());
  assert.equal(wrongToken.code, "UNAUTHORIZED");
});

test("a walk of all yields every account's conversations once, each with its account, newest first", async () => {
  const inbox = new InboxClient(proxy.config());
  const merged = await all(inbox.conversations({ account: "all", count: 7 }));
  const walks = [];
  for (const id of ORDER) {
    const own = await all(inbox.conversations({ account: id, count: 25 }));
    assert.ok(own.length > 0 && own.every((c) => c.account === id), `every item of ${id} says so`);
    walks.push(own);
  }
  const key = (c) => `${c.account}/${c.id}`;
  assert.equal(new Set(merged.map(key)).size, merged.length, "no item twice");
  assert.deepEqual(merged.map(key).sort(), walks.flat().map(key).sort(), "the union of the accounts' walks");
  const at = (c) => c.lastActivityAt ?? 0;
  assert.ok(merged.every((c, i) => i === 0 || at(merged[i - 1]) >= at(c)), "newest activity first");
  // The contract's order: by last activity, ties in the registry's account order, then each
  // store's order (a merge of the accounts' own walks).
  const heads = walks.map(() => 0);
  const expected = [];
  for (;;) {
    let pick = -1;
    for (const [i, walk] of walks.entries()) {
      if (heads[i] < walk.length && (pick < 0 || at(walk[heads[i]]) > at(walks[pick][heads[pick]]))) pick = i;
    }
    if (pick < 0) break;
    expected.push(walks[pick][heads[pick]++]);
  }
  assert.deepEqual(merged.map(key), expected.map(key), "merged in the contract's order");
  // The default is all; one page says which account each item is of.
  const page = await inbox.listConversations({ count: 5 });
  assert.deepEqual(page.items.map(key), merged.slice(0, 5).map(key));
  // The page walker of "load more" keeps one item per account and thread.
  const walker = new PageWalker();
  const loaded = [];
  while (!walker.done) loaded.push(...walker.accept(await inbox.listConversations({ account: "all", count: 9, cursor: walker.cursor })));
  assert.deepEqual(loaded.map(key), merged.map(key));
  // Filters apply in every account.
  const unread = await all(inbox.conversations({ account: "all", unread: true, count: 10 }));
  assert.ok(unread.length > 0 && unread.every((c) => c.unreadCount > 0 && c.account));
});

test("threads and read state take the account; a foreign or unknown account is NOT_FOUND", async () => {
  const inbox = new InboxClient(proxy.config());
  const { items: [conversation] } = await inbox.listConversations({ account: "alex", count: 1 });
  const thread = await inbox.listMessages({ conversationId: conversation.id, account: "alex", count: 3 });
  assert.ok(thread.items.length > 0);
  const found = await inbox.listMessages({ conversationId: conversation.id, count: 3 });
  assert.deepEqual(found.items.map((m) => m.id), thread.items.map((m) => m.id), "the proxy finds the account");
  // By profile URL the account is needed when the client has several (the proxy says which field).
  const profileUrl = conversation.participants[0].profileUrl;
  const unnamed = await rejection(inbox.listMessages({ profileUrl, count: 3 }));
  assert.deepEqual([unnamed.code, unnamed.field], ["INVALID_INPUT", "account"]);
  const byProfile = await inbox.listMessages({ profileUrl, count: 3, account: "alex" });
  assert.ok(byProfile.items.length > 0);
  const soloByProfile = await new InboxClient(proxy.config(ALEX_TOKEN)).listMessages({ profileUrl, count: 3 });
  assert.deepEqual(soloByProfile.items.map((m) => m.id), byProfile.items.map((m) => m.id), "one account: no need to name it");
  await inbox.markUnread(conversation.id, { account: "alex" });
  await inbox.markRead(conversation.id, { account: "alex" });
  assert.equal((await rejection(inbox.listMessages({ conversationId: conversation.id, account: "priya" }))).code, "NOT_FOUND");
  assert.equal((await rejection(inbox.markRead(conversation.id, { account: "priya" }))).code, "NOT_FOUND");
  const solo = new InboxClient(proxy.config(ALEX_TOKEN));
  assert.equal((await rejection(solo.listConversations({ account: "titouan" }))).code, "NOT_FOUND");
  assert.equal((await rejection(all(solo.conversations({ account: "priya" })))).code, "NOT_FOUND");
  // Checked before any request.
  for (const bad of ["", "a b", "x".repeat(65), 7]) {
    const error = await rejection(inbox.listConversations({ account: bad }));
    assert.deepEqual([error.code, error.field], ["INVALID_INPUT", "account"], String(bad));
  }
  assert.equal((await rejection(inbox.markRead(conversation.id, { acount: "alex" }))).field, "options");
  assert.equal((await rejection(inbox.sendMessage({ conversationId: conversation.id, text: "hi", account: "not ok" }))).field, "account");
});

test("buildRequest sends the account as a query parameter", () => {
  const request = buildRequest(proxy.config(), "listConversations", { count: 2, account: "priya" });
  assert.equal(request.url, `${proxy.base}/v1/conversations?count=2&account=priya`);
  const thread = buildRequest(proxy.config(), "listMessages", { conversationId: "2-abc", account: "alex" });
  assert.equal(thread.url, `${proxy.base}/v1/conversations/2-abc/messages?account=alex`);
});

test("every request of a call with an account names it: each page of a walk, a thread, a send, read state", async () => {
  const urls = [];
  const recording = (url, init) => { urls.push(new URL(url)); return fetch(url, init); };
  const inbox = new InboxClient(proxy.config(undefined, { fetch: recording }));
  const walked = await all(inbox.conversations({ account: "priya", count: 2 }));
  assert.ok(urls.length > 1, `${urls.length} pages walked`);
  assert.ok(walked.every((c) => c.account === "priya"));
  const [conversation] = walked;
  await inbox.listMessages({ conversationId: conversation.id, account: "priya", count: 2 });
  await inbox.markUnread(conversation.id, { account: "priya" });
  await inbox.markRead(conversation.id, { account: "priya" });
  await inbox.sendMessage({ conversationId: conversation.id, text: "Every request names its account.", account: "priya" });
  assert.deepEqual(urls.filter((u) => u.searchParams.getAll("account").join() !== "priya").map(String), [], "each names priya, once");
  assert.ok(urls.some((u) => u.pathname.endsWith("/read")) && urls.some((u) => u.pathname.endsWith("/messages")));
  // Without an account no request names one.
  urls.length = 0;
  await inbox.listMessages({ conversationId: conversation.id, count: 1 });
  assert.equal(urls.length, 1);
  assert.equal(urls[0].searchParams.has("account"), false);
});

test("with provider keys: no accounts to list or watch; account all is the one account", async () => {
  const direct = new InboxClient(directConfig(proxy.sandbox.base));
  assert.equal((await rejection(direct.listAccounts())).code, "NOT_SUPPORTED");
  assert.throws(() => direct.watch(), (e) => e.code === "NOT_SUPPORTED");
  assert.equal((await rejection(direct.listConversations({ account: "alex" }))).code, "NOT_SUPPORTED");
  const page = await direct.listConversations({ account: "all", count: 2 });
  assert.equal(page.items.length, 2);
  assert.ok(page.items.every((c) => c.account === undefined));
});

// Last: it leaves alex's LinkupAPI session refused for the rest of this proxy's minute.
test("listAccounts: each account's health, session_expired once the provider refuses its session", async () => {
  const inbox = new InboxClient(proxy.config());
  const before = await inbox.listAccounts();
  for (const account of before) {
    assert.deepEqual(Object.keys(account.health).sort(), ["since", "state"], account.id);
    assert.equal(account.health.state, "ok");
    assert.ok(Number.isInteger(account.health.since));
  }
  // LinkupAPI (alex's threads) refuses the session once: its v1 401 INVALID_LOGIN_TOKEN.
  const { items } = await inbox.listConversations({ account: "alex", count: 20 });
  await proxy.sandbox.fault({ mode: "status", status: 401, endpoint: "linkup", count: 1 });
  const asked = Date.now();
  const refused = await rejection(inbox.listMessages({ conversationId: items.at(-1).id, account: "alex", count: 7 }));
  assert.equal(refused.code, "UPSTREAM_ERROR");
  const after = await inbox.listAccounts();
  const [alex, titouan, priya] = after;
  assert.equal(alex.health.state, "session_expired");
  assert.ok(alex.health.since >= asked - 1_000 && alex.health.since <= Date.now(), JSON.stringify(alex.health));
  assert.equal(alex.health.until, undefined);
  assert.deepEqual([titouan.health.state, priya.health.state], ["ok", "ok"], "the other accounts' sessions are theirs");
  // Held: the next thread of alex is refused without an upstream call.
  const calls = (await proxy.sandbox.stats()).calls.linkup;
  const held = await rejection(inbox.listMessages({ conversationId: items.at(-2).id, account: "alex", count: 7 }));
  assert.equal(held.code, "UPSTREAM_ERROR");
  assert.equal((await proxy.sandbox.stats()).calls.linkup, calls);
});

test("download: an attachment's bytes through the proxy, typed; checked refs; the proxy's only", async () => {
  const inbox = new InboxClient(proxy.config());
  const { items } = await inbox.listConversations({ account: "titouan", count: 20 });
  let file;
  for (const conversation of items) {
    const thread = await inbox.listMessages({ conversationId: conversation.id, account: "titouan", count: 50 });
    file = thread.items.flatMap((m) => m.attachments ?? []).find((a) => a.ref);
    if (file) break;
  }
  assert.ok(file, "a file in titouan's threads");
  assert.equal(file.providerRef, undefined, "never the provider's URL");
  const response = await inbox.download(file.ref);
  assert.ok(response instanceof Response);
  const blob = await response.blob();
  assert.deepEqual([blob.size, blob.type], [file.size, file.mediaType]);
  assert.equal((await rejection(inbox.download("https://media.licdn.com/x"))).code, "INVALID_INPUT");
  assert.equal((await rejection(inbox.download(`${file.ref.slice(0, -2)}xx`))).code, "NOT_FOUND");
  const direct = new InboxClient(directConfig(proxy.sandbox.base));
  assert.equal((await rejection(direct.download(file.ref))).code, "NOT_SUPPORTED");
});
