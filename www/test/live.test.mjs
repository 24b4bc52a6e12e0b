// Several accounts and the live inbox in real Chromium: the account
// switcher and its "All accounts" view, per-account unread counts and the toolbar badge (the
// service worker, background.js) against the Worker's figures; messages the sandbox simulates
// (its signed webhooks into the Worker) reaching the badge, an open popup and a notification;
// and checks that cost no upstream call when nothing changed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { assertStableAccountColours } from "./account-colours.mjs";
import { ANCHOR_MS, EXT, TEAM, TEAM_ACCOUNTS, answerPermissionPrompt, assertAccessible, assertLooksLike, expectedNames, holdSendAnswers, names, settleImages, startEnvironment, until } from "./harness.mjs";

// The badge's check period in these tests (the options offer 30 s and more; Chromium runs an
// unpacked extension's alarms at shorter periods too).
const REFRESH_SECONDS = 3;
// What "within one refresh period" allows on top: the check's own requests on a busy machine.
const SLACK_MS = 2500;

let env;
before(async () => { env = await startEnvironment({ team: true }); });
after(async () => { await env?.stop(); });

const sw = () => env.serviceWorker();
const badge = async () => (await sw()).evaluate(() => chrome.action.getBadgeText({}));
const badgeTitle = async () => (await sw()).evaluate(() => chrome.action.getTitle({}));
const bgState = async () => (await sw()).evaluate(async () => (await chrome.storage.session.get("live-state-v1"))["live-state-v1"] ?? null);
const setLocal = async (values) => (await sw()).evaluate((v) => chrome.storage.local.set(v), values);
const notifications = async () => (await sw()).evaluate(() => chrome.notifications.getAll());
const team = (path) => env.api(path, TEAM);
const switcherEntries = (page) => page.$$eval("#account option", (options) => options.map((o) => [o.value, o.textContent]));
const expectedEntries = (accounts) => {
  const text = (label, n) => (n > 0 ? `${label} (${n} unread)` : label);
  const sum = accounts.reduce((a, b) => a + b.unreadTotal, 0);
  return [["all", text("All accounts", sum)], ...accounts.map((a) => [a.id, text(a.label, a.unreadTotal)])];
};
const rowAccounts = (page) => page.$$eval("#conversations .conversation", (rows) => rows.map((r) => r.querySelector(".account-marker")?.dataset.account ?? null));

/** Waits until `read()` deep-equals `expected()` (both re-read each time), then asserts it. */
async function settles(read, expected, what, timeout = 15000) {
  let last;
  try {
    await until(async () => {
      last = [await read(), await expected()];
      return JSON.stringify(last[0]) === JSON.stringify(last[1]);
    }, what, timeout);
  } catch { /* the assertion below says how they differ */ }
  assert.deepEqual(last[0], last[1], what);
}

