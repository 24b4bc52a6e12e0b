// The API of every entry: the wasm-bindgen glue's exports (`init` and `initSync` among them),
// the runtime half of `InboxError`, and the proxy calls written in JS (the wasm stays small):
// `listAccounts`, `download`, `changes`, `liveSockets` and `watch`, the live inbox (types in
// src/account.rs); the triage writes and `listLabels` (types in src/triage.rs). The errors the wasm throws are `Error`s named "InboxError" with a `code`
// (src/convert.rs); `instanceof InboxError` tests exactly that.
import { errorCodes } from "./error-codes.js";
import { InboxClient as WasmClient, errorFromResponse } from "./linkedin_inbox.js";
import { sendWithFiles } from "./send-files.js";

export * from "./linkedin_inbox.js";
export { default as init } from "./linkedin_inbox.js";
export { errorCodes };

/** Whether `value` is an error of this package. */
export function isInboxError(value) {
  return value instanceof Error && value.name === "InboxError" && errorCodes.includes(value.code);
}

/** The class of this package's errors, for `instanceof` (typed abstract: errors come from the package). */
export class InboxError extends Error {
  static [Symbol.hasInstance](value) {
    return isInboxError(value);
  }
}

function inboxError(code, message, field) {
  const error = new Error(message);
  error.name = "InboxError";
  error.code = code;
  if (field) error.field = field;
  return error;
}

const ACCOUNT = /^[A-Za-z0-9._-]{1,64}$/;
/** Milliseconds between safety polls of `changes` while the push channel is up. */
const PUSH_POLL_MS = 300_000;
/** A push session that lasted this long was healthy: the next one starts without backoff. */
const HEALTHY_MS = 60_000;
/** Milliseconds between two `ping`s on each socket; a socket silent for two of them is dead. */
const PING_MS = 45_000;
/** Conversation states remembered to deliver each state once (the oldest are forgotten). */
const REMEMBERED = 10_000;
/** Errors after which a poll or a socket is tried again (after a backoff). */
const RETRYABLE = ["NETWORK_ERROR", "UNAVAILABLE", "UPSTREAM_ERROR", "MALFORMED_RESPONSE", "RATE_LIMITED"];
/** Answers to `POST /v1/live` of a proxy without a push channel: poll only. */
const NO_PUSH = ["NOT_FOUND", "NOT_IMPLEMENTED", "METHOD_NOT_ALLOWED", "NOT_SUPPORTED"];

// What each client was made with: the proxy's URL and token, and the fetch to use.
const proxies = new WeakMap();

/** `InboxClient` of the wasm, with the calls written in JS. */
export class InboxClient extends WasmClient {
  constructor(config) {
    super(config);
    if (config.proxy) {
      const fetch = config.fetch ?? globalThis.fetch;
      proxies.set(this, { base: config.proxy.url.replace(/\/+$/, ""), token: config.proxy.token, fetch, config });
    }
  }

  /** The wasm's send; with `attachments`, as multipart/form-data through the proxy (js/send-files.js). */
  sendMessage(input) {
    if (input === null || typeof input !== "object" || !("attachments" in input)) return super.sendMessage(input);
    return sendWithFiles(WasmClient, proxies.get(this), input, (rest) => super.sendMessage(rest), inboxError);
  }

  async listAccounts() {
    const { accounts } = await proxyCall(proxyOf(this), "GET", "/v1/accounts", {});
    if (!Array.isArray(accounts) || !accounts.every((a) => typeof a?.id === "string")) {
      throw inboxError("MALFORMED_RESPONSE", "/v1/accounts: expected { accounts: [{ id, label, ... }] }");
    }
    return accounts.map((a) => ({
      id: a.id, label: a.label, providers: a.providers ?? [], unreadTotal: a.unreadTotal ?? null,
      budgetLeftToday: { connectsafelyCalls: null, linkupCredits: null, sends: null, ...a.budgetLeftToday },
      // A proxy from before account health: ok, since always.
      health: a.health && typeof a.health.state === "string" ? a.health : { state: "ok", since: 0 },
    }));
  }

