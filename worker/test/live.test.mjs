// A live inbox, webhooks in: signed provider webhooks into the account's store (ConnectSafely
// messages once per message_urn whatever the order; LinkupAPI events one coalesced head sync
// per event_id). The change feed and the push channel out: live-push.test.mjs. Runs with
// node --experimental-websocket (Node 20).
import { test } from "node:test";
import assert from "node:assert/strict";
import { call as checkedCall } from "../../tests/js/worker.mjs";
import {
  startLiveWorker, sandbox, worker, threads, call, upstream, sleep, hmac, csEvent, postCs, lkEvent, postLk,
  threadTexts, alexList, urn, CS_SECRET, LK_SECRET, ALEX, PRIYA,
} from "./live-fixture.mjs";

startLiveWorker();

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
    // More than 5 minutes of skew, either way (by 30 s, so a loaded machine's delay between
    // signing and checking cannot bring the timestamp back inside the window).
    await postLk(lkEvent("evt_stale"), { timestamp: Math.floor(Date.now() / 1000) - 330 }),
    await postLk(lkEvent("evt_future"), { timestamp: Math.floor(Date.now() / 1000) + 330 }),
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
  // The first sync's call is held 1.5 s upstream: every event of the burst arrives while it is
  // in flight, however loaded the machine (an event after a sync ended needs a sync of its own).
  await sandbox.fault({ mode: "latency", latencyMs: 1500, count: 1 });
  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => postLk(lkEvent(`evt_burst_${process.pid}_${i}`))));
  assert.ok(answers.every((a) => a.status === 200));
  for (let i = 0; i < 100 && (await upstream()) === calls; i++) await sleep(50);
  await sleep(2_500); // the held call answered, and a sync after it (at most one) has started
  const made = (await upstream()) - calls;
  assert.ok(made >= 1 && made <= 2, `8 events together: ${made} head syncs`);
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
