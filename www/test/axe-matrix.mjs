// The states axe-core checks (WCAG 2.2 A/AA and best practices, light and dark) beyond those the
// flow tests pass through, written once for both browsers: axe-matrix.test.mjs (Chromium) and
// firefox-axe-matrix.test.mjs (Firefox) each give a driver of the same shape:
//   env          the environment (harness.mjs, with the team client),
//   setStorage   chrome.storage.local set (cleared first; "inbox-cache-v1": null clears the caches),
//   open(path, { clock })  an extension page in a 400×600 window,
//   zoom(page, on)  the page at 200 % in a 400×600 px window (200×300 CSS px), or back to 100 %,
//   axe(page, label)  no violation in light and dark.
// Page calls used are common to Playwright and puppeteer ($eval, $$eval, click, evaluate, waitForSelector).
import assert from "node:assert/strict";
import { ALEX, TEAM, until } from "./harness.mjs";
import { fill } from "./firefox.mjs";
import { startSlowProxy } from "./slow-proxy.mjs";

const visibleText = (page, selector) => page.$eval(selector, (el) => (el.getClientRects().length ? el.textContent : null));
const ready = (page) => page.waitForSelector("body[data-state=ready]", { timeout: 15000 });

/** The Unread view, then "Searching…" over the cached rows' highlights, then the proxy's results with theirs. */
export async function unreadAndSearch(driver) {
  const slow = await startSlowProxy(driver.env.worker.base);
  const releaseSearches = slow.holdSearches();
  try {
    await driver.setStorage({ proxyUrl: slow.base, token: ALEX, push: false, "inbox-cache-v1": null });
    const page = await driver.open("popup.html");
    await ready(page);
    await page.click("#tab-unread");
    await page.waitForSelector("#conversations[aria-busy=false][data-view=unread] .conversation.unread", { timeout: 15000 });
    await driver.axe(page, "the Unread view");
    await page.click("#tab-all");
    await page.waitForSelector("#conversations[aria-busy=false][data-view=all] .conversation", { timeout: 15000 });
    const word = await page.$eval("#conversations .conversation .name", (el) => el.textContent.split(" ")[0]);
    await fill(page, "#search", word);
    await until(async () => (await page.$eval("#search-status", (el) => el.textContent)) === "Searching…", "Searching… announced");
    assert.ok((await page.$$eval("#conversations mark", (els) => els.length)) > 0, "the cached rows' matches highlighted");
    await driver.axe(page, "Searching… over the cached rows");
    await until(() => slow.asked.length === 1, "the proxy asked (its answer held)");
    assert.equal(await page.$eval("#search-status", (el) => el.textContent), "Searching…", "still asking after axe ran");
    releaseSearches();
    await until(async () => /match/.test(await page.$eval("#search-status", (el) => el.textContent)), "the results", 15000);
    assert.ok((await page.$$eval("#conversations mark", (els) => els.length)) > 0, "the results' matches highlighted");
    await driver.axe(page, "search results with highlights");
    await page.close();
  } finally {
    releaseSearches();
    slow.stop();
  }
}

/** An empty Unread view (the proxy's answers emptied on their way). */
export async function emptyUnread(driver) {
  const empty = await startSlowProxy(driver.env.worker.base, { emptyLists: true });
  try {
    await driver.setStorage({ proxyUrl: empty.base, token: ALEX, push: false, "inbox-cache-v1": null });
    const page = await driver.open("popup.html");
    await page.waitForSelector("#inbox-view[data-screen=empty]", { timeout: 15000 });
    await page.click("#tab-unread");
    await until(async () => (await visibleText(page, "#end-of-list")) === "No unread conversations." && (await visibleText(page, "#empty-action")) === "Show all", "the empty Unread view");
    await driver.axe(page, "the empty Unread view");
    await page.close();
  } finally {
    empty.stop();
  }
}

