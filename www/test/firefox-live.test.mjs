// The background and the popup's states in Firefox ESR (firefox.mjs), the flows of live.test.mjs,
// states.test.mjs, calm.test.mjs and health.test.mjs that ran in Chromium only, with the same
// assertions against the Worker in workerd and the sandbox (the team's three accounts): the
// options' accounts list and the badge's choices kept; checks that cost 0 upstream calls when
// nothing changed; a refused change token starting over; a pushed message reaching the list and
// an open thread, not only the badge; notifications off (none) and never for one's own message;
// offline with a cache (a thread read before opens); a missing wasm pkg; the first run, an error
// with nothing loaded, a rate limit's Try again and empty views as screens of one action; a
// session_expired account. The event page's state is read from an extension page
// (chrome.storage.session); a check is asked as the popup asks it (runtime message "check").
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveWww } from "../../scripts/serve-www.mjs";
import { ALEX, TEAM, TITOUAN, WWW, expectedNames, names, startEnvironment, until } from "./harness.mjs";
import { assertAccessibleIn, launchFirefox } from "./firefox.mjs";
import { startSlowProxy } from "./slow-proxy.mjs";

let env, firefox, probe;
before(async () => {
  env = await startEnvironment({ chromium: false, team: true });
  firefox = await launchFirefox(WWW);
});
after(async () => {
  await probe?.close();
  await firefox?.close();
  await env?.stop();
});

const team = (path) => env.api(path, TEAM);
const ready = (page) => page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
/** An extension page that reads and drives the event page's state (opened once). */
const background = async () => {
  probe ??= await firefox.open("options.html");
  return probe;
};
const bgState = async () => (await background()).evaluate(async () => (await chrome.storage.session.get("live-state-v1"))["live-state-v1"] ?? null);
const setLocal = async (values) => (await background()).evaluate((v) => chrome.storage.local.set(v), values);
const badge = async () => (await background()).evaluate(() => chrome.action.getBadgeText({}));
/** A check now (what the popup asks when it opens), waited for. */
const checkNow = async () => {
  const checks = (await bgState())?.checks ?? 0;
  await (await background()).evaluate(() => chrome.runtime.sendMessage({ type: "check" }));
  await until(async () => ((await bgState())?.checks ?? 0) > checks, "a check", 10000);
};
/** The badge as background.js computes it: the proxy's total less what was read here. */
const expectedBadge = async (total) => (await background()).evaluate(async (t) => {
  const { lessReadHere, loadReadHere } = await import("./read-here.js");
  return String(lessReadHere(t, await loadReadHere()));
}, total);

/** The inbox's whole-window screen: which one, its heading, its actions, and what else shows (calm.test.mjs's). */
const screen = (page) => page.evaluate(() => {
  const inbox = document.getElementById("inbox-view");
  const shown = (el) => !!el && el.getClientRects().length > 0;
  const actions = [...inbox.querySelectorAll("a, button, input, select, [role=tab]")].filter(shown)
    .filter((el) => !el.closest(".bar") || el.getAttribute("role") === "tab")
    .map((el) => el.getAttribute("aria-label") || el.textContent.trim());
  return { screen: inbox.dataset.screen ?? null, heading: inbox.querySelector("#notice h2")?.textContent ?? null, actions, search: shown(document.getElementById("search")) };
});

