// The extension's background (Chrome's service worker, Firefox's event page): keeps the
// toolbar badge equal to the proxy's unread total over every account of the client, shows a
// notification for each new incoming message when the user turned them on in the options,
// and tells an open popup what changed.
// A check is GET /v1/changes?since=<token>, served from the proxy's store (0 LinkedIn calls),
// on a chrome.alarms schedule (the options' period); while the browser runs, the push channel
// (POST /v1/live, one WebSocket per account) brings changes between checks. What it knows
// (token, totals, notified messages) is in chrome.storage.session: Chrome stops an idle worker,
// Firefox unloads an idle event page.
// The proxy calls are the npm package's client (pkg/api.js: listAccounts, changes,
// liveSockets); not its `watch`, which keeps its token in memory and would lose it each time
// Chrome stops this worker, so the checks and sockets are driven from here.
import { InboxClient, init } from "./pkg/api.js";
import { badgeText, incomingToNotify, sumTotals, updateTotals } from "./changes.js";
import { CORE_MISSING, explain } from "./explain.js";
import { applyReadHere, lessReadHere, loadReadHere, marksChanged, saveReadHere } from "./read-here.js";
import { loadSettings } from "./settings.js";

const ALARM = "inbox-check";
const STATE_KEY = "live-state-v1";
const CHECK_TIMEOUT_MS = 10_000;
const MAX_PAGES = 20;
const NOTIFIED_KEPT = 200;
const RECENT_KEPT = 20;
const LIVE_RETRY_MS = 5 * 60_000;
// A message on a socket every 20 s keeps it, and this worker, running (Chrome stops a worker
// after 30 s without events); the proxy answers "ping" with a pong frame.
const KEEPALIVE_MS = 20_000;
const BADGE_COLOUR = "#cc1016", STALE_COLOUR = "#6e6e6e";

