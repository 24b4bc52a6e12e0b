// The calm, dense inbox in real Chromium: two-line rows (how many fit in 400×600), the thread's
// header, the quiet Unread view, day separators, account colours, zoom and the full-tab layout.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { shortDayLabel } from "../format.js";
import { ALEX, ANCHOR_MS, TITOUAN, assertAccessible, assertLooksLike, layoutOf, settleImages, startEnvironment, until } from "./harness.mjs";

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

test("a cached open: the first frame drawn has the rows (its first contentful paint is the first row's)", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX, "inbox-cache-v1": null });
  const first = await env.openPopup();
  await first.waitForSelector("body[data-state=ready]");
  await first.close();
  const paints = [];
  for (let i = 0; i < 5; i++) {
    const page = await env.openPopup();
    // Element Timing's renderTime and first-contentful-paint: the presentation times of frames.
    // (Each is reported when the browser gets to it: both are waited for.)
    paints.push(await page.evaluate(() => new Promise((resolve) => {
      const seen = {};
      const take = (list) => {
        for (const e of list.getEntries()) {
          if (e.entryType === "element" && e.identifier === "first-conversation") seen.row ??= e.renderTime;
          if (e.name === "first-contentful-paint") seen.firstContentful = e.startTime;
        }
        if (seen.row !== undefined && seen.firstContentful !== undefined) resolve(seen);
      };
      new PerformanceObserver(take).observe({ type: "element", buffered: true });
      new PerformanceObserver(take).observe({ type: "paint", buffered: true });
    })));
    await page.waitForSelector("body[data-state=ready]");
    await page.close();
  }
  for (const paint of paints) assert.equal(paint.firstContentful, paint.row, `no frame before the rows: ${JSON.stringify(paints)}`);
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

/**
 * Browser zoom at `zoom` in a window of `width`×`height` device pixels: the CSS viewport shrinks
 * by the zoom and each CSS pixel is drawn with zoom² device pixels. Chromium's DevTools device
 * metrics do exactly that (a viewport in CSS px and a device scale factor), so media queries,
 * `innerHeight` and layout see what a zoomed page sees; CSS `zoom` would not (it leaves the
 * viewport and media queries at 100 %).
 */
const zoomTo = async (page, { width, height, zoom }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setDeviceMetricsOverride", { width: Math.round(width / zoom), height: Math.round(height / zoom), deviceScaleFactor: zoom, mobile: false });
  return cdp;
};

test("200 % zoom: only the list or the thread scrolls, the reply box stays in the window, axe clean; as a tab, a full-height column", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX, "inbox-cache-v1": null });
  const page = await env.openPopup([], { clock: ANCHOR_MS });
  await page.waitForSelector("body[data-state=ready]");
  // The popup's 400×600 at 200 % (Chromium caps a popup at 800×600 device px: 400×300 CSS px), and
  // a 400×600 px window at 200 % (200×300 CSS px).
  for (const window of [{ width: 800, height: 600, zoom: 2 }, { width: 400, height: 600, zoom: 2 }]) {
    const cdp = await zoomTo(page, window);
    const label = `${window.width}×${window.height} at ${window.zoom * 100} %`;
    const inbox = await layoutOf(page);
    assert.equal(inbox.dpr, 2, label);
    assert.deepEqual([inbox.innerWidth, inbox.innerHeight], [window.width / 2, window.height / 2], label);
    assert.equal(inbox.pageScrolls, false, `${label}: the page itself does not scroll`);
    assert.deepEqual(inbox.scrolls, ["inbox-scroll"], `${label}: only the list scrolls`);
    assert.equal(inbox.app.height, inbox.innerHeight, label);
    await assertAccessible(page, `inbox, ${label}`);
    await page.click("#conversations .conversation");
    await page.waitForSelector("#messages[aria-busy=false] .message");
    const thread = await layoutOf(page);
    assert.equal(thread.pageScrolls, false, `${label}: the page itself does not scroll`);
    assert.deepEqual(thread.scrolls, ["thread-scroll"], `${label}: only the thread scrolls`);
    assert.ok(thread.reply.top >= 0 && thread.reply.bottom <= thread.innerHeight + 0.5, `${label}: the reply box is in the window ${JSON.stringify(thread.reply)}`);
    await assertAccessible(page, `thread, ${label}`);
    await page.keyboard.press("Escape");
    await page.waitForSelector("#inbox-view:not([hidden])");
    await cdp.send("Emulation.clearDeviceMetricsOverride");
    await cdp.detach();
  }
  await page.close();

  // Opened as a tab: the app fills the page's height in a centred column, not a box in a corner.
  const tab = await env.context.newPage();
  await tab.setViewportSize({ width: 1280, height: 800 });
  await tab.clock.setFixedTime(ANCHOR_MS);
  await tab.goto(page.url());
  await tab.waitForSelector("body[data-state=ready]");
  const full = await layoutOf(tab);
  assert.equal(full.pageScrolls, false);
  assert.deepEqual(full.scrolls, ["inbox-scroll"]);
  assert.equal(full.app.height, 800);
  assert.ok(full.app.width >= 600 && Math.abs(full.app.left + full.app.width / 2 - 640) < 1, JSON.stringify(full.app));
  await settleImages(tab);
  await assertLooksLike(tab, "inbox-tab");
  await assertAccessible(tab, "as a tab");
  await tab.close();
});

