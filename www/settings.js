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

export async function saveSettings({ proxyUrl, token }) {
  if (IN_EXTENSION) await chrome.storage.local.set({ proxyUrl, token });
}

// The last inbox page seen, painted at once on the next open.
const CACHE_KEY = "inbox-cache-v1";

export async function loadCachedInbox() {
  if (IN_EXTENSION) return (await chrome.storage.local.get(CACHE_KEY))[CACHE_KEY] ?? null;
  try { return JSON.parse(localStorage.getItem(CACHE_KEY)); } catch { return null; }
}

export async function saveCachedInbox(value) {
  if (IN_EXTENSION) return chrome.storage.local.set({ [CACHE_KEY]: value });
  localStorage.setItem(CACHE_KEY, JSON.stringify(value));
}
