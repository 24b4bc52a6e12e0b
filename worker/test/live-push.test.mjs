// A live inbox, out: the change feed out of the stores and the WebSocket push channel, each to
// the clients of that account only (webhooks in: live.test.mjs). Runs with
// node --experimental-websocket (Node 20).
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { call as checkedCall } from "../../tests/js/worker.mjs";
import {
  startLiveWorker, sandbox, worker, threads, call, upstream, sleep, csEvent, postCs, alexList, urn, ALEX,
} from "./live-fixture.mjs";

startLiveWorker();

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
