// A live inbox (issue 18): signed provider webhooks into the account's store (ConnectSafely
// messages once per message_urn whatever the order; LinkupAPI events one coalesced head sync
// per event_id), the change feed out of the stores and the WebSocket push channel, each to the
// clients of that account only. Runs with node --experimental-websocket (Node 20).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const CS_SECRET = "cs-webhook-secret-alex-0123456789";
const LK_SECRET = "lk-webhook-secret-alex-0123456789";
const ALEX = {
  id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex",
  connectsafelyWebhookSecret: CS_SECRET, linkupWebhookSecret: LK_SECRET,
};
const PRIYA = {
  id: "priya", label: "Priya Iyer", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya",
  connectsafelyWebhookSecret: "cs-webhook-secret-priya-0123456789", linkupWebhookSecret: "lk-webhook-secret-priya-0123456789",
};
const TITOUAN = { id: "titouan", label: "Titouan Prioux", account: "5f1b2c3d4e5f60718293a4b5", loginToken: null };
const CLIENTS = [
  { name: "team", token: "live-team", accounts: [ALEX, TITOUAN] },
  // Shares alex with the team.
  { name: "alex-desk", token: "live-alex", accounts: [ALEX] },
  { name: "priya-desk", token: "live-priya", accounts: [PRIYA] },
  // Alex's LinkedIn account in the single-account form (its id is a digest): the same object.
  { name: "alex-legacy", token: "live-legacy", account: ALEX.account, loginToken: ALEX.loginToken },
];

let sandbox, worker, threads;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({
    sandboxBase: sandbox.base, clients: CLIENTS,
    // Long TTLs: reads in these tests are served from the stores, never a new head sync.
    // Short-lived sockets: their expiry is tested (and every socket test finishes well within it).
    vars: { RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0", HEAD_TTL_SECS: "3600", LIVE_SOCKET_LIFETIME_SECS: "6" },
  });
  threads = (await alexList()).map((c) => c.id);
  assert.ok(threads.length >= 6, "the demo account has conversations to push into");
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
});

const call = (path, token = "live-team", method = "GET", headers = {}) =>
  checkedCall(worker.base, path, { method, headers, authorization: `Bearer ${token}` });
const upstream = async () => (await sandbox.stats()).calls.total;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hmac = (secret, text) => createHmac("sha256", secret).update(text).digest("hex");

/** A ConnectSafely `message.received` event body. */
function csEvent({ urn, thread, text, at, senderId = "ACoAAWebhookSender", name = "Webhook Sender", account = ALEX.account }) {
  return JSON.stringify({
    event: "message.received", object: "event",
    data: {
      id: `evt-${urn}`, message_urn: urn, account_id: account, provider: "LINKEDIN",
      sender: { id: senderId, name, profile_url: `https://www.linkedin.com/in/${senderId}`, profile_picture: null },
      body: text, timestamp: new Date(at).toISOString(), conversation_id: `urn:li:messagingThread:${thread}`, attachments: [],
    },
  });
}

/** Posts a ConnectSafely event signed with `secret` (or the given signature header). */
function postCs(body, { account = "alex", secret = CS_SECRET, signature } = {}) {
  const sig = signature === undefined ? `sha256=${hmac(secret, body)}` : signature;
  return checkedCall(worker.base, `/v1/webhooks/connectsafely/${account}`, {
    method: "POST", body, headers: { "content-type": "application/json", ...(sig === null ? {} : { "x-webhook-signature": sig }) },
  });
}

function lkEvent(eventId) {
  return JSON.stringify({ event_id: eventId, event: "message_received", account_id: "lk_acc_alex", created_at: new Date().toISOString() });
}

function postLk(body, { account = "alex", secret = LK_SECRET, timestamp = Math.floor(Date.now() / 1000), signature } = {}) {
  const sig = signature === undefined ? `v1=${hmac(secret, `${timestamp}.${body}`)}` : signature;
  return checkedCall(worker.base, `/v1/webhooks/linkup/${account}`, {
    method: "POST", body,
    headers: { "content-type": "application/json", "x-linkup-timestamp": String(timestamp), ...(sig === null ? {} : { "x-linkup-signature": sig }) },
  });
}

