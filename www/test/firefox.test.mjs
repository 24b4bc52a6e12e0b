// The extension in Firefox ESR (firefox.mjs: puppeteer-core over WebDriver BiDi, the unpacked
// extension installed as a temporary add-on) against the Worker in workerd and the sandbox:
// it installs and its event page runs, the options save with the proxy's host permission
// granted, the popup lists the inbox, opens a thread and sends a reply, at 14 px, axe clean,
// the badge shows the unread total less what was read in the popup, a message pushed between
// checks reaches the badge and a notification, a bad token or nothing listening is explained,
// a refused origin is explained and a rate limit says when to try again, as a tab the app is a
// full-height column, a draft survives Esc (the first leaves the box) and closing the popup, and the inbox, the
// Unread view, a thread, the options, the first run and an error screen look as their Firefox
// baselines (docs/screenshots/firefox/), axe clean in each.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ALEX, ANCHOR_MS, ELSEWHERE, TEAM, TITOUAN, WWW, expectedNames, layoutOf, names, startEnvironment, until } from "./harness.mjs";
import { assertAccessibleIn, assertLooksLikeIn, fill, launchFirefox, settleImagesIn } from "./firefox.mjs";

let env, firefox;
before(async () => {
  env = await startEnvironment({ chromium: false, team: true });
  firefox = await launchFirefox(WWW);
});
after(async () => {
  await firefox?.close();
  await env?.stop();
});

/** Computed font sizes (px) of `selectors` on `page`. */
const fontSizes = (page, selectors) => page.evaluate((list) => Object.fromEntries(list.map((s) => [s, parseFloat(getComputedStyle(document.querySelector(s)).fontSize)])), selectors);
const statusOf = (page) => page.$eval("#status", (el) => [el.dataset.kind, el.textContent]);

test("installs: Firefox's event page runs (its alarm, an empty badge), the wasm core loads under the CSP, notifications take the worker's options, a first run is greeted, axe clean", async () => {
  const errors = [];
  const page = await firefox.open("popup.html", errors);
  await page.waitForSelector("#notice[data-kind=setup]", { timeout: 15000 });
  await assertAccessibleIn(page, "first run");
  const found = await page.evaluate(async () => {
    for (let i = 0; i < 50 && !(await chrome.alarms.get("inbox-check")); i++) await new Promise((r) => setTimeout(r, 100));
    const { connect, PageWalker } = await import("./api.js");
    connect({ proxyUrl: "https://inbox.example.workers.dev", token: "t" });
    return {
      period: (await chrome.alarms.get("inbox-check"))?.periodInMinutes,
      badge: await chrome.action.getBadgeText({}),
      session: typeof chrome.storage.session?.get,
      core: typeof new PageWalker().accept,
      gecko: chrome.runtime.getManifest().browser_specific_settings?.gecko?.id,
      // The options background.js gives a notification (contextMessage and priority included).
      notification: await chrome.notifications.create("probe", { type: "basic", iconUrl: "icons/icon-128.png", title: "t", message: "m", contextMessage: "c", priority: 1 }).then((id) => id, (e) => e.message),
    };
  });
  assert.deepEqual(found, { period: 1, badge: "", session: "function", core: "function", gecko: "linkedin-inbox@extension", notification: "probe" });
  assert.deepEqual(errors, []);
  await page.close();
});

/** Waits until avatar pictures have loaded or fallen back to initials (no half-loaded frame). */