/** The inbox's whole-window screen: which one, its heading, its actions, and what else shows. */
const screen = (page) => page.evaluate(() => {
  const inbox = document.getElementById("inbox-view");
  const shown = (el) => !!el && el.getClientRects().length > 0;
  const actions = [...inbox.querySelectorAll("a, button, input, select, [role=tab]")].filter(shown)
    .filter((el) => !el.closest(".bar") || el.getAttribute("role") === "tab")
    .map((el) => el.getAttribute("aria-label") || el.textContent.trim());
  return { screen: inbox.dataset.screen ?? null, heading: inbox.querySelector("#notice h2")?.textContent ?? null, actions, search: shown(document.getElementById("search")) };
});

test("first run, an error with nothing loaded and an empty view are screens of their own with one action", async () => {
  await env.setStorage({ "inbox-cache-v1": null });
  const first = await env.openPopup();
  await first.waitForSelector("#notice[data-kind=setup]");
  assert.deepEqual(await screen(first), { screen: "setup", heading: "Connect your proxy", actions: ["Open the options to set up"], search: false });
  await assertLooksLike(first, "first-run");
  await assertAccessible(first, "first run screen");
  await first.close();

  await env.setStorage({ proxyUrl: "http://127.0.0.1:9", token: ALEX, "inbox-cache-v1": null });
  const offline = await env.openPopup();
  await offline.waitForSelector("#notice[data-kind=offline]");
  assert.deepEqual(await screen(offline), { screen: "error", heading: "The proxy cannot be reached", actions: ["Open the options"], search: false });
  await assertLooksLike(offline, "offline");
  await assertAccessible(offline, "error screen");
  await offline.close();

  // A rate limit: nothing the options can fix, so the one action is "Try again", which asks again.
  await env.sandbox.fault({ mode: "status", status: 429, retryAfter: 120, count: 1000 });
  await env.setStorage({ proxyUrl: env.worker.base, token: TITOUAN, "inbox-cache-v1": null });
  const limited = await env.openPopup();
  try {
    await limited.waitForSelector("#notice[data-kind=limited]", { timeout: 15000 });
    assert.deepEqual(await screen(limited), { screen: "error", heading: "A limit is reached", actions: ["Try again"], search: false });
  } finally {
    await env.sandbox.control("DELETE", "faults");
  }
  const asked = [];
  limited.on("request", (request) => { if (/\/v1\/conversations\?/.test(request.url())) asked.push(request.url()); });
  await limited.click("#notice button");
  await until(() => asked.length === 1, "Try again asks the proxy again");
  await limited.close();

  // An empty answer (the proxy's own, emptied on its way): All says so with Refresh; Unread with Show all.
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX, "inbox-cache-v1": null });
  await env.context.route(/\/v1\/conversations\?/, async (route) => {
    try {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: { ...body, items: [], nextCursor: null, total: 0 } });
    } catch { /* the page closed while its request was on its way */ }
  });
  try {
    const empty = await env.openPopup();
    await empty.waitForSelector("#inbox-view[data-screen=empty]");
    assert.deepEqual(await screen(empty), { screen: "empty", heading: null, actions: ["All", "Unread", "Refresh"], search: false });
    assert.equal(await empty.textContent("#end-of-list"), "No conversations yet.");
    await assertAccessible(empty, "empty inbox");
    await empty.click("#tab-unread");
    await until(async () => (await empty.textContent("#end-of-list")) === "No unread conversations." && (await screen(empty)).actions.includes("Show all"), "empty Unread view");
    assert.deepEqual((await screen(empty)).actions, ["All", "Unread", "Show all"]);
    await empty.click("#empty-action");
    await until(async () => (await empty.getAttribute("#tab-all", "aria-selected")) === "true", "back to All");
    await empty.close();
  } finally {
    await env.context.unroute(/\/v1\/conversations\?/);
  }
});
