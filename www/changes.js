// What the proxy's change feed (GET /v1/changes, the push channel's frames) means for
// the toolbar badge, the notifications and an open inbox list. Pure: no chrome.*, no DOM, no
// clock (times are passed in), so the service worker and the popup share it and node tests it.

/** The badge's text for an unread total: nothing for 0 or unknown (null), "999+" past 999. */
export function badgeText(total) {
  if (!Number.isFinite(total) || total <= 0) return "";
  return total > 999 ? "999+" : String(total);
}

/**
 * Each account's unread total after a change: `totals` ({ id: n }) updated from a `changes`
 * answer's `accounts` or one push frame (`{ account, unreadTotal }`).
 */
export function updateTotals(totals, change) {
  const next = { ...totals };
  for (const { id, unreadTotal } of change.accounts ?? []) next[id] = unreadTotal ?? null;
  if (change.account && "unreadTotal" in change) next[change.account] = change.unreadTotal ?? null;
  return next;
}

/** The sum of the accounts' totals; null while any account has none yet (before its first sync). */
export function sumTotals(totals) {
  const values = Object.values(totals);
  if (!values.length || values.some((n) => !Number.isFinite(n))) return null;
  return values.reduce((a, b) => a + b, 0);
}

/**
 * Unread as the core defines it (`Conversation::is_unread`): unread messages, or not marked
 * read. A copy, so the first paint does not wait for the wasm; www/test/changes-core.test.mjs
 * checks it against the core's.
 */
export const isUnread = (c) => !c.isRead || c.unreadCount > 0;

/**
 * The LinkedIn message id inside any form of a message id, as the core's `message_id` reads
 * it (`src/ids.rs`; www/test/changes-core.test.mjs checks it against the core's): the `<id>` of
 * `urn:li:msg_message:(<owner>,<id>)` and of `urn:li:messagingMessage:<id>`, a bare id as it
 * is. A pushed message and the same message synced later carry different forms.
 */
export function messageId(id) {
  const text = String(id ?? "").trim();
  const tuple = "urn:li:msg_message:(";
  if (text.startsWith(tuple)) {
    const inner = text.slice(tuple.length).replace(/\)$/, "");
    return inner.slice(inner.lastIndexOf(",") + 1).trim();
  }
  const urn = "urn:li:messagingMessage:";
  return text.startsWith(urn) && text.length > urn.length ? text.slice(urn.length) : text;
}

/** A key naming one message of one account's conversation, for "notified once". */
export function messageKey(conversation) {
  const latest = conversation.latestMessage ?? {};
  const message = latest.id === undefined || latest.id === null ? latest.sentAt ?? "" : messageId(latest.id);
  return `${conversation.account ?? ""}|${conversation.id}|${message}`;
}

/** How far before the watch began a message may have been sent and still be news. */
const LATE_MS = 5 * 60_000;

/**
 * The changed conversations worth a notification: the newest message is someone else's, the
 * conversation is unread, it was not notified before (`notified`: keys of messageKey), and it
 * was sent after the watch began (`since`, epoch ms, less 5 min): marking an old conversation
 * unread is no news.
 */
export function incomingToNotify(conversations, { notified = [], since = 0 } = {}) {
  const seen = new Set(notified);
  const fresh = [];
  for (const conversation of conversations) {
    const latest = conversation.latestMessage;
    if (!latest || latest.fromSelf || !isUnread(conversation)) continue;
    if (Number.isFinite(latest.sentAt) && latest.sentAt < since - LATE_MS) continue;
    const key = messageKey(conversation);
    if (seen.has(key)) continue;
    seen.add(key);
    fresh.push({ key, conversation });
  }
  return fresh;
}

const activity = (c) => c.lastActivityAt ?? c.latestMessage?.sentAt ?? 0;
const sameConversation = (a, b) => a.id === b.id && (a.account ?? null) === (b.account ?? null);

/**
 * The inbox list `items` (newest first) after `changed` conversations: each replaces its old
 * copy and moves to its place by last activity. `view` says what the list shows: `account`
 * ("all" or an id), `unread` (only unread ones) and `keep` (the triage view's own rule, e.g.
 * not archived); a changed conversation outside it leaves.
 * `complete`: the list holds the whole inbox, so an older newcomer joins it too (otherwise
 * only one newer than the last row shown, or one already shown: the next page brings the others).
 */
export function mergeChanged(items, changed, { account = "all", unread = false, complete = false, keep = () => true } = {}) {
  let next = [...items];
  for (const conversation of changed) {
    const shown = next.some((c) => sameConversation(c, conversation));
    next = next.filter((c) => !sameConversation(c, conversation));
    const inView = (account === "all" || conversation.account === account) && (!unread || isUnread(conversation)) && keep(conversation);
    if (!inView) continue;
    const at = activity(conversation);
    const index = next.findIndex((c) => activity(c) < at);
    if (index >= 0) next.splice(index, 0, conversation);
    else if (complete || shown) next.push(conversation);
  }
  return next;
}
