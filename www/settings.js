// Where the proxy is and the client token: the extension's storage (`chrome.storage.local`;
// Chromium only, see README), or, when the pages are served over http from 127.0.0.1
// (make demo, tests), the demo config that demo-config.js fetches (never packaged).
// Also the paint caches: the last inbox page and recently opened threads.

const ext = typeof chrome !== "undefined" && chrome.runtime?.id && chrome.storage?.local ? chrome : null;
export const IN_EXTENSION = !!ext;

export async function loadSettings() {
  if (IN_EXTENSION) {
    const { proxyUrl = "", token = "", markReadOnOpen = false } = await ext.storage.local.get(["proxyUrl", "token", "markReadOnOpen"]);
    return { proxyUrl, token, markReadOnOpen: markReadOnOpen === true };
  }
  if (location.protocol === "http:") {
    try {
      return await (await import("./demo-config.js")).loadDemoConfig();
    } catch { /* not the demo */ }
  }
  return { proxyUrl: "", token: "" };
}

/** Saves the settings; another proxy or token drops the caches (another account's). */
export async function saveSettings({ proxyUrl, token, markReadOnOpen = false }) {
  if (!IN_EXTENSION) throw new Error("Settings can only be saved in the extension.");
  const previous = await loadSettings();
  if (previous.proxyUrl !== proxyUrl || previous.token !== token) clearCaches();
  await ext.storage.local.set({ proxyUrl, token, markReadOnOpen: markReadOnOpen === true });
}

// The last inbox page seen, painted at once on the next open. It lives in the pages'
// localStorage, not chrome.storage: read synchronously, it is on screen in the popup's first
// frames instead of one storage round trip later (bench/RESULTS.md, popup).
const CACHE_KEY = "inbox-cache-v1";
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
    if (key === CACHE_KEY || key.startsWith(THREAD_PREFIX)) localStorage.removeItem(key);
  }
}