  /**
   * The bytes of an attachment through the proxy (`GET /v1/media/{ref}`): the `Response`, to
   * read as a `Blob`, an `ArrayBuffer` or a stream; its `Content-Type` and
   * `Content-Disposition` are the proxy's. `ref` is `message.attachments[].ref`.
   */
  async download(ref, options = {}) {
    const { base, token, fetch } = proxyOf(this);
    const { signal } = checkOptions(options, ["signal"]);
    if (typeof ref !== "string" || !/^m1\.[A-Za-z0-9_-]{1,4093}$/.test(ref)) throw inboxError("INVALID_INPUT", "ref: must be an attachment's ref (message.attachments[].ref)", "ref");
    let response;
    try {
      response = await fetch(`${base}/v1/media/${ref}`, { headers: { authorization: `Bearer ${token}` }, ...(signal && { signal }) });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw inboxError("NETWORK_ERROR", `network error: ${error?.message ?? "fetch failed"}`);
    }
    if (!response.ok) throw errorFromResponse({ status: response.status, headers: response.headers, body: await response.text() });
    return response;
  }

  async changes(options = {}) {
    const proxy = proxyOf(this);
    const { since, account, signal } = checkOptions(options, ["since", "account", "signal"]);
    if (since !== undefined && (typeof since !== "string" || !since)) throw inboxError("INVALID_INPUT", "since: must be the token of an earlier answer", "since");
    return changesPage(proxy, { since, account }, signal);
  }

  async liveSockets(options = {}) {
    const proxy = proxyOf(this);
    const { account, signal } = checkOptions(options, ["account", "signal"]);
    return liveSockets(proxy, account, signal);
  }

  /** Triage through the proxy (docs/triage.md); each answers the conversation's triage. */
  async triage(conversationId, changes, options = {}) {
    const proxy = proxyOf(this);
    const { account } = checkOptions(options, ["account"]);
    if (typeof conversationId !== "string" || !conversationId) throw inboxError("INVALID_INPUT", "conversationId: must be a conversation's id", "conversationId");
    if (changes === null || typeof changes !== "object" || Array.isArray(changes)) throw inboxError("INVALID_INPUT", "changes: must be an object", "body");
    const until = changes.snoozedUntil;
    const body = until instanceof Date ? { ...changes, snoozedUntil: until.toISOString() } : changes;
    const answer = await proxyCall(proxy, "POST", `/v1/conversations/${encodeURIComponent(conversationId)}/triage`, { account }, undefined, body);
    if (typeof answer?.triage?.archived !== "boolean") throw inboxError("MALFORMED_RESPONSE", "triage: expected { conversationId, triage }");
    return answer.triage;
  }
  archive(id, options) { return this.triage(id, { archived: true }, options); }
  unarchive(id, options) { return this.triage(id, { archived: false }, options); }
  snooze(id, until, options) { return this.triage(id, { snoozedUntil: until }, options); }
  star(id, starred = true, options) { return this.triage(id, { starred }, options); }
  label(id, labels, options) { return this.triage(id, { labels }, options); }
  note(id, text, options) { return this.triage(id, { note: text }, options); }

  async listLabels(options = {}) {
    const { account } = checkOptions(options, ["account"]);
    const { labels } = await proxyCall(proxyOf(this), "GET", "/v1/labels", { account });
    if (!Array.isArray(labels)) throw inboxError("MALFORMED_RESPONSE", "/v1/labels: expected { labels }");
    return labels;
  }

