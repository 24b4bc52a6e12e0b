// Helpers of the watch() tests (watch.test.mjs, watch-socket.test.mjs): a client whose fetch
// counts the proxy's routes, waiting for events, and a watcher in a child Node.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { InboxClient } from "linkedin-inbox";

/** Resolves once `predicate()` holds (checked every 20 ms), or fails after `ms`. */
export async function until(predicate, what, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A proxy client whose fetch counts the answers of each route (`calls["/v1/changes"]`). */
export function countingClient(proxy, token) {
  const calls = {};
  const fetch = async (url, init) => {
    const response = await globalThis.fetch(url, init);
    const path = new URL(url).pathname;
    await response.clone().text();
    calls[path] = (calls[path] ?? 0) + 1;
    return response;
  };
  return { inbox: new InboxClient(proxy.config(token, { fetch })), calls };
}

/** The thread id of the `n`th conversation of `account`'s list (the list syncs its store). */
export async function nthOf(proxy, account, n = 2) {
  const page = await new InboxClient(proxy.config()).listConversations({ account: account.id, count: n + 1 });
  return page.items[n].id;
}

/** Takes events from `iterator` until one holds a conversation whose latest message is `text`. */
export async function eventWith(iterator, text) {
  for (;;) {
    const { value, done } = await iterator.next();
    assert.ok(!done, "the watch ended early");
    if (value.conversations.some((c) => c.latestMessage?.text === text)) return value;
  }
}

/** Checks an event of `account` that carries `text` in `conversation`. */
export function assertDelivered(event, account, conversation, text) {
  assert.equal(event.account, account.id);
  assert.equal(event.reset, false);
  assert.ok(Number.isInteger(event.unreadTotal) && event.unreadTotal > 0, `unreadTotal ${event.unreadTotal}`);
  const changed = event.conversations.find((c) => c.latestMessage?.text === text);
  assert.equal(changed.id, conversation);
  assert.equal(changed.account, account.id);
  assert.ok(changed.unreadCount > 0);
  assert.ok(event.conversations.every((c) => c.account === account.id));
}

// A watcher in a child Node: prints each socket opened, each answer of `changes`, each event
// with `text`, and "ended" when its iterator ends, by `abort` or `break` (argv). Its process
// must then exit by itself: no socket or timer is left behind.
const CHILD = `
import { InboxClient } from "linkedin-inbox";
const [base, token, text, how, interval] = process.argv.slice(1);
const print = (value) => console.log(JSON.stringify(value));
const fetch = async (url, init) => {
  const response = await globalThis.fetch(url, init);
  if (new URL(url).pathname === "/v1/changes") print({ changes: true });
  return response;
};
const Tracked = globalThis.WebSocket && class extends WebSocket {
  constructor(url) { super(url); this.addEventListener("open", () => print({ open: true })); }
};
const controller = new AbortController();
const inbox = new InboxClient({ proxy: { url: base, token }, fetch });
for await (const event of inbox.watch({ signal: controller.signal, interval: Number(interval), ...(Tracked && { webSocket: Tracked }) })) {
  if (!event.conversations.some((c) => c.latestMessage?.text === text)) continue;
  print({ event });
  if (how === "break") break;
  controller.abort();
}
print({ ended: true, sockets: Boolean(Tracked) });
`;

/**
 * Starts the child watcher (`nodeArgs` before the script, e.g. --experimental-websocket).
 * `waitFor(predicate)` resolves with the first line (parsed) that satisfies it, seen before or
 * after the call; `exited` resolves with the exit code.
 */
export function childWatcher(nodeArgs, args) {
  const child = spawn(process.execPath, [...nodeArgs, "--input-type=module", "-e", CHILD, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  const seen = [];
  let waiters = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    seen.push(JSON.parse(line));
    for (const waiter of waiters) waiter();
  });
  const waitFor = (predicate, what) => new Promise((resolve, reject) => {
    const check = () => {
      const found = seen.find(predicate);
      if (found) { waiters = waiters.filter((w) => w !== check); resolve(found); }
    };
    waiters.push(check);
    check();
    exited.then((code) => setTimeout(() => reject(new Error(`child exited (${code}) before ${what}: ${JSON.stringify(seen)}\n${stderr}`)), 100));
  });
  return { waitFor, exited, seen, count: (predicate) => seen.filter(predicate).length, kill: () => child.kill(), stderr: () => stderr };
}

/** Resolves with the child's exit code, or "still running" after `ms`. */
export function exitWithin(watcher, ms) {
  return Promise.race([watcher.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), ms).unref())]);
}