test("accounts: the switcher, the All view with a marker per row, per-account unread counts and the badge equal the API's", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: TEAM, refreshSeconds: REFRESH_SECONDS, "inbox-cache-v1": null });
  const errors = [];
  const page = await env.openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
  const all = await team("/v1/conversations?count=20&account=all");
  assert.deepEqual(await names(page), expectedNames(all.items), "the All view is the proxy's merged page");
  assert.deepEqual(await rowAccounts(page), all.items.map((c) => c.account), "each row carries its account's marker");
  assert.ok(new Set(all.items.map((c) => c.account)).size >= 2, "the merged page mixes accounts");
  const labels = await page.$$eval("#conversations .conversation", (rows) => rows.map((r) => r.querySelector(".account-marker").title));
  assert.deepEqual(labels, all.items.map((c) => TEAM_ACCOUNTS.find((a) => a.id === c.account).label));
  assert.equal(await page.isVisible("#account"), true, "the switcher shows for several accounts");
  // The marker sits past the avatar's lower corner: under a fifth of it covers the avatar's circle.
  const covered = await page.$$eval("#conversations .avatar-slot", (slots) => slots.map((slot) => {
    const a = slot.querySelector(".avatar").getBoundingClientRect(), m = slot.querySelector(".account-marker").getBoundingClientRect();
    let inside = 0, all = 0;
    for (let x = m.left + 0.5; x < m.right; x++) for (let y = m.top + 0.5; y < m.bottom; y++, all++) {
      if (Math.hypot(x - (a.left + a.width / 2), y - (a.top + a.height / 2)) < a.width / 2) inside++;
    }
    return inside / all;
  }));
  assert.ok(covered.length && covered.every((share) => share < 0.2), `marker over the avatar: ${covered.map((c) => c.toFixed(2))}`);

  // Each account's store now holds its first page: the switcher's counts follow the API's.
  const accounts = async () => (await team("/v1/accounts")).accounts;
  await settles(() => switcherEntries(page), async () => expectedEntries(await accounts()), "switcher entries and unread counts");
  const { unreadTotal } = await team("/v1/changes");
  const listed = await accounts();
  assert.deepEqual(listed.map((a) => a.id), TEAM_ACCOUNTS.map((a) => a.id));
  assert.equal(unreadTotal, listed.reduce((a, b) => a + b.unreadTotal, 0), "the changes' total is the accounts' sum");
  assert.ok(unreadTotal > 0, "something is unread (else the badge proves nothing)");
  await settles(badge, () => String(unreadTotal), "the badge shows the unread total");
  assert.equal(await badgeTitle(), `Relay Inbox: ${unreadTotal} unread`);

  // One account: its own page, no row markers, its marker by the switcher.
  await page.selectOption("#account", "titouan");
  const titouan = await team("/v1/conversations?count=20&account=titouan");
  await settles(() => names(page), () => expectedNames(titouan.items), "Titouan's page");
  assert.deepEqual(await rowAccounts(page), titouan.items.map(() => null), "no marker on one account's rows");
  assert.equal(await page.textContent("#account-marker"), "T");
  assert.equal(await page.isVisible("#account-marker"), true);
  await page.click("#tab-unread");
  const unread = await team("/v1/conversations?count=20&account=titouan&unread=true");
  await settles(() => names(page), () => expectedNames(unread.items), "Titouan's unread");
  // A thread of that account opens (its requests name the account).
  await page.click("#conversations .conversation");
  await page.waitForFunction(() => document.querySelectorAll("#messages .message").length > 0, null, { timeout: 15000 });
  await page.click("#back");
  await page.click("#tab-all");
  await page.selectOption("#account", "all");
  try {
    // The All view's first page, in the proxy's order with each row's marker (scrolling may
    // already have appended the next page under it).
    const firstPage = async () => (await team("/v1/conversations?count=20&account=all")).items.map((c) => c.account);
    await settles(async () => (await rowAccounts(page)).slice(0, (await firstPage()).length), firstPage, "back to All");
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    // Opening that thread read it here: the switcher and the badge count it out until a newer
    // message (read-search.test.mjs). From here on, and in the tests after this one even when
    // this one failed, they are compared with the API's figures.
    await setLocal({ "read-here-v1": {} });
  }

  // How it looks (fixed clock, the demo data before any simulated message), light and dark; axe.
  const looks = await env.openPopup(errors, { clock: ANCHOR_MS });
  await looks.waitForSelector("body[data-state=ready] #conversations[aria-busy=false] .conversation .account-marker");
  await settles(() => switcherEntries(looks), async () => expectedEntries(await accounts()), "switcher entries");
  await settleImages(looks);
  await assertLooksLike(looks, "inbox-accounts");
  await assertAccessible(looks, "inbox, all accounts");
  await looks.close();

  // A reply from the All view goes to the row's own account.
  const view = await env.openPopup(errors);
  await view.waitForSelector("body[data-state=ready]");
  const row = (await team("/v1/conversations?count=20&account=all")).items.find((c) => c.account === "priya" && c.participants.length === 1);
  assert.ok(row, "one of Priya's conversations on the first page");
  const sends = (await env.sandbox.stats()).sends;
  await view.click(`#conversations .conversation[data-account="priya"][data-id="${row.id}"]`);
  await view.waitForFunction(() => document.querySelectorAll("#messages .message").length > 0, null, { timeout: 15000 });
  await view.fill("#reply-text", "Sent from the All view");
  await view.click("#reply-send");
  await until(async () => !(await view.$("#messages .message.pending")), "the reply is sent");
  assert.equal(await view.$("#messages .message.failed"), null, "not refused");
  assert.equal((await env.sandbox.stats()).sends, sends + 1, "sent once");
  const thread = await team(`/v1/conversations/${encodeURIComponent(row.id)}/messages?account=priya&count=5`);
  assert.equal(thread.items[0].text, "Sent from the All view", "in Priya's thread");
  assert.deepEqual(errors, []);
  await view.close();
});