// Before any reply is sent (the test after the options'): the inbox looks as the sandbox's data.
test("looks in Firefox: inbox, Unread view, a thread with own messages, the options, the first run and an error screen match their baselines; axe on each", async () => {
  await firefox.setStorage({ proxyUrl: env.worker.base, token: ALEX, "inbox-cache-v1": null });
  const clock = ANCHOR_MS;
  const page = await firefox.open("popup.html", [], { clock });
  await page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
  assert.equal(await page.evaluate(() => Date.now()), clock, "the page's clock is fixed");
  await settleImagesIn(page);
  await assertLooksLikeIn(page, "inbox");
  await assertAccessibleIn(page, "inbox");
  // Opened as a tab: a full-height centred column.
  await page.setViewport({ width: 1280, height: 800, deviceScaleFactor: 1 });
  await assertLooksLikeIn(page, "inbox-tab");
  await page.setViewport({ width: 400, height: 600, deviceScaleFactor: 1 });
  await page.click("#tab-unread");
  await page.waitForSelector("body[data-state=ready] #conversations[aria-busy=false] .conversation.unread", { timeout: 15000 });
  await settleImagesIn(page);
  await assertLooksLikeIn(page, "inbox-unread");
  await page.click("#tab-all");
  await page.waitForSelector("body[data-state=ready] #conversations[aria-busy=false] .conversation", { timeout: 15000 });
  const list = await env.api("/v1/conversations?count=20");
  let target = null;
  for (const c of list.items.slice(0, 8)) {
    const thread = await env.api(`/v1/conversations/${encodeURIComponent(c.id)}/messages?count=20`);
    const others = c.participants.map((p) => p.name);
    if (thread.items.slice(0, 8).some((m) => m.kind !== "system" && m.text && !others.includes(m.sender.name))) { target = c; break; }
  }
  assert.ok(target, "a conversation whose last messages include own ones");
  await page.click(`.conversation[data-id="${target.id}"]`);
  await page.waitForSelector("#messages[aria-busy=false] .message.own", { timeout: 15000 });
  await settleImagesIn(page);
  await assertLooksLikeIn(page, "thread");
  await assertAccessibleIn(page, "thread");
  await page.close();

  const options = await firefox.open("options.html", [], { clock });
  await until(async () => (await options.$eval("#proxy-url", (el) => el.value)) === env.worker.base, "settings in the form");
  // The proxy URL's port changes per run: the baseline shows a fixed one.
  await fill(options, "#proxy-url", "http://127.0.0.1:8787");
  // The accounts the proxy reports (below the fold) have loaded: the status line says how many.
  await options.waitForSelector("#accounts li", { timeout: 15000 });
  assert.equal(await options.$eval("#accounts-status", (el) => el.textContent), "This proxy serves 1 account for this client.");
  await assertLooksLikeIn(options, "options");
  await options.close();

  // Last the first run: the settings are left empty, as the next test expects.
  for (const [name, settings, kind] of [["offline", { proxyUrl: "http://127.0.0.1:9", token: ALEX }, "offline"], ["first-run", {}, "setup"]]) {
    await firefox.setStorage({ ...settings, "inbox-cache-v1": null });
    const screen = await firefox.open("popup.html", [], { clock });
    await screen.waitForSelector(`#notice[data-kind=${kind}]`, { timeout: 15000 });
    await assertLooksLikeIn(screen, name);
    await assertAccessibleIn(screen, name);
    await screen.close();
  }
});

// Before any test reads Titouan's lists through the team (the proxy's store would answer them).
test("a rate limit in Firefox says when to try again, axe clean", async () => {
  // A short Retry-After: the proxy waits it out before the push test reads Titouan's lists.
  await env.sandbox.fault({ mode: "status", status: 429, retryAfter: 2, count: 1000 });
  try {
    await firefox.setStorage({ proxyUrl: env.worker.base, token: TITOUAN, "inbox-cache-v1": null });
    const limited = await firefox.open("popup.html");
    await limited.waitForSelector("#notice:not([hidden])", { timeout: 15000 });
    const shown = await limited.$eval("#notice", (el) => ({ kind: el.dataset.kind, text: el.textContent }));
    assert.equal(shown.kind, "limited", shown.text);
    assert.match(shown.text, /limit|budget|credit/i);
    assert.match(shown.text, /Try again/);
    await assertAccessibleIn(limited, "rate limited");
    await limited.close();
  } finally {
    await env.sandbox.control("DELETE", "faults");
    // Nothing set, as the options' test expects.
    await firefox.setStorage({});
    await new Promise((r) => setTimeout(r, 2000));
  }
});

