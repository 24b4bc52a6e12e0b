// The popup: paints the last-seen inbox at once, then refreshes it from the proxy. The core's
// wasm (api.js) loads after that first paint: the cached inbox and every error explanation
// (explain.js) need none of it.
import { accountLook, accountOption, fetchAccounts, severalAccounts, switcherText } from "./accounts.js";
import { mergeChanged, sumTotals } from "./changes.js";
import { diagnose } from "./diagnose.js";
import { CORE_MISSING, SETUP_NEEDED, explain } from "./explain.js";
import { updatedAgo } from "./format.js";
import { conversationRow, ensureActiveRow, isUnread, listKeyboard, matches, setActiveRow, skeletonRows } from "./inbox.js";
import { applyReadHere, lessReadHere, loadReadHere, saveReadHere } from "./read-here.js";
import { ReadState } from "./read-state.js";
import { IN_EXTENSION, loadCachedAccounts, loadCachedInbox, loadSettings, saveCachedAccounts, saveCachedInbox } from "./settings.js";
import { ReplyBox } from "./reply.js";
import { SearchBox } from "./search-box.js";
import { ThreadView } from "./thread.js";

const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 20;
const LIST_PATIENCE_MS = 5000;
const api = () => import("./api.js").catch((cause) => {
  throw Object.assign(new Error(`the core did not load: ${cause?.message ?? cause}`), { code: CORE_MISSING });
});
// `walker` (the core's PageWalker) follows the list's cursors and lets each conversation through once.
// `accounts`: the proxy's (GET /v1/accounts; null: one account, no switcher); `account`: the
// one shown, or "all"; `items`: the conversations on screen; `accountOf`: conversation id →
// its account, as the proxy's list said (the core's model does not carry it).
const state = {
  filter: "all", keywords: "", typed: "", walker: null, loading: false, generation: 0,
  client: null, clientSettled: null, inboxScroll: 0, cached: null, updatedAt: null, listAbort: new AbortController(),
  accounts: null, account: "all", items: [], accountOf: new Map(), accountsClient: null, settings: null, marks: {},
};

// The proxy client, as a promise from the start: a cached row clicked before the settings are
// read or the wasm has loaded waits for it instead of failing.
state.client = new Promise((resolve, reject) => { state.clientSettled = { resolve, reject }; });
state.client.catch(() => {});

const thread = new ThreadView({
  list: $("messages"),
  scroll: $("thread-scroll"),
  loadOlder: $("load-older"),
  title: $("thread-title"),
  link: $("thread-link"),
  onError: (error, { cached }) => notify($("thread-notice"), error, { cached }),
  onLoaded: () => { $("thread-notice").hidden = true; },
});

const reply = new ReplyBox({
  form: $("reply"),
  text: $("reply-text"),
  send: $("reply-send"),
  thread,
  onSent: (conversation, message) => reads.sentIn(conversation, message),
  onError: (error) => notify($("thread-notice"), error, {
    fallback: ["UPSTREAM_ERROR", "MALFORMED_RESPONSE"].includes(error?.code)
      ? "No clear answer from LinkedIn: the message may have been sent. Retry looks there first, so it is never sent twice."
      : "The message was not sent. Retry it.",
  }),
});
thread.onRendered = () => reply.showIntents();

let notifying = false;

/** Shows what `error` means, with a link to the options when they can fix it. Never throws. */
function notify(element, error, { cached = hasRows(), fallback = null } = {}) {
  if (notifying) return;
  notifying = true;
  try {
    const explained = explain(error, { cached });
    const { kind } = explained;
    const text = kind === "other" && fallback && !["NOT_SUPPORTED", "IDEMPOTENCY_KEY_REUSED", "INVALID_INPUT"].includes(error?.code) ? fallback : explained.text;
    element.replaceChildren(text);
    element.dataset.kind = kind;
    if (kind === "auth" || kind === "origin" || kind === "setup" || error?.url) {
      const link = document.createElement("a");
      link.href = "options.html";
      link.target = "_blank";
      link.textContent = kind === "setup" ? "Open the options to set up" : "Open the options";
      element.append(" ", link);
    }
    element.hidden = false;
    document.body.dataset.state = kind;
  } finally {
    notifying = false;
  }
}

function clearNotice() {
  $("notice").hidden = true;
  $("notice").replaceChildren();
}

const hasRows = () => !!$("conversations").querySelector(".conversation");
const several = () => severalAccounts(state.accounts);