/** Computed font sizes (px) of `selectors` on `page`. */
const fontSizes = (page, selectors) => page.evaluate((list) => Object.fromEntries(list.map((s) => [s, parseFloat(getComputedStyle(document.querySelector(s)).fontSize)])), selectors);

test("text sizes in the extension (Chromium's 75 % on body): 14 px messages, reply box, tabs, search, switcher and options fields", async () => {
  // The team's settings from the test above: several accounts, so the switcher shows.
  const page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  await page.waitForSelector("#account-switch:not([hidden])");
  const inbox = await fontSizes(page, ["#tab-all", "#tab-unread", "#search", "#account"]);
  await page.click("#conversations .conversation");
  await page.waitForSelector("#messages[aria-busy=false] .message:not(.system) .text");
  const thread = await fontSizes(page, ["#messages .message:not(.system) .text", "#reply-text", "#thread-title"]);
  const day = (await fontSizes(page, ["#messages .day"]))["#messages .day"];
  await page.close();
  const options = await env.openPopup([], { path: "options.html" });
  const fields = await fontSizes(options, ["#proxy-url", "#token", "#refresh-seconds", "#save", "#test"]);
  await options.close();
  const all = { ...inbox, ...thread, ...fields };
  assert.deepEqual(all, { ...Object.fromEntries(Object.keys(all).map((k) => [k, 14])), "#thread-title": 16 });
  assert.ok(day <= thread["#messages .message:not(.system) .text"], `day chips (${day} px) no bigger than messages`);
});

test("options: the accounts the proxy reports, with their providers and unread counts; the badge's choices are kept", async () => {
  const page = await env.context.newPage();
  await page.goto(`${EXT}/options.html`);
  await page.waitForFunction(() => document.querySelectorAll("#accounts li").length > 0, null, { timeout: 15000 });
  const { accounts } = await team("/v1/accounts");
  assert.equal(await page.textContent("#accounts-status"), `This proxy serves ${accounts.length} accounts for this client.`);
  // "Test connection" for a client of several accounts (the README's demo settings).
  await page.click("#test");
  await page.waitForFunction(() => ["ok", "error"].includes(document.getElementById("status").dataset.kind), null, { timeout: 15000 });
  assert.equal(await page.textContent("#status"), `Connected: this client has ${accounts.length} accounts.`);
  const shown = await page.$$eval("#accounts li", (items) => items.map((li) => [li.dataset.account, li.querySelector(".account-name").textContent, li.querySelector(".account-details").textContent, li.querySelector(".account-marker").textContent]));
  assert.deepEqual(shown.map(([id, label, , initial]) => [id, label, initial]), accounts.map((a) => [a.id, a.label, a.label[0]]));
  for (const [i, a] of accounts.entries()) {
    assert.match(shown[i][2], new RegExp(`^Id ${a.id} · through ConnectSafely and LinkupAPI · ${a.unreadTotal} unread · Left today: ${a.budgetLeftToday.connectsafelyCalls} ConnectSafely calls`), shown[i][2]);
  }
  // Notifications are off until turned on; the period is the stored one.
  assert.equal(await page.isChecked("#notify"), false);
  assert.equal(await page.inputValue("#refresh-seconds"), String(REFRESH_SECONDS));
  await page.check("#notify");
  await page.selectOption("#refresh-seconds", "300");
  await answerPermissionPrompt(page);
  await page.click("#save");
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Saved"), null, { timeout: 15000 });
  assert.deepEqual(await page.evaluate(() => chrome.storage.local.get(["notify", "refreshSeconds"])), { notify: true, refreshSeconds: 300 });
  await until(async () => (await (await sw()).evaluate(() => chrome.alarms.get("inbox-check")))?.periodInMinutes === 5, "the alarm at the new period");
  await setLocal({ notify: false, refreshSeconds: REFRESH_SECONDS });
  await until(async () => (await (await sw()).evaluate(() => chrome.alarms.get("inbox-check")))?.periodInMinutes === REFRESH_SECONDS / 60, "the alarm back at the test period");
  await page.close();
});

