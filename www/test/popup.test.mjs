// The extension in real Chromium (--load-extension), against the Worker in workerd and the
// provider sandbox. Writes screenshots to docs/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { call, freePort, startWorker } from "../../tests/js/worker.mjs";
import { serveWww } from "../../scripts/serve-www.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const WWW = join(repo, "www");
const SHOTS = join(repo, "docs", "screenshots");
const EXTENSION_ID = "jcegmgjieaccpbogoabmpmboagcomiig";
const EXT = `chrome-extension://${EXTENSION_ID}`;
const ALEX = "popup-alex-token", PRIYA = "popup-priya-token";
// Accounts served by one provider only (issue 15): the popup works unchanged.
const CS_ONLY = "popup-cs-only-token", LK_ONLY = "popup-lk-only-token";

let sandbox, worker, context, profile, www, wwwPort;

before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  wwwPort = await freePort();
  worker = await startWorker({
    sandboxBase: sandbox.base,
    clients: [
      { name: "alex", token: ALEX, account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex", origins: [EXT, `http://127.0.0.1:${wwwPort}`] },
      { name: "priya", token: PRIYA, account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya", origins: [EXT] },
      { name: "cs-only", token: CS_ONLY, account: "696ce9e780e0483585e4e553", loginToken: null, origins: [EXT] },
      { name: "lk-only", token: LK_ONLY, account: null, loginToken: null, linkupAccountId: "lk_acc_696ce9e780e0483585e4e553", origins: [EXT] },
    ],
  });
  www = await serveWww({ port: wwwPort, proxyUrl: worker.base, token: ALEX });
  profile = mkdtempSync(join(tmpdir(), "inbox-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 400, height: 600 },
    ignoreDefaultArgs: ["--disable-extensions"],
    args: [`--disable-extensions-except=${WWW}`, `--load-extension=${WWW}`, "--no-sandbox", "--disable-gpu",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await context?.close();
  www?.server.close();
  await worker?.stop();
  sandbox?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** The Worker's answer (checked against docs/openapi.yaml), for comparing with the popup. */
async function api(path, token = ALEX) {
  return (await call(worker.base, path, { authorization: `Bearer ${token}` })).body;
}

/** Sets chrome.storage.local; `"inbox-cache-v1": null` clears the cached inbox (localStorage). */
async function setStorage({ "inbox-cache-v1": cache, ...values }) {
  const page = await context.newPage();
  await page.goto(`${EXT}/options.html`);
  await page.evaluate((v) => chrome.storage.local.set(v), values);
  if (cache === null) await page.evaluate(() => localStorage.removeItem("inbox-cache-v1"));
  await page.close();
}

async function openPopup(errors = []) {
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${EXT}/popup.html`);
  return page;
}

const names = (page) => page.$$eval("#conversations .conversation .name", (els) => els.map((e) => e.textContent));
const expectedNames = (items) => items.map((c) => c.participants.map((p) => p.name).join(", "));

async function until(fn, what, timeout = 15000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function shoot(page, name) {
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SHOTS, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

test("options: save, test connection with a good and a bad token", async () => {
  const page = await context.newPage();
  await page.goto(`${EXT}/options.html`);
  await page.evaluate(() => localStorage.setItem("inbox-cache-v1", JSON.stringify({ items: [{ id: "another account" }] })));
  await page.fill("#proxy-url", worker.base);
  await page.fill("#token", ALEX);
  await page.click("#save");
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Saved"), null, { timeout: 15000 });
  assert.deepEqual(await page.evaluate(() => chrome.storage.local.get(["proxyUrl", "token"])), { proxyUrl: worker.base, token: ALEX });
  assert.equal(await page.evaluate(() => localStorage.getItem("inbox-cache-v1")), null, "a new token drops the cached inbox");
  const calls = (await sandbox.stats()).calls.total;
  await page.click("#test");
  await page.waitForFunction(() => document.getElementById("status").dataset.kind === "ok");
  assert.equal(await page.textContent("#status"), 'Connected as "alex".');
  assert.equal((await sandbox.stats()).calls.total, calls, "testing costs no provider call");
  await shoot(page, "options");
  await page.fill("#token", "wrong-token");
  await page.click("#test");
  await page.waitForFunction(() => document.getElementById("status").dataset.kind === "error");
  assert.match(await page.textContent("#status"), /Bad token/);
  await page.fill("#proxy-url", "http://127.0.0.1:9");
  await page.click("#test");
  await page.waitForFunction(() => /Unreachable/.test(document.getElementById("status").textContent));
  await page.close();
});

test("inbox: the first page exactly, unread filter, search, and every conversation once on scroll", async () => {
  await setStorage({ proxyUrl: worker.base, token: ALEX });
  const errors = [];
  const page = await openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
  const first = await api("/v1/conversations?count=20");
  assert.deepEqual(await names(page), expectedNames(first.items));
  const unreadMarks = await page.$$eval(".conversation", (els) => els.map((e) => e.classList.contains("unread")));
  assert.deepEqual(unreadMarks, first.items.map((c) => !c.isRead));
  const previews = await page.$$eval(".conversation .preview", (els) => els.map((e) => e.textContent));
  assert.equal(previews[0], "Hello, how are you?");
  assert.deepEqual(previews, first.items.map((c) => (c.latestMessage.fromSelf ? "You: " : "") + (c.latestMessage.text || (c.latestMessage.hasAttachment ? "Sent an attachment" : "—"))));
  await shoot(page, "inbox");

  await page.click("#tab-unread");
  const unread = await api("/v1/conversations?count=20&unread=true");
  await until(async () => JSON.stringify(await names(page)) === JSON.stringify(expectedNames(unread.items)), "unread list");
  await page.click("#tab-all");
  await page.fill("#search", "hello");
  const hello = await api("/v1/conversations?count=20&keywords=hello");
  await until(async () => JSON.stringify(await names(page)) === JSON.stringify(expectedNames(hello.items)), "search results");
  await page.fill("#search", "");
  await until(async () => JSON.stringify(await names(page)) === JSON.stringify(expectedNames(first.items)), "full list again");

  await until(async () => {
    await page.$eval("#inbox-scroll", (el) => { el.scrollTop = el.scrollHeight; });
    return page.isVisible("#end-of-list");
  }, "the end of the list", 30000);
  const ids = await page.$$eval(".conversation", (els) => els.map((e) => e.dataset.id));
  assert.equal(ids.length, first.total);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(errors, []);
  await page.close();
});

test("thread: order, system messages, load older to the first message, back restores position", async () => {
  const page = await openPopup();
  await page.waitForSelector("body[data-state=ready]");
  const list = await api("/v1/conversations?count=20");
  let target = null, all = null;
  for (const c of list.items.slice(1)) {
    const messages = [];
    let cursor = null;
    do {
      const p = await api(`/v1/conversations/${encodeURIComponent(c.id)}/messages?count=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      messages.push(...p.items);
      cursor = p.nextCursor;
    } while (cursor);
    if (messages.length > 45) { target = c; all = messages; break; }
  }
  assert.ok(target, "a conversation with more than two pages");
  await page.$eval("#inbox-scroll", (el) => { el.scrollTop = 150; });
  const scrolled = await page.$eval("#inbox-scroll", (el) => el.scrollTop);
  await page.$eval(`.conversation[data-id="${target.id}"]`, (el) => el.click());
  await page.waitForSelector("#messages .message");
  assert.equal(await page.getAttribute("#thread-link", "href"), target.url);
  let shown = await page.$$eval("#messages .message", (els) => els.map((e) => e.dataset.id));
  assert.deepEqual(shown, all.slice(0, 20).map((m) => m.id).reverse(), "oldest at top, newest at bottom");
  await shoot(page, "thread");
  while (await page.isVisible("#load-older")) {
    const anchor = shown[0];
    await page.$eval("#thread-scroll", (el) => { el.scrollTop = 0; });
    const before = await page.$eval(`[data-id="${anchor}"]`, (el) => el.getBoundingClientRect().top);
    const count = shown.length;
    await page.click("#load-older");
    await until(async () => (await page.$$("#messages .message")).length > count || !(await page.isVisible("#load-older")), "older messages");
    const after = await page.$eval(`[data-id="${anchor}"]`, (el) => el.getBoundingClientRect().top);
    assert.ok(Math.abs(after - before) < 30, `reading position kept (${before} → ${after})`);
    shown = await page.$$eval("#messages .message", (els) => els.map((e) => e.dataset.id));
  }
  assert.deepEqual(shown, all.map((m) => m.id).reverse(), "every message, first one at top");
  const systemCount = all.filter((m) => m.kind === "system").length;
  assert.equal(await page.$$eval("#messages .message.system", (els) => els.length), systemCount);
  assert.ok(systemCount > 0);
  assert.ok((await page.$$eval("#messages .day", (els) => els.length)) > 1, "grouped by day");
  await page.click("#back");
  await page.waitForSelector("#inbox-view:not([hidden])");
  assert.equal(await page.$eval("#inbox-scroll", (el) => el.scrollTop), scrolled);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.id), target.id, "focus returns to the opened conversation");
  await page.close();
});