/** A conversation's row; in the All accounts view of several accounts, with its account's marker. */
function row(conversation) {
  const account = several() && state.account === "all" ? accountLook(state.accounts, conversation.account) : null;
  return conversationRow(conversation, openConversation, { query: state.typed, account });
}

/**
 * The proxy client for a conversation. The calls of a conversation with an account (a client of
 * several) name it (`{ account }`: thread.js, reply.js, read-state.js), through a client without
 * the list's AbortSignal; one without (a proxy of one account) uses the main client.
 */
function clientFor(conversation) {
  if (!conversation?.account) return state.client;
  if (!state.accountsClient) {
    state.accountsClient = state.client.then(() => api()).then((core) => core.connect(state.settings));
    state.accountsClient.catch(() => {});
  }
  return state.accountsClient;
}

/** Gives each listed conversation its account, as the proxy's answer said. */
function withAccounts(items) {
  for (const conversation of items) conversation.account ??= state.accountOf.get(conversation.id);
  return items;
}

/** Asks the service worker to check now: the badge follows a change made here at once. */
function pokeBackground() {
  if (IN_EXTENSION) chrome.runtime.sendMessage({ type: "check" }).catch(() => { /* no worker */ });
}
function openConversation(conversation) {
  state.inboxScroll = $("inbox-scroll").scrollTop;
  state.openedId = conversation.id;
  $("inbox-view").hidden = true;
  $("thread-view").hidden = false;
  $("thread-notice").hidden = true;
  $("thread-title").focus();
  reply.reset(conversation);
  const wasUnread = isUnread(conversation);
  if (wasUnread) reads.markRead(conversation);
  reads.showButton(conversation);
  // Opening reads it here; on LinkedIn only when the user turned that on in the options.
  if (wasUnread && state.markReadOnOpen) {
    clientFor(conversation).then((client) => client.markRead(conversation.id, accountOption(conversation))).then(pokeBackground).catch((error) => notify($("thread-notice"), error));
  }
  // Before the client connects (a cached row clicked at once) the thread waits for it.
  thread.open(clientFor(conversation), conversation);
}

const reads = new ReadState({ row, clientFor, notify, poke: pokeBackground, thread, state, onMarks: () => showAccounts() });

/**
 * The proxy's page `items` with the conversations read here shown read (read-here.js); in the
 * Unread view those leave the list.
 */
async function readHere(items) {
  const marks = await loadReadHere();
  if (applyReadHere(items, marks)) await saveReadHere(marks);
  state.marks = marks;
  return items;
}
const inView = (items) => (state.filter === "unread" ? items.filter(isUnread) : items);

function backToInbox() {
  $("thread-view").hidden = true;
  $("inbox-view").hidden = false;
  $("inbox-scroll").scrollTop = state.inboxScroll;
  const opened = ensureActiveRow($("conversations"), state.openedId);
  opened?.focus({ preventScroll: true });
}

let painted = false;

/** Marks the first frame that shows a conversation (read by the benchmark). */
function markFirstPaint() {
  if (painted || !hasRows()) return;
  painted = true;
  // The task after the next frame runs once that frame is painted.
  requestAnimationFrame(() => setTimeout(() => performance.mark("first-conversation"), 0));
}

/** Shows `items`; a refresh keeps keyboard focus on the same conversation (or the first). */
function render(items, { append }) {
  const list = $("conversations");
  const focusedId = list.contains(document.activeElement) ? document.activeElement.dataset.id ?? "" : null;
  const activeId = list.querySelector("button.conversation[tabindex='0']")?.dataset.id ?? null;
  const rows = items.map(row);
  state.items = append ? [...state.items, ...items] : items;
  if (append) list.append(...rows);
  else list.replaceChildren(...rows);
  const active = ensureActiveRow(list, focusedId ?? activeId);
  if (focusedId !== null) active?.focus({ preventScroll: true });
  else if (!active && list.contains(document.activeElement)) $("search").focus();
  markFirstPaint();
}

/** Replaces the list's walker, freeing the old one's wasm memory. */
function resetWalker(walker = null) {
  state.walker?.free();
  state.walker = walker;
}

function emptyText() {
  if (state.typed && state.searching) return "Searching…";
  if (state.typed) return `No conversations match “${state.typed}”.`;
  if (state.filter === "unread") return "No unread conversations.";
  return "No conversations yet.";
}

