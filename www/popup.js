// The popup: paints the last-seen inbox at once, then refreshes it from the proxy. The core's
// wasm (api.js) loads after that first paint: the cached inbox and every error explanation
// (explain.js) need none of it. Here: the start, the keyboard and the service worker's changes;
// the list is list.js, the open conversation conversation.js, the account switcher
// switcher.js, notices notice.js, triage (archive, snooze, star, labels, notes, views, undo)
// triage.js, and what they share popup-state.js.
import { mergeChanged } from "./changes.js";
import { backToInbox, thread } from "./conversation.js";
import { SETUP_NEEDED } from "./explain.js";
import { ensureActiveRow, listKeyboard } from "./inbox.js";
import { abortList, listFetch, loadMore, refresh, render, selectTab, showPaging, showUpdated } from "./list.js";
import { notify } from "./notice.js";
import { $, api, pokeBackground, state } from "./popup-state.js";
import { loadReadHere } from "./read-here.js";
import { IN_EXTENSION, loadCachedAccounts, loadCachedInbox, loadSettings, saveCachedAccounts, saveCachedInbox } from "./settings.js";
import { loadAccounts, selectAccount, showAccounts } from "./switcher.js";
import { selectView, triageKey, wireTriage } from "./triage.js";
import { inView } from "./triage-rules.js";

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
    state.cached.items = mergeChanged(state.cached.items, conversations, { keep: (c) => inView(c, "inbox", Date.now()) });
    saveCachedInbox(state.cached);
  }
  // A search's matches are the proxy's to say: its list waits for the next search.
  if (state.walker && !state.keywords && !state.typed) {
    const keep = (c) => inView(c, state.view, Date.now());
    render(mergeChanged(state.items, conversations, { account: state.account, unread: state.filter === "unread", complete: state.walker.done, keep }), { append: false });
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
  $("empty-action").addEventListener("click", () => {
    if (state.filter === "unread") selectTab("all");
    else if (state.view !== "inbox") selectView("inbox");
    else $("refresh").click();
  });
  $("back").addEventListener("click", backToInbox);
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    // A dialog (triage-dialogs.js) keeps its keys: Esc closes it, not the thread.
    if (document.querySelector("dialog[open]")) return;
    const typing = event.target.matches?.("input, textarea, select");
    if (!typing && triageKey(event)) {
      event.preventDefault();
      return;
    }
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
  wireTriage();
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

window.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  notify($("notice"), event.reason);
});
start();
