// The providers' documented webhook bodies (tests/fixtures/documented/, verbatim, each naming its
// source in SOURCES.md), signed as documented, through the Worker in workerd: accepted, stored
// once, and one LinkedIn message whatever URN form names it (a pushed `messagingMessage` URN and
// the thread's own `msg_message` form of the same message are one message, counted once).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const documented = (name) => JSON.parse(readFileSync(new URL(`../../tests/fixtures/documented/${name}`, import.meta.url), "utf8"));
const CS_SECRET = "cs-webhook-secret-documented-0123456789";
const LK_SECRET = "lk-webhook-secret-documented-0123456789";
const ALEX = {
  id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex",
  connectsafelyWebhookSecret: CS_SECRET, linkupWebhookSecret: LK_SECRET,
};
const TOKEN = "documented-alex";

let sandbox, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({
    sandboxBase: sandbox.base, clients: [{ name: "alex", token: TOKEN, accounts: [ALEX] }],
    vars: { RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0", HEAD_TTL_SECS: "3600" },
  });
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
});

const call = (path, method = "GET") => checkedCall(worker.base, path, { method, authorization: `Bearer ${TOKEN}` });
const hmac = (secret, text) => createHmac("sha256", secret).update(text).digest("hex");
const upstream = async () => (await sandbox.stats()).calls.total;
const postCs = (body) => checkedCall(worker.base, "/v1/webhooks/connectsafely/alex", {
  method: "POST", body, headers: { "content-type": "application/json", "x-webhook-signature": `sha256=${hmac(CS_SECRET, body)}` },
});
const postLk = (body, timestamp = Math.floor(Date.now() / 1000)) => checkedCall(worker.base, "/v1/webhooks/linkup/alex", {
  method: "POST", body, headers: { "content-type": "application/json", "x-linkup-timestamp": String(timestamp), "x-linkup-signature": `v1=${hmac(LK_SECRET, `${timestamp}.${body}`)}` },
});

async function conversation(id) {
  const page = await call("/v1/conversations?account=alex&count=50");
  assert.equal(page.status, 200, page.text);
  return page.body.items.find((c) => c.id === id);
}

/** The documented ConnectSafely event, its published placeholders (`2-...`, `65fa...c0`) filled in. */
function csEvent({ messageId, thread, text, at }) {
  const event = documented("connectsafely_webhook_message_received.json");
  assert.equal(event.data.message_urn, "urn:li:messagingMessage:2-...", "the documented example elides its ids");
  event.data.id = event.data.message_urn = `urn:li:messagingMessage:${messageId}`;
  event.data.account_id = ALEX.account;
  event.data.conversation_id = `urn:li:messagingThread:${thread}`;
  event.data.sender.id = "urn:li:fsd_profile:ACoAADocumentedSender";
  event.data.body = text;
  event.data.timestamp = new Date(at).toISOString();
  return JSON.stringify(event);
}

test("the documented ConnectSafely event is stored once: sender URN as documented, a retry changes nothing", async () => {
  const [first] = (await call("/v1/conversations?account=alex&count=5")).body.items;
  // The thread is open (its head page stored), so the pushed message is spliced into it.
  assert.equal((await call(`/v1/conversations/${encodeURIComponent(first.id)}/messages?account=alex&count=50`)).status, 200);
  const text = `documented ${process.pid}`;
  const body = csEvent({ messageId: `2-documented${process.pid}`, thread: first.id, text, at: Date.now() });
  for (let delivery = 0; delivery < 3; delivery++) {
    const answer = await postCs(body);
    assert.deepEqual([answer.status, answer.body], [200, { received: true }], `delivery ${delivery}`);
  }
  const now = await conversation(first.id);
  assert.equal(now.latestMessage.text, text);
  assert.equal(now.unreadCount, first.unreadCount + 1, "three deliveries of one event are one message");
  const thread = await call(`/v1/conversations/${encodeURIComponent(first.id)}/messages?account=alex&count=50`);
  const pushed = thread.body.items.filter((m) => m.text === text);
  assert.equal(pushed.length, 1);
  assert.equal(pushed[0].sender.urn, "urn:li:fsd_profile:ACoAADocumentedSender", "the documented URN, not prefixed twice");
});

