// The change feed's meaning for the badge, notifications and the list (changes.js), and the
// account helpers' texts (accounts.js): pure functions, in node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { accountLook, budgetText, severalAccounts, switcherText } from "../accounts.js";
import { badgeText, incomingToNotify, mergeChanged, messageId, messageKey, sumTotals, updateTotals } from "../changes.js";

const NOW = 1_771_950_346_603;
const conversation = (id, at, extra = {}) => ({
  id, account: "alex", lastActivityAt: at, isRead: true, unreadCount: 0,
  latestMessage: { id: `m-${id}-${at}`, text: "hi", sentAt: at, fromSelf: false }, ...extra,
});

test("badge text: empty for 0 or unknown, the number, 999+ past 999", () => {
  assert.deepEqual([null, undefined, 0, -1, NaN, 1, 42, 999, 1000].map(badgeText), ["", "", "", "", "", "1", "42", "999", "999+"]);
});

test("totals: a changes answer sets every account, a push frame one; unknown while an account has none", () => {
  let totals = updateTotals({}, { accounts: [{ id: "alex", unreadTotal: 3 }, { id: "priya", unreadTotal: null }] });
  assert.deepEqual(totals, { alex: 3, priya: null });
  assert.equal(sumTotals(totals), null);
  totals = updateTotals(totals, { type: "change", account: "priya", unreadTotal: 2 });
  assert.equal(sumTotals(totals), 5);
  assert.equal(sumTotals({}), null);
});

test("notifications: someone else's unread newest message, once, not an old one marked unread", () => {
  const since = NOW;
  const fresh = conversation("a", NOW + 1000, { isRead: false, unreadCount: 1 });
  const own = conversation("b", NOW + 1000, { isRead: false, unreadCount: 1, latestMessage: { id: "m2", sentAt: NOW + 1000, fromSelf: true } });
  const read = conversation("c", NOW + 1000);
  const old = conversation("d", NOW - 3_600_000, { isRead: false, unreadCount: 1 });
  const found = incomingToNotify([fresh, own, read, old, fresh], { since });
  assert.deepEqual(found.map((f) => f.conversation.id), ["a"], "one notification, for the incoming one");
  assert.equal(found[0].key, messageKey(fresh));
  assert.deepEqual(incomingToNotify([fresh], { since, notified: [found[0].key] }), [], "never twice");
  const other = { ...fresh, account: "priya" };
  assert.equal(incomingToNotify([other], { since, notified: [found[0].key] }).length, 1, "the same thread id in another account is another message");
});

test("merge: a changed conversation replaces its copy and moves by activity; the view's filters apply", () => {
  const items = [conversation("a", 30), conversation("b", 20), conversation("c", 10)];
  assert.deepEqual(mergeChanged(items, [conversation("c", 40)]).map((c) => c.id), ["c", "a", "b"]);
  assert.deepEqual(mergeChanged(items, [conversation("n", 25)]).map((c) => c.id), ["a", "n", "b", "c"]);
  assert.deepEqual(mergeChanged(items, [conversation("n", 5)]).map((c) => c.id), ["a", "b", "c"], "an older newcomer waits for its page");
  assert.deepEqual(mergeChanged(items, [conversation("n", 5)], { complete: true }).map((c) => c.id), ["a", "b", "c", "n"]);
  assert.deepEqual(mergeChanged(items, [conversation("a", 5)]).map((c) => c.id), ["b", "c", "a"], "a shown one stays");
  assert.deepEqual(mergeChanged(items, [conversation("n", 50, { account: "priya" })], { account: "alex" }).map((c) => c.id), ["a", "b", "c"], "another account's");
  assert.deepEqual(mergeChanged(items, [conversation("b", 20)], { unread: true }).map((c) => c.id), ["a", "c"], "read now: out of the unread view");
  const same = [conversation("a", 30), { ...conversation("a", 20), account: "priya" }];
  assert.deepEqual(mergeChanged(same, [conversation("a", 35)]).map((c) => c.account), ["alex", "priya"], "one account's copy only");
});

test("accounts: switcher texts, looks, budgets", () => {
  assert.equal(switcherText("All accounts", 7), "All accounts (7 unread)");
  assert.equal(switcherText("Alex Morgan", 0), "Alex Morgan");
  assert.equal(switcherText("Alex Morgan", null), "Alex Morgan");
  const accounts = [{ id: "alex", label: "Alex Morgan" }, { id: "titouan", label: "titouan" }];
  assert.equal(severalAccounts(accounts), true);
  assert.equal(severalAccounts(accounts.slice(1)), false);
  assert.equal(severalAccounts(null), false);
  const [a, t] = accounts.map((x) => accountLook(accounts, x.id));
  assert.equal(a.initial, "A");
  assert.equal(t.initial, "T");
  assert.notEqual(a.colour, t.colour);
  assert.equal(accountLook(accounts, "nobody"), null);
  // An account keeps its colour when the list changes (another added, one removed, reordered).
  const team = [{ id: "alex", label: "Alex Morgan" }, { id: "titouan", label: "Titouan Prioux" }, { id: "priya", label: "Priya Iyer" }];
  for (const changed of [team.slice(1), [team[2], team[0]], [...team, { id: "sam", label: "Sam" }].reverse()]) {
    for (const { id } of changed.filter((a) => a.id !== "sam")) assert.equal(accountLook(changed, id).colour, accountLook(team, id).colour, id);
  }
  assert.equal(new Set(team.map((a) => accountLook(team, a.id).colour)).size, 3, "the demo's three accounts differ");
  assert.equal(budgetText({ connectsafelyCalls: 140, linkupCredits: null, sends: 1 }), "Left today: 140 ConnectSafely calls, 1 send");
  assert.equal(budgetText({ connectsafelyCalls: null }), "");
});

test("one message, one key: a pushed messagingMessage URN and the synced msg_message form notify once", () => {
  // The forms of the core's own test (src/ids.rs, every_message_form_yields_the_same_message_id).
  for (const form of [
    "urn:li:msg_message:(urn:li:fsd_profile:ACoAA_x-1,2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=)",
    "urn:li:messagingMessage:2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=",
    "2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=",
    " 2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA= ",
  ]) assert.equal(messageId(form), "2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=", form);
  assert.equal(messageId("urn:li:messagingMessage:abc123"), "abc123");
  assert.equal(messageId("urn:li:messagingMessage:"), "urn:li:messagingMessage:");
  assert.equal(messageId("msg-1"), "msg-1");
  const conversation = (id) => ({ account: "titouan", id: "2-T", isRead: false, unreadCount: 1, latestMessage: { id, sentAt: Date.now(), fromSelf: false } });
  const pushed = conversation("urn:li:messagingMessage:2-MSG");
  const synced = conversation("urn:li:msg_message:(urn:li:fsd_profile:OWNER,2-MSG)");
  assert.equal(messageKey(pushed), messageKey(synced));
  const first = incomingToNotify([pushed]);
  assert.equal(first.length, 1);
  assert.deepEqual(incomingToNotify([synced], { notified: first.map((f) => f.key) }), []);
});
