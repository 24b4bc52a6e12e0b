// Pure display helpers: relative times, day labels, initials, picture freshness.

const MINUTE = 60_000, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
const weekday = new Intl.DateTimeFormat("en-GB", { weekday: "short" });
const dayMonth = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short" });
const dayMonthYear = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric" });
const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
const longDay = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric" });

/** "now", "3 min", "14:05" (today), "Tue" (this week), "12 Mar", "12 Mar 2024". */
export function relativeTime(ms, now = Date.now()) {
  if (!ms) return "";
  const diff = now - ms;
  if (diff < MINUTE) return "now";
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)} min`;
  const then = new Date(ms), today = new Date(now);
  if (then.toDateString() === today.toDateString()) return clock.format(then);
  if (diff < 6 * DAY) return weekday.format(then);
  return then.getFullYear() === today.getFullYear() ? dayMonth.format(then) : dayMonthYear.format(then);
}

export function dayLabel(ms, now = Date.now()) {
  const then = new Date(ms), today = new Date(now);
  if (then.toDateString() === today.toDateString()) return "Today";
  if (new Date(now - DAY).toDateString() === then.toDateString()) return "Yesterday";
  return longDay.format(then);
}

export function timeOfDay(ms) {
  return clock.format(new Date(ms));
}

export function initials(name) {
  const letters = (name ?? "").trim().split(/\s+/).filter(Boolean).map((part) => [...part][0]);
  return (letters.length > 1 ? letters[0] + letters[letters.length - 1] : letters[0] ?? "?").toUpperCase();
}

/** A picture URL that should still load: present and not past its `e=` expiry. */
export function usablePicture(participant, now = Date.now()) {
  if (!participant?.pictureUrl || !/^https:\/\//.test(participant.pictureUrl)) return null;
  if (participant.pictureExpiresAt && participant.pictureExpiresAt <= now) return null;
  return participant.pictureUrl;
}
