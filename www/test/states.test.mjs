// Every notice state of the popup, axe-core on each (light and dark), and the screenshots
// compared with their baselines in docs/screenshots/ (fixed clock, viewport and fonts).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveWww } from "../../scripts/serve-www.mjs";
import { ALEX, ANCHOR_MS, ELSEWHERE, EXT, TITOUAN, assertAccessible, assertLooksLike, names, settleImages, startEnvironment, until } from "./harness.mjs";

let env;
before(async () => { env = await startEnvironment(); });
after(async () => { await env?.stop(); });

// The notice's text (without the heading it has as a whole-window screen), kind and link.
async function notice(page, selector = "#notice") {
  await page.waitForSelector(`${selector}:not([hidden])`, { timeout: 15000 });
  return page.$eval(selector, (el) => ({ kind: el.dataset.kind, text: [...el.childNodes].filter((n) => n.nodeName !== "H2").map((n) => n.textContent).join(""), link: el.querySelector("a")?.getAttribute("href") ?? null }));
}

test("first run: a welcome that links to the options, no request, accessible", async () => {
  await env.setStorage({ "inbox-cache-v1": null });
  const errors = [];
  const page = await env.openPopup(errors);
  const shown = await notice(page);
  assert.equal(shown.kind, "setup");
  assert.match(shown.text, /Set the proxy URL and client token first/);
  assert.equal(shown.link, "options.html");
  assert.equal(await page.isVisible("#end-of-list"), false);
  await assertAccessible(page, "first run");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a missing pkg (the wasm): the popup still explains, with no endless loop", async () => {
  const broken = await serveWww({ port: 0, proxyUrl: env.worker.base, token: ALEX, hide: "/pkg/" });
  const errors = [];
  const page = await env.context.newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  let notices = 0;
  await page.exposeFunction("__noticeChanged", () => { notices++; });
  await page.goto(`${broken.base}/popup.html`);
  const shown = await notice(page);
  assert.equal(shown.kind, "broken");
  assert.match(shown.text, /incomplete/);
  await page.evaluate(() => new MutationObserver(() => window.__noticeChanged()).observe(document.getElementById("notice"), { childList: true, subtree: true, characterData: true }));
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(notices, 0, "the notice is written once, not in a loop");
  await assertAccessible(page, "missing pkg");
  await page.close();
  broken.server.close();
});

test("offline with a cached inbox, then without one; a thread read before opens offline", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX, "inbox-cache-v1": null });
  const online = await env.openPopup();
  await online.waitForSelector("body[data-state=ready]");
  const ids = await online.$$eval(".conversation", (els) => els.map((e) => e.dataset.id));
  await online.click(`.conversation[data-id="${ids[0]}"]`);
  await online.waitForSelector("#messages .message");
  const readBefore = await online.$$eval("#messages .message", (els) => els.map((e) => e.dataset.id));
  await online.close();

  await env.setStorage({ proxyUrl: "http://127.0.0.1:9", token: ALEX });
  const offline = await env.openPopup();
  const shown = await notice(offline);
  assert.equal(shown.kind, "offline");
  assert.match(shown.text, /^Nothing answers at http:\/\/127\.0\.0\.1:9:.*Showing what was loaded before/);
  assert.deepEqual((await offline.$$eval(".conversation", (els) => els.map((e) => e.dataset.id))), ids, "cached conversations stay visible");
  await assertAccessible(offline, "offline with cache");
  await offline.click(`.conversation[data-id="${ids[0]}"]`);
  await offline.waitForSelector("#thread-notice:not([hidden])");
  assert.deepEqual(await offline.$$eval("#messages .message", (els) => els.map((e) => e.dataset.id)), readBefore, "the thread read before, from its cache");
  assert.match(await offline.textContent("#thread-notice"), /Showing what was loaded before/);
  await offline.keyboard.press("Escape");
  await offline.click(`.conversation[data-id="${ids[5]}"]`);
  const threadError = await notice(offline, "#thread-notice");
  assert.equal(threadError.kind, "offline");
  assert.doesNotMatch(threadError.text, /loaded before/, "a thread never read says nothing was loaded");
  assert.equal(await offline.$$eval("#messages .message", (els) => els.length), 0);
  await assertAccessible(offline, "thread error");
  await offline.close();

  await env.setStorage({ proxyUrl: "http://127.0.0.1:9", token: ALEX, "inbox-cache-v1": null });
  const empty = await env.openPopup();
  const bare = await notice(empty);
  assert.equal(bare.kind, "offline");
  assert.doesNotMatch(bare.text, /loaded before/, "nothing cached, nothing claimed");
  assert.match(bare.text, /^Nothing answers at http:\/\/127\.0\.0\.1:9: check your connection, and the proxy URL in the options\./);
  assert.equal(bare.link, "options.html", "a link to the options, where the URL is set");
  assert.equal((await names(empty)).length, 0);
  await assertAccessible(empty, "offline without cache");
  await empty.close();
});

