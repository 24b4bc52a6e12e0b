// The calm, dense inbox in real Chromium: two-line rows (how many fit in 400×600), the thread's
// header, the quiet Unread view, day separators, account colours, zoom and the full-tab layout.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { shortDayLabel } from "../format.js";
import { ALEX, ANCHOR_MS, startEnvironment, until } from "./harness.mjs";

let env;
before(async () => { env = await startEnvironment(); });
after(async () => { await env?.stop(); });

/** The rows wholly inside the list's visible area. */
const fullyVisibleRows = (page) => page.evaluate(() => {
  const area = document.getElementById("inbox-scroll").getBoundingClientRect();
  return [...document.querySelectorAll("#conversations .conversation")]
    .map((row) => row.getBoundingClientRect())
    .filter((r) => r.top >= area.top - 0.5 && r.bottom <= area.bottom + 0.5 && r.bottom <= innerHeight + 0.5).length;
});

/** The accessible name of the first element matching `selector` (Chromium's accessibility tree). */
const accessibleName = async (page, selector) => (await page.locator(selector).first().ariaSnapshot()).split("\n")[0].match(/button "(.*)"/)[1];

test("two-line rows: at least 8 whole conversations in 400×600; each row's name says who, when, unread and the preview", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX, "inbox-cache-v1": null });
  const page = await env.openPopup([], { clock: ANCHOR_MS });
  await page.waitForSelector("body[data-state=ready]");
  assert.deepEqual(await page.evaluate(() => [innerWidth, innerHeight]), [400, 600]);
  const visible = await fullyVisibleRows(page);
  assert.ok(visible >= 8, `${visible} rows wholly visible`);
  const lines = await page.$eval("#conversations .conversation", (row) => [...row.querySelectorAll(".row-top, .row-bottom")].map((l) => l.getBoundingClientRect().height > 0));
  assert.deepEqual(lines, [true, true], "name and time, then the preview");
  assert.equal(await page.$$eval("#conversations .headline", (els) => els.length), 0, "no headline in the rows");
  const first = (await env.api("/v1/conversations?count=20")).items.find((c) => c.unreadCount > 0 && c.latestMessage?.text);
  const label = await accessibleName(page, `.conversation[data-id="${first.id}"]`);
  assert.ok(label.startsWith(first.participants.map((p) => p.name).join(", ")), label);
  assert.match(label, /(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),? \d+ \w+ \d{4}/, label);
  assert.match(label, /, unread, /, label);
  assert.ok(label.includes(first.latestMessage.text.slice(0, 20)), label);

  // The headline moves to the thread's header, beside the person's avatar.
  const single = (await env.api("/v1/conversations?count=20")).items.find((c) => c.participants.length === 1 && c.participants[0].headline);
  await page.click(`.conversation[data-id="${single.id}"]`);
  await page.waitForSelector("#thread-view:not([hidden])");
  assert.equal(await page.textContent("#thread-headline"), single.participants[0].headline);
  assert.equal(await page.$$eval("#thread-avatar .avatar", (els) => els.length), 1);
  await page.close();
});

test("thread header: icon buttons with labels; ordinary names whole at 400 px; an RTL name starts by the back arrow", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX, "inbox-cache-v1": null });
  const page = await env.openPopup([], { clock: ANCHOR_MS });
  await page.waitForSelector("body[data-state=ready]");
  const elena = (await env.api("/v1/conversations?count=20")).items.find((c) => c.participants.length === 1 && c.participants[0].name === "Elena Haddad");
  await page.click(`.conversation[data-id="${elena.id}"]`);
  await page.waitForSelector("#thread-mark:not([hidden])");
  for (const id of ["thread-mark", "thread-link"]) {
    const button = await page.$eval(`#${id}`, (el) => ({ label: el.getAttribute("aria-label"), title: el.title, width: el.getBoundingClientRect().width }));
    assert.ok(button.label && button.title === button.label, JSON.stringify(button));
    assert.ok(button.width <= 36, `${id} is compact (${button.width} px)`);
  }
  assert.equal(await page.getAttribute("#thread-link", "aria-label"), "Open on LinkedIn");
  assert.match(await page.getAttribute("#thread-mark", "aria-label"), /^Mark (un)?read$/);
  /** The heading's name: whole (no ellipsis) and where it starts, against the heading's box. */
  const title = () => page.$eval("#thread-title", (h1) => {
    const name = h1.querySelector("bdi").getBoundingClientRect(), box = h1.getBoundingClientRect();
    return { whole: h1.scrollWidth <= h1.clientWidth, nameLeft: name.left, boxLeft: box.left, text: h1.textContent };
  });
  const shown = await title();
  assert.equal(shown.text, "Elena Haddad");
  assert.ok(shown.whole, JSON.stringify(shown));
  // Other names through the popup's own way of opening a conversation (its thread is not served).
  for (const name of ["Diego Garcia", "مريم الحسيني"]) {
    await page.evaluate(async (n) => {
      const { openConversation } = await import("./conversation.js");
      openConversation({ id: `test-${n}`, participants: [{ name: n, headline: "Engineer" }] });
    }, name);
    await until(async () => (await title()).text === name, name);
    const got = await title();
    assert.ok(got.whole, `${name} whole: ${JSON.stringify(got)}`);
    assert.ok(Math.abs(got.nameLeft - got.boxLeft) < 1, `${name} starts by the back arrow: ${JSON.stringify(got)}`);
  }
  assert.equal(await page.$eval("#thread-title bdi", (el) => getComputedStyle(el).direction), "rtl", "the RTL name keeps its own direction");
  await page.close();
});