test("offline shows the cached inbox with a notice; a bad token links to the options", async () => {
  await setStorage({ proxyUrl: "http://127.0.0.1:9", token: ALEX });
  const offline = await openPopup();
  await offline.waitForSelector("#notice:not([hidden])");
  assert.match(await offline.textContent("#notice"), /Offline/);
  assert.ok((await names(offline)).length >= 20, "cached conversations stay visible");
  await offline.close();
  await setStorage({ proxyUrl: worker.base, token: "not-a-client" });
  const badToken = await openPopup();
  await badToken.waitForSelector("body[data-state=auth]", { timeout: 10000 }).catch(async (e) => {
    throw new Error(`${e.message}; state=${await badToken.getAttribute("body", "data-state")} notice=${await badToken.textContent("#notice")}`);
  });
  assert.match(await badToken.textContent("#notice"), /does not know this client token/);
  assert.equal(await badToken.getAttribute("#notice a", "href"), "options.html");
  await badToken.close();
});

test("upstream markup renders as text", async () => {
  await setStorage({ proxyUrl: worker.base, token: PRIYA, "inbox-cache-v1": null });
  const page = await openPopup();
  await page.waitForSelector("body[data-state=ready]");
  const previews = await page.$$eval(".conversation .preview", (els) => els.map((e) => e.textContent));
  assert.ok(previews.some((p) => p.includes('<img src=x onerror="window.__xss=1">')), "the markup is shown as text");
  assert.equal(await page.$$eval("#conversations .preview img", (els) => els.length), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.close();
});

test("the same pages work over http from 127.0.0.1 with the demo config", async () => {
  const browserPage = await context.newPage();
  await browserPage.goto(`${www.base}/popup.html`);
  await browserPage.waitForSelector("body[data-state=ready]");
  const first = await api("/v1/conversations?count=20");
  assert.deepEqual(await names(browserPage), expectedNames(first.items));
  await browserPage.close();
});

test("a ConnectSafely-only and a LinkupAPI-only account: the same popup lists and opens threads", async () => {
  for (const token of [CS_ONLY, LK_ONLY]) {
    await setStorage({ proxyUrl: worker.base, token, "inbox-cache-v1": null });
    const errors = [];
    const page = await openPopup(errors);
    await page.waitForSelector("body[data-state=ready]");
    const first = await api("/v1/conversations?count=20", token);
    assert.deepEqual(await names(page), expectedNames(first.items), token);
    const target = first.items[0];
    await page.$eval(`.conversation[data-id="${target.id}"]`, (el) => el.click());
    await page.waitForSelector("#messages .message");
    const thread = await api(`/v1/conversations/${encodeURIComponent(target.id)}/messages?count=20`, token);
    const shown = await page.$$eval("#messages .message", (els) => els.map((e) => e.dataset.id));
    assert.deepEqual(shown, thread.items.map((m) => m.id).reverse(), token);
    assert.deepEqual(errors, [], token);
    await page.close();
  }
});
