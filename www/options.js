// Options: proxy URL and client token in the extension's storage; host permission for the
// proxy's origin only, requested at save time; "Test connection" says what is wrong, within
// a time limit, without the wasm (explain.js); the badge's notifications and check period; the
// accounts the proxy reports for this client (GET /v1/accounts).
import { accountLook, accountMarker, accountsFrom, budgetText, fetchAccounts } from "./accounts.js";
import { NOT_ANSWERING, NO_ANSWER, diagnose } from "./diagnose.js";
import { explain } from "./explain.js";
import { DEFAULT_REFRESH_SECONDS, IN_EXTENSION, loadSettings, proxyBase, saveSettings } from "./settings.js";

const $ = (id) => document.getElementById(id);
const TEST_TIMEOUT_MS = 8000;

function say(kind, text) {
  $("status").dataset.kind = kind;
  $("status").textContent = text;
}

function read() {
  return {
    proxyUrl: $("proxy-url").value, token: $("token").value.trim(), markReadOnOpen: $("mark-read-on-open").checked,
    notify: $("notify").checked, refreshSeconds: Number($("refresh-seconds").value),
  };
}

/** Whether this build may reach a proxy on this computer over http (the store build may not). */
const LOOPBACK_ALLOWED = !IN_EXTENSION
  || (chrome.runtime.getManifest().optional_host_permissions ?? []).some((p) => p.startsWith("http://127.0.0.1"));

/**
 * The proxy URL as typed, made whole: `{ url }` or `{ error }`. A URL without a scheme gets one:
 * `http://` for this computer (`localhost:8787`, `127.0.0.1:8787`), `https://` for any other host
 * (`inbox.example.workers.dev`). Plain http works only on this computer (the extension's CSP and
 * host permissions allow loopback only), and not at all in the store build, whose manifest
 * leaves loopback out (scripts/package.sh).
 */