test("nothing new: the badge's checks cost 0 upstream calls", async () => {
  for (const page of env.context.pages()) await page.close();
  await setLocal({ push: false });
  const start = await bgState();
  await until(async () => (await bgState())?.checks > start.checks, "a check after push went off");
  const badgeBefore = await badge();
  const before = await env.sandbox.stats();
  const checks = (await bgState()).checks;
  await until(async () => (await bgState()).checks >= checks + 2, "two alarm checks", 2 * REFRESH_SECONDS * 1000 + 2 * SLACK_MS);
  await setLocal({ push: true });
  await until(async () => (await bgState()).recent.some((r) => r.via === "ready"), "the push channel open");
  await new Promise((r) => setTimeout(r, REFRESH_SECONDS * 1000));
  const after = await env.sandbox.stats();
  assert.deepEqual(after.calls, before.calls, "no ConnectSafely or LinkupAPI call");
  assert.equal(await badge(), badgeBefore);
});

test("a token the proxy refuses (another client's, a new secret) starts the checks over", async () => {
  const { unreadTotal } = await team("/v1/changes");
  const other = (await env.api("/v1/changes")).token;
  await (await sw()).evaluate(async (token) => {
    const state = (await chrome.storage.session.get("live-state-v1"))["live-state-v1"];
    await chrome.storage.session.set({ "live-state-v1": { ...state, token } });
  }, other);
  const refused = await fetch(`${env.worker.base}/v1/changes?since=${encodeURIComponent(other)}`, { headers: { authorization: `Bearer ${TEAM}` } });
  assert.equal(refused.status, 400, "the proxy refuses another client's token");
  assert.equal((await refused.json()).error.code, "INVALID_CURSOR");
  const checks = (await bgState()).checks;
  await until(async () => (await bgState()).checks > checks, "a check after", REFRESH_SECONDS * 1000 + SLACK_MS);
  const state = await bgState();
  assert.notEqual(state.token, other, "a new token");
  assert.equal(await badge(), String(unreadTotal));
  assert.equal(await badgeTitle(), `Relay Inbox: ${unreadTotal} unread`, "not a stale badge");
});

