// The push channel of `inbox.watch()`, in a Node with a WebSocket (run with
// --experimental-websocket on Node 20; built in from 22): one socket per account from
// `POST /v1/live`, messages simulated in the sandbox delivered by the socket with no poll of
// `changes`; a dropped socket is followed by a catch-up of what it missed and new sockets on
// fresh tickets; an abort closes every socket.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startProxy, ALEX, TITOUAN, TEAM_TOKEN } from "./workerd.mjs";
import { countingClient, nthOf, eventWith, assertDelivered, until } from "./watching.mjs";

let proxy;
before(async () => { proxy = await startProxy(); });
after(() => proxy?.stop());

/** A WebSocket class that keeps every socket it made and the frames each received. */
function trackedSockets() {
  const sockets = [];
  class Tracked extends WebSocket {
    constructor(url) {
      super(url);
      this.url0 = url;
      this.frames = [];
      sockets.push(this);
      this.addEventListener("message", ({ data }) => this.frames.push(JSON.parse(data)));
    }
  }
  const ready = () => sockets.filter((s) => s.readyState === WebSocket.OPEN && s.frames.some((f) => f.type === "ready"));
  return { Tracked, sockets, ready };
}

test("this Node has a WebSocket", () => {
  assert.equal(typeof globalThis.WebSocket, "function", "run with --experimental-websocket on Node 20");
});

test("watch delivers simulated messages through the push channel, with no poll, and the abort closes the sockets", { timeout: 60_000 }, async () => {
  const [alexThread, titouanThread] = [await nthOf(proxy, ALEX), await nthOf(proxy, TITOUAN)];
  const { inbox, calls } = countingClient(proxy, TEAM_TOKEN);
  const { Tracked, sockets, ready } = trackedSockets();
  const controller = new AbortController();
  const events = inbox.watch({ signal: controller.signal, interval: 600_000, webSocket: Tracked })[Symbol.asyncIterator]();
  const texts = [`pushed alex ${Date.now()}`, `pushed titouan ${Date.now()}`];
  const first = eventWith(events, texts[0]);
  await until(() => ready().length === 3 && calls["/v1/changes"] >= 2, "three sockets and the catch-up poll");
  assert.deepEqual(sockets.map((s) => s.frames[0].account).sort(), ["alex", "priya", "titouan"]);
  assert.equal(calls["/v1/live"], 1);
  const polls = calls["/v1/changes"];
  await proxy.simulate(ALEX, texts[0], alexThread);
  assertDelivered(await first, ALEX, alexThread, texts[0]);
  await proxy.simulate(TITOUAN, texts[1], titouanThread);
  assertDelivered(await eventWith(events, texts[1]), TITOUAN, titouanThread, texts[1]);
  assert.equal(calls["/v1/changes"], polls, "delivered by the sockets alone");
  // The abort ends the iterator and closes every socket.
  const next = events.next();
  controller.abort();
  assert.deepEqual(await next, { value: undefined, done: true });
  await until(() => sockets.every((s) => s.readyState === WebSocket.CLOSED), "the sockets closed", 5_000);
});

test("a dropped socket: what it missed comes from changes, then new sockets on fresh tickets push again", { timeout: 60_000 }, async () => {
  const alexThread = await nthOf(proxy, ALEX);
  const { inbox, calls } = countingClient(proxy, TEAM_TOKEN);
  const { Tracked, sockets, ready } = trackedSockets();
  const controller = new AbortController();
  const events = inbox.watch({ signal: controller.signal, account: "alex", interval: 600_000, webSocket: Tracked })[Symbol.asyncIterator]();
  const stamp = Date.now();
  const texts = [`before the drop ${stamp}`, `while dropped ${stamp}`, `after the drop ${stamp}`];
  let pending = eventWith(events, texts[0]);
  await until(() => ready().length === 1 && calls["/v1/changes"] >= 2, "alex's socket");
  await proxy.simulate(ALEX, texts[0], alexThread);
  await pending;
  // The connection drops (as a network would); a message arrives while no socket is open.
  pending = eventWith(events, texts[1]);
  const beforeDrop = calls["/v1/changes"];
  sockets[0].close(4000, "dropped by the test");
  await until(() => sockets[0].readyState === WebSocket.CLOSED, "the drop");
  await proxy.simulate(ALEX, texts[1], alexThread);
  assertDelivered(await pending, ALEX, alexThread, texts[1]);
  // The watcher (pulled again) asks for a fresh ticket and opens a new socket, which pushes again.
  pending = eventWith(events, texts[2]);
  await until(() => ready().length === 1 && sockets.length === 2, "the new socket");
  assert.equal(calls["/v1/live"], 2);
  assert.notEqual(sockets[1].url0, sockets[0].url0, "a fresh ticket");
  // A catch-up poll after the drop, and one after the new socket opened.
  await until(() => calls["/v1/changes"] >= beforeDrop + 2, "the catch-up polls");
  // A loaded machine may still have a catch-up poll on its way: wait until none came for 1 s.
  for (let seen = -1, i = 0; seen !== calls["/v1/changes"] && i < 20; i++) {
    seen = calls["/v1/changes"];
    await new Promise((r) => setTimeout(r, 1000));
  }
  const settled = calls["/v1/changes"];
  await proxy.simulate(ALEX, texts[2], alexThread);
  assertDelivered(await pending, ALEX, alexThread, texts[2]);
  assert.equal(calls["/v1/changes"], settled, "pushed by the new socket");
  controller.abort();
  assert.deepEqual(await events.next(), { value: undefined, done: true });
  await until(() => sockets.every((s) => s.readyState === WebSocket.CLOSED), "the sockets closed", 5_000);
});

test("break ends the watch and closes its sockets", { timeout: 60_000 }, async () => {
  const alexThread = await nthOf(proxy, ALEX);
  const { inbox, calls } = countingClient(proxy, TEAM_TOKEN);
  const { Tracked, sockets, ready } = trackedSockets();
  const text = `then break ${Date.now()}`;
  const simulated = (async () => {
    await until(() => ready().length === 3 && calls["/v1/changes"] >= 2, "three sockets");
    await proxy.simulate(ALEX, text, alexThread);
  })();
  for await (const event of inbox.watch({ interval: 600_000, webSocket: Tracked })) {
    if (event.conversations.some((c) => c.latestMessage?.text === text)) break;
  }
  await simulated;
  await until(() => sockets.every((s) => s.readyState === WebSocket.CLOSED), "the sockets closed", 5_000);
});
