// The popup's triage rules (triage-rules.js): which view a conversation belongs in, the change
// that undoes an action, the snooze choices, and what an action is called.
import { test } from "node:test";
import assert from "node:assert/strict";
import { VIEWS, applied, describe, inView, labelView, snoozeChoices, triageOf, undoOf, viewOf } from "../triage-rules.js";

const NOW = Date.parse("2026-12-07T10:00:00Z");
const DAY = 86_400_000;
const conversation = (triage, latest = { fromSelf: false, sentAt: NOW - DAY }) => ({ id: "c", triage, latestMessage: latest });

test("views: inbox, starred, snoozed, archived, waiting on me, follow up and a label, by the proxy's rules", () => {
  const cases = [
    [conversation(undefined), ["inbox", "waiting-me"]],
    [conversation({ archived: true }), ["archived"]],
    [conversation({ snoozedUntil: NOW + 1000 }), ["snoozed"]],
    // A snooze that is due is back in the inbox (the proxy's alarm makes it so; the popup agrees).
    [conversation({ snoozedUntil: NOW - 1000 }), ["inbox", "waiting-me"]],
    [conversation({ starred: true, labels: ["hot"] }), ["inbox", "starred", "waiting-me", "label:hot"]],
    [conversation({ starred: true, archived: true }), ["starred", "archived"]],
    [conversation(undefined, { fromSelf: true, sentAt: NOW - 4 * DAY }), ["inbox", "waiting-them"]],
    [conversation(undefined, { fromSelf: true, sentAt: NOW - DAY }), ["inbox"]],
  ];
  const all = [...VIEWS.map((v) => v.id), "label:hot", "label:cold"];
  for (const [c, expected] of cases) {
    assert.deepEqual(all.filter((id) => inView(c, id, NOW)), expected, JSON.stringify(c));
  }
});

test("a view's name and query: the fixed ones, a label's, and the inbox for anything unknown", () => {
  assert.deepEqual(viewOf("archived").query, { view: "archived" });
  assert.deepEqual(viewOf("waiting-them").query, { view: "inbox", waiting: "them", quietDays: 3 });
  assert.deepEqual([viewOf(labelView("Q4 leads")).name, viewOf(labelView("Q4 leads")).query], ["Label: Q4 leads", { label: "Q4 leads" }]);
  assert.equal(viewOf("label:").id, "inbox");
  assert.equal(viewOf("nonsense").id, "inbox");
});

test("triage of an item: defaults when absent or odd", () => {
  assert.deepEqual(triageOf({}), { archived: false, snoozedUntil: null, starred: false, labels: [], note: null });
  assert.deepEqual(triageOf({ triage: { archived: "yes", snoozedUntil: "soon", labels: "x", note: 3 } }), { archived: false, snoozedUntil: null, starred: false, labels: [], note: null });
});

test("undo puts back exactly what the action changed", () => {
  const before = { archived: false, snoozedUntil: null, starred: true, labels: ["a"], note: "old" };
  assert.deepEqual(undoOf(before, { archived: true }), { archived: false });
  assert.deepEqual(undoOf(before, { snoozedUntil: NOW + DAY }), { snoozedUntil: null });
  assert.deepEqual(undoOf(before, { starred: false }), { starred: true });
  assert.deepEqual(undoOf(before, { note: null }), { note: "old" });
  assert.deepEqual(undoOf(before, { labels: { add: ["b"], remove: ["a"] } }), { labels: { add: ["a"], remove: ["b"] } });
  // Adding a label it had already, or removing one it did not have, changed nothing to undo.
  assert.deepEqual(undoOf(before, { labels: { add: ["a"], remove: ["z"] } }), {});
});

test("snooze choices: later today while before 21:00, tomorrow 08:00, next Monday 08:00, all ahead", () => {
  const morning = new Date(2026, 11, 7, 10, 0).getTime(); // a Monday, local time
  const [later, tomorrow, nextWeek] = snoozeChoices(morning);
  assert.deepEqual([later.id, new Date(later.until).getHours()], ["later", 13]);
  assert.deepEqual([new Date(tomorrow.until).getDate(), new Date(tomorrow.until).getHours()], [8, 8]);
  assert.deepEqual([new Date(nextWeek.until).getDay(), new Date(nextWeek.until).getDate()], [1, 14]);
  const evening = new Date(2026, 11, 9, 19, 30).getTime(); // Wednesday evening
  assert.deepEqual(snoozeChoices(evening).map((c) => c.id), ["tomorrow", "next-week"]);
  assert.ok(snoozeChoices(evening).every((c) => c.until > evening));
  assert.equal(new Date(snoozeChoices(evening)[1].until).getDate(), 14);
});

test("what an action is called", () => {
  assert.equal(describe({ archived: true }), "Archived");
  assert.equal(describe({ archived: false }), "Moved to the inbox");
  assert.equal(describe({ snoozedUntil: NOW }, { when: () => "Tue 08:00" }), "Snoozed until Tue 08:00");
  assert.equal(describe({ starred: true }, { result: { starred: true, starredOn: "linkedin" } }), "Starred on LinkedIn");
  assert.equal(describe({ starred: true }, { result: { starred: true, starredOn: "local" } }), "Starred here");
  const kept = { starred: false, starMirror: { state: "failed", starred: false, error: { code: "UPSTREAM_ERROR", message: "x" } } };
  assert.equal(describe({ starred: false }, { result: kept }), "Star removed here (still on LinkedIn)");
  assert.equal(describe({ starred: false }, { result: { starred: false } }), "Star removed");
  assert.equal(describe({ labels: { add: ["hot"], remove: ["cold"] } }), "Labelled hot; Label cold removed");
  assert.equal(describe({ note: "x" }), "Note saved");
});

test("a change applied at once, as the proxy will answer it", () => {
  const before = { archived: false, snoozedUntil: null, starred: false, labels: ["a", "b"], note: null };
  assert.deepEqual(applied(before, { archived: true, note: "x" }), { ...before, archived: true, note: "x" });
  assert.deepEqual(applied(before, { labels: { add: ["c", "a"], remove: ["b"] } }).labels, ["a", "c"]);
  assert.deepEqual(before.labels, ["a", "b"], "the state before is left as it was");
});