test("a simulated message: the badge goes from N to N+1 within one refresh period, and the open popup shows it without a reload", async () => {
  await setLocal({ push: false, notify: false });
  const errors = [];
  const page = await env.openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
  await page.evaluate(() => { window.notReloaded = true; });
  const { unreadTotal: n } = await team("/v1/changes");
  await settles(badge, () => String(n), "the badge before");
  const priya = (await team("/v1/accounts")).accounts.find((a) => a.id === "priya").unreadTotal;

  const sent = Date.now();
  const answer = await env.simulate("priya", { from: "Jane Roe", text: "Are you free on Friday?" });
  await until(async () => (await badge()) === String(n + 1), "the badge at N+1", REFRESH_SECONDS * 1000 + SLACK_MS);
  const took = Date.now() - sent;
  assert.ok(took <= REFRESH_SECONDS * 1000 + SLACK_MS, `within one period (${took} ms)`);
  assert.equal((await team("/v1/changes")).unreadTotal, n + 1, "the API agrees");
  assert.equal((await bgState()).recent.at(-1).via, "check", "the alarm's check brought it (push is off)");

  // The open popup: the new conversation on top, its marker, the switcher's counts; no reload.
  await page.waitForFunction(() => document.querySelector("#conversations .conversation .name")?.textContent === "Jane Roe", null, { timeout: 5000 });
  assert.equal(await page.textContent("#conversations .conversation .preview"), "Are you free on Friday?");
  assert.deepEqual((await rowAccounts(page))[0], "priya");
  assert.equal(await page.$eval("#conversations .conversation", (b) => b.classList.contains("unread")), true);
  const newest = (await team("/v1/conversations?count=1&account=priya")).items[0];
  assert.equal(newest.participants[0].name, "Jane Roe");
  assert.ok(newest.id.includes(answer.conversation), `${newest.id} is ${answer.conversation}`);
  assert.equal(await page.$eval("#conversations .conversation", (b) => b.dataset.id), newest.id);
  await settles(() => page.$eval("#account option[value=priya]", (o) => o.dataset.unread), () => String(priya + 1), "Priya's count in the switcher");
  assert.equal(await page.evaluate(() => window.notReloaded), true, "the page was not reloaded");
  assert.deepEqual(await notifications(), {}, "notifications are off by default");
  assert.deepEqual(errors, []);
  await page.close();
});

