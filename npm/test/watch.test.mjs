// The live inbox: `inbox.watch()` of the installed package against the Worker in
// workerd, a message simulated in the sandbox reaching it as the provider's webhook. Without a
// WebSocket (Node 20 without --experimental-websocket) watch() polls `changes`, and also
// does after an injected socket fails. Ending the iterator (abort, break) leaves nothing
// running: a watcher in a child Node, polling or with the push channel, exits by itself.
// The push channel in-process: watch-socket.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { InboxClient } from "linkedin-inbox";
import { startProxy, ALEX, PRIYA, BIG_SIZE, BIG_TOKEN, TEAM_TOKEN } from "./workerd.mjs";
import { countingClient, nthOf, eventWith, assertDelivered, until, childWatcher, exitWithin } from "./watching.mjs";

let proxy;
before(async () => { proxy = await startProxy(); });
after(() => proxy?.stop());

async function rejection(promise) {
  try { await promise; } catch (error) { return error; }
  assert.fail("expected a rejection");
}

test("without a WebSocket, watch polls changes and delivers the simulated message; abort ends it at once", { timeout: 60_000 }, async () => {
  // Node 22+ has a WebSocket: `webSocket: null` is then what Node 20 does by default.
  const noSocket = globalThis.WebSocket === undefined ? {} : { webSocket: null };
  const conversation = await nthOf(proxy, ALEX);
  const { inbox, calls } = countingClient(proxy, TEAM_TOKEN);
  const controller = new AbortController();
  const events = inbox.watch({ signal: controller.signal, interval: 200, ...noSocket })[Symbol.asyncIterator]();
  const text = `polled ${Date.now()}`;
  const pending = eventWith(events, text);
  await until(() => calls["/v1/changes"] >= 1, "the starting token");
  await proxy.simulate(ALEX, text, conversation);
  assertDelivered(await pending, ALEX, conversation, text);
  assert.equal(calls["/v1/live"], undefined, "no push channel asked for without a WebSocket");
  // An abort while the watcher sleeps ends the iterator promptly, and it stays ended.
  const next = events.next();
  const started = Date.now();
  controller.abort();
  assert.deepEqual(await next, { value: undefined, done: true });
  assert.ok(Date.now() - started < 1_000, `ended in ${Date.now() - started} ms`);
  assert.deepEqual(await events.next(), { value: undefined, done: true });
  const polls = calls["/v1/changes"];
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(calls["/v1/changes"], polls, "no poll after the end");
});

test("a new conversation and several messages: every state once, in order", { timeout: 60_000 }, async () => {
  await nthOf(proxy, PRIYA); // priya's store is synced before her webhooks
  const { inbox, calls } = countingClient(proxy, TEAM_TOKEN);
  const controller = new AbortController();
  const seen = [];
  const stamp = Date.now();
  const texts = [`one ${stamp}`, `two ${stamp}`, `three ${stamp}`];
  const collecting = (async () => {
    for await (const event of inbox.watch({ signal: controller.signal, interval: 200, account: "priya" })) {
      seen.push(event);
      if (event.conversations.some((c) => c.latestMessage?.text === texts[2])) return;
    }
  })();
  await until(() => calls["/v1/changes"] >= 1, "the starting token");
  const made = await proxy.simulate(PRIYA, texts[0]);
  await proxy.simulate(PRIYA, texts[1], made.conversation);
  await new Promise((resolve) => setTimeout(resolve, 300)); // a poll in between
  await proxy.simulate(PRIYA, texts[2], made.conversation);
  await collecting;
  controller.abort();
  const states = seen.flatMap((e) => e.conversations).filter((c) => c.id === made.conversation);
  assert.ok(states.length >= 1 && states.every((c) => c.account === "priya"));
  const shown = states.map((c) => c.latestMessage.text);
  assert.equal(new Set(shown).size, shown.length, `each state once: ${shown}`);
  assert.deepEqual(shown, texts.filter((t) => shown.includes(t)), "in order");
  assert.equal(shown.at(-1), texts[2]);
});