function showPaging() {
  const more = !!state.walker && !state.walker.done;
  if (!more && document.activeElement === $("load-more")) {
    const rows = $("conversations").querySelectorAll("button.conversation");
    if (rows.length) setActiveRow($("conversations"), rows[rows.length - 1], { focus: true });
    else $("search").focus();
  }
  $("load-more").hidden = !more;
  const shown = $("conversations").querySelectorAll(".conversation").length;
  // After a failure the notice speaks: an empty list is not an empty inbox.
  $("end-of-list").hidden = more || (!state.walker && shown > 0) || (state.failed && shown === 0);
  $("end-of-list").textContent = shown === 0 ? emptyText() : "That's everything.";
  // The observer only reports changes: a sentinel still in view after this page asks for the next.
  if (more && !state.loading && !state.failed && sentinelNear()) setTimeout(loadMore, 0);
}

/** Whether the end of the list is within the observer's 200 px of the visible area. */
function sentinelNear() {
  if ($("inbox-view").hidden) return false;
  return $("sentinel").getBoundingClientRect().top < $("inbox-scroll").getBoundingClientRect().bottom + 200;
}

function showUpdated() {
  $("updated").textContent = state.updatedAt ? updatedAgo(state.updatedAt) : "";
}

/** The account switcher: shown for several accounts, each entry with its unread count. */
function showAccounts() {
  const shown = several();
  $("account-switch").hidden = !shown;
  $("inbox-heading").classList.toggle("visually-hidden", shown);
  if (!shown) return;
  if (state.account !== "all" && !state.accounts.some((a) => a.id === state.account)) state.account = "all";
  // The proxy's counts, less the conversations read here (read-here.js).
  const unread = (a) => lessReadHere(a.unreadTotal, state.marks, a.id);
  const entries = [["all", "All accounts", sumTotals(Object.fromEntries(state.accounts.map((a) => [a.id, unread(a)])))],
    ...state.accounts.map((a) => [a.id, a.label, unread(a)])];
  const select = $("account");
  const options = entries.map(([id, label, unread]) => {
    const option = [...select.options].find((o) => o.value === id) ?? document.createElement("option");
    option.value = id;
    option.textContent = switcherText(label, unread);
    option.dataset.unread = Number.isFinite(unread) ? String(unread) : "";
    return option;
  });
  if (options.some((o, i) => select.options[i] !== o) || select.options.length !== options.length) select.replaceChildren(...options);
  select.value = state.account;
  const look = state.account === "all" ? null : accountLook(state.accounts, state.account);
  const marker = $("account-marker");
  marker.hidden = !look;
  if (look) {
    marker.textContent = look.initial;
    marker.style.backgroundColor = look.colour;
  }
}

function selectAccount(account) {
  state.account = account;
  showAccounts();
  abortList();
  $("conversations").replaceChildren();
  resetWalker();
  refresh();
}

/** The proxy's accounts: the switcher, and the markers on the rows already shown. */
async function loadAccounts() {
  try {
    const accounts = await fetchAccounts(state.settings, { signal: AbortSignal.timeout(10_000) });
    const before = several();
    state.accounts = accounts;
    saveCachedAccounts(accounts);
    showAccounts();
    if (before !== several() && !$("conversations").querySelector(".skeleton")) render(state.items, { append: false });
  } catch { /* the list's own request explains what is wrong */ }
}

/**
 * A change the service worker reports (background.js): the switcher's counts, the list on
 * screen and the cached inbox, and the open thread's newest messages, without a reload.
 */
function applyChanges({ totals = {}, conversations = [], reset = false }) {
  if (state.accounts) {
    for (const account of state.accounts) if (account.id in totals) account.unreadTotal = totals[account.id];
    saveCachedAccounts(state.accounts);
    loadReadHere().then((marks) => { state.marks = marks; showAccounts(); });
  }
  if (reset) {
    refresh();
    return;
  }
  if (!conversations.length) return;
  for (const c of conversations) if (c.account) state.accountOf.set(c.id, c.account);
  if (state.cached?.items) {
    state.cached.items = mergeChanged(state.cached.items, conversations);
    saveCachedInbox(state.cached);
  }
  // A search's matches are the proxy's to say: its list waits for the next search.
  if (state.walker && !state.keywords && !state.typed) {
    render(mergeChanged(state.items, conversations, { account: state.account, unread: state.filter === "unread", complete: state.walker.done }), { append: false });
    showPaging();
    state.updatedAt = Date.now();
    showUpdated();
  }
  const open = thread.conversation;
  const changed = open && conversations.find((c) => c.id === open.id && (c.account ?? null) === (open.account ?? null));
  if (changed && !$("thread-view").hidden) {
    thread.addLatest(changed);
    thread.refreshNewest();
  }
}