/** One thing at a time touches the stored state (a check and a push frame may race). */
let queue = Promise.resolve();
function serial(task) {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

const settingsKey = ({ proxyUrl, token }) => `${proxyUrl}\n${token}`;

async function loadState(settings) {
  const state = (await chrome.storage.session.get(STATE_KEY))[STATE_KEY];
  // Another proxy or token: everything known belongs to another client.
  if (state?.key === settingsKey(settings)) return state;
  return { key: settingsKey(settings), token: null, totals: {}, notified: [], since: Date.now(), labels: {} };
}

const saveState = (state) => chrome.storage.session.set({ [STATE_KEY]: state });

// The core's wasm, loaded once per worker on its first check (a module service worker may not
// use top-level await, so pkg/index.js, which does, is not imported here).
let core = null;
let client = { key: null, value: null };

/** The package's proxy client for `settings`; each request times out after CHECK_TIMEOUT_MS. */
async function clientOf(settings) {
  core ??= init({ module_or_path: new URL("./pkg/linkedin_inbox_bg.wasm", import.meta.url) }).catch((error) => {
    core = null;
    throw Object.assign(new Error(`the core did not load: ${error?.message ?? error}`), { code: CORE_MISSING });
  });
  await core;
  const key = settingsKey(settings);
  if (client.key !== key) {
    const fetchIt = (url, init) => fetch(url, { ...init, cache: "no-store", signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    client = { key, value: new InboxClient({ proxy: { url: settings.proxyUrl, token: settings.token }, fetch: fetchIt }) };
  }
  return client.value;
}

async function showBadge(total, { stale = null } = {}) {
  const known = Number.isFinite(total);
  await chrome.action.setBadgeBackgroundColor({ color: stale ? STALE_COLOUR : BADGE_COLOUR });
  await chrome.action.setBadgeTextColor?.({ color: "#ffffff" });
  await chrome.action.setBadgeText({ text: stale && !known ? "!" : badgeText(total) });
  const title = stale ? `Relay Inbox: ${stale}` : known && total > 0 ? `Relay Inbox: ${total} unread` : "Relay Inbox";
  await chrome.action.setTitle({ title });
}

/**
 * Applies one change (a check's pages, or one push frame) of the client `key` (settingsKey):
 * totals, badge, notifications, and a message to an open popup. `token` (checks only) is where
 * the next check starts. The settings are read again: the options may have changed since the
 * check began or the socket opened (notifications turned on), or another client is set now.
 */
function apply(key, change) {
  return serial(async () => {
    const settings = await loadSettings();
    if (settingsKey(settings) !== key) return;
    const state = await loadState(settings);
    if (change.token !== undefined) {
      state.token = change.token;
      state.checks = (state.checks ?? 0) + 1;
    }
    if (change.reset) state.totals = {};
    state.totals = updateTotals(state.totals, change);
    const total = Number.isFinite(change.unreadTotal) && !change.account ? change.unreadTotal : sumTotals(state.totals);
    state.unreadTotal = total;
    state.checkedAt = Date.now();
    // The last changes applied (what brought them, when, the total after): for diagnosis.
    state.recent = [...(state.recent ?? []), { via: change.via ?? null, at: state.checkedAt, unreadTotal: total, conversations: (change.conversations ?? []).length }].slice(-RECENT_KEPT);
    const conversations = change.conversations ?? [];
    // Conversations read in the popup stay read until a newer message (read-here.js).
    const marks = await loadReadHere();
    if (applyReadHere(conversations, marks)) await saveReadHere(marks);
    // Every new incoming message is noted, shown or not: turning notifications on later never
    // brings up one that came while they were off.
    const incoming = incomingToNotify(conversations, { notified: state.notified, since: state.since });
    state.notified = [...state.notified, ...incoming.map((f) => f.key)].slice(-NOTIFIED_KEPT);
    const fresh = settings.notify ? incoming : [];
    await saveState(state);
    await showBadge(lessReadHere(total, marks));
    for (const { key, conversation } of fresh) {
      await notifyOf(settings, state, key, conversation).catch((error) => console.warn("notification not shown", error));
    }
    chrome.runtime.sendMessage({ type: "inbox-changes", unreadTotal: total, totals: state.totals, conversations, reset: !!change.reset })
      .catch(() => { /* no popup open */ });
  });
}

async function notifyOf(settings, state, key, conversation) {
  const latest = conversation.latestMessage;
  const sender = latest.senderName || conversation.participants?.[0]?.name || "LinkedIn member";
  const account = await accountLabel(settings, state, conversation.account);
  const options = {
    type: "basic",
    iconUrl: "icons/icon-128.png",
    title: sender,
    message: latest.text || (latest.hasAttachment ? "Sent an attachment" : "New message"),
    contextMessage: account ?? "LinkedIn",
    priority: 1,
  };
  const id = `message|${key}`;
  await chrome.notifications.create(id, options);
  // What was shown, kept for the session (diagnosis, and the tests: a headless browser shows none).
  state.shown = [...(state.shown ?? []), { id, at: Date.now(), title: options.title, message: options.message, contextMessage: options.contextMessage }].slice(-RECENT_KEPT);
  await saveState(state);
}

/** The label of an account, for a notification (GET /v1/accounts once per session). */
async function accountLabel(settings, state, id) {
  if (!id) return null;
  if (!(id in state.labels)) {
    try {
      const accounts = await (await clientOf(settings)).listAccounts();
      for (const a of accounts) state.labels[a.id] = a.label ?? a.id;
      await saveState(state);
    } catch { /* the notification says LinkedIn instead */ }
  }
  return state.labels[id] ?? null;
}

/** The badge again after the popup read a conversation (or marked one unread). */
function showReadHere() {
  return serial(async () => {
    const settings = await loadSettings();
    const state = await loadState(settings);
    if (state.checks) await showBadge(lessReadHere(state.unreadTotal ?? null, await loadReadHere()));
  });
}

let checking = null;

/** One check: the changes since the last token (all pages of them), then apply. */
function check() {
  checking ??= (async () => {
    const settings = await loadSettings();
    if (!settings.proxyUrl || !settings.token) return showBadge(null);
    try {
      const proxy = await clientOf(settings);
      let { token } = await loadState(settings);
      let reset = false;
      const conversations = [];
      let page;
      for (let pages = 0; pages < MAX_PAGES; pages++) {
        try {
          page = await proxy.changes(token ? { since: token } : {});
        } catch (error) {
          // A token the proxy no longer takes (the client's accounts changed, a new cursor
          // secret): as after a wipe, start again from now.
          if (!token || error.code !== "INVALID_CURSOR") throw error;
          page = { reset: true };
        }
        if (page.reset && token) {
          // The store was wiped: start again from now; the popup reloads its list.
          reset = true;
          token = null;
          conversations.length = 0;
          continue;
        }
        conversations.push(...(page.conversations ?? []));
        token = page.token;
        if (!page.more) break;
      }
      await apply(settingsKey(settings), { token, reset, unreadTotal: page.unreadTotal ?? null, accounts: page.accounts ?? [], conversations, via: "check" });
      if (settings.push) connectLive(settings);
      else closeLive();
    } catch (error) {
      const state = await loadState(settings);
      await showBadge(lessReadHere(state.unreadTotal ?? null, await loadReadHere()), { stale: explain(error, { cached: true }).text });
    }
  })().finally(() => { checking = null; });
  return checking;
}

// The push channel: one socket per account while this worker runs; a check reopens them.
let live = { key: null, sockets: [], retryAt: 0, opening: false, keepalive: null };

async function connectLive(settings) {
  const key = settingsKey(settings);
  if (live.key !== key) closeLive();
  live.key = key;
  if (live.opening || live.sockets.some((s) => s.readyState <= WebSocket.OPEN) || Date.now() < live.retryAt) return;
  live.opening = true;
  try {
    const sockets = await (await clientOf(settings)).liveSockets();
    if (live.key !== key) return;
    for (const { url } of sockets) {
      const socket = new WebSocket(url);
      socket.addEventListener("message", (event) => {
        let frame;
        try { frame = JSON.parse(event.data); } catch { return; }
        if (live.key !== key) return;
        // "ready" (once, on opening) carries the account's total; "change" what changed too.
        if (frame?.type === "change" || frame?.type === "ready") apply(key, { account: frame.account, unreadTotal: frame.unreadTotal, conversations: frame.conversations ?? [], via: frame.type });
      });
      socket.addEventListener("close", () => {
        live.sockets = live.sockets.filter((s) => s !== socket);
        if (!live.sockets.length) clearInterval(live.keepalive);
      });
      live.sockets.push(socket);
    }
    clearInterval(live.keepalive);
    live.keepalive = setInterval(() => {
      for (const socket of live.sockets) if (socket.readyState === WebSocket.OPEN) socket.send("ping");
    }, KEEPALIVE_MS);
  } catch {
    // No push channel (an older proxy, or offline): the alarm's checks keep the badge right.
    live.retryAt = Date.now() + LIVE_RETRY_MS;
  } finally {
    live.opening = false;
  }
}

function closeLive() {
  for (const socket of live.sockets) socket.close();
  clearInterval(live.keepalive);
  live = { key: null, sockets: [], retryAt: 0, opening: false, keepalive: null };
}

/** The alarm at the options' period (Chrome runs a packed extension's at most every 30 s). */
async function schedule() {
  const { refreshSeconds } = await loadSettings();
  const periodInMinutes = refreshSeconds / 60;
  const alarm = await chrome.alarms.get(ALARM);
  if (alarm?.periodInMinutes !== periodInMinutes) await chrome.alarms.create(ALARM, { periodInMinutes, delayInMinutes: periodInMinutes });
}

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) check();
});

chrome.runtime.onMessage.addListener((message, _sender, respond) => {
  if (message?.type !== "check") return false;
  // The popup opened, or changed a read state: the badge follows at once.
  check().then(() => respond({ ok: true }), () => respond({ ok: false }));
  return true;
});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== "local") return;
  if (marksChanged(changes)) showReadHere();
  if ("refreshSeconds" in changes) schedule();
  if ("proxyUrl" in changes || "token" in changes || "push" in changes) {
    closeLive();
    check();
  }
});

chrome.notifications?.onClicked.addListener((id) => {
  chrome.notifications.clear(id);
  chrome.action.openPopup().catch(() => chrome.tabs.create({ url: "popup.html" }));
});

chrome.runtime.onInstalled.addListener(() => { schedule(); check(); });
chrome.runtime.onStartup.addListener(() => { schedule(); check(); });
schedule();
check();