test("more: true is followed at once: a first sync of more conversations than one answer holds arrives whole", { timeout: 60_000 }, async () => {
  const { inbox, calls } = countingClient(proxy, BIG_TOKEN);
  const answered = [];
  const controller = new AbortController();
  // Polls 4 s apart (the walk below is done by the first): the answers after `more` come at once.
  const events = inbox.watch({ signal: controller.signal, interval: 4_000, webSocket: null })[Symbol.asyncIterator]();
  const seen = new Set();
  const first = events.next();
  await until(() => calls["/v1/changes"] >= 1, "the starting token");
  // A walk of the account syncs its store: every conversation is a change.
  let walked = 0;
  for await (const c of inbox.conversations({ count: 100 })) { walked++; assert.equal(c.account, "big"); }
  assert.equal(walked, BIG_SIZE);
  const polls = calls["/v1/changes"];
  let step = await first;
  for (;;) {
    assert.ok(!step.done && !step.value.reset);
    answered.push([calls["/v1/changes"], Date.now()]);
    for (const c of step.value.conversations) seen.add(c.id);
    if (seen.size >= BIG_SIZE) break;
    step = await events.next();
  }
  assert.equal(seen.size, BIG_SIZE, "every conversation once");
  assert.ok(answered.length >= 2, "more than one answer");
  assert.ok(answered[1][0] === answered[0][0] + 1 && answered[1][1] - answered[0][1] < 1_000, `the next answer at once: ${JSON.stringify(answered)} after ${polls}`);
  controller.abort();
  assert.deepEqual(await events.next(), { value: undefined, done: true });
});

test("a wiped store: an event with reset: true, then the watch goes on from the new token", { timeout: 60_000 }, async () => {
  const conversation = await nthOf(proxy, ALEX);
  const { inbox, calls } = countingClient(proxy, TEAM_TOKEN);
  const controller = new AbortController();
  const events = inbox.watch({ signal: controller.signal, interval: 200, webSocket: null })[Symbol.asyncIterator]();
  const reset = events.next();
  await until(() => calls["/v1/changes"] >= 1, "the starting token");
  await proxy.wipe(TEAM_TOKEN, "alex");
  const { value, done } = await reset;
  assert.equal(done, false);
  assert.equal(value.reset, true, "reload the list");
  assert.equal(value.account, "all", "the watched account(s)");
  assert.ok(Array.isArray(value.conversations));
  // After the reload the changes go on.
  const again = await nthOf(proxy, ALEX);
  assert.equal(again, conversation);
  const text = `after the wipe ${Date.now()}`;
  const pending = eventWith(events, text);
  await proxy.simulate(ALEX, text, conversation);
  assertDelivered(await pending, ALEX, conversation, text);
  controller.abort();
});

test("a socket that fails falls back to polling; one account watched sees only its changes", { timeout: 60_000 }, async () => {
  let made = 0;
  class Failing {
    constructor() { made++; this.listeners = {}; setTimeout(() => this.listeners.error?.({}), 5); }
    addEventListener(type, listener) { this.listeners[type] = listener; }
    send() {}
    close() {}
  }
  const [alexThread, priyaThread] = [await nthOf(proxy, ALEX), await nthOf(proxy, PRIYA)];
  const { inbox, calls } = countingClient(proxy, TEAM_TOKEN);
  const controller = new AbortController();
  const events = inbox.watch({ signal: controller.signal, account: "priya", interval: 200, webSocket: Failing })[Symbol.asyncIterator]();
  const text = `fallback ${Date.now()}`;
  const pending = eventWith(events, text);
  await until(() => made >= 1, "a socket");
  await proxy.simulate(ALEX, `not priya ${Date.now()}`, alexThread);
  await proxy.simulate(PRIYA, text, priyaThread);
  const event = await pending;
  assertDelivered(event, PRIYA, priyaThread, text);
  assert.ok(calls["/v1/live"] >= 1, "the push channel was asked for");
  controller.abort();
  assert.deepEqual(await events.next(), { value: undefined, done: true });
});

test("an account the client does not list ends the watch with NOT_FOUND", async () => {
  const solo = new InboxClient(proxy.config("npm-alex-token"));
  const error = await rejection(solo.watch({ account: "priya", webSocket: null })[Symbol.asyncIterator]().next());
  assert.equal(error.code, "NOT_FOUND");
  const wrongToken = await rejection(new InboxClient(proxy.config("nope")).watch()[Symbol.asyncIterator]().next());
  assert.equal(wrongToken.code, "UNAUTHORIZED");
});

