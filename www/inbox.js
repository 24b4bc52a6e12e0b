// The conversation list: rows built with textContent only (upstream text is never HTML), one
// Tab stop for the whole list (roving tabindex), matches of the search highlighted.
import { accountMarker } from "./accounts.js";
import { isUnread } from "./changes.js";
import { avatarColour, fullDate, initials, relativeTime, usablePicture } from "./format.js";
import { matchRanges, matchesAll } from "./search.js";
import { triageOf } from "./triage-rules.js";

function oneAvatar(participant, now, className = "avatar") {
  const box = document.createElement("span");
  box.className = className;
  box.setAttribute("aria-hidden", "true");
  const fallback = () => {
    box.replaceChildren();
    // A group's small avatars overlap: one letter each stays readable.
    box.textContent = className.includes("small") ? [...initials(participant?.name)][0] : initials(participant?.name);
    box.classList.add("initials");
    box.style.backgroundColor = avatarColour(participant?.profileUrl || participant?.name || "");
  };
  const url = usablePicture(participant, now);
  if (!url) { fallback(); return box; }
  const img = document.createElement("img");
  img.alt = "";
  img.loading = "lazy";
  img.referrerPolicy = "no-referrer";
  img.addEventListener("error", fallback, { once: true });
  img.src = url;
  box.append(img);
  return box;
}

/** One avatar, or the first two participants' overlapped for a group conversation. */
export function avatar(participants, now = Date.now()) {
  const people = Array.isArray(participants) ? participants : [participants];
  if (people.length < 2) return oneAvatar(people[0], now);
  const group = document.createElement("span");
  group.className = "avatar group";
  group.setAttribute("aria-hidden", "true");
  group.append(oneAvatar(people[0], now, "avatar small"), oneAvatar(people[1], now, "avatar small"));
  return group;
}

/** `value` as text nodes, each part the search's rule matches (search.js) inside a <mark>. */
export function highlighted(value, query) {
  const text = value ?? "";
  const parts = [];
  let at = 0;
  for (const [start, end] of matchRanges(text, query)) {
    if (start > at) parts.push(document.createTextNode(text.slice(at, start)));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    parts.push(mark);
    at = end;
  }
  if (at < text.length || !parts.length) parts.push(document.createTextNode(text.slice(at)));
  return parts;
}

/** Text only screen readers read ("screen": hidden on screen) or only eyes see ("sr"). */
function hiddenFrom(who, value) {
  const el = document.createElement("span");
  if (who === "screen") el.className = "visually-hidden";
  else el.setAttribute("aria-hidden", "true");
  el.textContent = value;
  return el;
}

function text(tag, className, value, query = "") {
  const el = document.createElement(tag);
  el.className = className;
  el.dir = "auto";
  el.append(...highlighted(value, query));
  return el;
}

/** The preview of a conversation whose newest message has no text nor attachment. */
export const EMPTY_PREVIEW = "LinkedIn update";

export function preview(conversation) {
  const latest = conversation.latestMessage;
  if (!latest) return "";
  // Text with an attachment mentions it (📎 before the text); an attachment alone is said.
  if (latest.text) return `${latest.fromSelf ? "You: " : ""}${latest.hasAttachment ? "📎 " : ""}${latest.text}`;
  if (latest.hasAttachment) return `${latest.fromSelf ? "You: " : ""}Sent an attachment`;
  // Neither: a LinkedIn event without text (a system message); the list item carries no earlier message.
  return EMPTY_PREVIEW;
}

export { isUnread };

export function participantNames(conversation) {
  return (conversation.participants ?? []).map((p) => p?.name).filter(Boolean).join(", ") || "LinkedIn member";
}


/** Whether a cached conversation matches what the user typed (names, headline, preview), by search.js's rule. */
export function matches(conversation, query) {
  return matchesAll([participantNames(conversation), conversation.participants?.[0]?.headline ?? "", preview(conversation)], query);
}

/**
 * One row; `account` (the All accounts view of several accounts: `accountLook`) adds its
 * marker on the avatar and its label to the row's accessible name.
 */