function proxyUrlFrom(typed) {
  const text = typed.trim();
  if (!text) return { error: "Enter the proxy URL, like https://inbox.example.workers.dev" };
  const loopback = /^(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/i.test(text);
  const whole = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `${loopback ? "http" : "https"}://${text}`;
  let url;
  try {
    url = new URL(whole);
  } catch {
    return { error: `"${text}" is not a URL. Enter the proxy URL, like https://inbox.example.workers.dev` };
  }
  const local = ["localhost", "127.0.0.1"].includes(url.hostname);
  if (url.protocol === "http:" && local && !LOOPBACK_ALLOWED) {
    return { error: "This build of the extension (the store's) reaches proxies over https:// only. For a proxy on this computer, load the extension unpacked from the project's www/ folder." };
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
    return { error: "The proxy URL must start with https:// (http:// only for a proxy on this computer: localhost or 127.0.0.1)." };
  }
  return { url: proxyBase(`${url.origin}${url.pathname}`) };
}

/**
 * The match pattern of the proxy's origin. Firefox grants only patterns its manifest's
 * `optional_host_permissions` cover, and a pattern with a port (`http://127.0.0.1:8787/*`) is
 * not covered by `http://127.0.0.1/*` there: in Firefox the pattern is the host, all ports.
 */
function originPattern(proxyUrl, firefox = location.protocol === "moz-extension:") {
  const url = new URL(proxyUrl);
  return firefox ? `${url.protocol}//${url.hostname}/*` : `${url.origin}/*`;
}

/**
 * Asks for the proxy's origin (optional host permission). Called before anything is awaited:
 * the browsers show the prompt only while handling the click (Firefox refuses the request
 * otherwise). It resolves when the person answers, however long that takes (true at once when
 * already granted).
 */
function requestHostPermission(proxyUrl) {
  if (!IN_EXTENSION || !chrome.permissions) return Promise.resolve(true);
  try {
    return chrome.permissions.request({ origins: [originPattern(proxyUrl)] }).catch(() => false);
  } catch {
    return Promise.resolve(false);
  }
}

/** The form's settings with the proxy URL made whole (and shown so), or null after saying what is wrong. */
function readChecked() {
  const settings = read();
  const checked = proxyUrlFrom(settings.proxyUrl);
  if (checked.error) {
    say("error", checked.error);
    return null;
  }
  $("proxy-url").value = settings.proxyUrl = checked.url;
  return settings;
}

async function save(event) {
  event.preventDefault();
  const settings = readChecked();
  if (!settings) return;
  if (!IN_EXTENSION) return say("error", "Not saved: settings are stored only when this page runs inside the extension.");
  const permission = requestHostPermission(settings.proxyUrl);
  $("save").disabled = true;
  say("", "Saving…");
  try {
    const granted = await permission;
    await saveSettings(settings);
    say("ok", granted ? "Saved." : "Saved. Host permission was not granted: the proxy must list this extension's origin.");
  } catch (error) {
    return say("error", `Not saved: ${error?.message ?? error}`);
  } finally {
    $("save").disabled = false;
  }
  showAccounts(settings);
}

const accountCount = (accounts) => (accounts.length === 1 ? "1 account" : `${accounts.length} accounts`);
const PROVIDERS = { connectsafely: "ConnectSafely", linkup: "LinkupAPI" };

/** The accounts the proxy serves this client: label, id, providers, unread, budget left today. */
async function showAccounts({ proxyUrl, token }) {
  const status = $("accounts-status");
  if (!proxyUrl || !token) return;
  status.textContent = "Loading the accounts…";
  let accounts;
  try {
    accounts = await fetchAccounts({ proxyUrl, token }, { signal: AbortSignal.timeout(TEST_TIMEOUT_MS) });
  } catch (error) {
    $("accounts").replaceChildren();
    status.textContent = `The accounts could not be loaded. ${explain(error).text}`;
    return;
  }
  listAccounts(accounts);
}

/** Shows `accounts` (null: a proxy that does not list them). */
function listAccounts(accounts) {
  const list = $("accounts");
  const status = $("accounts-status");
  if (!accounts) {
    list.replaceChildren();
    status.textContent = "This proxy serves one account (it does not list accounts).";
    return;
  }
  status.textContent = `This proxy serves ${accountCount(accounts)} for this client.`;
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
  const settings = readChecked();
  if (!settings) return;
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
  // What is at the URL when nothing readable came back: the popup's words (diagnose.js, explain.js).
  const unreachable = async (error) => {
    const found = error?.name === "TimeoutError"
      ? { code: NO_ANSWER, url: proxyUrl, seconds: TEST_TIMEOUT_MS / 1000 }
      : await diagnose(proxyUrl) ?? { code: NOT_ANSWERING, url: proxyUrl };
    return ["error", explain(found).text];
  };
  let health;
  try {
    health = await fetchWithin(`${proxyUrl}/health`);
  } catch (error) {
    return unreachable(error);
  }
  if (!health.ok) return ["error", `The proxy answered HTTP ${health.status} on /health: is this the linkedin-inbox proxy?`];
  // Both routes are authenticated and call no provider: testing costs no LinkedIn budget.
  // /v1/accounts answers for a client of one account or of several; an older proxy without it
  // (one account) answers /v1/usage.
  let answer = await ask(`${proxyUrl}/v1/accounts`, token);
  if (answer.response?.status === 404) answer = await ask(`${proxyUrl}/v1/usage`, token);
  if (answer.error) return unreachable(answer.error);
  const { response, json } = answer;
  if (!response.ok) {
    const retryAfter = Number(response.headers.get("retry-after"));
    const explained = explain({ ...(json?.error ?? json ?? {}), retryAfter: Number.isFinite(retryAfter) && response.headers.has("retry-after") ? retryAfter : undefined });
    return ["error", explained.kind === "other" ? `The proxy answered HTTP ${response.status}. ${explained.text}` : explained.text];
  }
  if (Array.isArray(json?.accounts) && json.accounts.length) {
    const accounts = accountsFrom(json);
    listAccounts(accounts);
    return ["ok", `Connected: this client has ${accountCount(accounts)}.`];
  }
  if (response.url.endsWith("/v1/usage") && typeof json?.client === "string") {
    listAccounts(null);
    return ["ok", `Connected as "${json.client}".`];
  }
  return ["error", "The proxy answered, but not as a linkedin-inbox proxy (no list of accounts)."];
}

/** `{ response, json }` (json null when the body is not JSON), or `{ error }` when nothing answered. */
async function ask(url, token) {
  try {
    const response = await fetchWithin(url, { headers: { authorization: `Bearer ${token}` }, cache: "no-store" });
    const body = await response.text();
    let json = null;
    try { json = JSON.parse(body); } catch { /* not JSON: the caller says so */ }
    return { response, json };
  } catch (error) {
    return { error };
  }
}

loadSettings().then((settings) => {
  $("proxy-url").value = settings.proxyUrl;
  $("token").value = settings.token;
  $("mark-read-on-open").checked = !!settings.markReadOnOpen;
  $("notify").checked = !!settings.notify;
  showPeriod(settings.refreshSeconds ?? DEFAULT_REFRESH_SECONDS);
  showAccounts(settings);
  // The stored settings are in the fields: what is typed from now on is not overwritten.
  document.body.dataset.state = "ready";
});
$("form").addEventListener("submit", save);
$("test").addEventListener("click", testConnection);
