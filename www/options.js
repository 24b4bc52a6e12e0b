// Options: proxy URL and client token in chrome.storage.local; host permission for the
// proxy's origin only, requested at save time; "Test connection" says what is wrong.
import { IN_EXTENSION, loadSettings, saveSettings } from "./settings.js";

const $ = (id) => document.getElementById(id);

function say(kind, text) {
  $("status").dataset.kind = kind;
  $("status").textContent = text;
}

function read() {
  return { proxyUrl: $("proxy-url").value.trim().replace(/\/+$/, ""), token: $("token").value.trim() };
}

async function requestHostPermission(proxyUrl) {
  if (!IN_EXTENSION || !chrome.permissions) return true;
  const origins = [`${new URL(proxyUrl).origin}/*`];
  if (await chrome.permissions.contains({ origins })) return true;
  const timeout = new Promise((resolve) => setTimeout(() => resolve(false), 5000));
  return Promise.race([chrome.permissions.request({ origins }).catch(() => false), timeout]);
}

async function save(event) {
  event.preventDefault();
  const settings = read();
  try {
    new URL(settings.proxyUrl);
  } catch {
    return say("error", "The proxy URL must be a full URL, like https://inbox.example.workers.dev");
  }
  const granted = await requestHostPermission(settings.proxyUrl);
  await saveSettings(settings);
  say("ok", granted ? "Saved." : "Saved. Host permission was not granted: the proxy must list this extension's origin.");
}

async function testConnection() {
  const settings = read();
  say("", "Testing…");
  let health;
  try {
    health = await fetch(`${settings.proxyUrl}/health`);
  } catch {
    return say("error", `Unreachable: nothing answers at ${settings.proxyUrl}. Check the URL and that the proxy is running.`);
  }
  if (!health.ok) return say("error", `The proxy answered HTTP ${health.status} on /health: is this the linkedin-inbox proxy?`);
  // /v1/usage is authenticated but calls no provider, so testing costs no LinkedIn budget.
  const usage = await fetch(`${settings.proxyUrl}/v1/usage`, { headers: { authorization: `Bearer ${settings.token}` } }).catch(() => null);
  if (!usage) return say("error", "Unreachable: the proxy stopped answering.");
  if (!usage.ok) {
    const body = await usage.text();
    try {
      const { errorFromResponse, explain } = await import("./api.js");
      const explained = explain(errorFromResponse({ status: usage.status, headers: usage.headers, body }));
      return say("error", explained.kind === "other" ? `The proxy answered HTTP ${usage.status}. ${explained.text}` : explained.text);
    } catch {
      return say("error", `The proxy answered HTTP ${usage.status}.`);
    }
  }
  const { client } = await usage.json();
  say("ok", `Connected as "${client}".`);
}

loadSettings().then(({ proxyUrl, token }) => {
  $("proxy-url").value = proxyUrl;
  $("token").value = token;
});
$("form").addEventListener("submit", save);
$("test").addEventListener("click", testConnection);
