// Where the proxy is and the client token: the extension's storage (`chrome.storage.local`,
// in Chromium and Firefox alike), or, when the pages are served over http from 127.0.0.1
// (make demo, tests), the demo config that demo-config.js fetches (never packaged).
// Also the paint caches: the last inbox page, the proxy's accounts and recently opened threads.
// The service worker (background.js) reads the settings too; it has no localStorage.

const ext = typeof chrome !== "undefined" && chrome.runtime?.id && chrome.storage?.local ? chrome : null;
export const IN_EXTENSION = !!ext;

/** How often the badge is checked by default (Chrome runs alarms at most every 30 s). */
export const DEFAULT_REFRESH_SECONDS = 60;

/**
 * The proxy's base URL: without a trailing `/` or `/v1` (the routes add `/v1/…` themselves: a
 * base ending in `/v1` asked `/v1/v1/conversations`, which no proxy answers).
 */
export const proxyBase = (url) => (url ?? "").trim().replace(/\/+$/, "").replace(/\/v1$/i, "");

/**
 * `{ proxyUrl, token, markReadOnOpen, notify, refreshSeconds, push }`. `notify`: a notification
 * for each new incoming message (off unless the user turns it on); `refreshSeconds`: the badge's
 * check period; `push`: the proxy's push channel between checks (on unless `push: false` is
 * stored; no control in the options: for tests and for proxies behind a WebSocket-less gateway).
 */
export async function loadSettings() {
  if (IN_EXTENSION) {
    const stored = await ext.storage.local.get(["proxyUrl", "token", "markReadOnOpen", "notify", "refreshSeconds", "push"]);
    const refreshSeconds = Number(stored.refreshSeconds);
    return {
      proxyUrl: proxyBase(stored.proxyUrl), token: stored.token ?? "", markReadOnOpen: stored.markReadOnOpen === true, notify: stored.notify === true,
      refreshSeconds: Number.isFinite(refreshSeconds) && refreshSeconds > 0 ? refreshSeconds : DEFAULT_REFRESH_SECONDS,
      push: stored.push !== false,
    };
  }
  if (location.protocol === "http:") {
    try {
      return await (await import("./demo-config.js")).loadDemoConfig();
    } catch { /* not the demo */ }
  }
  return { proxyUrl: "", token: "" };
}

/** Saves the settings; another proxy or token drops the caches (another account's). */
export async function saveSettings({ proxyUrl, token, markReadOnOpen = false, notify = false, refreshSeconds = DEFAULT_REFRESH_SECONDS }) {
  if (!IN_EXTENSION) throw new Error("Settings can only be saved in the extension.");
  const previous = await loadSettings();
  if (previous.proxyUrl !== proxyUrl || previous.token !== token) clearCaches();
  await ext.storage.local.set({ proxyUrl, token, markReadOnOpen: markReadOnOpen === true, notify: notify === true, refreshSeconds });
}

// The last inbox page seen, painted at once on the next open. It lives in the pages'
// localStorage, not chrome.storage: read synchronously, it is on screen in the popup's first
// frames instead of one storage round trip later (bench/RESULTS.md, popup).
const CACHE_KEY = "inbox-cache-v1";
const ACCOUNTS_KEY = "accounts-cache-v1";
const THREAD_PREFIX = "thread-cache-v1:";
const THREADS_KEPT = 20;

export function loadCachedInbox() {
  try { return JSON.parse(localStorage.getItem(CACHE_KEY)); } catch { return null; }
}

export function saveCachedInbox(value) {
  try { localStorage.setItem(CACHE_KEY, JSON.stringify(value)); } catch { /* full: it is only a paint cache */ }
  // Earlier builds kept it in chrome.storage.local: no stale copy of an inbox stays there.
  if (IN_EXTENSION) ext.storage.local.remove(CACHE_KEY);
}

/** Marks one conversation read in the cached inbox (opened here: read locally at once). */
export function markReadInCache(id) {
  const cached = loadCachedInbox();
  const item = cached?.items?.find((c) => c.id === id);
  if (!item) return;
  item.isRead = true;
  item.unreadCount = 0;
  saveCachedInbox(cached);
}

/** The proxy's accounts as last seen (GET /v1/accounts), for the switcher's first frame. */
export function loadCachedAccounts() {
  try { return JSON.parse(localStorage.getItem(ACCOUNTS_KEY)); } catch { return null; }
}

export function saveCachedAccounts(accounts) {
  try { localStorage.setItem(ACCOUNTS_KEY, JSON.stringify(accounts)); } catch { /* full: only a paint cache */ }
}

/** The newest page of one thread as last seen, for reading offline. */
export function loadCachedThread(id) {
  try { return JSON.parse(localStorage.getItem(THREAD_PREFIX + id)); } catch { return null; }
}

export function saveCachedThread(id, messages) {
  const keys = Object.keys(localStorage).filter((k) => k.startsWith(THREAD_PREFIX));
  const stamped = keys.map((k) => [k, loadCachedThreadKey(k)?.savedAt ?? 0]).sort((a, b) => a[1] - b[1]);
  for (const [key] of stamped.slice(0, Math.max(0, stamped.length - THREADS_KEPT + 1))) {
    if (key !== THREAD_PREFIX + id) localStorage.removeItem(key);
  }
  try { localStorage.setItem(THREAD_PREFIX + id, JSON.stringify({ messages, savedAt: Date.now() })); } catch { /* full */ }
}

function loadCachedThreadKey(key) {
  try { return JSON.parse(localStorage.getItem(key)); } catch { return null; }
}

export function clearCaches() {
  for (const key of Object.keys(localStorage)) {
    if (key === CACHE_KEY || key === ACCOUNTS_KEY || key.startsWith(THREAD_PREFIX)) localStorage.removeItem(key);
  }
}
