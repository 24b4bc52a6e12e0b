// Triage in the popup, the pure part (no DOM, no chrome.*, no clock: `now` is passed in, so node
// tests it): the views and the query each asks the proxy for, whether a conversation belongs in
// a view (for pushed changes and for a row that leaves after an action), the change that undoes
// an action, the snooze times offered, and what an action is called on screen.

const DAY_MS = 86_400_000;
/** "Waiting on them": the proxy's default of quiet days, used by the Follow-up view. */
export const QUIET_DAYS = 3;

/** The views of the view menu, in order: `query` is what the list asks the proxy for. */
export const VIEWS = [
  { id: "inbox", name: "Inbox", query: { view: "inbox" } },
  { id: "starred", name: "Starred", query: { view: "starred" } },
  { id: "snoozed", name: "Snoozed", query: { view: "snoozed" } },
  { id: "archived", name: "Archived", query: { view: "archived" } },
  { id: "waiting-me", name: "Waiting on me", query: { view: "inbox", waiting: "me" } },
  { id: "waiting-them", name: "Follow up", query: { view: "inbox", waiting: "them", quietDays: QUIET_DAYS } },
];
const LABEL_VIEW = "label:";

/** The view `id` (one of VIEWS, or `label:<name>`): its name and query; the inbox when unknown. */
export function viewOf(id) {
  if (typeof id === "string" && id.startsWith(LABEL_VIEW) && id.length > LABEL_VIEW.length) {
    const label = id.slice(LABEL_VIEW.length);
    return { id, name: `Label: ${label}`, query: { label }, label };
  }
  return VIEWS.find((v) => v.id === id) ?? VIEWS[0];
}

export const labelView = (label) => `${LABEL_VIEW}${label}`;

/** A conversation's triage (items carry `triage` only when something is set). */
export function triageOf(conversation) {
  const t = conversation?.triage ?? {};
  return {
    archived: t.archived === true,
    snoozedUntil: Number.isFinite(t.snoozedUntil) ? t.snoozedUntil : null,
    starred: t.starred === true,
    labels: Array.isArray(t.labels) ? t.labels : [],
    note: typeof t.note === "string" ? t.note : null,
  };
}

const snoozed = (t, now) => t.snoozedUntil !== null && t.snoozedUntil > now;
const inInbox = (t, now) => !t.archived && !snoozed(t, now);

/** Whether `conversation` belongs in the view `id` at `now`, by the proxy's rules. */
export function inView(conversation, id, now) {
  const view = viewOf(id);
  const t = triageOf(conversation);
  const latest = conversation.latestMessage;
  switch (view.id) {
    case "inbox": return inInbox(t, now);
    case "starred": return t.starred;
    case "snoozed": return snoozed(t, now);
    case "archived": return t.archived;
    case "waiting-me": return inInbox(t, now) && !!latest && !latest.fromSelf;
    case "waiting-them": return inInbox(t, now) && !!latest?.fromSelf && (latest.sentAt ?? now) <= now - QUIET_DAYS * DAY_MS;
    default: return t.labels.includes(view.label);
  }
}

/** The change that puts back what `changes` altered, from the triage `before` it. */
export function undoOf(before, changes) {
  const undo = {};
  if ("archived" in changes) undo.archived = before.archived;
  if ("snoozedUntil" in changes) undo.snoozedUntil = before.snoozedUntil;
  if ("starred" in changes) undo.starred = before.starred;
  if ("note" in changes) undo.note = before.note;
  if (changes.labels) {
    const add = (changes.labels.remove ?? []).filter((l) => before.labels.includes(l));
    const remove = (changes.labels.add ?? []).filter((l) => !before.labels.includes(l));
    if (add.length || remove.length) undo.labels = { add, remove };
  }
  return undo;
}

/** The triage `before` with `changes` applied, as the proxy will answer it (shown at once). */
export function applied(before, changes) {
  const next = { ...before, labels: [...before.labels] };
  for (const key of ["archived", "snoozedUntil", "starred", "note"]) if (key in changes) next[key] = changes[key];
  if (changes.labels) {
    next.labels = next.labels.filter((l) => !(changes.labels.remove ?? []).includes(l));
    for (const label of changes.labels.add ?? []) if (!next.labels.includes(label)) next.labels.push(label);
  }
  return next;
}

/**
 * What `changes` did, for the toast and screen readers ("Archived", "Snoozed until Tue 08:00");
 * `result`: the triage the proxy answered, which says whether a star reached LinkedIn.
 */
export function describe(changes, { when = (ms) => new Date(ms).toLocaleString(), result } = {}) {
  if (changes.archived === true) return "Archived";
  if (changes.archived === false) return "Moved to the inbox";
  if ("snoozedUntil" in changes) return changes.snoozedUntil === null ? "Snooze removed" : `Snoozed until ${when(changes.snoozedUntil)}`;
  const failed = result?.starMirror?.state === "failed";
  if (changes.starred === true) return result?.starredOn === "linkedin" ? "Starred on LinkedIn" : "Starred here";
  if (changes.starred === false) return failed ? "Star removed here (still on LinkedIn)" : "Star removed";
  if ("note" in changes) return changes.note === null ? "Note removed" : "Note saved";
  if (changes.labels) {
    const { add = [], remove = [] } = changes.labels;
    return [add.length ? `Labelled ${add.join(", ")}` : "", remove.length ? `Label ${remove.join(", ")} removed` : ""].filter(Boolean).join("; ");
  }
  return "Done";
}

/** A local date at `hour`:00, `days` after `now`'s day. */
function at(now, days, hour) {
  const d = new Date(now);
  d.setDate(d.getDate() + days);
  d.setHours(hour, 0, 0, 0);
  return d.getTime();
}

/**
 * The snooze menu's choices at `now` (local time): later today (in 3 hours, while that is
 * before 21:00), tomorrow at 08:00, and next week (Monday 08:00).
 */
export function snoozeChoices(now) {
  const choices = [];
  const later = now + 3 * 3_600_000;
  if (later < at(now, 0, 21)) choices.push({ id: "later", name: "Later today", until: Math.ceil(later / 60_000) * 60_000 });
  choices.push({ id: "tomorrow", name: "Tomorrow", until: at(now, 1, 8) });
  const toMonday = ((8 - new Date(now).getDay()) % 7) || 7;
  choices.push({ id: "next-week", name: "Next week", until: at(now, toMonday, 8) });
  return choices;
}