  watch(options = {}) {
    const proxy = proxyOf(this);
    const { signal, account = "all", interval = 30_000, webSocket = globalThis.WebSocket } = checkOptions(options, ["signal", "account", "interval", "webSocket"]);
    if (typeof interval !== "number" || !(interval >= 100 && interval < 2 ** 31)) throw inboxError("INVALID_INPUT", "interval: must be a number of milliseconds, at least 100", "interval");
    if (webSocket != null && typeof webSocket !== "function") throw inboxError("INVALID_INPUT", "webSocket: must be a WebSocket class, or null to poll", "webSocket");
    return watchChanges(proxy, { signal: signal ?? undefined, account, interval, webSocket: webSocket ?? null });
  }
}

/** `options` checked: an object of `known` names, `signal` an AbortSignal, `account` an id or "all". */
function checkOptions(options, known) {
  if (options === null || typeof options !== "object") throw inboxError("INVALID_INPUT", "options: must be an object", "options");
  const unknown = Object.keys(options).find((name) => !known.includes(name));
  if (unknown) throw inboxError("INVALID_INPUT", `options: unknown option ${JSON.stringify(unknown)}; allowed: ${known.join(", ")}`, "options");
  const { signal, account } = options;
  if (signal != null && (typeof signal.addEventListener !== "function" || typeof signal.removeEventListener !== "function")) {
    throw inboxError("INVALID_INPUT", "signal: must be an AbortSignal", "signal");
  }
  if (account !== undefined && (typeof account !== "string" || !ACCOUNT.test(account))) throw inboxError("INVALID_INPUT", 'account: must be an account id (1-64 of A-Z a-z 0-9 . _ -) or "all"', "account");
  return { ...options, signal: signal ?? undefined };
}

/** One page of the change feed (`GET /v1/changes`) after the token `since` (none: a starting point). */
async function changesPage(proxy, { since, account }, signal) {
  const page = await proxyCall(proxy, "GET", "/v1/changes", { since, account }, signal);
  if (typeof page?.token !== "string") throw inboxError("MALFORMED_RESPONSE", "/v1/changes: expected { token, unreadTotal, accounts, conversations, more, reset }");
  return page;
}

/** The push channel's sockets of `account` (`POST /v1/live`): `[{ account, url }]`, each URL usable for 60 s. */
async function liveSockets(proxy, account, signal) {
  const { sockets } = await proxyCall(proxy, "POST", "/v1/live", { account }, signal);
  if (!Array.isArray(sockets) || !sockets.every((s) => typeof s?.url === "string")) {
    throw inboxError("MALFORMED_RESPONSE", "/v1/live: expected { sockets: [{ account, url }] }");
  }
  return sockets;
}

function proxyOf(client) {
  const proxy = proxies.get(client);
  if (!proxy) throw inboxError("NOT_SUPPORTED", "accounts, live changes and triage are the proxy's: give the client { proxy }");
  return proxy;
}

/** One JSON call to the proxy; `InboxError`s as the wasm makes them. */
async function proxyCall({ base, token, fetch }, method, path, params, signal, body) {
  const url = new URL(base + path);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  const headers = { accept: "application/json", authorization: `Bearer ${token}`, ...(body && { "content-type": "application/json" }) };
  let response, text;
  try {
    response = await fetch(url.href, { method, headers, ...(body && { body: JSON.stringify(body) }), ...(signal && { signal }) });
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) throw error;
    throw inboxError("NETWORK_ERROR", `network error: ${error?.message ?? "fetch failed"}`);
  }
  if (response.status < 200 || response.status > 299) throw errorFromResponse({ status: response.status, headers: response.headers, body: text });
  try {
    return JSON.parse(text);
  } catch {
    throw inboxError("MALFORMED_RESPONSE", `${path}: the answer is not JSON`);
  }
}

/** Resolves after `ms`, or at once when the watch is aborted or poked (a socket frame). */
function waker(signal) {
  const pending = new Set();
  const wakeAll = () => { for (const wake of pending) wake(); };
  signal?.addEventListener("abort", wakeAll);
  return {
    sleep: (ms) => new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(wake, ms);
      function wake() { clearTimeout(timer); pending.delete(wake); resolve(); }
      pending.add(wake);
    }),
    poke: wakeAll,
    dispose() { signal?.removeEventListener("abort", wakeAll); wakeAll(); },
  };
}