// First: Titouan's lists are not yet in the proxy's store, so the rate limit reaches the popup.
test("screens in Firefox: the first run, an error with nothing loaded, a rate limit's Try again, empty All and Unread views, one action each", async () => {
  await firefox.setStorage({ "inbox-cache-v1": null });
  const first = await firefox.open("popup.html");
  await first.waitForSelector("#notice[data-kind=setup]", { timeout: 15000 });
  assert.deepEqual(await screen(first), { screen: "setup", heading: "Connect your proxy", actions: ["Open the options to set up"], search: false });
  await first.close();

  await firefox.setStorage({ proxyUrl: "http://127.0.0.1:9", token: ALEX, "inbox-cache-v1": null });
  const offline = await firefox.open("popup.html");
  await offline.waitForSelector("#notice[data-kind=offline]", { timeout: 15000 });
  assert.deepEqual(await screen(offline), { screen: "error", heading: "The proxy cannot be reached", actions: ["Open the options"], search: false });
  await offline.close();

  // A rate limit: the one action is "Try again", which asks the proxy again (counted in front of it).
  const counted = await startSlowProxy(env.worker.base);
  await env.sandbox.fault({ mode: "status", status: 429, retryAfter: 2, count: 1000 });
  let limited;
  try {
    await firefox.setStorage({ proxyUrl: counted.base, token: TITOUAN, "inbox-cache-v1": null });
    limited = await firefox.open("popup.html");
    await limited.waitForSelector("#notice[data-kind=limited]", { timeout: 15000 });
    assert.deepEqual(await screen(limited), { screen: "error", heading: "A limit is reached", actions: ["Try again"], search: false });
  } finally {
    await env.sandbox.control("DELETE", "faults");
  }
  // The provider's pause (Retry-After: 2) ends before the next tests read Titouan's lists.
  await new Promise((r) => setTimeout(r, 2000));
  const lists = () => counted.requests.filter((r) => r === "GET /v1/conversations").length;
  const asked = lists();
  await limited.click("#notice button");
  await until(() => lists() === asked + 1, "Try again asks the proxy again");
  await limited.close();
  counted.stop();

  // An empty answer (the proxy's own, emptied on its way): All says so with Refresh; Unread with Show all.
  const empty = await startSlowProxy(env.worker.base, { emptyLists: true });
  try {
    await firefox.setStorage({ proxyUrl: empty.base, token: ALEX, push: false, "inbox-cache-v1": null });
    const page = await firefox.open("popup.html");
    await page.waitForSelector("#inbox-view[data-screen=empty]", { timeout: 15000 });
    assert.deepEqual(await screen(page), { screen: "empty", heading: null, actions: ["All", "Unread", "Refresh"], search: false });
    assert.equal(await page.$eval("#end-of-list", (el) => el.textContent), "No conversations yet.");
    await assertAccessibleIn(page, "empty inbox");
    await page.click("#tab-unread");
    await until(async () => (await page.$eval("#end-of-list", (el) => el.textContent)) === "No unread conversations." && (await screen(page)).actions.includes("Show all"), "empty Unread view");
    assert.deepEqual((await screen(page)).actions, ["All", "Unread", "Show all"]);
    await assertAccessibleIn(page, "empty Unread view");
    await page.click("#empty-action");
    await until(async () => (await page.$eval("#tab-all", (el) => el.getAttribute("aria-selected"))) === "true", "back to All");
    await page.close();
  } finally {
    empty.stop();
  }
});

test("options in Firefox: the accounts the proxy reports and their counts; the badge's choices are kept and move the alarm", async () => {
  // Each account's list read once: the proxy's store knows every unread count (else "not synced yet").
  for (const account of ["alex", "titouan", "priya"]) await team(`/v1/conversations?count=20&account=${account}`);
  await firefox.setStorage({ proxyUrl: env.worker.base, token: TEAM, push: false, refreshSeconds: 300, "inbox-cache-v1": null });
  const page = await firefox.open("options.html");
  await page.waitForFunction(() => document.querySelectorAll("#accounts li").length > 0, { timeout: 15000 });
  const { accounts } = await team("/v1/accounts");
  assert.equal(await page.$eval("#accounts-status", (el) => el.textContent), `This proxy serves ${accounts.length} accounts for this client.`);
  const shown = await page.$$eval("#accounts li", (items) => items.map((li) => [li.dataset.account, li.querySelector(".account-name").textContent, li.querySelector(".account-details").textContent, li.querySelector(".account-marker").textContent]));
  assert.deepEqual(shown.map(([id, label, , initial]) => [id, label, initial]), accounts.map((a) => [a.id, a.label, a.label[0]]));
  for (const [i, a] of accounts.entries()) {
    assert.match(shown[i][2], new RegExp(`^Id ${a.id} · through ConnectSafely and LinkupAPI · ${a.unreadTotal} unread · Left today: ${a.budgetLeftToday.connectsafelyCalls} ConnectSafely calls`), shown[i][2]);
  }
  assert.equal(await page.$eval("#notify", (el) => el.checked), false, "notifications are off until turned on");
  assert.equal(await page.$eval("#refresh-seconds", (el) => el.value), "300");
  await page.click("#notify");
  await page.select("#refresh-seconds", "60");
  await page.click("#save");
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Saved"), { timeout: 15000 });
  assert.deepEqual(await page.evaluate(() => chrome.storage.local.get(["notify", "refreshSeconds"])), { notify: true, refreshSeconds: 60 });
  await until(async () => (await page.evaluate(() => chrome.alarms.get("inbox-check")))?.periodInMinutes === 1, "the alarm at the new period");
  await page.close();
  const again = await firefox.open("options.html");
  await again.waitForSelector("#proxy-url");
  await until(async () => (await again.$eval("#refresh-seconds", (el) => el.value)) === "60", "the period shown again");
  assert.equal(await again.$eval("#notify", (el) => el.checked), true, "kept");
  await again.close();
  await setLocal({ notify: false, refreshSeconds: 300 });
});

