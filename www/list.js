// The inbox list: its query (filter, search, account), pages through the core's PageWalker,
// rows, paging and "load more", and what a failed list request means (diagnose.js).
import { accountLook } from "./accounts.js";
import { openConversation } from "./conversation.js";
import { diagnose } from "./diagnose.js";
import { ago } from "./format.js";
import { conversationRow, ensureActiveRow, isUnread, matches, setActiveRow, skeletonRows } from "./inbox.js";
import { clearNotice, notify } from "./notice.js";
import { $, api, hasRows, several, state } from "./popup-state.js";
import { applyReadHere, loadReadHere, saveReadHere } from "./read-here.js";
import { saveCachedInbox } from "./settings.js";
import { SearchBox } from "./search-box.js";
import { inView as inTriageView, viewOf } from "./triage-rules.js";

const PAGE_SIZE = 20;
const LIST_PATIENCE_MS = 5000;

/** A conversation's row; in the All accounts view of several accounts, with its account's marker. */
export function row(conversation) {
  const account = several() && state.account === "all" ? accountLook(state.accounts, conversation.account) : null;
  return conversationRow(conversation, openConversation, { query: state.typed, account });
}

/** Gives each listed conversation its account, as the proxy's answer said. */
function withAccounts(items) {
  for (const conversation of items) conversation.account ??= state.accountOf.get(conversation.id);
  return items;
}

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

let painted = false, marking = false;

/**
 * Marks the first frame that shows a conversation (read by the benchmark): the first row's name
 * is timed by the browser when that frame is presented (Element Timing, in Chromium), and the
 * task after that frame leaves a mark (everywhere; later than the paint by whatever ran between).
 * Until then each render names its first row: rows replaced before the paint are never timed.
 */
function markFirstPaint() {
  if (painted || !hasRows()) return;
  $("conversations").querySelector(".conversation .name")?.setAttribute("elementtiming", "first-conversation");
  if (marking) return;
  marking = true;
  requestAnimationFrame(() => setTimeout(() => {
    painted = true;
    performance.mark("first-conversation");
  }, 0));
}

/** Shows `items`; a refresh keeps keyboard focus on the same conversation (or the first). */
export function render(items, { append }) {
  const list = $("conversations");
  const focusedId = list.contains(document.activeElement) ? document.activeElement.dataset.id ?? "" : null;
  const activeId = list.querySelector("button.conversation[tabindex='0']")?.dataset.id ?? null;
  // Where the focused row was: if it leaves (archived, pushed out of the view), its successor takes focus.
  const focusedIndex = focusedId === null ? -1 : [...list.querySelectorAll("button.conversation")].indexOf(document.activeElement);
  const rows = items.map(row);
  state.items = append ? [...state.items, ...items] : items;
  if (append) list.append(...rows);
  else list.replaceChildren(...rows);
  let active = ensureActiveRow(list, focusedId ?? activeId);
  if (focusedId && active && active.dataset.id !== focusedId && focusedIndex >= 0) {
    const after = [...list.querySelectorAll("button.conversation")];
    active = after[Math.min(focusedIndex, after.length - 1)];
    setActiveRow(list, active);
  }
  if (focusedId !== null) active?.focus({ preventScroll: true });
  else if (!active && list.contains(document.activeElement)) $("search").focus();
  markFirstPaint();
}

/** Replaces the list's walker, freeing the old one's wasm memory. */
export function resetWalker(walker = null) {
  state.walker?.free();
  state.walker = walker;
}

function emptyText() {
  if (state.typed && state.searching) return "Searching…";
  if (state.typed) return `No conversations match “${state.typed}”.`;
  if (state.filter === "unread") return "No unread conversations.";
  if (state.view !== "inbox") return `Nothing in ${viewOf(state.view).name}.`;
  return "No conversations yet.";
}

export function showPaging() {
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
  showEmptyScreen(!more && !!state.walker && shown === 0 && !state.failed && !state.typed);
  // The observer only reports changes: a sentinel still in view after this page asks for the next.
  if (more && !state.loading && !state.failed && sentinelNear()) setTimeout(loadMore, 0);
}

/**
 * An empty inbox or Unread view is a screen of its own (popup.css): its text and one action,
 * "Refresh" (All) or "Show all" (Unread), and no search over nothing.
 */
function showEmptyScreen(empty) {
  const inbox = $("inbox-view");
  if (empty) inbox.dataset.screen = "empty";
  else if (inbox.dataset.screen === "empty") delete inbox.dataset.screen;
  $("empty-action").hidden = !empty;
  $("empty-action").textContent = state.filter === "unread" ? "Show all" : state.view !== "inbox" ? "Back to Inbox" : "Refresh";
}

/** Whether the end of the list is within the observer's 200 px of the visible area. */
function sentinelNear() {
  if ($("inbox-view").hidden) return false;
  return $("sentinel").getBoundingClientRect().top < $("inbox-scroll").getBoundingClientRect().bottom + 200;
}

/** "updated 12 min ago" beside Refresh; "updated" for screen readers only, so the search keeps its room at 400 px. */
export function showUpdated() {
  if (!state.updatedAt) return $("updated").replaceChildren();
  const word = document.createElement("span");
  word.className = "visually-hidden";
  word.textContent = "updated ";
  $("updated").replaceChildren(word, ago(state.updatedAt));
}

/** The list's query: the account shown is named when the client has several (or one is chosen). */
function query(extra = {}) {
  const account = several() || state.account !== "all" ? state.account : undefined;
  return { count: PAGE_SIZE, keywords: state.keywords || undefined, unread: state.filter === "unread" ? true : undefined, account, ...viewOf(state.view).query, ...extra };
}

/** Aborts the list request in flight (a newer search or filter replaces it). */
export function abortList() {
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

export async function refresh() {
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
    if (state.filter === "all" && !state.keywords && state.account === "all" && state.view === "inbox") {
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

export async function loadMore() {
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

export function selectTab(filter) {
  state.filter = filter;
  for (const [id, value] of [["tab-all", "all"], ["tab-unread", "unread"]]) {
    $(id).setAttribute("aria-selected", String(value === filter));
    $(id).tabIndex = value === filter ? 0 : -1;
  }
  abortList();
  $("conversations").replaceChildren();
  // The Unread view's rows are all unread: it shows them without emphasis (popup.css).
  $("conversations").dataset.view = filter;
  resetWalker();
  refresh();
}

/** The cached inbox filtered by what is typed, at once (before the proxy answers); returns how many match. */
function filterCached() {
  const now = Date.now();
  const items = (state.cached?.items ?? []).filter((c) => (state.filter !== "unread" || isUnread(c))
    && (state.account === "all" || c.account === state.account) && inTriageView(c, state.view, now) && matches(c, state.typed));
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

/**
 * The main client's requests: the current AbortSignal (a newer search aborts the older one), and
 * each listed conversation's account noted from the list's answer.
 */
export async function listFetch(url, init) {
  const list = new URL(url).pathname.endsWith("/v1/conversations");
  const response = await fetch(url, { ...init, signal: state.listAbort.signal });
  if (list && response.ok) {
    const body = await response.clone().json().catch(() => null);
    for (const c of body?.items ?? []) if (c?.account) state.accountOf.set(c.id, c.account);
  }
  return response;
}
