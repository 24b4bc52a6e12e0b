// The popup: paints the last-seen inbox at once, then refreshes it from the proxy. The core's
// wasm (api.js) loads after that first paint: the cached inbox needs none of it.
import { conversationRow, listKeyboard, skeletonRows } from "./inbox.js";
import { loadCachedInbox, loadSettings, saveCachedInbox } from "./settings.js";
import { ThreadView } from "./thread.js";

const $ = (id) => document.getElementById(id);
const api = () => import("./api.js");
const PAGE_SIZE = 20;
// `walker` (the core's PageWalker) follows the list's cursors and lets each conversation through once.
const state = { filter: "all", keywords: "", walker: null, loading: false, generation: 0, client: null, inboxScroll: 0 };

const thread = new ThreadView({
  list: $("messages"),
  scroll: $("thread-scroll"),
  loadOlder: $("load-older"),
  title: $("thread-title"),
  link: $("thread-link"),
  onError: (error) => notify($("thread-notice"), error),
});

/** Shows what `error` means; `text` replaces the standard explanation. */
async function notify(element, error, text = null) {
  const explained = (await api()).explain(error);
  const kind = explained.kind;
  text ??= explained.text;
  element.replaceChildren(text);
  element.dataset.kind = kind;
  if (kind === "auth" || kind === "origin") {
    const link = document.createElement("a");
    link.href = "options.html";
    link.target = "_blank";
    link.textContent = "Open the options";
    element.append(" ", link);
  }
  element.hidden = false;
  document.body.dataset.state = kind;
}

function clearNotice() {
  $("notice").hidden = true;
  $("notice").replaceChildren();
}

function openConversation(conversation) {
  state.inboxScroll = $("inbox-scroll").scrollTop;
  state.openedId = conversation.id;
  $("inbox-view").hidden = true;
  $("thread-view").hidden = false;
  $("thread-notice").hidden = true;
  $("back").focus();
  thread.open(state.client, conversation);
}

function backToInbox() {
  $("thread-view").hidden = true;
  $("inbox-view").hidden = false;
  $("inbox-scroll").scrollTop = state.inboxScroll;
  const opened = [...document.querySelectorAll("button.conversation")].find((b) => b.dataset.id === state.openedId);
  opened?.focus({ preventScroll: true });
}

let painted = false;

/** Marks the first frame that shows a conversation (read by the benchmark). */
function markFirstPaint() {
  if (painted || !$("conversations").querySelector(".conversation")) return;
  painted = true;
  // The task after the next frame runs once that frame is painted.
  requestAnimationFrame(() => setTimeout(() => performance.mark("first-conversation"), 0));
}

function render(items, { append }) {
  const rows = items.map((conversation) => conversationRow(conversation, openConversation));
  if (append) $("conversations").append(...rows);
  else $("conversations").replaceChildren(...rows);
  markFirstPaint();
}

/** Replaces the list's walker, freeing the old one's wasm memory. */
function resetWalker(walker = null) {
  state.walker?.free();
  state.walker = walker;
}

function showPaging() {
  const more = !!state.walker && !state.walker.done;
  $("load-more").hidden = !more;
  $("end-of-list").hidden = more;
  $("end-of-list").textContent = (state.walker?.seen ?? 0) === 0 ? "No conversations." : "That's everything.";
}

async function refresh() {
  const generation = ++state.generation;
  const list = $("conversations");
  if (!list.children.length) list.replaceChildren(...skeletonRows(6));
  list.setAttribute("aria-busy", "true");
  const query = { count: PAGE_SIZE, keywords: state.keywords || undefined, unread: state.filter === "unread" ? true : undefined };
  try {
    const { PageWalker } = await api();
    const page = await state.client.listConversations(query);
    if (generation !== state.generation) return;
    resetWalker(new PageWalker());
    render(state.walker.accept(page), { append: false });
    clearNotice();
    document.body.dataset.state = "ready";
    if (state.filter === "all" && !state.keywords) saveCachedInbox({ items: page.items, savedAt: Date.now() });
  } catch (error) {
    if (generation !== state.generation) return;
    if (list.querySelector(".skeleton")) list.replaceChildren();
    notify($("notice"), error);
  } finally {
    if (generation === state.generation) {
      list.setAttribute("aria-busy", "false");
      showPaging();
    }
  }
}

async function loadMore() {
  if (!state.walker || state.walker.done || state.loading || !state.client) return;
  const generation = state.generation;
  state.loading = true;
  try {
    const query = { count: PAGE_SIZE, keywords: state.keywords || undefined, unread: state.filter === "unread" ? true : undefined, cursor: state.walker.cursor };
    const page = await state.client.listConversations(query);
    if (generation !== state.generation) return;
    render(state.walker.accept(page), { append: true });
  } catch (error) {
    notify($("notice"), error);
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
  $("conversations").replaceChildren();
  resetWalker();
  refresh();
}

function wire() {
  $("tab-all").addEventListener("click", () => selectTab("all"));
  $("tab-unread").addEventListener("click", () => selectTab("unread"));
  document.querySelector("[role=tablist]").addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    const next = state.filter === "all" ? "unread" : "all";
    selectTab(next);
    $(`tab-${next}`).focus();
  });
  let debounce;
  $("search").addEventListener("input", (event) => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      const keywords = event.target.value.trim();
      if (keywords === state.keywords) return;
      state.keywords = keywords;
      $("conversations").replaceChildren();
      resetWalker();
      refresh();
    }, 300);
  });
  $("load-more").addEventListener("click", loadMore);
  $("back").addEventListener("click", backToInbox);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("thread-view").hidden) backToInbox();
  });
  listKeyboard($("conversations"));
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) loadMore();
  }, { root: $("inbox-scroll"), rootMargin: "200px" }).observe($("sentinel"));
}

async function start() {
  wire();
  const cached = loadCachedInbox();
  if (cached?.items?.length) {
    render(cached.items, { append: false });
    document.body.dataset.state = "cached";
  }
  const settings = await loadSettings();
  if (!settings.proxyUrl || !settings.token) {
    await notify($("notice"), { code: "UNAUTHORIZED" }, "Set the proxy URL and client token first.");
    return;
  }
  try {
    state.client = (await api()).connect(settings);
  } catch (error) {
    notify($("notice"), error);
    return;
  }
  await refresh();
}

window.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  notify($("notice"), event.reason);
});
start();