test("nothing new in Firefox: the event page's checks cost 0 upstream calls, and the badge stays", async () => {
  await setLocal({ proxyUrl: env.worker.base, token: TEAM, push: false, refreshSeconds: 300 });
  // The first check reads what it needs; after it, nothing changed.
  await checkNow();
  const badgeBefore = await badge();
  const before = await env.sandbox.stats();
  await checkNow();
  await checkNow();
  const after = await env.sandbox.stats();
  assert.deepEqual(after.calls, before.calls, "no ConnectSafely or LinkupAPI call");
  assert.equal(await badge(), badgeBefore);
});

test("a change token the proxy refuses (another client's) starts the checks over in Firefox", async () => {
  const { unreadTotal } = await team("/v1/changes");
  assert.ok(unreadTotal > 0, "something is unread (else the badge proves nothing)");
  const other = (await env.api("/v1/changes")).token;
  await (await background()).evaluate(async (token) => {
    const state = (await chrome.storage.session.get("live-state-v1"))["live-state-v1"];
    await chrome.storage.session.set({ "live-state-v1": { ...state, token } });
  }, other);
  const refused = await fetch(`${env.worker.base}/v1/changes?since=${encodeURIComponent(other)}`, { headers: { authorization: `Bearer ${TEAM}` } });
  assert.equal(refused.status, 400, "the proxy refuses another client's token");
  assert.equal((await refused.json()).error.code, "INVALID_CURSOR");
  await checkNow();
  const state = await bgState();
  assert.notEqual(state.token, other, "a new token");
  assert.equal(state.unreadTotal, unreadTotal);
  const expected = await expectedBadge(unreadTotal);
  assert.equal(await badge(), expected);
  assert.equal(await (await background()).evaluate(() => chrome.action.getTitle({})), `Relay Inbox: ${expected} unread`, "not a stale badge");
});

test("push in Firefox: a message reaches the list and an open thread, not only the badge, without a reload", async () => {
  const since = Date.now();
  await setLocal({ push: true, refreshSeconds: 300, notify: false });
  await until(async () => (await bgState())?.recent?.some((r) => r.via === "ready" && r.at >= since), "the push channel open");
  const errors = [];
  const page = await firefox.open("popup.html", errors);
  await ready(page);
  await page.evaluate(() => { window.notReloaded = true; });
  await page.select("#account", "alex");
  const alex = await team("/v1/conversations?count=20&account=alex");
  await until(async () => JSON.stringify(await names(page)) === JSON.stringify(expectedNames(alex.items)), "Alex's page");
  const target = alex.items.find((c) => c.isRead && c.unreadCount === 0 && c.participants.length === 1);
  assert.ok(target, "a read one-to-one conversation");
  await page.click(`#conversations .conversation[data-id="${target.id}"]`);
  await page.waitForSelector("#messages[aria-busy=false] .message", { timeout: 15000 });
  const before = (await bgState()).unreadTotal;
  const sent = Date.now();
  await env.simulate("alex", { conversation: target.id, text: "Pushed to Firefox, not polled" });
  await page.waitForFunction(() => [...document.querySelectorAll("#messages .message")].some((m) => m.textContent.includes("Pushed to Firefox, not polled")), { timeout: 10000 });
  await until(async () => (await bgState()).unreadTotal === before + 1, "the total at N+1 (the read conversation is unread again)", 10000);
  await page.click("#back");
  await page.waitForFunction((id) => document.querySelector("#conversations .conversation")?.dataset.id === id, { timeout: 5000 }, target.id);
  assert.match(await page.$eval("#conversations .conversation .preview", (el) => el.textContent), /Pushed to Firefox, not polled/);
  const change = (await bgState()).recent.find((r) => r.via === "change" && r.at >= sent);
  assert.ok(change && change.at - sent < 10000, "a push frame brought it, well before the 300 s check");
  assert.equal(await page.evaluate(() => window.notReloaded), true, "the page was not reloaded");
  assert.deepEqual(errors, []);
  await page.close();
});