test("a pushed message the thread already shows in its msg_message form is the same message: not added, not counted", async () => {
  const [, second] = (await call("/v1/conversations?account=alex&count=5")).body.items;
  const thread = await call(`/v1/conversations/${encodeURIComponent(second.id)}/messages?account=alex&count=50`);
  assert.equal(thread.status, 200);
  const newest = thread.body.items[0];
  assert.match(newest.id, /^urn:li:msg_message:\(.+,(2-[^)]+)\)$/, "the thread names its messages in the msg_message form");
  const messageId = newest.id.match(/,(2-[^)]+)\)$/)[1];
  const before = await conversation(second.id);
  const answer = await postCs(csEvent({ messageId, thread: second.id, text: newest.text, at: newest.sentAt }));
  assert.equal(answer.status, 200);
  const again = await call(`/v1/conversations/${encodeURIComponent(second.id)}/messages?account=alex&count=50`);
  assert.equal(again.body.items.filter((m) => m.text === newest.text && m.sentAt === newest.sentAt).length, 1, "shown once");
  assert.equal((await conversation(second.id)).unreadCount, before.unreadCount, "counted once");
});

test("the documented LinkupAPI event item (event as an object) is accepted, and a repeat of it is one event", async () => {
  const item = documented("linkup_v2_webhook_events_200.json").data.items[0];
  assert.equal(typeof item.event, "object", "the documented event is an object");
  item.event_id = `documented-${process.pid}`;
  const body = JSON.stringify(item);
  const answer = await postLk(body);
  assert.deepEqual([answer.status, answer.body], [200, { received: true }], answer.text);
  // The event schedules one head sync through the object's alarm; a repeat schedules nothing.
  const deadline = Date.now() + 10_000;
  let calls = await upstream();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await upstream();
    if (now > calls) { calls = now; break; }
  }
  await new Promise((r) => setTimeout(r, 1500));
  calls = await upstream();
  assert.equal((await postLk(body)).status, 200);
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(await upstream(), calls, "a repeated event_id syncs nothing more");
  // Without event_id (custom-mode posts are not documented): known by the body's digest.
  delete item.event_id;
  item.created_at = new Date().toISOString();
  assert.equal((await postLk(JSON.stringify(item))).status, 200);
});

test("LinkupAPI accepted_invitation and disconnection events of the documented shape: a disconnection is recorded and shown in /v1/usage and as the account's health", async () => {
  const usage = async () => (await call("/v1/usage?account=alex")).body;
  assert.equal((await usage()).disconnectedAt, null, "never disconnected");
  const item = documented("linkup_v2_webhook_events_200.json").data.items[0];
  const typed = (type, id) => JSON.stringify({ ...item, event_id: `${type}-${process.pid}-${id}`, event: { ...item.event, event: { ...item.event.event, type } } });
  const accepted = await postLk(typed("accepted_invitation", 1));
  assert.deepEqual([accepted.status, accepted.body], [200, { received: true }], accepted.text);
  assert.equal((await usage()).disconnectedAt, null, "an accepted invitation is no disconnection");
  const before = Date.now();
  const disconnected = await postLk(typed("disconnection", 1));
  assert.deepEqual([disconnected.status, disconnected.body], [200, { received: true }], disconnected.text);
  const at = (await usage()).disconnectedAt;
  assert.ok(at >= before - 1000 && at <= Date.now() + 1000, `disconnectedAt ${at}`);
  // The account's health says its session is gone, since the event.
  const health = (await call("/v1/accounts")).body.accounts.find((a) => a.id === "alex")?.health;
  assert.equal(health?.state, "session_expired", JSON.stringify(health));
  assert.ok(health.since >= before - 1000 && health.since <= Date.now() + 1000, JSON.stringify(health));
  // A repeat of the event is the same event: the time stays.
  assert.equal((await postLk(typed("disconnection", 1))).status, 200);
  assert.equal((await usage()).disconnectedAt, at);
});