/** The texts of a thread's newest messages (the first read stores the head page). */
async function threadTexts(thread) {
  const page = await call(`/v1/conversations/${encodeURIComponent(thread)}/messages?account=alex&count=100`);
  assert.equal(page.status, 200, page.text);
  return page.body.items.map((m) => m.text);
}

/** Alex's conversations as the store has them (the first call syncs the head once). */
async function alexList(extra = "") {
  const page = await call(`/v1/conversations?account=alex&count=50${extra}`);
  assert.equal(page.status, 200, page.text);
  return page.body.items;
}


let unique = 0;
const urn = () => `urn:li:msg_message:(urn:li:fsd_profile:ACoAAWebhook,2-live-${process.pid}-${++unique})`;

test("a bad, missing or foreign signature is 401 with no detail and no side effect", async () => {
  const before = await call("/v1/changes?account=alex");
  const body = csEvent({ urn: urn(), thread: threads[0], text: "never stored", at: Date.now() });
  const refusals = [
    await postCs(body, { secret: "not-the-secret" }),
    await postCs(body, { signature: null }),
    await postCs(body, { signature: "sha256=zz" }),
    await postCs(body, { signature: `sha1=${hmac(CS_SECRET, body)}` }),
    await postCs(`${body} `, { signature: `sha256=${hmac(CS_SECRET, body)}` }),
    await postCs(body, { account: "nobody" }),
    // Titouan has no webhook secret: nothing of his is a signed event.
    await postCs(body, { account: "titouan" }),
    // Priya's secret does not sign for alex, nor alex's for priya.
    await postCs(body, { secret: PRIYA.connectsafelyWebhookSecret }),
    await postCs(body, { account: "priya" }),
    await postLk(lkEvent("evt_bad_1"), { secret: CS_SECRET }),
    await postLk(lkEvent("evt_bad_2"), { signature: null }),
    // More than 5 minutes of skew, either way.
    await postLk(lkEvent("evt_stale"), { timestamp: Math.floor(Date.now() / 1000) - 301 }),
    await postLk(lkEvent("evt_future"), { timestamp: Math.floor(Date.now() / 1000) + 301 }),
    await postLk(lkEvent("evt_nan"), { timestamp: "soon" }),
  ];
  for (const [i, answer] of refusals.entries()) {
    assert.equal(answer.status, 401, `refusal ${i}: ${answer.text}`);
    assert.equal(answer.body.error.code, "UNAUTHORIZED");
    assert.equal(answer.body.error.message, "not a signed event for a known account", "one message for every failure");
  }
  const after = await call(`/v1/changes?account=alex&since=${encodeURIComponent(before.body.token)}`);
  assert.deepEqual(after.body.conversations, [], "nothing changed in the store");
  assert.ok(!(await alexList()).some((c) => c.latestMessage?.text === "never stored"));
});

test("a body over 64 KB is refused, chunked or not; another provider name is no webhook", async () => {
  const big = csEvent({ urn: urn(), thread: threads[0], text: "x".repeat(70_000), at: Date.now() });
  assert.equal((await postCs(big)).status, 401);
  // No Content-Length: the body streams in chunks and is cut off at the cap.
  const chunks = [big.slice(0, 30_000), big.slice(30_000)];
  const stream = new ReadableStream({ pull(c) { const next = chunks.shift(); if (next) c.enqueue(new TextEncoder().encode(next)); else c.close(); } });
  const chunked = await fetch(`${worker.base}/v1/webhooks/connectsafely/alex`, {
    method: "POST", body: stream, duplex: "half",
    headers: { "content-type": "application/json", "x-webhook-signature": `sha256=${hmac(CS_SECRET, big)}` },
  });
  assert.equal(chunked.status, 401);
  const small = csEvent({ urn: urn(), thread: threads[0], text: "chunked and small", at: Date.now() - 5 });
  const parts = [small.slice(0, 50), small.slice(50)];
  const smallStream = new ReadableStream({ pull(c) { const next = parts.shift(); if (next) c.enqueue(new TextEncoder().encode(next)); else c.close(); } });
  const accepted = await fetch(`${worker.base}/v1/webhooks/connectsafely/alex`, {
    method: "POST", body: smallStream, duplex: "half",
    headers: { "content-type": "application/json", "x-webhook-signature": `sha256=${hmac(CS_SECRET, small)}` },
  });
  assert.equal(accepted.status, 200, "a chunked body under the cap is read whole");
  // Another provider name is no webhook: an unknown route like any other (401 before auth).
  const other = await checkedCall(worker.base, "/v1/webhooks/anything/alex", { method: "POST", body: "{}", headers: { "x-linkup-signature": "v1=00" } });
  assert.equal(other.status, 401);
  const known = await checkedCall(worker.base, "/v1/webhooks/anything/alex", { method: "POST", body: "{}", authorization: "Bearer live-team" });
  assert.equal(known.status, 404);
});

