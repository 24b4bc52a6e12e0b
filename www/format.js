// Pure display helpers: relative times, day labels, full dates, initials, avatar colours,
// picture freshness. Dates follow the browser's locale (`navigator.language`) unless a
// locale is passed; "Yesterday" is the previous calendar day, not `now − 24 h` (DST).

const MINUTE = 60_000, HOUR = 60 * MINUTE;
const formats = new Map();

/** The user's locale: the browser's, or `undefined` (the runtime default) outside one. */
export function userLocale() {
  return globalThis.navigator?.language || undefined;
}

function format(locale, options) {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat(locale, options));
  return formats.get(key);
}

/** Local calendar days between two instants (`now`'s day minus `ms`'s day), DST-proof. */
export function calendarDaysBetween(ms, now) {
  const a = new Date(ms), b = new Date(now);
  const dayA = Date.UTC(a.getFullYear(), a.getMonth(), a.getDate());
  const dayB = Date.UTC(b.getFullYear(), b.getMonth(), b.getDate());
  return Math.round((dayB - dayA) / 86_400_000);
}

/** "now", "3 min", "2:05 PM"/"14:05" (today), "Tue" (this week), "12 Mar", "12 Mar 2024". */
export function relativeTime(ms, now = Date.now(), locale = userLocale()) {
  if (!ms) return "";
  const diff = now - ms;
  if (diff >= 0 && diff < MINUTE) return "now";
  if (diff >= 0 && diff < HOUR) return `${Math.floor(diff / MINUTE)} min`;
  const days = calendarDaysBetween(ms, now);
  const then = new Date(ms);
  if (days === 0) return timeOfDay(ms, locale);
  if (days > 0 && days < 6) return format(locale, { weekday: "short" }).format(then);
  const sameYear = then.getFullYear() === new Date(now).getFullYear();
  return format(locale, sameYear ? { day: "numeric", month: "short" } : { day: "numeric", month: "short", year: "numeric" }).format(then);
}

/** "Today", "Yesterday", or the full day ("Tuesday 12 March 2024" in en-GB). */
export function dayLabel(ms, now = Date.now(), locale = userLocale()) {
  const days = calendarDaysBetween(ms, now);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return format(locale, { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(new Date(ms));
}

/**
 * A thread's day separator: "Today", "Yesterday", the weekday within the week ("Mon"), else
 * the day and month ("12 Feb"), with the year when not this year ("12 Feb 2025").
 */
export function shortDayLabel(ms, now = Date.now(), locale = userLocale()) {
  const days = calendarDaysBetween(ms, now);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  const then = new Date(ms);
  if (days > 1 && days < 7) return format(locale, { weekday: "short" }).format(then);
  const sameYear = then.getFullYear() === new Date(now).getFullYear();
  return format(locale, sameYear ? { day: "numeric", month: "short" } : { day: "numeric", month: "short", year: "numeric" }).format(then);
}

/** The time of day in the locale's clock (12 h in en-US, 24 h in en-GB). */
export function timeOfDay(ms, locale = userLocale()) {
  return format(locale, { timeStyle: "short" }).format(new Date(ms));
}

/** Date and time in full, for accessible names and tooltips. */
export function fullDate(ms, locale = userLocale()) {
  if (!ms) return "";
  return format(locale, { dateStyle: "full", timeStyle: "short" }).format(new Date(ms));
}

/** "updated just now", "updated 5 min ago", "updated 2 h ago". */
/** How long ago `ms` was: "just now", "12 min ago", "3 h ago", "2 days ago". */
export function ago(ms, now = Date.now()) {
  const diff = Math.max(0, now - ms);
  if (diff < MINUTE) return "just now";
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)} min ago`;
  if (diff < 48 * HOUR) return `${Math.floor(diff / HOUR)} h ago`;
  return `${Math.floor(diff / (24 * HOUR))} days ago`;
}


export function initials(name) {
  const letters = (name ?? "").trim().split(/\s+/).filter(Boolean).map((part) => [...part][0]);
  return (letters.length > 1 ? letters[0] + letters[letters.length - 1] : letters[0] ?? "?").toUpperCase();
}

// Background hues for initials avatars: each holds 4.5:1 with white text.
const AVATAR_COLOURS = ["#8f3f97", "#1f6f8b", "#2e7d32", "#b23c17", "#5c4bb5", "#00796b", "#ad1457", "#6d4c41", "#3f51b5", "#7a5c00"];

/** A stable colour for a person (same name or id, same colour on every open). */
export function avatarColour(key) {
  let hash = 2166136261;
  for (const char of key ?? "") hash = Math.imul(hash ^ char.codePointAt(0), 16777619) >>> 0;
  return AVATAR_COLOURS[hash % AVATAR_COLOURS.length];
}

/** A picture URL that should still load: present and not past its `e=` expiry. */
export function usablePicture(participant, now = Date.now()) {
  if (!participant?.pictureUrl || !/^https:\/\//.test(participant.pictureUrl)) return null;
  if (participant.pictureExpiresAt && participant.pictureExpiresAt <= now) return null;
  return participant.pictureUrl;
}