test("push: a message reaches the badge, the list and an open thread between checks", async () => {
  // A long period: only the push channel can bring it in time.
  await setLocal({ push: true, refreshSeconds: 300 });
  await until(async () => (await bgState()).recent.some((r) => r.via === "ready" && r.at > Date.now() - 10000), "the push channel open");
  const errors = [];
  const page = await env.openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
  await page.evaluate(() => { window.notReloaded = true; });
  const { unreadTotal: n } = await team("/v1/changes");
  await settles(badge, () => String(n), "the badge before");

  // Open one of Alex's read conversations; a message arrives in it.
  await page.selectOption("#account", "alex");
  const alex = await team("/v1/conversations?count=20&account=alex");
  await settles(() => names(page), () => expectedNames(alex.items), "Alex's page");
  const index = alex.items.findIndex((c) => c.isRead && c.unreadCount === 0 && c.participants.length === 1);
  assert.ok(index >= 0, "a read one-to-one conversation");
  const target = alex.items[index];
  await page.click(`#conversations .conversation[data-id="${target.id}"]`);
  await page.waitForFunction(() => document.querySelectorAll("#messages .message").length > 0, null, { timeout: 15000 });
  const sent = Date.now();
  await env.simulate("alex", { conversation: target.id, text: "Pushed, not polled" });
  await page.waitForFunction(() => [...document.querySelectorAll("#messages .message")].some((m) => m.textContent.includes("Pushed, not polled")), null, { timeout: 10000 });
  await settles(badge, () => String(n + 1), "the badge at N+1 (the read conversation is unread again)", 10000);
  // The list behind the thread has it first.
  await page.click("#back");
  await page.waitForFunction((id) => document.querySelector("#conversations .conversation")?.dataset.id === id, target.id, { timeout: 5000 });
  assert.match(await page.textContent("#conversations .conversation .preview"), /Pushed, not polled/);
  const change = (await bgState()).recent.find((r) => r.via === "change" && r.at >= sent);
  assert.ok(change, "a push frame brought the change");
  assert.ok(change.at - sent < 10000, "well before the 300 s check");
  assert.equal(await page.evaluate(() => window.notReloaded), true, "the page was not reloaded");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a reply sent while scrolled up ends on screen, even when its pushed change shows it first", async () => {
  await setLocal({ push: true, refreshSeconds: 300 });
  await until(async () => (await bgState()).recent.some((r) => r.via === "ready" && r.at > Date.now() - 10000), "the push channel open");
  const page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  await page.selectOption("#account", "alex");
  const alex = await team("/v1/conversations?count=20&account=alex");
  await settles(() => names(page), () => expectedNames(alex.items), "Alex's page");
  let target = null;
  for (const c of alex.items.filter((c) => c.participants.length === 1)) {
    if ((await team(`/v1/conversations/${encodeURIComponent(c.id)}/messages?count=20&account=alex`)).items.length >= 12) { target = c; break; }
  }
  assert.ok(target, "a conversation longer than the window");
  await page.click(`#conversations .conversation[data-id="${target.id}"]`);
  await page.waitForSelector("#messages[aria-busy=false] .message");
  await page.$eval("#thread-scroll", (el) => { el.scrollTop = 0; });
  assert.ok(await page.$eval("#thread-scroll", (el) => el.scrollHeight - el.clientHeight > 200), "scrolled well above the end");
  // The send's answer waits until the pushed change has shown the message.
  const release = await holdSendAnswers(page);
  const text = `Sent while scrolled up ${Date.now()}`;
  await page.fill("#reply-text", text);
  await page.click("#reply-send");
  await page.waitForFunction((t) => [...document.querySelectorAll("#messages .message:not([data-pending]) .text")].some((m) => m.textContent === t), text, { timeout: 10000 });
  release();
  await until(async () => !(await page.$("#messages .message[data-pending]")), "the reply is sent");
  await page.unrouteAll({ behavior: "ignoreErrors" });
  const onScreen = await page.evaluate((t) => {
    const scroll = document.getElementById("thread-scroll").getBoundingClientRect();
    const sent = [...document.querySelectorAll("#messages .message .text")].find((m) => m.textContent === t).getBoundingClientRect();
    return sent.top >= scroll.top && sent.bottom <= scroll.bottom;
  }, text);
  assert.equal(onScreen, true, "the sent message is in view");
  assert.ok(await page.$eval("#thread-scroll", (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2), "scrolled to the end");
  await page.close();
});

test("notifications: off, none; turned on, one per new incoming message, never for one's own", async () => {
  await setLocal({ push: true, refreshSeconds: REFRESH_SECONDS, notify: true });
  await (await sw()).evaluate(async () => { for (const id of Object.keys(await chrome.notifications.getAll())) await chrome.notifications.clear(id); });
  const { unreadTotal: n } = await team("/v1/changes");
  const answer = await env.simulate("titouan", { from: "Sam Doe", text: "A quick question about the offer" });
  await until(async () => Object.keys(await notifications()).length > 0, "a notification");
  await settles(badge, () => String(n + 1), "the badge at N+1");
  const ids = Object.keys(await notifications());
  assert.equal(ids.length, 1, `one notification: ${ids}`);
  assert.ok(ids[0].includes("titouan|"), ids[0]);
  const shown = (await bgState()).shown.at(-1);
  assert.deepEqual({ title: shown.title, message: shown.message, context: shown.contextMessage }, { title: "Sam Doe", message: "A quick question about the offer", context: "Titouan Prioux" });
  assert.ok(ids[0].includes(answer.conversation.replace(/^urn:li:messagingThread:/, "")), `${ids[0]} names ${answer.conversation}`);

  // The owner's own message elsewhere: no notification; a check runs and still none.
  await env.simulate("titouan", { conversation: answer.conversation, from: "owner", text: "Sure, ask away" });
  const checks = (await bgState()).checks;
  await until(async () => (await bgState()).checks >= checks + 1, "a check after", REFRESH_SECONDS * 1000 + SLACK_MS);
  assert.deepEqual(Object.keys(await notifications()), ids, "still the one");
});

test("account colours: each marker is its account's own colour, the same when the switcher's list changes", () => assertStableAccountColours({
  get env() { return env; },
  setStorage: (values) => env.setStorage(values),
  open: (path) => env.openPopup([], { path }),
  select: (page, selector, value) => page.selectOption(selector, value),
}));