/** A thread whose send may have been sent (a provider 5xx), then retried so nothing is left pending. */
export async function maybeSent(driver) {
  await driver.setStorage({ proxyUrl: driver.env.worker.base, token: ALEX, push: false });
  const page = await driver.open("popup.html");
  await ready(page);
  await page.click("#conversations li:nth-child(8) .conversation");
  await page.waitForSelector("#messages[aria-busy=false] .message", { timeout: 15000 });
  await driver.env.sandbox.fault({ mode: "status", status: 500, count: 1, route: "cs.send" });
  await fill(page, "#reply-text", "Perhaps sent, for axe");
  await page.click("#reply-send");
  await page.waitForSelector("#messages .message.failed .retry", { timeout: 20000 });
  assert.match(await page.$eval("#messages .message.failed .status", (el) => el.textContent), /^May not have been sent/);
  await driver.axe(page, "a thread with a message that may have been sent");
  await new Promise((r) => setTimeout(r, 1500));
  await page.click("#messages .message.failed .retry");
  await until(async () => !(await page.$("#messages [data-pending]")), "the retry succeeds", 20000);
  await page.close();
}

/** At 200 %: the first run, an error, an empty inbox, the options and the Unread view. */
export async function zoomedScreens(driver) {
  const at200 = async (page, label) => {
    await driver.zoom(page, true);
    assert.deepEqual(await page.evaluate(() => [innerWidth, innerHeight, devicePixelRatio]), [200, 300, 2], label);
    await driver.axe(page, `${label} at 200 %`);
    await driver.zoom(page, false);
  };
  await driver.setStorage({ "inbox-cache-v1": null });
  let page = await driver.open("popup.html");
  await page.waitForSelector("#notice[data-kind=setup]", { timeout: 15000 });
  await at200(page, "the first run");
  await page.close();

  await driver.setStorage({ proxyUrl: "http://127.0.0.1:9", token: ALEX, "inbox-cache-v1": null });
  page = await driver.open("popup.html");
  await page.waitForSelector("#notice[data-kind=offline]", { timeout: 15000 });
  await at200(page, "an error with nothing loaded");
  await page.close();

  const empty = await startSlowProxy(driver.env.worker.base, { emptyLists: true });
  try {
    await driver.setStorage({ proxyUrl: empty.base, token: ALEX, push: false, "inbox-cache-v1": null });
    page = await driver.open("popup.html");
    await page.waitForSelector("#inbox-view[data-screen=empty]", { timeout: 15000 });
    await at200(page, "an empty inbox");
    await page.close();
  } finally {
    empty.stop();
  }

  await driver.setStorage({ proxyUrl: driver.env.worker.base, token: TEAM, push: false, "inbox-cache-v1": null });
  page = await driver.open("options.html");
  await page.waitForSelector("#accounts li", { timeout: 15000 });
  await at200(page, "the options");
  await page.close();

  page = await driver.open("popup.html");
  await ready(page);
  await page.click("#tab-unread");
  await page.waitForSelector("#conversations[aria-busy=false][data-view=unread] .conversation.unread", { timeout: 15000 });
  await at200(page, "the Unread view of all accounts");
  await page.close();
}

/** The notice of a session_expired account (Priya's LinkupAPI session refused; it stays so in the proxy). */
export async function sessionExpired(driver) {
  const { env } = driver;
  const { items } = await env.api("/v1/conversations?account=priya&count=5", TEAM);
  await env.sandbox.fault({ mode: "status", status: 401, endpoint: "linkup", count: 1 });
  const refused = await fetch(`${env.worker.base}/v1/conversations/${encodeURIComponent(items[0].id)}/messages?account=priya&count=5`, { headers: { authorization: `Bearer ${TEAM}` } });
  await refused.text();
  assert.equal(refused.status, 502);
  await driver.setStorage({ proxyUrl: env.worker.base, token: TEAM, push: false, "inbox-cache-v1": null });
  const page = await driver.open("popup.html");
  await ready(page);
  await until(async () => (await visibleText(page, "#account-health")) === "Priya Iyer: This LinkedIn account needs to be reconnected; ask your admin.", "the session_expired notice");
  await driver.axe(page, "the session_expired notice");
  await page.close();
}