test("a ConnectSafely event must name the account's ConnectSafely id; old messages are not taken, future ones dated now", async () => {
  const body = JSON.parse(csEvent({ urn: urn(), thread: threads[0], text: "nameless", at: Date.now() }));
  delete body.data.account_id;
  assert.equal((await postCs(JSON.stringify(body))).status, 401, "no account_id");
  const old = csEvent({ urn: urn(), thread: threads[0], text: "eight days old", at: Date.now() - 8 * 86_400_000 });
  assert.equal((await postCs(old)).status, 200, "acknowledged");
  assert.equal((await alexList("&keywords=eight%20days%20old")).length, 0, "but not stored");
  const future = csEvent({ urn: urn(), thread: threads[0], text: "from the future", at: Date.now() + 86_400_000 });
  assert.equal((await postCs(future)).status, 200);
  const stored = (await alexList()).find((c) => c.id === threads[0]);
  assert.equal(stored.latestMessage.text, "from the future");
  assert.ok(stored.lastActivityAt <= Date.now() + 1000, "dated now, not tomorrow");
});

test("a valid LinkupAPI signature inside the skew window is accepted", async () => {
  const answer = await postLk(lkEvent(`evt_ok_${process.pid}`), { timestamp: Math.floor(Date.now() / 1000) - 200 });
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(answer.body, { received: true });
});

test("three deliveries of one ConnectSafely event store one message and count one unread", async () => {
  const thread = threads[1];
  const before = (await alexList()).find((c) => c.id === thread);
  const shown = await threadTexts(thread);
  const text = `Three deliveries ${process.pid} zanzibar`;
  const body = csEvent({ urn: urn(), thread, text, at: Date.now() });
  const calls = await upstream();
  for (let i = 0; i < 3; i++) {
    const answer = await postCs(body);
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.body, { received: true });
  }
  assert.equal(await upstream(), calls, "a ConnectSafely event is stored with 0 upstream calls");
  const now = (await alexList()).find((c) => c.id === thread);
  assert.equal(now.latestMessage.text, text);
  assert.equal(now.unreadCount, before.unreadCount + 1);
  assert.equal(now.isRead, false);
  assert.equal((await alexList()).findIndex((c) => c.id === thread), 0, "the bumped conversation comes first");
  const found = await alexList("&keywords=zanzibar");
  assert.deepEqual(found.map((c) => c.id), [thread], "the search index has the message");
  assert.deepEqual(await threadTexts(thread), [text, ...shown], "the open thread shows it once, on top");
  assert.equal(await upstream(), calls, "and still 0 upstream calls");
});

test("two events arriving in reverse order keep the newer as latest and count both", async () => {
  const thread = threads[2];
  const before = (await alexList()).find((c) => c.id === thread);
  const shown = await threadTexts(thread);
  const at = Date.now();
  const older = csEvent({ urn: urn(), thread, text: "first of two", at: at - 1000 });
  const newer = csEvent({ urn: urn(), thread, text: "second of two", at });
  assert.equal((await postCs(newer)).status, 200);
  assert.equal((await postCs(older)).status, 200);
  const now = (await alexList()).find((c) => c.id === thread);
  assert.equal(now.latestMessage.text, "second of two");
  assert.equal(now.lastActivityAt, at);
  assert.equal(now.unreadCount, before.unreadCount + 2);
  assert.deepEqual(await threadTexts(thread), ["second of two", "first of two", ...shown], "the thread in time order");
});