/** How each row stands out: tint, accent bar, bold name, badge size. */
const emphasis = (page) => page.$$eval("#conversations .conversation", (rows) => rows.map((row) => {
  const style = getComputedStyle(row), badge = row.querySelector(".badge");
  return {
    unread: row.classList.contains("unread"),
    tint: style.backgroundColor !== "rgba(0, 0, 0, 0)",
    bar: style.borderInlineStartColor !== "rgba(0, 0, 0, 0)",
    bold: Number(getComputedStyle(row.querySelector(".name")).fontWeight) >= 600,
    badge: badge ? Math.round(badge.getBoundingClientRect().width) : 0,
  };
}));

test("the Unread view is quiet (a small dot, no tint, bar, bold or count); the All view keeps unread emphasis", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX, "inbox-cache-v1": null });
  const page = await env.openPopup([], { clock: ANCHOR_MS });
  await page.waitForSelector("body[data-state=ready]");
  const all = await emphasis(page);
  assert.ok(all.some((r) => r.unread) && all.some((r) => !r.unread));
  for (const row of all) assert.deepEqual([row.tint, row.bar, row.bold, row.badge >= 18], [row.unread, row.unread, row.unread, row.unread], JSON.stringify(row));
  await page.click("#tab-unread");
  await page.waitForSelector("#conversations[aria-busy=false][data-view=unread] .conversation.unread");
  const unread = await emphasis(page);
  assert.ok(unread.length > 1 && unread.every((r) => r.unread));
  for (const row of unread) assert.deepEqual(row, { unread: true, tint: false, bar: false, bold: false, badge: 8 }, JSON.stringify(row));
  await page.click("#tab-all");
  await page.waitForSelector("#conversations[aria-busy=false][data-view=all] .conversation");
  assert.deepEqual(await emphasis(page), all, "back in the All view, the emphasis returns");
  await page.close();
});

test("a thread: a short day label only where the day changes; no empty system messages; an attachment beside text is said", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX, "inbox-cache-v1": null });
  const page = await env.openPopup([], { clock: ANCHOR_MS });
  await page.waitForSelector("body[data-state=ready]");
  let target = null, shown = null;
  for (const c of (await env.api("/v1/conversations?count=20")).items) {
    const items = (await env.api(`/v1/conversations/${encodeURIComponent(c.id)}/messages?count=20`)).items;
    if (new Set(items.map((m) => new Date(m.sentAt).toDateString())).size > 3) { target = c; shown = items; break; }
  }
  assert.ok(target, "a conversation of several days");
  await page.click(`.conversation[data-id="${target.id}"]`);
  await page.waitForSelector("#messages[aria-busy=false] .message");
  // The days as the test's clock (the sandbox's anchor, Europe/London, en-GB) labels them.
  const expected = [];
  let last = null;
  for (const m of [...shown].reverse().filter((m) => m.kind !== "system" || m.text)) {
    const day = new Date(m.sentAt).toDateString();
    if (day !== last) expected.push(shortDayLabel(m.sentAt, ANCHOR_MS, "en-GB"));
    last = day;
  }
  const labels = await page.$$eval("#messages .day", (els) => els.map((e) => e.querySelector("span").textContent));
  assert.deepEqual(labels, expected);
  assert.ok(labels.every((l) => /^(Today|Yesterday|Mon|Tue|Wed|Thu|Fri|Sat|Sun|\d{1,2} [A-Z][a-z]{2}( \d{4})?)$/.test(l)), labels.join(" | "));
  assert.ok(labels.length > 3, "several days");
  assert.equal(await page.$$eval("#messages .message", (els) => els.length), shown.filter((m) => m.kind !== "system" || m.text).length);
  assert.doesNotMatch(await page.textContent("#messages"), /LinkedIn system message/);
  // Through the thread's own rendering: an empty system message is left out, one with text is
  // shown; the newest message, with text and an attachment (its conversation says so), mentions it.
  const rendered = await page.evaluate(async () => {
    const { ThreadView } = await import("./thread.js");
    const list = document.createElement("ol");
    const view = new ThreadView({ list, scroll: document.createElement("div"), loadOlder: document.createElement("button"), title: document.createElement("h1"), link: document.createElement("a"), onError: () => {} });
    view.participants = [{ name: "Elena Haddad" }];
    view.conversation = { id: "c", latestMessage: { id: "m2", text: "The deck", hasAttachment: true } };
    const sender = { name: "Elena Haddad" };
    view.messages = [{ id: "m2", kind: "text", text: "The deck", sentAt: Date.now(), sender }, { id: "s2", kind: "system", text: "", sentAt: Date.now() - 1000 },
      { id: "s1", kind: "system", text: "Alex joined", sentAt: Date.now() - 2000 }, { id: "m1", kind: "text", text: "Hi", sentAt: Date.now() - 3000, sender }];
    view.render();
    return [...list.querySelectorAll(".message")].map((e) => [e.dataset.id, e.querySelector(".text")?.textContent ?? e.textContent]);
  });
  assert.deepEqual(rendered, [["m1", "Hi"], ["s1", "Alex joined"], ["m2", "The deck📎 With an attachment: open the conversation on LinkedIn to see it."]]);
  const row = await page.evaluate(async () => (await import("./inbox.js")).preview({ latestMessage: { text: "The deck", hasAttachment: true, fromSelf: false } }));
  assert.equal(row, "📎 The deck", "the row's preview mentions it too");
  await page.close();
});