test("options at 14 px, axe clean: Save asks for the proxy's host (granted here without a prompt) and stores the settings; Test connection", async () => {
  const page = await firefox.open("options.html");
  await page.waitForSelector("#proxy-url");
  const fields = await fontSizes(page, ["body", "#proxy-url", "#token", "#refresh-seconds", "#save", "#test"]);
  assert.deepEqual(fields, Object.fromEntries(Object.keys(fields).map((k) => [k, 14])), "14 px fields");
  await assertAccessibleIn(page, "options");
  const port = new URL(env.worker.base).port;
  // Typed without a scheme, as a person might: the options make it http://127.0.0.1:<port>.
  await page.type("#proxy-url", `127.0.0.1:${port}`);
  await page.type("#token", ALEX);
  await page.click("#save");
  await page.waitForFunction(() => document.getElementById("status").dataset.kind === "ok", { timeout: 15000 });
  assert.deepEqual(await statusOf(page), ["ok", "Saved."], "the host permission was granted");
  const stored = await page.evaluate(async () => ({ permissions: await chrome.permissions.getAll(), settings: await chrome.storage.local.get(["proxyUrl", "token"]) }));
  assert.deepEqual(stored.permissions.origins, ["http://127.0.0.1/*"], "Firefox's pattern: the host, without the port");
  assert.deepEqual(stored.settings, { proxyUrl: env.worker.base, token: ALEX });
  await page.click("#test");
  await page.waitForFunction(() => document.getElementById("status").dataset.kind === "ok" && document.getElementById("status").textContent !== "Saved.", { timeout: 15000 });
  assert.deepEqual(await statusOf(page), ["ok", "Connected: this client has 1 account."]);
  await page.close();
});

test("popup: the inbox from the Worker at 14 px, axe clean; a thread opens at 14 px, axe clean, and a reply is sent", async () => {
  const errors = [];
  const page = await firefox.open("popup.html", errors);
  await page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
  const first = await env.api("/v1/conversations?count=20");
  await until(async () => JSON.stringify(await names(page)) === JSON.stringify(expectedNames(first.items)), "the Worker's first page");
  const inbox = await fontSizes(page, ["#tab-all", "#tab-unread", "#search", "#conversations .conversation .name"]);
  await assertAccessibleIn(page, "inbox");

  // An unread one (the reply makes it read on LinkedIn too).
  const id = first.items.find((c) => c.unreadCount > 0)?.id;
  assert.ok(id, "an unread conversation on the first page");
  await page.click(`.conversation[data-id="${id}"]`);
  await page.waitForSelector("#messages[aria-busy=false] .message:not(.system) .text", { timeout: 15000 });
  const thread = await fontSizes(page, ["#messages .message:not(.system) .text", "#reply-text", "#thread-title"]);
  await assertAccessibleIn(page, "thread");
  const all = { ...inbox, ...thread };
  // popup.css's sizes: 14 px text, names 14.5 px, the thread's title 16 px.
  assert.deepEqual(all, { ...Object.fromEntries(Object.keys(all).map((k) => [k, 14])), "#conversations .conversation .name": 14.5, "#thread-title": 16 });

  const sends = (await env.sandbox.stats()).sends;
  const text = `Sent from Firefox ${Date.now()}`;
  await page.click("#reply-text");
  await page.keyboard.type(text);
  await page.keyboard.down("Control");
  await page.keyboard.press("Enter");
  await page.keyboard.up("Control");
  await until(async () => (await page.$$eval("#messages .message.own:not(.pending) .text", (els) => els.map((e) => e.textContent))).includes(text), "the reply shown as sent");
  assert.equal(await page.$eval("#reply-text", (el) => el.value), "", "the box is emptied");
  assert.equal((await env.sandbox.stats()).sends, sends + 1, "one send");
  const messages = await env.api(`/v1/conversations/${encodeURIComponent(id)}/messages?count=30`);
  assert.ok(messages.items.some((m) => m.text === text), "the thread on the proxy holds the reply");
  assert.deepEqual(errors, []);
  await page.close();
});