/** The backoff before attempt `failures + 1`: 1 s doubling to 60 s, with jitter, at least `retryAfter`. */
const backoff = (failures, retryAfter = 0) => Math.max(retryAfter * 1000, Math.min(60_000, 1000 * 2 ** (failures - 1)) * (0.5 + Math.random() / 2));

/**
 * The watch loop: a starting token from `changes`, then the push channel when there is a
 * WebSocket class (each account's socket; a catch-up poll after it opens, a safety poll every
 * PUSH_POLL_MS), else or after a socket fails a poll every `interval`, push retried with
 * backoff. Conversations already delivered in the same state are not delivered again.
 */
async function* watchChanges(proxy, { signal, account, interval, webSocket }) {
  const wake = waker(signal);
  const delivered = new Map(); // account\nid → the state last delivered
  const totals = new Map(); // account → unread total last delivered
  const stopped = () => signal?.aborted;
  let token, retryAfter, failures = 0, pushFailures = 0, pushAt = 0, push = webSocket !== null, session = null;
  // An abort closes the sockets at once, even while the consumer holds an event.
  const closeSession = () => { session?.close(); session = null; };
  signal?.addEventListener("abort", closeSession);

  const fresh = (conversations) => conversations.filter((c) => {
    const key = `${c.account}\n${c.id}`;
    const state = `${c.lastActivityAt}|${c.unreadCount}|${c.isRead}|${c.latestMessage?.id}`;
    const last = delivered.get(key);
    // An older state than the one delivered (a frame that raced a poll) is skipped.
    if (last && (last.state === state || (c.lastActivityAt ?? 0) < last.at)) return false;
    delivered.delete(key); // the Map's order: least recently delivered first
    delivered.set(key, { state, at: c.lastActivityAt ?? 0 });
    if (delivered.size > REMEMBERED) delivered.delete(delivered.keys().next().value);
    return true;
  });
  function* eventsOf(id, unreadTotal, conversations) {
    const changed = fresh(conversations);
    if (changed.length || totals.get(id) !== unreadTotal) yield { account: id, unreadTotal, conversations: changed, reset: false };
    totals.set(id, unreadTotal);
  }
  async function* poll() {
    for (;;) {
      let answer;
      try {
        answer = await changesPage(proxy, { since: token, account }, signal);
      } catch (error) {
        if (error?.code !== "INVALID_CURSOR" || token === undefined) throw error;
        answer = { reset: true, ...(await changesPage(proxy, { account }, signal)) };
      }
      const first = token === undefined;
      token = answer.token;
      const conversations = answer.conversations ?? [];
      if (answer.reset) {
        delivered.clear();
        yield { account, unreadTotal: answer.unreadTotal ?? null, conversations, reset: true };
      }
      for (const { id, unreadTotal } of answer.accounts ?? []) {
        if (first || answer.reset) totals.set(id, unreadTotal);
        else yield* eventsOf(id, unreadTotal, conversations.filter((c) => c.account === id));
      }
      if (!answer.more) return;
    }
  }

  try {
    while (!stopped()) {
      try {
        if (token === undefined) yield* poll();
        if (push && Date.now() >= pushAt) {
          try {
            session = await openSession(proxy, account, webSocket, wake, signal);
          } catch (error) {
            if (stopped()) return;
            if (error?.code === "UNAUTHORIZED" || error?.code === "ORIGIN_NOT_ALLOWED") throw error;
            if (NO_PUSH.includes(error?.code)) push = false;
            else pushAt = Date.now() + backoff(++pushFailures, error?.retryAfter);
          }
        }
        if (session) {
          yield* poll(); // what changed before the sockets opened
          let polled = Date.now();
          while (!stopped() && !session.closed) {
            const frame = session.frames.shift();
            if (frame) yield* eventsOf(frame.account, frame.unreadTotal ?? null, frame.conversations ?? []);
            else if (Date.now() - polled >= PUSH_POLL_MS) { yield* poll(); polled = Date.now(); }
            else await wake.sleep(PUSH_POLL_MS - (Date.now() - polled));
          }
          if (stopped()) return;
          pushFailures = Date.now() - session.openedAt >= HEALTHY_MS ? 0 : pushFailures + 1;
          pushAt = Date.now() + (pushFailures ? backoff(pushFailures) : 0);
          closeSession();
        }
        yield* poll();
        failures = 0;
      } catch (error) {
        closeSession();
        if (stopped()) return;
        if (!RETRYABLE.includes(error?.code)) throw error;
        failures++;
        retryAfter = error.retryAfter;
      }
      const untilPush = push ? Math.max(0, pushAt - Date.now()) : Infinity;
      await wake.sleep(failures ? backoff(failures, retryAfter) : Math.min(interval, untilPush));
    }
  } finally {
    signal?.removeEventListener("abort", closeSession);
    closeSession();
    wake.dispose();
  }
}

