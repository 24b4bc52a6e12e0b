// The flows that ran in Chromium only (popup.test.mjs and live.test.mjs), in Firefox ESR
// (firefox.mjs), against the Worker in workerd and the sandbox: Save waits for a slow permission
// prompt; the inbox pages to its end with every conversation once; the account switcher, the
// All view's row markers and per-account counts equal the API's, and a reply from the All view
// goes to the row's own account.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ALEX, ANCHOR_MS, TEAM, TEAM_ACCOUNTS, WWW, expectedNames, names, startEnvironment, until } from "./harness.mjs";
import { assertAccessibleIn, assertLooksLikeIn, fill, launchFirefox, settleImagesIn } from "./firefox.mjs";
import { assertStableAccountColours } from "./account-colours.mjs";

let env, firefox;
before(async () => {
  env = await startEnvironment({ chromium: false, team: true });
  firefox = await launchFirefox(WWW);
});
after(async () => {
  await firefox?.close();
  await env?.stop();
});

const team = (path) => env.api(path, TEAM);
const text = (page, selector) => page.$eval(selector, (el) => el.textContent);
const visible = (page, selector) => page.$eval(selector, (el) => el.getClientRects().length > 0);
const ready = (page) => page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
const same = async (read, expected, what) => {
  let last;
  await until(async () => JSON.stringify(last = await read()) === JSON.stringify(await expected()), what).catch(() => {});
  assert.deepEqual(last, await expected(), what);
};
const switcherEntries = (page) => page.$$eval("#account option", (options) => options.map((o) => [o.value, o.textContent]));
const expectedEntries = (accounts) => {
  const label = (name, n) => (n > 0 ? `${name} (${n} unread)` : name);
  const sum = accounts.reduce((a, b) => a + b.unreadTotal, 0);
  return [["all", label("All accounts", sum)], ...accounts.map((a) => [a.id, label(a.label, a.unreadTotal)])];
};
const rowAccounts = (page) => page.$$eval("#conversations .conversation", (rows) => rows.map((r) => r.querySelector(".account-marker")?.dataset.account ?? null));