/** The list's query: the account shown is named when the client has several (or one is chosen). */
function query(extra = {}) {
  const account = several() || state.account !== "all" ? state.account : undefined;
  return { count: PAGE_SIZE, keywords: state.keywords || undefined, unread: state.filter === "unread" ? true : undefined, account, ...extra };
}

/** Aborts the list request in flight (a newer search or filter replaces it). */
function abortList() {
  state.listAbort.abort();
  state.listAbort = new AbortController();
}

/**
 * A failed list request that brought no readable answer: what is at the proxy URL
 * (diagnose.js: nothing, another server or a refusal, no answer in time) says more. When the
 * proxy's /health answers this page but the list did not, the proxy refused this client's
 * request from this origin (its CORS answer is per client).
 */
async function diagnosed(error) {
  if (error?.code !== "NETWORK_ERROR" || !state.proxyUrl) return error;
  return (await diagnose(state.proxyUrl)) ?? { code: "ORIGIN_NOT_ALLOWED" };
}

/**
 * A list request without an answer after LIST_PATIENCE_MS: when /health does not answer either
 * (an https:// URL to a plain http port waits about 30 s), it is given up and explained.
 */
function watchList(generation) {
  return setTimeout(async () => {
    const found = await diagnose(state.proxyUrl);
    if (!found || generation !== state.generation) return;
    state.gaveUp = found;
    abortList();
  }, LIST_PATIENCE_MS);
}

async function refresh() {
  const generation = ++state.generation;
  let watchdog;
  const list = $("conversations");
  if (!list.children.length) list.replaceChildren(...skeletonRows(6));
  list.setAttribute("aria-busy", "true");
  $("refresh").disabled = true;
  try {
    const client = await state.client;
    const { PageWalker } = await api();
    state.gaveUp = null;
    watchdog = watchList(generation);
    const page = await client.listConversations(query());
    await readHere(withAccounts(page.items));
    if (generation !== state.generation) return;
    resetWalker(new PageWalker());
    render(inView(withAccounts(state.walker.accept(page))), { append: false });
    if (state.keywords) search.answered($("conversations").querySelectorAll(".conversation").length, { more: !state.walker.done, total: page.total });
    clearNotice();
    state.failed = false;
    document.body.dataset.state = "ready";
    if (state.filter === "all" && !state.keywords && state.account === "all") {
      state.updatedAt = Date.now();
      state.cached = { items: withAccounts(page.items), savedAt: state.updatedAt };
      saveCachedInbox(state.cached);
      showUpdated();
    }
  } catch (error) {
    const explained = state.gaveUp ?? await diagnosed(error);
    if (generation !== state.generation) return;
    if (list.querySelector(".skeleton")) list.replaceChildren();
    state.failed = true;
    state.searching = false;
    notify($("notice"), explained);
  } finally {
    clearTimeout(watchdog);
    if (generation === state.generation) {
      list.setAttribute("aria-busy", "false");
      $("refresh").disabled = false;
      showPaging();
    }
  }
}

async function loadMore() {
  if (!state.walker || state.walker.done || state.loading) return;
  const generation = state.generation;
  state.loading = true;
  try {
    const client = await state.client;
    const page = await client.listConversations(query({ cursor: state.walker.cursor }));
    await readHere(withAccounts(page.items));
    if (generation !== state.generation) return;
    render(inView(withAccounts(state.walker.accept(page))), { append: true });
  } catch (error) {
    if (generation === state.generation) {
      state.failed = true;
      notify($("notice"), error);
    }
  } finally {
    state.loading = false;
    showPaging();
  }
}

function selectTab(filter) {
  state.filter = filter;
  for (const [id, value] of [["tab-all", "all"], ["tab-unread", "unread"]]) {
    $(id).setAttribute("aria-selected", String(value === filter));
    $(id).tabIndex = value === filter ? 0 : -1;
  }
  abortList();
  $("conversations").replaceChildren();
  resetWalker();
  refresh();
}