/**
 * Asks the proxy for the sockets of `account` (`POST /v1/live`: one URL per account, with a
 * ticket valid 60 s) and opens them all (within 15 s). Change frames are queued on the session;
 * each socket is pinged every PING_MS (the proxy answers `{"type":"pong"}`) and one silent for
 * two pings, closed or failed closes the whole session (the watch then catches up and reconnects).
 */
async function openSession(proxy, account, WebSocket, wake, signal) {
  const sockets = await liveSockets(proxy, account, signal);
  if (!sockets.length) throw inboxError("MALFORMED_RESPONSE", "/v1/live: expected { sockets: [{ account, url }] }");
  const session = { frames: [], closed: false, openedAt: 0, open: [], heard: new Map() };
  let heartbeat;
  session.close = () => {
    if (session.closed) return;
    session.closed = true;
    clearInterval(heartbeat);
    for (const socket of session.open) try { socket.close(1000); } catch { /* closing already */ }
    wake.poke();
  };
  const opened = sockets.map(({ url }) => new Promise((resolve, reject) => {
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      return reject(inboxError("NETWORK_ERROR", `the live socket could not be made: ${error?.message ?? error}`));
    }
    session.open.push(socket);
    session.heard.set(socket, Date.now());
    socket.addEventListener("open", resolve);
    socket.addEventListener("message", ({ data }) => {
      session.heard.set(socket, Date.now());
      let frame;
      try {
        frame = typeof data === "string" ? JSON.parse(data) : null;
      } catch { /* not a frame of ours */ }
      if (frame?.type === "change" && typeof frame.account === "string" && !session.closed) {
        session.frames.push(frame);
        wake.poke();
      }
    });
    const fail = () => {
      reject(inboxError("NETWORK_ERROR", "the live socket closed"));
      session.close();
    };
    socket.addEventListener("close", fail);
    socket.addEventListener("error", fail);
  }));
  let timer, onAbort;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(inboxError("NETWORK_ERROR", "the live socket did not open")), 15_000);
    onAbort = () => reject(inboxError("NETWORK_ERROR", "aborted"));
    signal?.addEventListener("abort", onAbort);
  });
  try {
    await Promise.race([Promise.all(opened), late]);
  } catch (error) {
    session.close();
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
  session.openedAt = Date.now();
  if (session.closed) return session; // closed between the last open and now
  heartbeat = setInterval(() => {
    for (const socket of session.open) {
      if (Date.now() - session.heard.get(socket) > 2 * PING_MS + 5_000) return session.close();
      try { socket.send("ping"); } catch { return session.close(); }
    }
  }, PING_MS);
  return session;
}