test("options in Firefox: Save waits for the permission prompt however long it takes, saying Saving…; refused URLs ask nothing", async () => {
  const page = await firefox.open("options.html");
  await page.waitForSelector("#proxy-url");
  // Firefox's prompt, answered when the test says (a person slower than any timer).
  await page.evaluate(() => {
    window.asked = [];
    chrome.permissions.request = (request) => new Promise((resolve) => { window.asked.push(request.origins); window.answer = resolve; });
  });
  const port = new URL(env.worker.base).port;
  await fill(page, "#proxy-url", `localhost:${port}`);
  await fill(page, "#token", ALEX);
  await page.click("#save");
  await page.waitForFunction(() => document.getElementById("status").textContent === "Saving…", { timeout: 15000 });
  assert.equal(await page.$eval("#save", (b) => b.disabled), true, "no second Save while the first waits");
  assert.equal(await page.$eval("#proxy-url", (i) => i.value), `http://localhost:${port}`, "a loopback host without a scheme is http");
  assert.equal((await page.evaluate(() => window.asked)).length, 1, "one prompt");
  await new Promise((r) => setTimeout(r, 6000));
  assert.equal(await text(page, "#status"), "Saving…", "still waiting for the person after 6 s");
  await page.evaluate(() => window.answer(true));
  await page.waitForFunction(() => document.getElementById("status").dataset.kind === "ok", { timeout: 15000 });
  assert.equal(await text(page, "#status"), "Saved.");
  assert.equal(await page.$eval("#save", (b) => b.disabled), false);
  assert.equal((await page.evaluate(() => chrome.storage.local.get("proxyUrl"))).proxyUrl, `http://localhost:${port}`);

  for (const [typed, said] of [["ftp://inbox.example", /must start with https:\/\//], ["http://inbox.example.com", /http:\/\/ only for a proxy on this computer/], ["https://", /is not a URL/]]) {
    await page.evaluate(() => { document.getElementById("status").dataset.kind = ""; });
    await fill(page, "#proxy-url", typed);
    await page.click("#save");
    await page.waitForFunction(() => document.getElementById("status").dataset.kind === "error", { timeout: 15000 });
    assert.match(await text(page, "#status"), said, typed);
    assert.equal((await page.evaluate(() => chrome.storage.local.get("proxyUrl"))).proxyUrl, `http://localhost:${port}`, "nothing stored");
  }
  assert.equal((await page.evaluate(() => window.asked)).length, 1, "no prompt for a refused URL");
  await page.close();
});

test("the inbox in Firefox pages to its end: every conversation once, That's everything, focus kept in the list", async () => {
  await firefox.setStorage({ proxyUrl: env.worker.base, token: ALEX, push: false, "inbox-cache-v1": null });
  const errors = [];
  const page = await firefox.open("popup.html", errors);
  await ready(page);
  const first = await env.api("/v1/conversations?count=20");
  await same(() => names(page), () => expectedNames(first.items), "the first page exactly");
  assert.ok(first.total > 20, `more than one page (${first.total})`);
  // The Load more button, by keyboard, until the end; then scrolling would load nothing more.
  await until(async () => {
    if (await visible(page, "#load-more")) {
      await page.focus("#load-more");
      await page.keyboard.press("Enter");
    }
    return visible(page, "#end-of-list");
  }, "the end of the list", 60000);
  const ids = await page.$$eval(".conversation", (els) => els.map((e) => e.dataset.id));
  assert.equal(ids.length, first.total, "every conversation");
  assert.equal(new Set(ids).size, ids.length, "each once");
  assert.equal(await text(page, "#end-of-list"), "That's everything.");
  assert.equal(await visible(page, "#load-more"), false);
  assert.equal(await page.evaluate(() => document.activeElement.matches("button.conversation")), true, "focus on a row when the button hides");
  assert.deepEqual(errors, []);
  await page.close();
});

test("accounts in Firefox: the switcher and the All view's row markers equal the API's; one account's pages; a reply from All goes to the row's account", async () => {
  // The counts follow the event page's checks (every 3 s here), as in Chromium's live.test.mjs.
  await firefox.setStorage({ proxyUrl: env.worker.base, token: TEAM, refreshSeconds: 3, push: false, "inbox-cache-v1": null });
  const errors = [];
  const page = await firefox.open("popup.html", errors);
  await ready(page);
  const all = await team("/v1/conversations?count=20&account=all");
  await same(() => names(page), () => expectedNames(all.items), "the All view is the proxy's merged page");
  assert.deepEqual(await rowAccounts(page), all.items.map((c) => c.account), "each row carries its account's marker");
  assert.ok(new Set(all.items.map((c) => c.account)).size >= 2, "the merged page mixes accounts");
  const labels = await page.$$eval("#conversations .conversation", (rows) => rows.map((r) => r.querySelector(".account-marker").title));
  assert.deepEqual(labels, all.items.map((c) => TEAM_ACCOUNTS.find((a) => a.id === c.account).label));
  assert.equal(await visible(page, "#account"), true, "the switcher shows for several accounts");
  const accounts = async () => (await team("/v1/accounts")).accounts;
  await same(() => switcherEntries(page), async () => expectedEntries(await accounts()), "switcher entries and unread counts");
  assert.ok((await accounts()).some((a) => a.unreadTotal > 0), "something is unread (else the counts prove nothing)");
  await assertAccessibleIn(page, "inbox, all accounts");
  // How it looks (the sandbox's anchor time, before any message of this test), light and dark.
  const looks = await firefox.open("popup.html", errors, { clock: ANCHOR_MS });
  await looks.waitForSelector("body[data-state=ready] #conversations[aria-busy=false] .conversation .account-marker", { timeout: 15000 });
  await same(() => switcherEntries(looks), async () => expectedEntries(await accounts()), "switcher entries at the anchor time");
  await settleImagesIn(looks);
  await assertLooksLikeIn(looks, "inbox-accounts");
  await looks.close();

  // One account: its own page, no row markers, its marker by the switcher; its Unread view.
  await page.select("#account", "titouan");
  const titouan = await team("/v1/conversations?count=20&account=titouan");
  await same(() => names(page), () => expectedNames(titouan.items), "Titouan's page");
  assert.deepEqual(await rowAccounts(page), titouan.items.map(() => null), "no marker on one account's rows");
  assert.equal(await text(page, "#account-marker"), "T");
  assert.equal(await visible(page, "#account-marker"), true);
  await page.click("#tab-unread");
  const unread = await team("/v1/conversations?count=20&account=titouan&unread=true");
  await same(() => names(page), () => expectedNames(unread.items), "Titouan's unread");
  await page.click("#tab-all");
  await page.select("#account", "all");
  await same(() => rowAccounts(page), async () => (await team("/v1/conversations?count=20&account=all")).items.map((c) => c.account), "back to All");

  // A reply from the All view goes to the row's own account, once.
  const row = (await team("/v1/conversations?count=20&account=all")).items.find((c) => c.account === "priya" && c.participants.length === 1);
  assert.ok(row, "one of Priya's conversations on the first page");
  const sends = (await env.sandbox.stats()).sends;
  await page.click(`#conversations .conversation[data-account="priya"][data-id="${row.id}"]`);
  await page.waitForSelector("#messages .message", { timeout: 15000 });
  await fill(page, "#reply-text", "Sent from the All view in Firefox");
  await page.click("#reply-send");
  await until(async () => !(await page.$("#messages .message.pending")), "the reply is sent");
  assert.equal(await page.$("#messages .message.failed"), null, "not refused");
  assert.equal((await env.sandbox.stats()).sends, sends + 1, "sent once");
  const thread = await team(`/v1/conversations/${encodeURIComponent(row.id)}/messages?account=priya&count=5`);
  assert.equal(thread.items[0].text, "Sent from the All view in Firefox", "in Priya's thread");
  assert.deepEqual(errors, []);
  await page.close();
});

test("account colours in Firefox: each marker is its account's own colour, the same when the switcher's list changes", () => assertStableAccountColours({
  get env() { return env; },
  setStorage: (values) => firefox.setStorage(values),
  open: (path) => firefox.open(path),
  select: (page, selector, value) => page.select(selector, value),
}));