test("the owner's own message reads the conversation and counts no unread", async () => {
  const page = await call("/v1/conversations?account=alex&count=1");
  const owner = page.body.items[0] && (await call("/v1/conversations?account=alex&count=1")).body.ownerProfileUrn;
  const ownerId = owner?.split(":").pop();
  assert.ok(ownerId, "the store knows its owner");
  const thread = threads[3];
  assert.equal((await postCs(csEvent({ urn: urn(), thread, text: "from them", at: Date.now() - 10 }))).status, 200);
  assert.equal((await alexList()).find((c) => c.id === thread).isRead, false);
  assert.equal((await postCs(csEvent({ urn: urn(), thread, text: "my reply", at: Date.now(), senderId: ownerId, name: "Alex Morgan" }))).status, 200);
  const now = (await alexList()).find((c) => c.id === thread);
  assert.equal(now.latestMessage.text, "my reply");
  assert.equal(now.latestMessage.fromSelf, true);
  assert.equal(now.unreadCount, 0);
  assert.equal(now.isRead, true);
});

test("the owner's pushed message reads the conversation and the next head sync agrees (no 2 → 0 → 2 flap)", async () => {
  const registered = await sandbox.control("POST", "webhooks", { provider: "connectsafely", account: ALEX.account, url: `${worker.base}/v1/webhooks/connectsafely/alex`, secret: CS_SECRET });
  assert.ok(!registered.error, JSON.stringify(registered));
  try {
    // A new member writes twice: two unread, pushed.
    const first = await sandbox.control("POST", "simulate", { account: ALEX.account, text: `flap one ${process.pid}` });
    await sandbox.control("POST", "simulate", { account: ALEX.account, conversation: first.conversation, text: `flap two ${process.pid}` });
    const thread = first.conversation;
    assert.equal((await alexList()).find((c) => c.id === thread)?.unreadCount, 2);
    const start = await call("/v1/changes?account=alex", "live-alex");
    // The owner answers from LinkedIn itself: pushed, it reads the conversation.
    const mine = await sandbox.control("POST", "simulate", { account: ALEX.account, conversation: thread, text: `flap mine ${process.pid}`, from: "owner" });
    assert.deepEqual(mine.deliveries.map((d) => d.status), [200]);
    const pushed = (await alexList()).find((c) => c.id === thread);
    assert.deepEqual([pushed.unreadCount, pushed.isRead, pushed.latestMessage.fromSelf], [0, true, true]);
    // The provider's own list agrees: the head sync keeps it read.
    const calls = await upstream();
    assert.equal((await call("/v1/refresh?account=alex", "live-alex", "POST")).status, 200);
    const synced = (await alexList()).find((c) => c.id === thread);
    assert.ok((await upstream()) > calls, "the head was synced");
    assert.deepEqual([synced.unreadCount, synced.isRead, synced.latestMessage.text], [0, true, `flap mine ${process.pid}`]);
    const feed = await call(`/v1/changes?account=alex&since=${encodeURIComponent(start.body.token)}`, "live-alex");
    const changed = feed.body.conversations.find((c) => c.id === thread);
    assert.deepEqual([changed.unreadCount, changed.isRead], [0, true], "the feed shows it read");
  } finally {
    await sandbox.control("DELETE", "webhooks");
  }
});

test("a ConnectSafely event for another ConnectSafely account is refused", async () => {
  const body = csEvent({ urn: urn(), thread: threads[4], text: "not alex's", at: Date.now(), account: PRIYA.account });
  const answer = await postCs(body);
  assert.equal(answer.status, 401);
  assert.ok(!(await alexList()).some((c) => c.latestMessage?.text === "not alex's"));
});

test("a signed but malformed event is 400 and stores nothing", async () => {
  const body = JSON.stringify({ event: "message.received", data: { message_urn: urn(), conversation_id: "not-a-thread", timestamp: "x" } });
  const answer = await postCs(body);
  assert.equal(answer.status, 400, answer.text);
  assert.equal(answer.body.error.code, "INVALID_INPUT");
  const other = await postCs(JSON.stringify({ event: "connection.accepted", data: {} }));
  assert.equal(other.status, 200, "another event type is acknowledged and ignored");
});

