// Options: proxy URL and client token in the extension's storage; host permission for the
// proxy's origin only, requested at save time; "Test connection" says what is wrong, within
// a time limit, without the wasm (explain.js); the badge's notifications and check period; the
// accounts the proxy reports for this client (GET /v1/accounts).
import { accountLook, accountMarker, budgetText, fetchAccounts } from "./accounts.js";
import { explain } from "./explain.js";
import { DEFAULT_REFRESH_SECONDS, IN_EXTENSION, loadSettings, saveSettings } from "./settings.js";

const $ = (id) => document.getElementById(id);
const TEST_TIMEOUT_MS = 8000;

function say(kind, text) {
  $("status").dataset.kind = kind;
  $("status").textContent = text;
}

function read() {
  return {
    proxyUrl: $("proxy-url").value.trim().replace(/\/+$/, ""), token: $("token").value.trim(), markReadOnOpen: $("mark-read-on-open").checked,
    notify: $("notify").checked, refreshSeconds: Number($("refresh-seconds").value),
  };
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
  if (!IN_EXTENSION) return say("error", "Not saved: settings are stored only when this page runs inside the extension.");
  const granted = await requestHostPermission(settings.proxyUrl);
  try {
    await saveSettings(settings);
  } catch (error) {
    return say("error", `Not saved: ${error.message}`);
  }
  say("ok", granted ? "Saved." : "Saved. Host permission was not granted: the proxy must list this extension's origin.");
  showAccounts(settings);
}

const PROVIDERS = { connectsafely: "ConnectSafely", linkup: "LinkupAPI" };

/** The accounts the proxy serves this client: label, id, providers, unread, budget left today. */
async function showAccounts({ proxyUrl, token }) {
  const list = $("accounts");
  const status = $("accounts-status");
  if (!proxyUrl || !token) return;
  status.textContent = "Loading the accounts…";
  let accounts;
  try {
    accounts = await fetchAccounts({ proxyUrl, token }, { signal: AbortSignal.timeout(TEST_TIMEOUT_MS) });
  } catch (error) {
    list.replaceChildren();
    status.textContent = `The accounts could not be loaded. ${explain(error).text}`;
    return;
  }
  if (!accounts) {
    list.replaceChildren();
    status.textContent = "This proxy serves one account (it does not list accounts).";
    return;
  }
  status.textContent = accounts.length === 1 ? "This proxy serves 1 account for this client." : `This proxy serves ${accounts.length} accounts for this client.`;
  list.replaceChildren(...accounts.map((account) => {
    const item = document.createElement("li");
    item.dataset.account = account.id;
    const text = document.createElement("div");
    const name = document.createElement("div");
    name.className = "account-name";
    name.dir = "auto";
    name.textContent = account.label;
    const details = document.createElement("div");
    details.className = "account-details";
    const providers = account.providers.map((p) => PROVIDERS[p] ?? p).join(" and ") || "no provider";
    const unread = Number.isFinite(account.unreadTotal) ? `${account.unreadTotal} unread` : "not synced yet";
    details.textContent = [`Id ${account.id}`, `through ${providers}`, unread, budgetText(account.budgetLeftToday)].filter(Boolean).join(" · ");
    text.append(name, details);
    item.append(accountMarker(accountLook(accounts, account.id)), text);
    return item;
  }));
}

/** Selects `seconds` in the period list, adding it when no option has it (set elsewhere). */
function showPeriod(seconds) {
  const select = $("refresh-seconds");
  if (![...select.options].some((o) => Number(o.value) === seconds)) {
    const option = document.createElement("option");
    option.value = String(seconds);
    option.textContent = `Every ${seconds} seconds`;
    select.append(option);
  }
  select.value = String(seconds);
}

/** `fetch` that gives up after TEST_TIMEOUT_MS (a proxy that never answers). */
function fetchWithin(url, init = {}) {
  return fetch(url, { ...init, signal: AbortSignal.timeout(TEST_TIMEOUT_MS) });
}

async function testConnection() {
  const settings = read();
  $("test").disabled = true;
  say("", "Testing…");
  try {
    say(...await probe(settings));
  } catch (error) {
    say("error", `The test failed: ${error?.message ?? error}`);
  } finally {
    $("test").disabled = false;
  }
}

/** [kind, text] for what the proxy at `proxyUrl` answers. */
async function probe({ proxyUrl, token }) {
  const seconds = TEST_TIMEOUT_MS / 1000;
  const unreachable = (error) => error?.name === "TimeoutError"
    ? ["error", `No answer within ${seconds} s from ${proxyUrl}. Check the URL and that the proxy is running.`]
    : ["error", `Unreachable: nothing answers at ${proxyUrl}. Check the URL and that the proxy is running.`];
  let health;
  try {
    health = await fetchWithin(`${proxyUrl}/health`);
  } catch (error) {
    return unreachable(error);
  }
  if (!health.ok) return ["error", `The proxy answered HTTP ${health.status} on /health: is this the linkedin-inbox proxy?`];
  // /v1/usage is authenticated but calls no provider, so testing costs no LinkedIn budget.
  let usage, body;
  try {
    usage = await fetchWithin(`${proxyUrl}/v1/usage`, { headers: { authorization: `Bearer ${token}` } });
    body = await usage.text();
  } catch (error) {
    return unreachable(error);
  }
  let json = null;
  try { json = JSON.parse(body); } catch { /* not JSON: said below */ }
  if (!usage.ok) {
    const retryAfter = Number(usage.headers.get("retry-after"));
    const explained = explain({ ...(json?.error ?? json ?? {}), retryAfter: Number.isFinite(retryAfter) && usage.headers.has("retry-after") ? retryAfter : undefined });
    return ["error", explained.kind === "other" ? `The proxy answered HTTP ${usage.status}. ${explained.text}` : explained.text];
  }
  if (typeof json?.client !== "string") return ["error", "The proxy answered, but not as a linkedin-inbox proxy (no JSON client name)."];
  showAccounts({ proxyUrl, token });
  return ["ok", `Connected as "${json.client}".`];
}

loadSettings().then((settings) => {
  $("proxy-url").value = settings.proxyUrl;
  $("token").value = settings.token;
  $("mark-read-on-open").checked = !!settings.markReadOnOpen;
  $("notify").checked = !!settings.notify;
  showPeriod(settings.refreshSeconds ?? DEFAULT_REFRESH_SECONDS);
  showAccounts(settings);
});
$("form").addEventListener("submit", save);
$("test").addEventListener("click", testConnection);