test("a bad token and a refused origin link to the options; a rate limit says when to retry", async () => {
  for (const [token, kind, text] of [["not-a-client", "auth", /does not know this client token/], [ELSEWHERE, "origin", /does not allow this extension/]]) {
    await env.setStorage({ proxyUrl: env.worker.base, token, "inbox-cache-v1": null });
    const page = await env.openPopup();
    const shown = await notice(page);
    assert.equal(shown.kind, kind, shown.text);
    assert.match(shown.text, text);
    assert.equal(shown.link, "options.html");
    assert.equal(await page.isVisible("#end-of-list"), false, "no claim of an empty inbox under the error");
    await assertAccessible(page, kind);
    await page.close();
  }
  await env.sandbox.fault({ mode: "status", status: 429, retryAfter: 120, count: 1000 });
  await env.setStorage({ proxyUrl: env.worker.base, token: TITOUAN, "inbox-cache-v1": null });
  const limited = await env.openPopup();
  const shown = await notice(limited);
  await env.sandbox.control("DELETE", "faults");
  assert.equal(shown.kind, "limited", shown.text);
  assert.match(shown.text, /limit|budget|credit/i);
  assert.match(shown.text, /Try again/);
  await assertAccessible(limited, "rate limited");
  await limited.close();
});

test("looks: inbox, unread view, a thread with own messages and the options match their baselines; axe on each", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX, "inbox-cache-v1": null });
  const clock = ANCHOR_MS;
  const page = await env.openPopup([], { clock });
  await page.waitForSelector("body[data-state=ready]");
  await settleImages(page);
  await assertLooksLike(page, "inbox");
  await assertAccessible(page, "inbox");
  await page.click("#tab-unread");
  await page.waitForSelector("body[data-state=ready] #conversations[aria-busy=false] .conversation.unread");
  await settleImages(page);
  await assertLooksLike(page, "inbox-unread");
  await page.click("#tab-all");
  await page.waitForSelector("body[data-state=ready] #conversations[aria-busy=false] .conversation");
  const list = await env.api("/v1/conversations?count=20");
  let target = null;
  for (const c of list.items.slice(0, 8)) {
    const thread = await env.api(`/v1/conversations/${encodeURIComponent(c.id)}/messages?count=20`);
    const others = c.participants.map((p) => p.name);
    if (thread.items.slice(0, 8).some((m) => m.kind !== "system" && m.text && !others.includes(m.sender.name))) { target = c; break; }
  }
  assert.ok(target, "a conversation whose last messages include own ones");
  await page.click(`.conversation[data-id="${target.id}"]`);
  await page.waitForSelector("#messages[aria-busy=false] .message.own");
  await settleImages(page);
  await assertLooksLike(page, "thread");
  await assertAccessible(page, "thread");
  await page.close();

  const options = await env.openPopup([], { clock, path: "options.html" });
  await until(async () => (await options.inputValue("#proxy-url")) === env.worker.base, "settings in the form");
  // The proxy URL's port changes per run: the baseline shows a fixed one.
  await options.fill("#proxy-url", "http://127.0.0.1:8787");
  // The accounts the proxy reports (below the fold) have loaded: the status line says how many.
  await options.waitForSelector("#accounts li");
  assert.equal(await options.textContent("#accounts-status"), "This proxy serves 1 account for this client.");
  await assertLooksLike(options, "options");
  await assertAccessible(options, "options");
  await options.close();
});
