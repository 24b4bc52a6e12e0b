// Triage in the popup: archive, snooze, star, labels and a note on the focused row or the open
// conversation (the proxy's POST /v1/conversations/{id}/triage, through the package's client),
// the views menu, a 5 s "Undo" toast (`z` or its button), and the keyboard: e, h, s, l, n, z,
// g then i/a/s/h, and ?. The pure rules are triage-rules.js; the dialogs triage-dialogs.js.
import { accountOption } from "./accounts.js";
import { backToInbox, clientFor, thread } from "./conversation.js";
import { abortList, refresh, render, resetWalker, row, showPaging } from "./list.js";
import { notify } from "./notice.js";
import { $, state } from "./popup-state.js";
import { saveCachedInbox } from "./settings.js";
import { askLabels, askNote, askSnooze, showShortcuts } from "./triage-dialogs.js";
import { VIEWS, applied, describe, inView, labelView, triageOf, undoOf, viewOf } from "./triage-rules.js";

const UNDO_MS = 5000;
const G_PREFIX_MS = 1500;
const same = (a, b) => a.id === b.id && (a.account ?? null) === (b.account ?? null);
let lastUndo = null, toastTimer = null, gPressedAt = 0;

/** The conversation an action is for: the open one, else the list's focused row. */
export function targetConversation() {
  if (!$("thread-view").hidden) return thread.conversation ?? null;
  const focused = document.activeElement;
  if (!focused?.matches?.("button.conversation")) return null;
  return state.items.find((c) => c.id === focused.dataset.id && (c.account ?? undefined) === (focused.dataset.account ?? undefined)) ?? null;
}

/** The views menu: the fixed views, then the labels the shown conversations carry. */
export function showViews() {
  const select = $("view");
  const labels = new Set(state.labels ?? []);
  for (const c of state.items) for (const label of triageOf(c).labels) labels.add(label);
  if (state.view.startsWith("label:")) labels.add(viewOf(state.view).label);
  const option = (id, name) => Object.assign(document.createElement("option"), { value: id, textContent: name });
  const group = document.createElement("optgroup");
  group.label = "Labels";
  group.append(...[...labels].sort((a, b) => a.localeCompare(b)).map((l) => option(labelView(l), l)));
  select.replaceChildren(...VIEWS.map((v) => option(v.id, v.name)), ...(group.children.length ? [group] : []));
  select.value = state.view;
  select.dataset.view = state.view;
  const name = viewOf(state.view).name;
  $("inbox-heading").textContent = name;
  $("view-name").textContent = name;
  $("view-banner").hidden = state.view === "inbox" || $("account-switch").hidden;
}

/** Shows the view `id` (VIEWS or a label): the list asks the proxy again. */
export function selectView(id) {
  state.view = viewOf(id).id;
  showViews();
  abortList();
  $("conversations").replaceChildren();
  $("conversations").dataset.triageView = state.view;
  resetWalker();
  refresh();
  announce(`${viewOf(state.view).name} view`);
}

function announce(text) {
  $("triage-status").textContent = "";
  requestAnimationFrame(() => { $("triage-status").textContent = text; });
}

function showToast(text, undoable) {
  clearTimeout(toastTimer);
  $("toast-text").textContent = text;
  $("toast-undo").hidden = !undoable;
  $("toast").hidden = false;
  toastTimer = setTimeout(() => { $("toast").hidden = true; lastUndo = null; }, UNDO_MS);
}

/** Takes the row of `conversation` out of the list, animated unless motion is reduced. */
function leave(conversation) {
  const button = [...$("conversations").querySelectorAll("button.conversation")].find((b) => b.dataset.id === conversation.id && (b.dataset.account ?? null) === (conversation.account ?? null));
  state.items = state.items.filter((c) => !same(c, conversation));
  if (!button) return;
  const item = button.parentElement;
  const next = item.nextElementSibling?.querySelector("button.conversation") ?? item.previousElementSibling?.querySelector("button.conversation");
  const hadFocus = item.contains(document.activeElement);
  const gone = () => { item.remove(); showPaging(); };
  if (matchMedia("(prefers-reduced-motion: reduce)").matches) gone();
  else {
    item.classList.add("leaving");
    item.addEventListener("animationend", gone, { once: true });
    setTimeout(gone, 400);
  }
  if (next) {
    for (const b of $("conversations").querySelectorAll("button.conversation")) b.tabIndex = b === next ? 0 : -1;
    if (hadFocus) next.focus();
  }
}