test("notifications in Firefox: off, none; on, one per new incoming message, never for one's own", async () => {
  const shownSince = async (at) => ((await bgState()).shown ?? []).filter((n) => n.at >= at);
  let since = Date.now();
  let total = (await bgState()).unreadTotal;
  await env.simulate("titouan", { from: "Ann Off", text: "Nobody is told of this one" });
  await until(async () => (await bgState()).unreadTotal === total + 1, "the total at N+1");
  await checkNow();
  assert.deepEqual(await shownSince(since), [], "notifications are off: none");

  await setLocal({ notify: true });
  since = Date.now();
  total += 1;
  const answer = await env.simulate("titouan", { from: "Sam Doe", text: "A quick question about the offer" });
  await until(async () => (await shownSince(since)).length > 0, "a notification");
  await until(async () => (await bgState()).unreadTotal === total + 1, "the total at N+1");
  const shown = await shownSince(since);
  assert.equal(shown.length, 1);
  assert.deepEqual({ title: shown[0].title, message: shown[0].message, context: shown[0].contextMessage }, { title: "Sam Doe", message: "A quick question about the offer", context: "Titouan Prioux" });
  assert.ok(shown[0].id.includes(answer.conversation.replace(/^urn:li:messagingThread:/, "")), `${shown[0].id} names ${answer.conversation}`);
  // The owner's own message in it: no notification, through the push channel nor a check.
  const ownAt = Date.now();
  await env.simulate("titouan", { conversation: answer.conversation, from: "owner", text: "Sure, ask away" });
  await until(async () => (await bgState()).recent.some((r) => r.via === "change" && r.at >= ownAt), "the change of one's own message arrives");
  await checkNow();
  assert.equal((await shownSince(since)).length, 1, "still the one");
  await setLocal({ notify: false, push: false });
});

/** The popup's notice: its text (without the heading of a whole-window screen), kind and link. */
async function notice(page, selector = "#notice") {
  await page.waitForSelector(`${selector}:not([hidden])`, { timeout: 15000 });
  return page.$eval(selector, (el) => ({ kind: el.dataset.kind, text: [...el.childNodes].filter((n) => n.nodeName !== "H2").map((n) => n.textContent).join(""), link: el.querySelector("a")?.getAttribute("href") ?? null }));
}

test("offline in Firefox with a cached inbox, then without one; a thread read before opens offline", async () => {
  await firefox.setStorage({ proxyUrl: env.worker.base, token: ALEX, "inbox-cache-v1": null });
  const online = await firefox.open("popup.html");
  await ready(online);
  const ids = await online.$$eval(".conversation", (els) => els.map((e) => e.dataset.id));
  await online.click(`.conversation[data-id="${ids[0]}"]`);
  await online.waitForSelector("#messages[aria-busy=false] .message", { timeout: 15000 });
  const readBefore = await online.$$eval("#messages .message", (els) => els.map((e) => e.dataset.id));
  await online.evaluate(() => chrome.storage.local.set({ proxyUrl: "http://127.0.0.1:9" }));
  await online.close();

  const offline = await firefox.open("popup.html");
  const shown = await notice(offline);
  assert.equal(shown.kind, "offline");
  assert.match(shown.text, /^Nothing answers at http:\/\/127\.0\.0\.1:9:.*Showing what was loaded before/);
  assert.deepEqual(await offline.$$eval(".conversation", (els) => els.map((e) => e.dataset.id)), ids, "cached conversations stay visible");
  await assertAccessibleIn(offline, "offline with cache");
  await offline.click(`.conversation[data-id="${ids[0]}"]`);
  await offline.waitForSelector("#thread-notice:not([hidden])", { timeout: 15000 });
  assert.deepEqual(await offline.$$eval("#messages .message", (els) => els.map((e) => e.dataset.id)), readBefore, "the thread read before, from its cache");
  assert.match(await offline.$eval("#thread-notice", (el) => el.textContent), /Showing what was loaded before/);
  await offline.keyboard.press("Escape");
  await offline.waitForSelector("#inbox-view:not([hidden])");
  await offline.click(`.conversation[data-id="${ids[5]}"]`);
  const threadError = await notice(offline, "#thread-notice");
  assert.equal(threadError.kind, "offline");
  assert.doesNotMatch(threadError.text, /loaded before/, "a thread never read says nothing was loaded");
  assert.equal(await offline.$$eval("#messages .message", (els) => els.length), 0);
  await assertAccessibleIn(offline, "thread error");
  await offline.close();
});