test("bad options are INVALID_INPUT naming the option, before any request; an aborted signal ends at once", async () => {
  const inbox = new InboxClient(proxy.config());
  const controller = new AbortController();
  controller.abort();
  assert.deepEqual(await inbox.watch({ signal: controller.signal })[Symbol.asyncIterator]().next(), { value: undefined, done: true });
  const bad = [
    [{ account: "a b" }, "account"], [{ account: "" }, "account"], [{ account: 7 }, "account"],
    [{ interval: 0 }, "interval"], [{ interval: "1000" }, "interval"], [{ interval: Number.NaN }, "interval"],
    [{ signal: "stop" }, "signal"], [{ webSocket: "ws" }, "webSocket"], [{ intervalMs: 5 }, "options"], ["all", "options"],
  ];
  for (const [options, field] of bad) {
    assert.throws(() => inbox.watch(options), (e) => e.name === "InboxError" && e.code === "INVALID_INPUT" && e.field === field, JSON.stringify(options));
  }
});

for (const [mode, nodeArgs] of [["polling", ["--no-experimental-websocket"]], ["the push channel", ["--experimental-websocket"]]]) {
  for (const how of ["abort", "break"]) {
    test(`a watcher (${mode}) ended by ${how} leaves nothing running: its process exits by itself`, { timeout: 90_000 }, async () => {
      const conversation = await nthOf(proxy, ALEX);
      const text = `child ${mode} ${how} ${Date.now()}`;
      // Polls 10 minutes apart with the push channel: only a socket delivers within the test.
      const push = nodeArgs[0] === "--experimental-websocket";
      const interval = push ? "600000" : "200";
      const watcher = childWatcher(nodeArgs, [proxy.base, TEAM_TOKEN, text, how, interval]);
      try {
        if (push) {
          // One socket per account of the team, then the catch-up poll after they opened.
          await until(() => watcher.count((v) => v.open) === 3 && watcher.count((v) => v.changes) >= 2, "three sockets");
        } else {
          await watcher.waitFor((v) => v.changes, "the starting token");
        }
        const polls = watcher.count((v) => v.changes);
        await proxy.simulate(ALEX, text, conversation);
        const { event } = await watcher.waitFor((v) => v.event, "the event");
        assertDelivered(event, ALEX, conversation, text);
        if (push) assert.equal(watcher.count((v) => v.changes), polls, "delivered by the socket, not a poll");
        const ended = await watcher.waitFor((v) => v.ended, "the end");
        assert.equal(ended.sockets, push);
        assert.equal(await exitWithin(watcher, 5_000), 0, watcher.stderr());
      } finally {
        watcher.kill();
      }
    });
  }
}

test("changes and liveSockets, the calls watch is made of: a starting point, the simulated message after it, the sockets", { timeout: 60_000 }, async () => {
  const conversation = await nthOf(proxy, ALEX);
  const inbox = new InboxClient(proxy.config(TEAM_TOKEN));
  const start = await inbox.changes();
  assert.equal(typeof start.token, "string");
  assert.deepEqual(start.conversations, [], "a starting point holds no conversations");
  assert.deepEqual(start.accounts.map((a) => a.id), ["alex", "titouan", "priya"]);
  const text = `paged ${Date.now()}`;
  await proxy.simulate(ALEX, text, conversation);
  let found = null;
  for (const deadline = Date.now() + 20_000; !found && Date.now() < deadline;) {
    const page = await inbox.changes({ since: start.token, account: "all" });
    found = page.conversations.find((c) => c.latestMessage?.text === text) ?? null;
    if (!found) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(found?.account, "alex", "the message, with its account");
  const sockets = await inbox.liveSockets();
  assert.deepEqual(sockets.map((s) => s.account), ["alex", "titouan", "priya"]);
  assert.ok(sockets.every((s) => /^wss?:\/\//.test(s.url)));
  assert.deepEqual((await inbox.liveSockets({ account: "alex" })).map((s) => s.account), ["alex"]);
  // Checked before any request; a token the proxy does not take is INVALID_CURSOR.
  assert.equal((await rejection(inbox.changes({ since: "" }))).field, "since");
  assert.equal((await rejection(inbox.changes({ account: "a b" }))).field, "account");
  assert.equal((await rejection(inbox.liveSockets({ since: start.token }))).field, "options");
  assert.equal((await rejection(inbox.changes({ since: "not-a-token" }))).code, "INVALID_CURSOR");
});
