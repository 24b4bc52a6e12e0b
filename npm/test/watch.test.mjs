// The live inbox (issue 18): `inbox.watch()` of the installed package against the Worker in
// workerd. A ConnectSafely webhook signed here reaches the watcher through the push channel (a
// child Node with a WebSocket: --experimental-websocket on Node 20, built in from 22) and,
// where there is no WebSocket (this Node 20 process) or the socket fails, through polling of
// `changes`. An abort ends the iterator and leaves nothing running.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { InboxClient } from "linkedin-inbox";
import { startProxy, deliverWebhook, ALEX, PRIYA, TEAM_TOKEN } from "./workerd.mjs";

let proxy;
before(async () => { proxy = await startProxy(); });
after(() => proxy?.stop());

/** A client whose fetch reports each `changes` answer (the watcher has its starting token after the first). */
function watchedClient() {
  const answered = [];
  let notify = () => {};
  const fetch = async (url, init) => {
    const response = await globalThis.fetch(url, init);
    if (new URL(url).pathname === "/v1/changes") { answered.push(url); notify(); }
    return response;
  };
  const changesAnswered = (n) => new Promise((resolve) => {
    notify = () => { if (answered.length >= n) resolve(); };
    notify();
  });
  return { inbox: new InboxClient(proxy.config(TEAM_TOKEN, { fetch })), changesAnswered, answered };
}

async function firstOf(account) {
  const page = await new InboxClient(proxy.config()).listConversations({ account: account.id, count: 3 });
  return page.items[2];
}

/** Takes events from `iterator` until one holds a conversation whose latest message is `text`. */
async function eventWith(iterator, text) {
  for (;;) {
    const { value, done } = await iterator.next();
    assert.ok(!done, "the watch ended early");
    if (value.conversations.some((c) => c.latestMessage?.text === text)) return value;
  }
}

test("without a WebSocket, watch polls changes and delivers the webhook's message", { timeout: 60_000 }, async () => {
  assert.equal(globalThis.WebSocket, undefined, "this Node has no WebSocket (Node 20 without the flag)");
  const { inbox, changesAnswered } = watchedClient();
  const controller = new AbortController();
  const events = inbox.watch({ signal: controller.signal, interval: 300 })[Symbol.asyncIterator]();
  const text = `polled ${Date.now()}`;
  const pending = eventWith(events, text);
  await changesAnswered(1);
  const conversation = await firstOf(ALEX);
  assert.equal(await deliverWebhook(proxy.base, ALEX, conversation, text), 200);
  const event = await pending;
  assert.equal(event.account, "alex");
  assert.equal(event.reset, false);
  assert.ok(Number.isInteger(event.unreadTotal));
  const changed = event.conversations.find((c) => c.latestMessage?.text === text);
  assert.equal(changed.id, conversation.id);
  assert.equal(changed.account, "alex");
  // An abort while waiting ends the iterator.
  const next = events.next();
  controller.abort();
  assert.deepEqual(await next, { value: undefined, done: true });
  assert.deepEqual(await events.next(), { value: undefined, done: true });
});

test("a socket that fails falls back to polling; one account watched sees only its changes", { timeout: 60_000 }, async () => {
  let opened = 0;
  class Failing {
    constructor() { opened++; this.listeners = {}; setTimeout(() => this.listeners.error?.({}), 5); }
    addEventListener(type, listener) { this.listeners[type] = listener; }
    close() {}
  }
  const { inbox, changesAnswered } = watchedClient();
  const controller = new AbortController();
  const events = inbox.watch({ signal: controller.signal, account: "priya", interval: 300, webSocket: Failing })[Symbol.asyncIterator]();
  const text = `fallback ${Date.now()}`;
  const pending = eventWith(events, text);
  await changesAnswered(1);
  assert.equal(await deliverWebhook(proxy.base, ALEX, await firstOf(ALEX), `not priya ${Date.now()}`), 200);
  assert.equal(await deliverWebhook(proxy.base, PRIYA, await firstOf(PRIYA), text), 200);
  const event = await pending;
  assert.equal(event.account, "priya");
  assert.ok(opened >= 1, "the push channel was tried");
  controller.abort();
  assert.deepEqual(await events.next(), { value: undefined, done: true });
});

test("an aborted signal ends the iterator at once", async () => {
  const controller = new AbortController();
  controller.abort();
  const events = new InboxClient(proxy.config()).watch({ signal: controller.signal });
  assert.deepEqual(await events[Symbol.asyncIterator]().next(), { value: undefined, done: true });
  assert.throws(() => new InboxClient(proxy.config()).watch({ account: "a b" }), (e) => e.code === "INVALID_INPUT" && e.field === "account");
  assert.throws(() => new InboxClient(proxy.config()).watch({ interval: 0 }), (e) => e.field === "interval");
});

// The watcher in a child Node with a WebSocket: it prints each socket opened, each event, and
// "ended" when the iterator ends; its process must then exit by itself (nothing left running).
const CHILD = `
import { InboxClient } from "linkedin-inbox";
const [base, token, text] = process.argv.slice(1);
const print = (value) => console.log(JSON.stringify(value));
class Watched extends WebSocket {
  constructor(url) { super(url); this.addEventListener("open", () => print({ open: url.replace(/ticket=.*/, "ticket=…") })); }
}
const controller = new AbortController();
const inbox = new InboxClient({ proxy: { url: base, token } });
// Polls are 10 minutes apart: only the push channel can deliver within the test.
for await (const event of inbox.watch({ signal: controller.signal, interval: 600000, webSocket: Watched })) {
  print({ event });
  if (event.conversations.some((c) => c.latestMessage?.text === text)) controller.abort();
}
print({ ended: true });
`;

test("with a WebSocket, watch delivers the webhook's message through the push channel, and the process exits after the abort", { timeout: 90_000 }, async () => {
  const text = `pushed ${Date.now()}`;
  const child = spawn(process.execPath, ["--experimental-websocket", "--input-type=module", "-e", CHILD, proxy.base, TEAM_TOKEN, text], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout });
  const seen = [];
  const waitFor = (predicate) => new Promise((resolve, reject) => {
    const check = (line) => {
      const value = JSON.parse(line);
      seen.push(value);
      if (predicate(value)) { lines.off("line", check); resolve(value); }
    };
    lines.on("line", check);
    exited.then((code) => reject(new Error(`child exited (${code}) early: ${JSON.stringify(seen)}\n${stderr}`)));
  });
  try {
    // One socket per account of the team.
    let sockets = 0;
    await waitFor((v) => v.open && ++sockets === 3);
    const conversation = await firstOf(ALEX);
    assert.equal(await deliverWebhook(proxy.base, ALEX, conversation, text), 200);
    const { event } = await waitFor((v) => v.event?.conversations.some((c) => c.latestMessage?.text === text));
    assert.equal(event.account, "alex");
    assert.equal(event.conversations.find((c) => c.latestMessage?.text === text).id, conversation.id);
    await waitFor((v) => v.ended);
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("still running"), 10_000))]);
    assert.equal(code, 0, stderr);
  } finally {
    child.kill();
  }
});
