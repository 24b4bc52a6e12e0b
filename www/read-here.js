// Conversations read here: opening one in the popup reads it, but LinkedIn (and so the proxy)
// still counts it unread unless the options' "mark read on LinkedIn" is on. The popup's own
// read marks are kept (chrome.storage.local, where the service worker reads them for the badge)
// until the conversation changes again: a newer message, or the proxy saying it is read, ends
// a mark. Pure apart from load/save.
import { isUnread, messageId } from "./changes.js";

const KEY = "read-here-v1";
const KEPT = 500;
const ext = typeof chrome !== "undefined" && chrome.runtime?.id && chrome.storage?.local ? chrome : null;

/** A mark's key: one account's conversation (the same thread may be in two accounts). */
export const readKey = (conversation) => `${conversation.account ?? ""}|${conversation.id}`;

export async function loadReadHere() {
  if (ext) return (await ext.storage.local.get(KEY))[KEY] ?? {};
  try { return JSON.parse(localStorage.getItem(KEY)) ?? {}; } catch { return {}; }
}

export async function saveReadHere(marks) {
  const kept = Object.fromEntries(Object.entries(marks).sort((a, b) => b[1].at - a[1].at).slice(0, KEPT));
  if (ext) await ext.storage.local.set({ [KEY]: kept });
  else try { localStorage.setItem(KEY, JSON.stringify(kept)); } catch { /* full */ }
}

/** Whether the storage change `changes` (chrome.storage.onChanged) touched the marks. */
export const marksChanged = (changes) => KEY in changes;

/** A mark for `conversation` as it is now (its newest message), which the proxy counts unread or not. */
export function markOf(conversation, { proxyUnread = isUnread(conversation), at = Date.now() } = {}) {
  const latest = conversation.latestMessage ?? {};
  return { account: conversation.account ?? null, message: latest.id == null ? null : messageId(latest.id), sentAt: latest.sentAt ?? null, proxyUnread, at };
}

/** Whether `conversation` has a message newer than the one `mark` was made at. */
function changedSince(conversation, mark) {
  const latest = conversation.latestMessage;
  if (!latest) return false;
  if (latest.id != null && mark.message != null && messageId(latest.id) === mark.message) return false;
  if (Number.isFinite(latest.sentAt) && Number.isFinite(mark.sentAt)) return latest.sentAt > mark.sentAt;
  return true;
}

/**
 * The proxy's copies `conversations` with the marks applied: a marked one it still counts
 * unread, with no newer message, shows read. `marks` is updated in place (marks the proxy's
 * copy ends are removed, what the proxy counts is noted); returns whether `marks` changed.
 */
export function applyReadHere(conversations, marks) {
  let changed = false;
  for (const conversation of conversations) {
    const key = readKey(conversation);
    const mark = marks[key];
    if (!mark) continue;
    if (!isUnread(conversation) || changedSince(conversation, mark)) {
      delete marks[key];
      changed = true;
      continue;
    }
    if (!mark.proxyUnread) changed = mark.proxyUnread = true;
    conversation.isRead = true;
    conversation.unreadCount = 0;
  }
  return changed;
}

/** How many conversations the proxy counts unread that were read here: `account` (an id) or all. */
export function readHereCount(marks, account = null) {
  return Object.values(marks).filter((m) => m.proxyUnread && (account === null || m.account === account)).length;
}

/** An unread total (the proxy's) less the conversations read here; unknown (null) stays so. */
export function lessReadHere(total, marks, account = null) {
  return Number.isFinite(total) ? Math.max(0, total - readHereCount(marks, account)) : total;
}
