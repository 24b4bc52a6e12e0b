// The conversation list: rows built with textContent only (upstream text is never HTML).
import { initials, relativeTime, usablePicture } from "./format.js";

export function avatar(participant, now = Date.now()) {
  const box = document.createElement("span");
  box.className = "avatar";
  box.setAttribute("aria-hidden", "true");
  const fallback = () => { box.replaceChildren(); box.textContent = initials(participant?.name); box.classList.add("initials"); };
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

function text(tag, className, value) {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = value ?? "";
  return el;
}

export function preview(conversation) {
  const latest = conversation.latestMessage;
  if (!latest) return "";
  const body = latest.text || (latest.hasAttachment ? "Sent an attachment" : "—");
  return latest.fromSelf ? `You: ${body}` : body;
}

export function conversationRow(conversation, onOpen, now = Date.now()) {
  const first = conversation.participants[0];
  const names = conversation.participants.map((p) => p.name).filter(Boolean).join(", ") || "LinkedIn member";
  const unread = !conversation.isRead || conversation.unreadCount > 0;
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.className = `conversation${unread ? " unread" : ""}`;
  button.dataset.id = conversation.id;
  const time = relativeTime(conversation.lastActivityAt ?? conversation.latestMessage?.sentAt, now);
  const lines = document.createElement("span");
  lines.className = "lines";
  const top = document.createElement("span");
  top.className = "top";
  top.append(text("span", "name", names), text("time", "time", time));
  const bottom = document.createElement("span");
  bottom.className = "bottom";
  bottom.append(text("span", "preview", preview(conversation)));
  if (unread) bottom.append(text("span", "badge", String(conversation.unreadCount || "•")));
  lines.append(top, text("span", "headline", first?.headline ?? ""), bottom);
  button.append(avatar(first, now), lines);
  button.setAttribute("aria-label", `${names}${unread ? `, ${conversation.unreadCount || ""} unread` : ""}, ${time}: ${preview(conversation)}`);
  button.addEventListener("click", () => onOpen(conversation));
  item.append(button);
  return item;
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

/** Arrow keys move between rows; Home/End jump. */
export function listKeyboard(list) {
  list.addEventListener("keydown", (event) => {
    const rows = [...list.querySelectorAll("button.conversation")];
    const index = rows.indexOf(document.activeElement);
    if (index < 0) return;
    const target = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: rows.length - 1 }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    rows[Math.max(0, Math.min(rows.length - 1, target))]?.focus();
  });
}