test("200 % zoom in Firefox: only the list or the thread scrolls, the reply box stays in the window, axe clean; as a tab, a full-height column", async () => {
  const errors = [];
  const page = await firefox.open("popup.html", errors);
  await page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
  // The popup's 400×600 device pixels at 200 % (a 200×300 CSS px viewport drawn at ratio 2), and
  // an 800×600 one (400×300 CSS px).
  for (const window of [{ width: 400, height: 600 }, { width: 800, height: 600 }]) {
    await page.setViewport({ width: window.width / 2, height: window.height / 2, deviceScaleFactor: 2 });
    const label = `${window.width}×${window.height} at 200 %`;
    const inbox = await layoutOf(page);
    assert.deepEqual([inbox.dpr, inbox.innerWidth, inbox.innerHeight], [2, window.width / 2, window.height / 2], label);
    assert.equal(inbox.pageScrolls, false, `${label}: the page itself does not scroll`);
    assert.deepEqual(inbox.scrolls, ["inbox-scroll"], `${label}: only the list scrolls`);
    await assertAccessibleIn(page, `inbox, ${label}`);
    await page.click("#conversations .conversation");
    await page.waitForSelector("#messages[aria-busy=false] .message", { timeout: 15000 });
    const thread = await layoutOf(page);
    assert.equal(thread.pageScrolls, false, `${label}: the page itself does not scroll`);
    assert.deepEqual(thread.scrolls, ["thread-scroll"], `${label}: only the thread scrolls`);
    assert.ok(thread.reply.top >= 0 && thread.reply.bottom <= thread.innerHeight + 0.5, `${label}: the reply box is in the window ${JSON.stringify(thread.reply)}`);
    await assertAccessibleIn(page, `thread, ${label}`);
    await page.keyboard.press("Escape");
    await page.waitForSelector("#inbox-view:not([hidden])");
  }
  // Opened as a tab: the app fills the page's height in a centred column, not a box in a corner.
  await page.setViewport({ width: 1280, height: 800, deviceScaleFactor: 1 });
  const full = await layoutOf(page);
  assert.equal(full.pageScrolls, false);
  assert.deepEqual(full.scrolls, ["inbox-scroll"]);
  assert.equal(full.app.height, 800);
  assert.ok(full.app.width >= 600 && Math.abs(full.app.left + full.app.width / 2 - 640) < 1, JSON.stringify(full.app));
  await assertAccessibleIn(page, "as a tab");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the badge: the event page's check puts the proxy's unread total in storage.session, and on the badge (less what was read here)", async () => {
  const { unreadTotal } = await env.api("/v1/changes");
  assert.ok(unreadTotal > 0, "something is unread (else the badge proves nothing)");
  const page = await firefox.open("options.html");
  // What the popup asks when it opens: a check now.
  await page.evaluate(() => chrome.runtime.sendMessage({ type: "check" }));
  const badge = () => page.evaluate(async () => {
    const { lessReadHere, loadReadHere } = await import("./read-here.js");
    const total = (await chrome.storage.session.get("live-state-v1"))["live-state-v1"]?.unreadTotal ?? null;
    return { text: await chrome.action.getBadgeText({}), total, expected: String(lessReadHere(total, await loadReadHere())) };
  });
  const shown = await until(async () => { const b = await badge(); return b.total === unreadTotal && b.text === b.expected ? b : null; }, "the badge of the unread total", 15000)
    .catch(async (error) => assert.fail(`${error.message}: ${JSON.stringify(await badge())}, the API's total ${unreadTotal}`));
  assert.equal(await page.evaluate(() => chrome.action.getTitle({})), `Relay Inbox: ${shown.expected} unread`);
  await page.close();
});

test("push and notifications: a message simulated between checks reaches the badge at once through the push channel, and one notification", async () => {
  // Each account's list read once: the proxy's store knows every unread count (else the total is unknown).
  for (const account of ["alex", "titouan", "priya"]) await env.api(`/v1/conversations?count=20&account=${account}`, TEAM);
  const page = await firefox.open("options.html");
  const state = () => page.evaluate(async () => (await chrome.storage.session.get("live-state-v1"))["live-state-v1"] ?? null);
  // The team's three accounts, notifications on, checks only every 5 min: the push channel or nothing.
  const since = Date.now();
  await page.evaluate((settings) => chrome.storage.local.set(settings), { proxyUrl: env.worker.base, token: TEAM, notify: true, refreshSeconds: 300, push: true });
  await until(async () => (await state())?.recent?.some((r) => r.via === "ready" && r.at >= since), "the push channel open");
  const before = (await state()).unreadTotal;
  assert.ok(Number.isFinite(before), `a known total: ${before}`);
  const sent = Date.now();
  await env.simulate("titouan", { from: "Sam Doe", text: "A quick question from Firefox" });
  const after = await until(async () => { const s = await state(); return s.unreadTotal === before + 1 ? s : null; }, "the total at N+1", 10000)
    .catch(async (error) => assert.fail(`${error.message}: before ${before}, ${JSON.stringify(await state())}`));
  const change = after.recent.find((r) => r.via === "change" && r.at >= sent);
  assert.ok(change && change.at - sent < 10000, "a push frame brought it, well before the 5 min check");
  const badge = await page.evaluate(async (total) => {
    const { lessReadHere, loadReadHere } = await import("./read-here.js");
    return { text: await chrome.action.getBadgeText({}), expected: String(lessReadHere(total, await loadReadHere())) };
  }, before + 1);
  assert.equal(badge.text, badge.expected, "the badge follows");
  const shown = await until(async () => (await state()).shown?.find((n) => n.at >= sent), "a notification");
  assert.deepEqual({ title: shown.title, message: shown.message, context: shown.contextMessage }, { title: "Sam Doe", message: "A quick question from Firefox", context: "Titouan Prioux" });
  // Recorded once notifications.create resolved (background.js). notifications.getAll() lists
  // none in this headless Firefox (Chromium's lists it), so the test counts what was recorded.
  assert.equal((await state()).shown.filter((n) => n.at >= sent).length, 1, "one notification");
  await page.close();
});