test("a missing pkg (the wasm) in Firefox: the popup still explains, with no endless loop", async () => {
  const broken = await serveWww({ port: 0, proxyUrl: env.worker.base, token: ALEX, hide: "/pkg/" });
  try {
    const errors = [];
    const page = await firefox.browser.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${broken.base}/popup.html`);
    const shown = await notice(page);
    assert.equal(shown.kind, "broken");
    assert.match(shown.text, /incomplete/);
    await page.evaluate(() => {
      window.noticeChanges = 0;
      new MutationObserver(() => { window.noticeChanges++; }).observe(document.getElementById("notice"), { childList: true, subtree: true, characterData: true });
    });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await page.evaluate(() => window.noticeChanges), 0, "the notice is written once, not in a loop");
    await assertAccessibleIn(page, "missing pkg");
    await page.close();
  } finally {
    broken.server.close();
  }
});

// Last: Priya's session stays refused in the proxy's store for the rest of the file.
test("a session_expired account in Firefox: marked in the switcher, the inbox's notice, no retry loop", async () => {
  const NOTICE = "This LinkedIn account needs to be reconnected; ask your admin.";
  const { items } = await team("/v1/conversations?account=priya&count=5");
  await env.sandbox.fault({ mode: "status", status: 401, endpoint: "linkup", count: 1 });
  const refused = await fetch(`${env.worker.base}/v1/conversations/${encodeURIComponent(items[0].id)}/messages?account=priya&count=5`, { headers: { authorization: `Bearer ${TEAM}` } });
  await refused.text();
  assert.equal(refused.status, 502);
  const { accounts } = await team("/v1/accounts");
  assert.deepEqual(accounts.map((a) => [a.id, a.health.state]), [["alex", "ok"], ["titouan", "ok"], ["priya", "session_expired"]]);

  // Requests counted in front of the Worker.
  const counted = await startSlowProxy(env.worker.base);
  try {
    await firefox.setStorage({ proxyUrl: counted.base, token: TEAM, push: false, refreshSeconds: 300, "inbox-cache-v1": null });
    const errors = [];
    const page = await firefox.open("popup.html", errors);
    await ready(page);
    const health = () => page.$eval("#account-health", (el) => (el.hidden ? null : el.textContent));
    await until(async () => (await health()) !== null, "the account notice");
    const entries = await page.$$eval("#account option", (options) => options.map((o) => [o.value, o.textContent, o.dataset.health ?? null]));
    assert.deepEqual(entries.map(([id, , h]) => [id, h]), [["all", null], ["alex", "ok"], ["titouan", "ok"], ["priya", "session_expired"]]);
    assert.match(entries[3][1], /^Priya Iyer \((\d+ unread, )?needs reconnecting\)$/);
    assert.ok(entries.slice(1, 3).every(([, label]) => !label.includes("reconnect")), JSON.stringify(entries));
    assert.equal(await health(), `Priya Iyer: ${NOTICE}`, "the All view names the account");
    await page.select("#account", "alex");
    await until(async () => (await health()) === null, "no notice for alex");
    await page.select("#account", "priya");
    await until(async () => (await health()) === NOTICE, "priya's notice");
    await ready(page);
    await until(async () => (await page.$$eval("#conversations .conversation", (rows) => rows.length)) > 0, "priya's list");
    await new Promise((r) => setTimeout(r, 500));
    const before = counted.requests.length;
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(counted.requests.slice(before), [], "no request while the popup sits open");
    assert.ok(counted.requests.filter((r) => r === "GET /v1/accounts").length <= 1, `accounts asked ${counted.requests.filter((r) => r === "GET /v1/accounts").length} times`);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    counted.stop();
  }
});