/** The cached inbox filtered by what is typed, at once (before the proxy answers); returns how many match. */
function filterCached() {
  const items = (state.cached?.items ?? []).filter((c) => (state.filter !== "unread" || isUnread(c))
    && (state.account === "all" || c.account === state.account) && matches(c, state.typed));
  resetWalker();
  render(items, { append: false });
  showPaging();
  return items.length;
}

const search = new SearchBox({
  input: $("search"), status: $("search-status"), state, filterCached,
  ask: () => { abortList(); resetWalker(); refresh(); },
  cancel: () => {
    abortList();
    state.generation++;
    $("conversations").setAttribute("aria-busy", "false");
    $("refresh").disabled = false;
  },
});

function wire() {
  $("tab-all").addEventListener("click", () => selectTab("all"));
  $("tab-unread").addEventListener("click", () => selectTab("unread"));
  $("account").addEventListener("change", (event) => selectAccount(event.target.value));
  document.querySelector("[role=tablist]").addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    const next = state.filter === "all" ? "unread" : "all";
    selectTab(next);
    $(`tab-${next}`).focus();
  });
  $("load-more").addEventListener("click", loadMore);
  $("refresh").addEventListener("click", () => { abortList(); refresh(); });
  $("back").addEventListener("click", backToInbox);
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const typing = event.target.matches?.("input, textarea, select");
    if (event.key === "Escape" && !$("thread-view").hidden) {
      event.preventDefault();
      // From the reply box the first Esc leaves the box (its draft is kept), the next the thread.
      if (event.target === $("reply-text")) $("thread-scroll").focus();
      else backToInbox();
    } else if (event.key === "/" && !typing && !$("inbox-view").hidden) {
      event.preventDefault();
      $("search").focus();
      $("search").select();
    } else if (["j", "k", "ArrowDown"].includes(event.key) && !typing && !$("inbox-view").hidden && !$("conversations").contains(event.target) && event.target.getAttribute?.("role") !== "tab") {
      const row = ensureActiveRow($("conversations"));
      if (row) { event.preventDefault(); row.focus(); }
    }
  });
  $("search").addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      const row = ensureActiveRow($("conversations"));
      if (row) { event.preventDefault(); row.focus(); }
    }
  });
  listKeyboard($("conversations"));
  setInterval(showUpdated, 30_000);
  new IntersectionObserver((entries) => {
    if (entries[entries.length - 1].isIntersecting) loadMore();
  }, { root: $("inbox-scroll"), rootMargin: "200px" }).observe($("sentinel"));
}

async function start() {
  wire();
  state.accounts = loadCachedAccounts();
  showAccounts();
  state.cached = loadCachedInbox();
  if (state.cached?.items?.length) {
    render(state.cached.items, { append: false });
    state.updatedAt = state.cached.savedAt ?? null;
    showUpdated();
    document.body.dataset.state = "cached";
  }
  const settings = await loadSettings();
  state.marks = await loadReadHere();
  showAccounts();
  if (!settings.proxyUrl || !settings.token) {
    state.clientSettled.reject({ code: SETUP_NEEDED });
    state.failed = true;
    $("conversations").setAttribute("aria-busy", "false");
    notify($("notice"), { code: SETUP_NEEDED });
    return;
  }
  // The list's requests carry the current AbortSignal: a newer search aborts the older one.
  state.proxyUrl = settings.proxyUrl;
  state.markReadOnOpen = settings.markReadOnOpen === true;
  state.settings = { proxyUrl: settings.proxyUrl, token: settings.token };
  state.clientSettled.resolve(api().then((core) => core.connect({ ...state.settings, fetch: listFetch })));
  if (IN_EXTENSION) {
    chrome.runtime.onMessage.addListener((message) => {
      if (message?.type === "inbox-changes") applyChanges(message);
    });
    pokeBackground();
  }
  loadAccounts();
  await refresh();
}

/**
 * The main client's requests: the current AbortSignal (a newer search aborts the older one), and
 * each listed conversation's account noted from the list's answer.
 */
async function listFetch(url, init) {
  const list = new URL(url).pathname.endsWith("/v1/conversations");
  const response = await fetch(url, { ...init, signal: state.listAbort.signal });
  if (list && response.ok) {
    const body = await response.clone().json().catch(() => null);
    for (const c of body?.items ?? []) if (c?.account) state.accountOf.set(c.id, c.account);
  }
  return response;
}

window.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  notify($("notice"), event.reason);
});
start();