/** Waits (bounded) until the sandbox has seen more than `calls` upstream calls and then stays. */
async function settledCalls(calls) {
  for (let i = 0; i < 100 && (await upstream()) === calls; i++) await sleep(50);
  await sleep(700);
  return (await upstream()) - calls;
}

test("a LinkupAPI event schedules exactly one head sync, once per event_id", async () => {
  const calls = await upstream();
  const id = `evt_sync_${process.pid}`;
  assert.equal((await postLk(lkEvent(id))).status, 200);
  assert.equal(await settledCalls(calls), 1, "one head sync: one upstream call");
  const again = await upstream();
  for (let i = 0; i < 3; i++) assert.equal((await postLk(lkEvent(id))).status, 200);
  await sleep(800);
  assert.equal(await upstream(), again, "the same event_id again: no sync");
});

test("LinkupAPI events arriving together share one head sync", async () => {
  const calls = await upstream();
  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => postLk(lkEvent(`evt_burst_${process.pid}_${i}`))));
  assert.ok(answers.every((a) => a.status === 200));
  const made = await settledCalls(calls);
  assert.ok(made >= 1 && made <= 2, `8 events together: ${made} head syncs`);
});

test("changes reach a second client of the account and nothing reaches another account", async () => {
  const desk = await call("/v1/changes", "live-alex");
  const team = await call("/v1/changes", "live-team");
  const other = await call("/v1/changes", "live-priya");
  for (const start of [desk, team, other]) {
    assert.equal(start.status, 200, start.text);
    assert.deepEqual(start.body.conversations, []);
    assert.equal(start.body.reset, false);
  }
  assert.deepEqual(team.body.accounts.map((a) => a.id), ["alex", "titouan"]);
  const thread = threads[5];
  const text = `changes feed ${process.pid}`;
  const calls = await upstream();
  assert.equal((await postCs(csEvent({ urn: urn(), thread, text, at: Date.now() }))).status, 200);
  const since = (token) => `/v1/changes?since=${encodeURIComponent(token)}`;
  const deskNext = await call(since(desk.body.token), "live-alex");
  assert.deepEqual(deskNext.body.conversations.map((c) => [c.account, c.id, c.latestMessage.text]), [["alex", thread, text]]);
  assert.equal(deskNext.body.unreadTotal, deskNext.body.accounts[0].unreadTotal);
  const teamNext = await call(since(team.body.token), "live-team");
  assert.deepEqual(teamNext.body.conversations.map((c) => c.id), [thread]);
  const otherNext = await call(since(other.body.token), "live-priya");
  assert.deepEqual(otherNext.body.conversations, []);
  assert.equal(await upstream(), calls, "the feed is served from the stores");
  // The new token has nothing new; a token is the client's own.
  assert.deepEqual((await call(since(deskNext.body.token), "live-alex")).body.conversations, []);
  const foreign = await call(since(desk.body.token), "live-priya");
  assert.equal(foreign.status, 400);
  assert.equal(foreign.body.error.code, "INVALID_CURSOR");
  const narrowed = await call(`${since(team.body.token)}&account=alex`, "live-team");
  assert.equal(narrowed.status, 400, "a token of two accounts is not one of one");
  assert.equal((await call("/v1/changes?account=priya", "live-team")).status, 404, "an account the client does not list");
});

/** Opens the push channel of `token`'s accounts; resolves with the sockets and their frames. */
async function openLive(token, query = "") {
  const answer = await call(`/v1/live${query}`, token, "POST");
  assert.equal(answer.status, 200, answer.text);
  assert.ok(answer.body.expiresAt > Date.now());
  return Promise.all(answer.body.sockets.map(({ account, url }) => new Promise((resolve, reject) => {
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/v1\/live\/socket\?ticket=/);
    const socket = new WebSocket(url);
    const frames = [];
    socket.addEventListener("message", (e) => {
      const frame = JSON.parse(e.data);
      frames.push(frame);
      if (frame.type === "ready") resolve({ account, socket, frames });
    });
    socket.addEventListener("error", () => reject(new Error(`socket of ${account} failed`)));
    setTimeout(() => reject(new Error(`socket of ${account} not ready`)), 10_000);
  })));
}