/** Shows `conversation` after its triage changed: a new row, or none when it left the view. */
function place(conversation) {
  const cached = state.cached?.items?.find((c) => same(c, conversation));
  if (cached && cached !== conversation) cached.triage = conversation.triage;
  if (state.cached) saveCachedInbox(state.cached);
  if (!inView(conversation, state.view, Date.now())) { leave(conversation); return; }
  const shown = state.items.some((c) => same(c, conversation));
  if (!shown) {
    // Undone: back where it was, by last activity.
    const at = (c) => c.lastActivityAt ?? c.latestMessage?.sentAt ?? 0;
    const items = [...state.items, conversation].sort((a, b) => at(b) - at(a));
    render(items, { append: false });
    return;
  }
  const button = [...$("conversations").querySelectorAll("button.conversation")].find((b) => b.dataset.id === conversation.id && (b.dataset.account ?? null) === (conversation.account ?? null));
  if (button) {
    const fresh = row(conversation);
    fresh.firstChild.tabIndex = button.tabIndex;
    const focused = document.activeElement === button;
    button.parentElement.replaceWith(fresh);
    if (focused) fresh.firstChild.focus();
  }
  showViews();
}

/**
 * Applies `changes` to `conversation` through the proxy, then shows the result: the row stays,
 * changes or leaves the view; a toast says what was done, with Undo (`undoing`: this is the undo).
 */
export async function applyTriage(conversation, changes, { undoing = false } = {}) {
  const before = triageOf(conversation);
  const previous = conversation.triage;
  const where = $("thread-view").hidden ? $("notice") : $("thread-notice");
  // Shown at once (the row leaves before the proxy answers, and before its pushed change
  // arrives), put back if the proxy refuses.
  conversation.triage = { ...previous, ...applied(before, changes) };
  if (!$("thread-view").hidden && !inView(conversation, state.view, Date.now())) backToInbox();
  place(conversation);
  try {
    const client = await clientFor(conversation);
    conversation.triage = await client.triage(conversation.id, changes, accountOption(conversation));
  } catch (error) {
    conversation.triage = previous;
    place(conversation);
    notify(where, error);
    return false;
  }
  place(conversation);
  const said = describe(changes, { result: conversation.triage });
  const text = undoing ? `Undone: ${said}` : said;
  lastUndo = undoing ? null : { conversation, changes: undoOf(before, changes) };
  showToast(text, !undoing);
  announce(text);
  return true;
}

export async function undo() {
  const last = lastUndo;
  if (!last || !Object.keys(last.changes).length) return;
  lastUndo = null;
  $("toast").hidden = true;
  await applyTriage(last.conversation, last.changes, { undoing: true });
}

/** The actions, by name: each asks what it needs (a time, labels, a text) then applies. */
export const ACTIONS = {
  archive: (c) => applyTriage(c, { archived: !triageOf(c).archived }),
  snooze: async (c) => {
    const until = await askSnooze(triageOf(c));
    if (until !== undefined) await applyTriage(c, { snoozedUntil: until });
  },
  star: (c) => applyTriage(c, { starred: !triageOf(c).starred }),
  label: async (c) => {
    const client = await clientFor(c);
    const known = await client.listLabels(accountOption(c)).then((labels) => labels.map((l) => l.name ?? l)).catch(() => []);
    const labels = await askLabels(triageOf(c).labels, known);
    if (labels && (labels.add.length || labels.remove.length)) await applyTriage(c, { labels });
  },
  note: async (c) => {
    const note = await askNote(triageOf(c).note);
    if (note !== undefined) await applyTriage(c, { note });
  },
};
const KEYS = { e: "archive", h: "snooze", s: "star", l: "label", n: "note" };
const GO = { i: "inbox", a: "archived", s: "starred", h: "snoozed" };

/** The triage keys (popup.js calls it for keys typed outside fields and dialogs): true when taken. */
export function triageKey(event) {
  const key = event.key;
  if (Date.now() - gPressedAt < G_PREFIX_MS && GO[key]) {
    gPressedAt = 0;
    if (!$("thread-view").hidden) backToInbox();
    selectView(GO[key]);
    return true;
  }
  gPressedAt = key === "g" ? Date.now() : 0;
  if (key === "g") return true;
  if (key === "z") { undo(); return true; }
  if (key === "?") { showShortcuts(); return true; }
  const action = KEYS[key];
  const conversation = action && targetConversation();
  if (!conversation) return false;
  ACTIONS[action](conversation);
  return true;
}

export function wireTriage() {
  $("view").addEventListener("change", (event) => selectView(event.target.value));
  $("toast-undo").addEventListener("click", undo);
  $("view-inbox").addEventListener("click", () => selectView("inbox"));
  $("thread-actions").addEventListener("click", () => {
    const c = thread.conversation;
    if (c) $("actions-dialog").dataset.archived = String(triageOf(c).archived);
    if (c) $("actions-dialog").dataset.starred = String(triageOf(c).starred);
    $("actions-dialog").showModal();
  });
  $("actions-dialog").addEventListener("click", (event) => {
    const name = event.target.closest("button[data-action]")?.dataset.action;
    if (!name) return;
    $("actions-dialog").close();
    if (name === "shortcuts") showShortcuts();
    else if (thread.conversation) ACTIONS[name](thread.conversation);
  });
  $("conversations").dataset.triageView = state.view;
  showViews();
}