test("notices in Firefox: a bad token, a refused origin and nothing listening say so and link to the options, axe clean", async () => {
  const setup = await firefox.open("options.html");
  await setup.waitForSelector("#proxy-url");
  const saved = await setup.evaluate(() => chrome.storage.local.get(["proxyUrl", "token"]));
  // Without the proxy's host permission, as before a Save: with it (the options' test granted
  // it), Firefox sends the extension's requests past the proxy's origin check, and a client that
  // does not list this extension's origin is served (docs/popup.md, Firefox).
  assert.equal(await setup.evaluate(() => chrome.permissions.remove({ origins: ["http://127.0.0.1/*"] })), true);
  for (const [settings, kind, text] of [
    [{ proxyUrl: env.worker.base, token: "not-a-client" }, "auth", /does not know this client token/],
    [{ proxyUrl: env.worker.base, token: ELSEWHERE }, "origin", /does not allow this extension/],
    [{ proxyUrl: "http://127.0.0.1:9", token: ALEX }, "offline", /Nothing answers at http:\/\/127\.0\.0\.1:9: check your connection/],
  ]) {
    // No cached inbox: the notice is the whole screen's explanation.
    await setup.evaluate((s) => { localStorage.removeItem("inbox-cache-v1"); return chrome.storage.local.set(s); }, settings);
    const errors = [];
    const page = await firefox.open("popup.html", errors);
    await page.waitForSelector("#notice:not([hidden])", { timeout: 15000 })
      .catch(async (error) => assert.fail(`${kind}: ${error.message}; the page: ${await page.evaluate(() => `${document.body.dataset.state} ${document.getElementById("conversations").getAttribute("aria-busy")}`)}`));
    const shown = await page.$eval("#notice", (el) => ({ kind: el.dataset.kind, text: el.textContent, link: el.querySelector("a")?.getAttribute("href") ?? null }));
    assert.equal(shown.kind, kind, shown.text);
    assert.match(shown.text, text);
    assert.equal(shown.link, "options.html");
    await assertAccessibleIn(page, kind);
    assert.deepEqual(errors, []);
    await page.close();
  }
  await setup.evaluate((s) => chrome.storage.local.set(s), saved);
  await setup.close();
});

test("drafts in Firefox: Esc leaves the reply box first, a second Esc the thread; the draft is kept when the popup closes", async () => {
  const page = await firefox.open("popup.html");
  await page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
  const id = await page.$$eval("#conversations .conversation", (rows) => rows[3].dataset.id);
  await page.click(`.conversation[data-id="${id}"]`);
  await page.waitForSelector("#messages[aria-busy=false] .message", { timeout: 15000 });
  await page.click("#reply-text");
  await page.keyboard.type("A draft from Firefox");
  await page.keyboard.press("Escape");
  assert.deepEqual(await page.evaluate(() => [document.getElementById("thread-view").hidden, document.activeElement.id]), [false, "thread-scroll"], "the first Esc leaves the box, not the thread");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#inbox-view:not([hidden])");
  await page.close();
  const again = await firefox.open("popup.html");
  await again.waitForSelector("body[data-state=ready]", { timeout: 15000 });
  await again.click(`.conversation[data-id="${id}"]`);
  await again.waitForSelector("#messages[aria-busy=false] .message", { timeout: 15000 });
  assert.equal(await again.$eval("#reply-text", (el) => el.value), "A draft from Firefox", "kept when the popup closed");
  // Cleared, as a person would, so nothing is left for later tests.
  await again.click("#reply-text", { count: 3 });
  await again.keyboard.press("Backspace");
  assert.equal(await again.$eval("#reply-text", (el) => el.value), "");
  await again.close();
});
