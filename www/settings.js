// Where the proxy is and the client token: chrome.storage.local in the extension, or the
// demo config file when the pages are served over http from 127.0.0.1 (make demo).

export const IN_EXTENSION = typeof chrome !== "undefined" && !!chrome.storage?.local && location.protocol === "chrome-extension:";

export async function loadSettings() {
  if (IN_EXTENSION) {
    const { proxyUrl = "", token = "" } = await chrome.storage.local.get(["proxyUrl", "token"]);
    return { proxyUrl, token };
  }
  try {
    const response = await fetch("./demo-config.json", { cache: "no-store" });
    if (response.ok) return await response.json();
  } catch { /* no demo config */ }
  return { proxyUrl: "", token: "" };
}

/** Saves the settings; another proxy or token drops the cached inbox (another account's). */
export async function saveSettings({ proxyUrl, token }) {
  if (!IN_EXTENSION) return;
  const previous = await loadSettings();
  if (previous.proxyUrl !== proxyUrl || previous.token !== token) clearCachedInbox();
  await chrome.storage.local.set({ proxyUrl, token });
}

// The last inbox page seen, painted at once on the next open. It lives in the pages'
// localStorage, not chrome.storage: read synchronously, it is on screen in the popup's first
// frames instead of one storage round trip later (bench/RESULTS.md, popup).
const CACHE_KEY = "inbox-cache-v1";

export function loadCachedInbox() {
  try { return JSON.parse(localStorage.getItem(CACHE_KEY)); } catch { return null; }
}

export function saveCachedInbox(value) {
  try { localStorage.setItem(CACHE_KEY, JSON.stringify(value)); } catch { /* full: it is only a paint cache */ }
  // Earlier builds kept it in chrome.storage.local: no stale copy of an inbox stays there.
  if (IN_EXTENSION) chrome.storage.local.remove(CACHE_KEY);
}

export function clearCachedInbox() {
  localStorage.removeItem(CACHE_KEY);
}