/** The status a WebSocket upgrade request to `path` gets (101 when it opens). */
function upgradeStatus(path, port) {
  return new Promise((resolve, reject) => {
    const request = httpRequest({
      host: "127.0.0.1", port, path,
      headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": randomBytes(16).toString("base64") },
    });
    request.on("upgrade", (response, socket) => { socket.destroy(); resolve(response.statusCode); });
    request.on("response", (response) => { response.resume(); resolve(response.statusCode); });
    request.on("error", reject);
    request.end();
  });
}

async function until(check, what) {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

test("the push channel sends the new message to every client of the account and to no other", async () => {
  assert.equal(typeof WebSocket, "function", "run with node --experimental-websocket");
  const [desk] = await openLive("live-alex");
  const teamSockets = await openLive("live-team");
  const [other] = await openLive("live-priya");
  const [legacy] = await openLive("live-legacy");
  const legacyId = (await call("/v1/accounts", "live-legacy")).body.accounts[0].id;
  assert.match(legacyId, /^[0-9a-f]{24}$/);
  assert.deepEqual(teamSockets.map((s) => s.account), ["alex", "titouan"]);
  const team = teamSockets[0];
  for (const s of [desk, team, other]) assert.equal(s.frames[0].type, "ready");
  assert.equal(typeof desk.frames[0].unreadTotal, "number");
  const thread = threads[0];
  const text = `pushed ${process.pid}`;
  assert.equal((await postCs(csEvent({ urn: urn(), thread, text, at: Date.now() }))).status, 200);
  const changed = (s) => s.frames.find((f) => f.type === "change" && f.conversations.some((c) => c.latestMessage?.text === text));
  await until(() => changed(desk) && changed(team), "the change frames");
  const frame = changed(desk);
  assert.equal(frame.account, "alex");
  assert.equal(frame.more, false);
  // The single-account client hears the same change under the id it knows the account by.
  await until(() => changed(legacy), "the legacy client's frame");
  assert.equal(changed(legacy).account, legacyId);
  assert.deepEqual(changed(legacy).conversations.map((c) => c.account), [legacyId]);
  assert.deepEqual(frame.conversations.map((c) => [c.account, c.id]), [["alex", thread]]);
  assert.equal(frame.unreadTotal, (await call("/v1/changes?account=alex", "live-alex")).body.unreadTotal);
  await sleep(500);
  assert.deepEqual(other.frames.map((f) => f.type), ["ready"], "priya's socket heard nothing of alex");
  assert.deepEqual(teamSockets[1].frames.map((f) => f.type), ["ready"], "titouan's socket neither");
  // A ping is answered; anything else closes the socket.
  desk.socket.send("ping");
  await until(() => desk.frames.some((f) => f.type === "pong"), "the pong");
  const closed = new Promise((resolve) => other.socket.addEventListener("close", (e) => resolve(e.code)));
  other.socket.send("hello");
  assert.equal(await closed, 1003);
  for (const s of [...teamSockets, desk, legacy]) s.socket.close();
});

test("a socket past its lifetime is closed at the next change (code 4000) and a new ticket opens another", async () => {
  const [desk] = await openLive("live-alex");
  const closed = new Promise((resolve) => desk.socket.addEventListener("close", (e) => resolve(e.code)));
  await sleep(6_500);
  assert.equal((await postCs(csEvent({ urn: urn(), thread: threads[0], text: "after the lifetime", at: Date.now() }))).status, 200);
  assert.equal(await closed, 4000);
  assert.ok(!desk.frames.some((f) => f.type === "change"), "nothing was sent to the expired socket");
  const [fresh] = await openLive("live-alex");
  assert.equal(fresh.frames[0].type, "ready");
  fresh.socket.close();
});

test("a ticket opens its account's socket once issued; a forged or missing one is 401 (expiry: tokens.rs)", async () => {
  const answer = await call("/v1/live?account=alex", "live-team", "POST");
  const url = new URL(answer.body.sockets[0].url);
  const ticket = url.searchParams.get("ticket");
  assert.equal(await upgradeStatus(`${url.pathname}?ticket=${encodeURIComponent(ticket)}`, url.port), 101, "the ticket as issued opens");
  const forged = `${ticket.slice(0, -2)}${ticket.endsWith("AA") ? "BB" : "AA"}`;
  assert.equal(await upgradeStatus(`${url.pathname}?ticket=${encodeURIComponent(forged)}`, url.port), 401);
  assert.equal(await upgradeStatus(url.pathname, url.port), 401);
  // Not an upgrade: refused as bad input, after the ticket.
  const plain = await fetch(`http://${url.host}${url.pathname}?ticket=${encodeURIComponent(ticket)}`);
  assert.equal(plain.status, 400);
  assert.equal((await call("/v1/live?account=priya", "live-team", "POST")).status, 404);
  assert.equal((await call("/v1/live", "wrong-token", "POST")).status, 401);
});

test("sandbox simulate end to end: signed deliveries of both schemes reach the store", async () => {
  for (const [provider, secret] of [["connectsafely", CS_SECRET], ["linkup", LK_SECRET]]) {
    const registered = await sandbox.control("POST", "webhooks", { provider, account: ALEX.account, url: `${worker.base}/v1/webhooks/${provider}/alex`, secret });
    assert.ok(!registered.error, JSON.stringify(registered));
  }
  const start = await call("/v1/changes?account=alex", "live-alex");
  const text = `simulated ${process.pid}`;
  const simulated = await sandbox.control("POST", "simulate", { account: ALEX.account, text });
  assert.deepEqual(simulated.deliveries.map((d) => [d.provider, d.status]).sort(), [["connectsafely", 200], ["linkup", 200]]);
  const next = await call(`/v1/changes?account=alex&since=${encodeURIComponent(start.body.token)}`, "live-alex");
  const pushed = next.body.conversations.find((c) => c.id === simulated.conversation);
  assert.ok(pushed, JSON.stringify(next.body));
  assert.equal(pushed.latestMessage.text, text);
  assert.equal(pushed.unreadCount, 1);
  const bad = await sandbox.control("POST", "simulate", { account: ALEX.account, conversation: simulated.conversation, text: "badly signed", deliver: { badSignature: true } });
  assert.deepEqual(bad.deliveries.map((d) => d.status), [401, 401]);
  await sandbox.control("DELETE", "webhooks");
});

test("load: 1,000 deliveries (10% duplicates, 10% reordered, 5% bad signatures) give exact counts", async () => {
  const chosen = threads.slice(0, 5);
  const before = new Map((await alexList()).filter((c) => chosen.includes(c.id)).map((c) => [c.id, c]));
  const shown = await threadTexts(chosen[0]);
  const base = Date.now() + 60_000;
  // 850 distinct messages, 170 per thread, sent at increasing times.
  const events = Array.from({ length: 850 }, (_, i) => ({
    thread: chosen[i % 5], at: base + i * 10, text: `load ${i}`, body: null,
  }));
  for (const e of events) e.body = csEvent({ urn: urn(), thread: e.thread, text: e.text, at: e.at });
  const deliveries = events.map((e) => ({ body: e.body, good: true }));
  // 10% reordered: swap 50 adjacent pairs (100 deliveries out of order).
  for (let i = 0; i < 50; i++) {
    const k = i * 16;
    [deliveries[k], deliveries[k + 1]] = [deliveries[k + 1], deliveries[k]];
  }
  // 10% duplicates: 100 events delivered again later.
  for (let i = 0; i < 100; i++) deliveries.splice(i * 9 + 5, 0, { body: events[i * 8].body, good: true });
  // 5% bad signatures: 50 deliveries of new messages with a wrong signature.
  for (let i = 0; i < 50; i++) {
    const body = csEvent({ urn: urn(), thread: chosen[i % 5], text: `forged ${i}`, at: base + 100_000 });
    deliveries.splice(i * 19 + 3, 0, { body, good: false });
  }
  assert.equal(deliveries.length, 1000);
  const started = Date.now();
  const statuses = [];
  for (let i = 0; i < deliveries.length; i += 10) {
    const batch = deliveries.slice(i, i + 10);
    statuses.push(...await Promise.all(batch.map(async (d) => {
      const answer = d.good ? await postCs(d.body) : await postCs(d.body, { secret: "forged-secret" });
      return [d.good, answer.status];
    })));
    assert.ok(Date.now() - started < 240_000, "bounded in time");
  }
  const accepted = statuses.filter(([good, s]) => good && s === 200).length;
  const refused = statuses.filter(([good, s]) => !good && s === 401).length;
  assert.equal(accepted, 950, "every good delivery is 200");
  assert.equal(refused, 50, "every bad signature is 401");
  const now = new Map((await alexList()).map((c) => [c.id, c]));
  for (const [index, thread] of chosen.entries()) {
    const last = events.filter((e) => e.thread === thread).at(-1);
    const c = now.get(thread);
    assert.equal(c.unreadCount, before.get(thread).unreadCount + 170, `thread ${index}: one unread per distinct message`);
    assert.equal(c.latestMessage.text, last.text, `thread ${index}: the newest message is latest`);
  }
  assert.ok(![...now.values()].some((c) => c.latestMessage?.text?.startsWith("forged")));
  const texts = (await threadTexts(chosen[0])).filter((t) => !shown.includes(t));
  const expected = events.filter((e) => e.thread === chosen[0]).map((e) => e.text).reverse();
  assert.deepEqual(texts, expected, "the thread has each distinct message once, newest first");
  console.log(`# load: 1000 deliveries in ${Date.now() - started} ms`);
});

test("a head sync, a read-state change and a send each show in the change feed", async () => {
  const start = await call("/v1/changes?account=alex", "live-alex");
  // A message the Worker hears of only by syncing (no webhook target registered).
  const simulated = await sandbox.control("POST", "simulate", { account: ALEX.account, text: `synced ${process.pid}` });
  assert.deepEqual(simulated.deliveries, []);
  assert.equal((await call("/v1/refresh?account=alex", "live-alex", "POST")).status, 200);
  // An unread conversation, not one of the load run's (their messages are dated a minute ahead).
  const read = (await alexList()).find((c) => !c.isRead && !threads.slice(0, 5).includes(c.id) && c.id !== simulated.conversation)?.id;
  assert.ok(read, "an unread conversation to mark read");
  assert.equal((await call(`/v1/conversations/${encodeURIComponent(read)}/read?account=alex`, "live-alex", "POST")).status, 200);
  const next = await call(`/v1/changes?account=alex&since=${encodeURIComponent(start.body.token)}`, "live-alex");
  const changed = new Map(next.body.conversations.map((c) => [c.id, c]));
  assert.equal(changed.get(simulated.conversation)?.latestMessage.text, `synced ${process.pid}`, "the synced conversation");
  assert.equal(changed.get(read)?.isRead, true, "the conversation marked read");
  const sent = await checkedCall(worker.base, `/v1/conversations/${encodeURIComponent(read)}/messages?account=alex`, {
    method: "POST", authorization: "Bearer live-alex",
    headers: { "content-type": "application/json", "idempotency-key": `live-send-${process.pid}` },
    body: JSON.stringify({ text: `sent ${process.pid}` }),
  });
  assert.equal(sent.status, 200, sent.text);
  const after = await call(`/v1/changes?account=alex&since=${encodeURIComponent(next.body.token)}`, "live-alex");
  assert.deepEqual(after.body.conversations.map((c) => [c.id, c.latestMessage.text]), [[read, `sent ${process.pid}`]]);
});

test("after the store is wiped its sockets close (4001), a token answers reset, and a fresh start works", async () => {
  const start = await call("/v1/changes?account=alex", "live-alex");
  const [listening] = await openLive("live-alex");
  const closed = new Promise((resolve) => listening.socket.addEventListener("close", (e) => resolve(e.code)));
  assert.equal((await call("/v1/data?account=alex", "live-alex", "DELETE")).status, 204);
  assert.equal(await closed, 4001, "listeners are told to reload");
  const next = await call(`/v1/changes?account=alex&since=${encodeURIComponent(start.body.token)}`, "live-alex");
  assert.equal(next.status, 200);
  assert.equal(next.body.reset, true);
  assert.deepEqual(next.body.conversations, []);
  const again = await call(`/v1/changes?account=alex&since=${encodeURIComponent(next.body.token)}`, "live-alex");
  assert.equal(again.body.reset, false, "the new token applies");
});