export function conversationRow(conversation, onOpen, { now = Date.now(), query = "", account = null } = {}) {
  const participants = conversation.participants ?? [];
  const names = participantNames(conversation);
  const unread = isUnread(conversation);
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.className = `conversation${unread ? " unread" : ""}`;
  button.dataset.id = conversation.id;
  if (conversation.account) button.dataset.account = conversation.account;
  button.tabIndex = -1;
  const at = conversation.lastActivityAt ?? conversation.latestMessage?.sentAt;
  // Two lines: name and time, then the preview (the headline is in the thread's header). The
  // accessible name is the row's own text: name, time (short on screen, in full for screen
  // readers), unread state, preview.
  const time = document.createElement("time");
  time.className = "time";
  if (at) {
    time.dateTime = new Date(at).toISOString();
    time.title = fullDate(at);
    time.append(hiddenFrom("sr", relativeTime(at, now)), hiddenFrom("screen", `, ${fullDate(at)}`));
  }
  const lines = document.createElement("span");
  lines.className = "lines";
  const top = document.createElement("span");
  top.className = "row-top";
  top.append(text("span", "name", names, query), ...triageMarks(conversation, now), time);
  const bottom = document.createElement("span");
  bottom.className = "row-bottom";
  bottom.append(text("span", "preview", preview(conversation), query));
  const count = conversation.unreadCount;
  if (unread) {
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.append(hiddenFrom("sr", String(count || "•")));
    bottom.append(badge);
  }
  const state = `${unread ? (count > 0 ? `, unread, ${count} new ${count === 1 ? "message" : "messages"}` : ", unread") : ""}${triageSaid(conversation, now)}, `;
  lines.append(top, ...(account ? [hiddenFrom("screen", `, account ${account.label}`)] : []), hiddenFrom("screen", state), bottom);
  if (account) {
    const slot = document.createElement("span");
    slot.className = "avatar-slot";
    slot.append(avatar(participants, now), accountMarker(account));
    button.append(slot, lines);
  } else {
    button.append(avatar(participants, now), lines);
  }
  button.addEventListener("click", () => onOpen(conversation));
  item.append(button);
  return item;
}

/** A row's triage marks (triage-rules.js): a star, a snooze's wake time, up to two labels. */
function triageMarks(conversation, now) {
  const t = triageOf(conversation);
  const marks = document.createElement("span");
  marks.className = "row-marks";
  marks.setAttribute("aria-hidden", "true");
  if (t.starred) marks.append(Object.assign(document.createElement("span"), { className: "star", textContent: "★" }));
  if (t.snoozedUntil !== null && t.snoozedUntil > now) marks.append(Object.assign(document.createElement("span"), { className: "snoozed", textContent: `⏰ ${relativeTime(t.snoozedUntil, now)}` }));
  for (const label of t.labels.slice(0, 2)) marks.append(Object.assign(document.createElement("span"), { className: "row-label", textContent: label, dir: "auto" }));
  if (t.labels.length > 2) marks.append(Object.assign(document.createElement("span"), { textContent: `+${t.labels.length - 2}` }));
  return marks.children.length ? [marks] : [];
}

/** What the marks say to screen readers, in the row's accessible name. */
function triageSaid(conversation, now) {
  const t = triageOf(conversation);
  return [t.starred ? ", starred" : "", t.snoozedUntil !== null && t.snoozedUntil > now ? `, snoozed until ${fullDate(t.snoozedUntil)}` : "",
    t.labels.length ? `, ${t.labels.length === 1 ? "label" : "labels"} ${t.labels.join(", ")}` : "", t.note ? ", has a note" : ""].join("");
}

export function skeletonRows(count) {
  return Array.from({ length: count }, () => {
    const item = document.createElement("li");
    item.className = "skeleton";
    item.setAttribute("aria-hidden", "true");
    const lines = document.createElement("span");
    lines.className = "lines";
    lines.append(document.createElement("span"), document.createElement("span"));
    const circle = document.createElement("span");
    circle.className = "avatar";
    item.append(circle, lines);
    return item;
  });
}

const rowsOf = (list) => [...list.querySelectorAll("button.conversation")];

/** Makes `row` the list's one Tab stop (roving tabindex); focuses it when `focus`. */
export function setActiveRow(list, row, { focus = false } = {}) {
  for (const other of rowsOf(list)) other.tabIndex = other === row ? 0 : -1;
  if (row && focus) row.focus();
}

/** Keeps exactly one row tabbable: the one with `id` if shown, else the first. */
export function ensureActiveRow(list, id = null) {
  const rows = rowsOf(list);
  const row = rows.find((r) => r.dataset.id === id) ?? rows.find((r) => r.tabIndex === 0) ?? rows[0];
  setActiveRow(list, row);
  return row;
}

/** j/k and the arrow keys move between rows, Home/End jump; Enter opens (a button). */
export function listKeyboard(list) {
  list.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const rows = rowsOf(list);
    const index = rows.indexOf(document.activeElement);
    if (index < 0) return;
    const target = { ArrowDown: index + 1, j: index + 1, ArrowUp: index - 1, k: index - 1, Home: 0, End: rows.length - 1 }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    setActiveRow(list, rows[Math.max(0, Math.min(rows.length - 1, target))], { focus: true });
  });
  list.addEventListener("focusin", (event) => {
    if (event.target.matches?.("button.conversation")) setActiveRow(list, event.target);
  });
}
