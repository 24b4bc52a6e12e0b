// Unit tests of the popup's date formatting (locales, DST, today/yesterday/older) and of the
// error explanation that works without the wasm. Plain node: TZ is set per test run below.
import { test } from "node:test";
import assert from "node:assert/strict";
import { calendarDaysBetween, dayLabel, shortDayLabel, fullDate, relativeTime, timeOfDay, ago, avatarColour, initials } from "../format.js";
import { explain, CORE_MISSING, SETUP_NEEDED } from "../explain.js";

// The popup runs in the user's zone; these tests pin one with DST (Europe/London) at import.
assert.equal(process.env.TZ, "Europe/London", "run with TZ=Europe/London (scripts/test-popup.sh does)");

const at = (iso) => new Date(iso).getTime();

test("time of day follows the locale's clock: 12 h in en-US, 24 h in en-GB", () => {
  const ms = at("2026-03-10T14:05:00Z");
  assert.match(timeOfDay(ms, "en-US"), /^2:05\s?PM$/);
  assert.equal(timeOfDay(ms, "en-GB"), "14:05");
  assert.equal(timeOfDay(ms, "de-DE"), "14:05");
});

test("relative time: now, minutes, today's clock, weekday, day and month, with year", () => {
  const now = at("2026-03-10T15:00:00Z");
  assert.equal(relativeTime(now - 20_000, now, "en-GB"), "now");
  assert.equal(relativeTime(now - 7 * 60_000, now, "en-GB"), "7 min");
  assert.equal(relativeTime(at("2026-03-10T09:30:00Z"), now, "en-GB"), "09:30");
  assert.match(relativeTime(at("2026-03-10T09:30:00Z"), now, "en-US"), /^9:30\s?AM$/);
  assert.equal(relativeTime(at("2026-03-08T09:30:00Z"), now, "en-GB"), "Sun");
  assert.equal(relativeTime(at("2026-01-02T09:30:00Z"), now, "en-GB"), "2 Jan");
  assert.equal(relativeTime(at("2026-01-02T09:30:00Z"), now, "en-US"), "Jan 2");
  assert.equal(relativeTime(at("2025-12-24T09:30:00Z"), now, "en-GB"), "24 Dec 2025");
  assert.equal(relativeTime(0, now), "");
});

test("today and yesterday are calendar days, right across the DST change", () => {
  // Clocks went forward in London at 01:00 UTC on 29 March 2026: that Sunday had 23 hours.
  const now = at("2026-03-30T00:30:00+01:00"); // 00:30 Monday local
  const sundayEarly = at("2026-03-29T00:10:00Z"); // 00:10 Sunday local, 23 h 20 min before
  assert.equal(calendarDaysBetween(sundayEarly, now), 1);
  assert.equal(dayLabel(sundayEarly, now, "en-GB"), "Yesterday");
  const saturdayLate = at("2026-03-28T23:50:00Z"); // 23:50 Saturday local, 23 h 40 min before
  assert.match(dayLabel(saturdayLate, now, "en-GB"), /^Saturday,? 28 March 2026$/, "not 'Yesterday': 24 h arithmetic would say so");
  // Clocks went back at 01:00 UTC on 25 October 2026: that Sunday had 25 hours.
  const after = at("2026-10-25T23:30:00Z"); // 23:30 Sunday local (GMT)
  const sundayStart = at("2026-10-24T23:10:00Z"); // 00:10 Sunday local (BST), 24 h 20 min before
  assert.equal(dayLabel(sundayStart, after, "en-GB"), "Today");
  assert.equal(dayLabel(at("2026-10-24T12:00:00Z"), after, "en-GB"), "Yesterday");
  assert.equal(dayLabel(at("2026-10-20T12:00:00Z"), after, "en-US"), "Tuesday, October 20, 2026");
});

test("full dates and 'updated' texts", () => {
  assert.match(fullDate(at("2026-03-10T14:05:00Z"), "en-US"), /Tuesday, March 10, 2026.*2:05\s?PM/);
  assert.match(fullDate(at("2026-03-10T14:05:00Z"), "en-GB"), /Tuesday,? 10 March 2026.*14:05/);
  const now = at("2026-03-10T14:05:00Z");
  assert.equal(ago(now - 10_000, now), "just now");
  assert.equal(ago(now - 5 * 60_000, now), "5 min ago");
  assert.equal(ago(now - 3 * 3_600_000, now), "3 h ago");
});

test("initials and a stable avatar colour per person", () => {
  assert.equal(initials("Ana María López"), "AL");
  assert.equal(initials("  "), "?");
  assert.equal(avatarColour("Ana López"), avatarColour("Ana López"));
  const colours = new Set(["Ana", "Bo", "Chen", "Dara", "Eli", "Femi", "Gus", "Hana"].map(avatarColour));
  assert.ok(colours.size >= 4, "people get different colours");
});

test("error explanation without the wasm: every state the popup shows", () => {
  assert.deepEqual(explain({ code: SETUP_NEEDED }).kind, "setup");
  assert.deepEqual(explain({ code: CORE_MISSING }).kind, "broken");
  const offline = explain({ code: "NETWORK_ERROR" }, { cached: true });
  assert.equal(offline.kind, "offline");
  assert.match(offline.text, /Showing what was loaded before/);
  assert.doesNotMatch(explain({ code: "NETWORK_ERROR" }, { cached: false }).text, /loaded before/, "nothing cached, nothing claimed");
  assert.equal(explain({ code: "UNAVAILABLE" }).kind, "offline");
  assert.deepEqual(explain({ code: "UNAUTHORIZED" }), { kind: "auth", text: "Bad token: the proxy does not know this client token." });
  assert.equal(explain({ code: "ORIGIN_NOT_ALLOWED" }).kind, "origin");
  assert.deepEqual(explain({ code: "RATE_LIMITED", retryAfter: 120 }), { kind: "limited", text: "LinkedIn rate limit reached. Try again in 2 min." });
  assert.equal(explain({ code: "BUDGET_EXHAUSTED", retryAfter: 7200 }).text, "Today's LinkedIn budget for this account is spent. Try again in 2 h.");
  assert.equal(explain({ code: "INSUFFICIENT_CREDITS" }).text, "The LinkupAPI credit balance is spent. Try again later.");
  assert.equal(explain({ code: "INVALID_INPUT", field: "token" }).kind, "auth");
  assert.deepEqual(explain({ code: "INVALID_INPUT", field: "count", message: "count must be 1..100" }), { kind: "other", text: "count must be 1..100" });
  assert.equal(explain({ code: "PROXY_MISCONFIGURED" }).kind, "other");
  for (const odd of [undefined, null, "boom", new Error("x"), { code: 42 }]) assert.equal(explain(odd).kind, "other");
});

test("day separators: Today, Yesterday, the weekday within the week, day and month, the year when not this one", () => {
  const now = at("2026-02-24T16:25:00Z"); // a Tuesday
  const labels = ["2026-02-24T08:00:00Z", "2026-02-23T23:30:00Z", "2026-02-22T12:00:00Z", "2026-02-18T12:00:00Z", "2026-02-17T12:00:00Z", "2026-02-12T12:00:00Z", "2025-12-30T12:00:00Z"]
    .map((iso) => shortDayLabel(at(iso), now, "en-GB"));
  assert.deepEqual(labels, ["Today", "Yesterday", "Sun", "Wed", "17 Feb", "12 Feb", "30 Dec 2025"]);
});
