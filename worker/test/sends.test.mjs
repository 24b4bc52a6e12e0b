// Replies and read state through the Worker: at most one upstream send per
// Idempotency-Key whatever the retries or races, a daily send budget refused before any
// upstream call, the sent message in the stored thread and list at once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call } from "../../tests/js/worker.mjs";
import { checkResponse } from "../../tests/js/openapi.mjs";

const CLIENTS = [
  { name: "alex", token: "send-alex", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex" },
  { name: "linkup-only", token: "send-lk", account: null, loginToken: "demo-login-token-priya" },
  { name: "linkup-v2", token: "send-lk2", account: null, loginToken: null, linkupAccountId: "lk_acc_5f1b2c3d4e5f60718293a4b5" },
];

let sandbox, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { UPSTREAM_TIMEOUT_MS: "1500", RATE_LIMIT_PER_MINUTE: "0", SEND_SETTLE_SECS: "2" } });
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
});

const auth = (token = "send-alex") => ({ authorization: `Bearer ${token}` });
const sends = async () => (await sandbox.stats()).sends;

/** A POST with a JSON body (and an Idempotency-Key unless `key` is null), checked against the spec. */
async function post(path, body, { key = randomUUID(), token = "send-alex", base = worker.base } = {}) {
  const headers = { ...auth(token), "content-type": "application/json" };
  if (key !== null) headers["idempotency-key"] = key;
  const response = await fetch(`${base}${path}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await response.text();
  checkResponse({ method: "POST", path, status: response.status, headers: response.headers, text });
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

async function firstConversation(token = "send-alex") {
  const list = await call(worker.base, "/v1/conversations?count=5", auth(token));
  assert.equal(list.status, 200);
  return list.body.items[0];
}

const reply = (id) => `/v1/conversations/${encodeURIComponent(id)}/messages`;

test("a reply is sent once and shows at once in the stored thread and list, markup and emoji as typed", async () => {
  const conversation = await firstConversation();
  const thread = await call(worker.base, `${reply(conversation.id)}?count=5`, auth());
  assert.equal(thread.status, 200);
  const text = `<b>Tuesday</b> works & "10:00" suits 👋\n— Alex ${randomUUID().slice(0, 8)}`;
  const before = await sends();
  const sent = await post(reply(conversation.id), { text });
  assert.equal(sent.status, 200, sent.text);
  assert.equal(sent.body.message.text, text);
  assert.equal(sent.body.conversationId, conversation.id);
  assert.equal(await sends(), before + 1);
  const calls = (await sandbox.stats()).calls.total;
  const again = await call(worker.base, `${reply(conversation.id)}?count=5`, auth());
  assert.equal(again.body.items[0].text, text, "the stored thread shows the sent message first");
  assert.equal(again.headers.get("x-cache"), "HIT");
  const list = await call(worker.base, "/v1/conversations?count=5", auth());
  const row = list.body.items.find((c) => c.id === conversation.id);
  assert.deepEqual([list.body.items[0].id, row.latestMessage.text, row.latestMessage.fromSelf], [conversation.id, text, true]);
  assert.equal((await sandbox.stats()).calls.total, calls, "no upstream call to show it");
  const word = text.match(/Alex ([0-9a-f]{8})/)[1];
  const found = await call(worker.base, `/v1/conversations?keywords=${word}`, auth());
  assert.deepEqual(found.body.items.map((c) => c.id), [conversation.id], "the sent text is searchable");
  // The sandbox thread holds it exactly once.
  const upstreamThread = await call(worker.base, `${reply(conversation.id)}?count=20`, auth());
  assert.equal(upstreamThread.body.items.filter((m) => m.text === text).length, 1);
});

test("50 concurrent sends with one key: one upstream send, 50 identical answers", async () => {
  const conversation = await firstConversation();
  const key = randomUUID();
  const body = { text: `one of fifty ${key.slice(0, 8)}` };
  const before = await sends();
  const answers = await Promise.all(Array.from({ length: 50 }, () => post(reply(conversation.id), body, { key })));
  assert.equal(await sends(), before + 1, "exactly one upstream send");
  assert.ok(answers.every((a) => a.status === 200), answers.map((a) => a.status).join(","));
  assert.equal(new Set(answers.map((a) => JSON.stringify(a.body))).size, 1, "identical answers");
  assert.equal(answers.filter((a) => a.headers.get("idempotency-replayed") === "true").length, 49);
  // Later retries replay too, with no upstream call.
  const retry = await post(reply(conversation.id), body, { key });
  assert.deepEqual([retry.status, retry.headers.get("idempotency-replayed"), retry.body], [200, "true", answers[0].body]);
  assert.equal(await sends(), before + 1);
});

test("the same key with another body is 422, a missing key 400, a bad text 400 naming it: nothing sent", async () => {
  const conversation = await firstConversation();
  const key = randomUUID();
  assert.equal((await post(reply(conversation.id), { text: "first" }, { key })).status, 200);
  const before = await sends();
  const other = await post(reply(conversation.id), { text: "second" }, { key });
  assert.deepEqual([other.status, other.body.error.code], [422, "IDEMPOTENCY_KEY_REUSED"]);
  const elsewhere = await post("/v1/messages", { profileUrl: "https://www.linkedin.com/in/someone-else/", text: "first" }, { key });
  assert.equal(elsewhere.status, 422, "the key names one message, wherever it goes");
  const missing = await post(reply(conversation.id), { text: "no key" }, { key: null });
  assert.deepEqual([missing.status, missing.body.error.field], [400, "Idempotency-Key"]);
  for (const [body, field] of [[{ text: "  " }, "text"], [{ text: "a\u0007b" }, "text"], ["not json", "body"], [{ text: "x".repeat(8001) }, "text"]]) {
    const bad = await post(reply(conversation.id), body);
    assert.deepEqual([bad.status, bad.body.error.field], [400, field], JSON.stringify(body).slice(0, 40));
  }
  assert.equal(await sends(), before, "no upstream send");
});

test("a send committed upstream whose answer was lost is not sent again on retry", async () => {
  const conversation = await firstConversation();
  const key = randomUUID();
  const body = { text: `lost answer ${key.slice(0, 8)}` };
  const before = await sends();
  await sandbox.fault({ mode: "commit-drop", count: 1, endpoint: "connectsafely" });
  const first = await post(reply(conversation.id), body, { key });
  assert.ok([502, 504].includes(first.status), `${first.status} ${first.text}`);
  assert.match(first.body.error.message, /Idempotency-Key/);
  assert.equal(await sends(), before + 1, "the provider committed it");
  const retry = await post(reply(conversation.id), body, { key });
  assert.equal(retry.status, 200, retry.text);
  assert.equal(retry.body.message.text, body.text);
  assert.equal(await sends(), before + 1, "the retry found it in the thread instead of sending");
  const thread = await call(worker.base, `${reply(conversation.id)}?count=20`, auth());
  assert.equal(thread.body.items.filter((m) => m.text === body.text).length, 1, "one message in the thread");
  const replay = await post(reply(conversation.id), body, { key });
  assert.deepEqual([replay.status, replay.headers.get("idempotency-replayed")], [200, "true"]);
});

test("an unknown outcome is not sent again before it settles, then the thread is checked first", async () => {
  const conversation = await firstConversation();
  const key = randomUUID();
  const body = { text: `settles ${key.slice(0, 8)}` };
  const before = await sends();
  // A provider 5xx: the message may or may not be on its way.
  await sandbox.fault({ mode: "status", status: 500, count: 1, route: "cs.send" });
  const first = await post(reply(conversation.id), body, { key });
  assert.equal(first.status, 502, first.text);
  const early = await post(reply(conversation.id), body, { key });
  assert.deepEqual([early.status, early.body.error.code], [503, "UNAVAILABLE"], early.text);
  assert.ok(Number(early.headers.get("retry-after")) >= 1);
  assert.equal(await sends(), before, "not sent again while the first try may still land");
  await new Promise((r) => setTimeout(r, 1000 * Number(early.headers.get("retry-after")) + 300));
  const later = await post(reply(conversation.id), body, { key });
  assert.equal(later.status, 200, later.text);
  assert.equal(await sends(), before + 1);
  assert.equal((await call(worker.base, `${reply(conversation.id)}?count=20`, auth())).body.items.filter((m) => m.text === body.text).length, 1);
});

test("an unknown outcome with more messages since than a check reads settles: 404, never sent again", async () => {
  // A conversation the other tests leave alone: the messages added here crowd its thread.
  const conversation = (await call(worker.base, "/v1/conversations?count=5", auth())).body.items[4];
  const key = randomUUID();
  const body = { text: `buried ${key.slice(0, 8)}` };
  const before = await sends();
  await sandbox.fault({ mode: "status", status: 500, count: 1, route: "cs.send" });
  const first = await post(reply(conversation.id), body, { key });
  assert.equal(first.status, 502, first.text);
  // More messages than one check reads (20) arrive in the thread after the try.
  for (let i = 0; i < 22; i++) {
    await sandbox.control("POST", "simulate", { account: CLIENTS[0].account, conversation: conversation.id, text: `since ${i} ${key.slice(0, 8)}` });
  }
  const early = await post(reply(conversation.id), body, { key });
  assert.deepEqual([early.status, early.body.error.code], [503, "UNAVAILABLE"], early.text);
  await new Promise((r) => setTimeout(r, 1000 * Number(early.headers.get("retry-after")) + 300));
  const settled = await post(reply(conversation.id), body, { key });
  assert.deepEqual([settled.status, settled.body.error?.code], [404, "NOT_FOUND"], settled.text);
  assert.match(settled.body.error.message, /look on LinkedIn/);
  assert.equal(settled.headers.get("retry-after"), null, "a final answer");
  assert.equal(await sends(), before, "never sent again with this key");
});

test("a 2xx answer that cannot be read is an unknown outcome, never a refusal: the retry finds the message", async () => {
  const conversation = await firstConversation();
  const key = randomUUID();
  const body = { text: `unreadable answer ${key.slice(0, 8)}` };
  const before = await sends();
  await sandbox.fault({ mode: "truncated", count: 1, route: "cs.send" });
  const first = await post(reply(conversation.id), body, { key });
  assert.equal(first.status, 502, first.text);
  assert.equal(await sends(), before + 1, "the provider committed it");
  const retry = await post(reply(conversation.id), body, { key });
  assert.equal(retry.status, 200, retry.text);
  assert.equal(await sends(), before + 1, "found, not sent again");
});

test("a message already in the thread with the same text (the other member's, from before this send) is not taken for it", async () => {
  const conversation = await firstConversation();
  const thread = await call(worker.base, `${reply(conversation.id)}?count=20`, auth());
  const theirs = thread.body.items.find((m) => m.text && m.sender.name === conversation.participants[0].name);
  assert.ok(theirs, "a message of the other member");
  const key = randomUUID();
  const before = await sends();
  await sandbox.fault({ mode: "status", status: 500, count: 1, route: "cs.send" });
  assert.equal((await post(reply(conversation.id), { text: theirs.text }, { key })).status, 502);
  await new Promise((r) => setTimeout(r, 3800));
  const retry = await post(reply(conversation.id), { text: theirs.text }, { key });
  assert.equal(retry.status, 200, retry.text);
  assert.equal(await sends(), before + 1, "their message was not mistaken for this send: it was sent");
  assert.notEqual(retry.body.message.id, theirs.id);
});

test("a provider's 429 on a send pauses sends to it: the next one is refused with Retry-After and no call", async () => {
  const conversation = await firstConversation();
  await sandbox.fault({ mode: "status", status: 429, retryAfter: 2, count: 1, route: "cs.send" });
  const before = await sends();
  const limited = await post(reply(conversation.id), { text: "paused once" });
  assert.deepEqual([limited.status, limited.body.error.code], [429, "RATE_LIMITED"]);
  const calls = (await sandbox.stats()).callsByEndpoint["cs.send"];
  const paused = await post(reply(conversation.id), { text: "while paused" });
  assert.equal(paused.status, 429);
  assert.ok(Number(paused.headers.get("retry-after")) >= 1);
  assert.equal((await sandbox.stats()).callsByEndpoint["cs.send"], calls, "no call while paused");
  await new Promise((r) => setTimeout(r, 2200));
  assert.equal((await post(reply(conversation.id), { text: "after the pause" })).status, 200);
  assert.equal(await sends(), before + 1);
});

test("a message to a person starts a conversation once; a provider refusal frees the key", async () => {
  const key = randomUUID();
  const body = { profileUrl: "https://www.linkedin.com/in/new-person-worker-test/", text: "Hello, new person" };
  const before = await sends();
  const first = await post("/v1/messages", body, { key });
  assert.equal(first.status, 200, first.text);
  assert.ok(first.body.conversationId.startsWith("2-"));
  assert.equal((await post("/v1/messages", body, { key })).headers.get("idempotency-replayed"), "true");
  assert.equal(await sends(), before + 1);
  await sandbox.fault({ mode: "status", status: 400, count: 1, endpoint: "connectsafely" });
  const refusedKey = randomUUID();
  const refused = await post("/v1/messages", { ...body, text: "refused once" }, { key: refusedKey });
  assert.ok(refused.status >= 400 && refused.status < 600, refused.text);
  const retried = await post("/v1/messages", { ...body, text: "refused once" }, { key: refusedKey });
  assert.equal(retried.status, 200, "a refused send may be retried with its key");
});

test("a LinkupAPI-only account replies through LinkupAPI; read state is NOT_SUPPORTED there", async () => {
  const conversation = await firstConversation("send-lk");
  const sent = await post(reply(conversation.id), { text: "via linkup" }, { token: "send-lk" });
  assert.equal(sent.status, 200, sent.text);
  assert.equal(sent.body.message.text, "via linkup");
  const mark = await post(`/v1/conversations/${encodeURIComponent(conversation.id)}/read`, "", { token: "send-lk", key: null });
  assert.deepEqual([mark.status, mark.body.error.code], [501, "NOT_SUPPORTED"]);
});

test("a LinkupAPI v2 account replies to the conversation's member (v2 sends to a profile only), once", async () => {
  const conversation = await firstConversation("send-lk2");
  const before = await sends();
  const text = `v2 reply ${randomUUID().slice(0, 8)}`;
  const sent = await post(reply(conversation.id), { text }, { token: "send-lk2" });
  assert.equal(sent.status, 200, sent.text);
  assert.deepEqual([sent.body.message.text, sent.body.conversationId], [text, conversation.id], "the profile the store knows leads back to this conversation");
  assert.equal(await sends(), before + 1);
  assert.equal((await sandbox.stats()).sendsByEndpoint["lk.v2.send"] >= 1, true);
});

test("mark read and unread change the conversation on LinkedIn and in the stored list", async () => {
  const conversation = await firstConversation();
  const path = (what) => `/v1/conversations/${encodeURIComponent(conversation.id)}/${what}`;
  const unread = await post(path("unread"), "", { key: null });
  assert.deepEqual([unread.status, unread.body], [200, { conversationId: conversation.id, read: false }]);
  let view = await call(worker.base, "/v1/conversations?unread=true&count=100", auth());
  assert.ok(view.body.items.some((c) => c.id === conversation.id));
  const read = await post(path("read"), "", { key: null });
  assert.deepEqual([read.status, read.body.read], [200, true]);
  view = await call(worker.base, "/v1/conversations?unread=true&count=100", auth());
  assert.ok(!view.body.items.some((c) => c.id === conversation.id));
});

test("the daily send budget refuses before any upstream call, with Retry-After", async () => {
  const limited = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { SEND_DAILY_LIMIT: "1" } });
  try {
    const list = await call(limited.base, "/v1/conversations?count=2", auth());
    const id = list.body.items[1].id;
    assert.equal((await post(reply(id), { text: "within budget" }, { base: limited.base })).status, 200);
    const before = await sends();
    const over = await post(reply(id), { text: "over budget" }, { base: limited.base });
    assert.deepEqual([over.status, over.body.error.code], [429, "BUDGET_EXHAUSTED"]);
    assert.ok(Number(over.headers.get("retry-after")) > 0);
    assert.equal(await sends(), before, "no upstream send");
    const usage = await call(limited.base, "/v1/usage", auth());
    assert.equal(usage.body.sends.dailyLimit, 1);
  } finally {
    await limited.stop();
  }
});

test("npm: sendMessage through the proxy retries a lost answer with its key (one message), markRead/markUnread; provider keys cannot send", async () => {
  const { InboxClient, isInboxError } = await import("../../npm/dist/node.mjs");
  const { checkedFetch } = await import("../../tests/js/worker.mjs");
  const inbox = new InboxClient({ proxy: { url: worker.base, token: "send-alex" }, fetch: checkedFetch });
  const conversation = (await inbox.listConversations({ count: 3 })).items[2];
  const before = await sends();
  const text = `from npm ${randomUUID().slice(0, 8)}`;
  // The first answer is lost after the provider committed: the client's retry (same key) finds it.
  await sandbox.fault({ mode: "commit-drop", count: 1, endpoint: "connectsafely" });
  const sent = await inbox.sendMessage({ conversationId: conversation.id, text });
  assert.equal(sent.message.text, text);
  assert.equal(await sends(), before + 1, "one upstream send for the client's two tries");
  const thread = await inbox.listMessages({ conversationId: conversation.id, count: 10 });
  assert.equal(thread.items.filter((m) => m.text === text).length, 1);
  // A caller's own key: the same message again is a replay.
  const key = randomUUID();
  const a = await inbox.sendMessage({ conversationId: conversation.id, text: `${text} again`, idempotencyKey: key });
  const b = await inbox.sendMessage({ conversationId: conversation.id, text: `${text} again`, idempotencyKey: key });
  assert.deepEqual(a, b);
  assert.equal(await sends(), before + 2);
  await assert.rejects(inbox.sendMessage({ conversationId: conversation.id, text: "other", idempotencyKey: key }), (e) => isInboxError(e) && e.code === "IDEMPOTENCY_KEY_REUSED" && e.status === 422);
  await assert.rejects(inbox.sendMessage({ conversationId: conversation.id, text: " " }), (e) => e.code === "INVALID_INPUT" && e.field === "text");
  assert.equal(await inbox.markUnread(conversation.id), undefined);
  assert.ok((await inbox.listConversations({ unread: true, count: 100 })).items.some((c) => c.id === conversation.id));
  await inbox.markRead(conversation.id);
  assert.ok(!(await inbox.listConversations({ unread: true, count: 100 })).items.some((c) => c.id === conversation.id));
  const { directConfig } = await import("../../tests/js/sandbox.mjs");
  const direct = new InboxClient(directConfig(sandbox.base));
  await assert.rejects(direct.sendMessage({ conversationId: conversation.id, text: "x" }), (e) => e.code === "NOT_SUPPORTED");
  assert.equal(await sends(), before + 2);
});
