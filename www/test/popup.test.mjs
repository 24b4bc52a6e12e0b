// The extension in real Chromium (--load-extension), against the Worker in workerd and the
// provider sandbox: lists, threads, search, keyboard, focus, caches (harness.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { matchesAll } from "../search.js";
import { ALEX, CS_ONLY, EXT, LK_ONLY, PRIYA, activeId, answerPermissionPrompt, expectedNames, names, startEnvironment, until } from "./harness.mjs";

let env;
before(async () => { env = await startEnvironment(); });
after(async () => { await env?.stop(); });

test("options: save, test connection with a good and a bad token, a dead port", async () => {
  const page = await env.context.newPage();
  await page.goto(`${EXT}/options.html`);
  await page.evaluate(() => localStorage.setItem("inbox-cache-v1", JSON.stringify({ items: [{ id: "another account" }] })));
  await page.fill("#proxy-url", env.worker.base);
  await page.fill("#token", ALEX);
  await answerPermissionPrompt(page, false);
  await page.click("#save");
  await page.waitForFunction(() => document.getElementById("status").dataset.kind === "ok", null, { timeout: 15000 });
  assert.equal(await page.textContent("#status"), "Saved. Host permission was not granted: the proxy must list this extension's origin.");
  assert.deepEqual(await page.evaluate(() => chrome.storage.local.get(["proxyUrl", "token"])), { proxyUrl: env.worker.base, token: ALEX });
  assert.equal(await page.evaluate(() => localStorage.getItem("inbox-cache-v1")), null, "a new token drops the cached inbox");
  const calls = (await env.sandbox.stats()).calls.total;
  await page.click("#test");
  await page.waitForFunction(() => document.getElementById("status").dataset.kind === "ok");
  assert.equal(await page.textContent("#status"), "Connected: this client has 1 account.");
  assert.equal((await env.sandbox.stats()).calls.total, calls, "testing costs no provider call");
  await page.fill("#token", "wrong-token");
  await page.click("#test");
  await page.waitForFunction(() => document.getElementById("status").dataset.kind === "error");
  assert.match(await page.textContent("#status"), /Bad token/);
  await page.fill("#proxy-url", "http://127.0.0.1:9");
  await page.click("#test");
  await page.waitForFunction(() => /^Nothing answers at http:\/\/127\.0\.0\.1:9:/.test(document.getElementById("status").textContent));
  await page.close();
});

test("options: Save waits for the permission prompt however long it takes, saying Saving…; a URL without a scheme", async () => {
  const page = await env.context.newPage();
  await page.goto(`${EXT}/options.html`);
  // The browser's prompt, answered when the test says (a person slower than any timer).
  await page.evaluate(() => {
    window.asked = [];
    chrome.permissions.request = (request) => new Promise((resolve) => { window.asked.push(request.origins); window.answer = resolve; });
  });
  const port = new URL(env.worker.base).port;
  await page.fill("#proxy-url", `localhost:${port}`);
  await page.fill("#token", ALEX);
  await page.click("#save");
  await page.waitForFunction(() => document.getElementById("status").textContent === "Saving…");
  assert.equal(await page.isDisabled("#save"), true, "no second Save while the first waits");
  assert.equal(await page.inputValue("#proxy-url"), `http://localhost:${port}`, "a loopback host without a scheme is http");
  assert.deepEqual(await page.evaluate(() => window.asked), [[`http://localhost:${port}/*`]]);
  await new Promise((r) => setTimeout(r, 6000));
  assert.equal(await page.textContent("#status"), "Saving…", "still waiting for the person after 6 s");
  await page.evaluate(() => window.answer(true));
  await page.waitForFunction(() => document.getElementById("status").dataset.kind === "ok");
  assert.equal(await page.textContent("#status"), "Saved.");
  assert.equal(await page.isDisabled("#save"), false);
  assert.equal((await page.evaluate(() => chrome.storage.local.get("proxyUrl"))).proxyUrl, `http://localhost:${port}`);

  for (const [typed, said] of [["ftp://inbox.example", /must start with https:\/\//], ["http://inbox.example.com", /http:\/\/ only for a proxy on this computer/], ["https://", /is not a URL/]]) {
    await page.fill("#proxy-url", typed);
    await page.click("#save");
    await page.waitForFunction(() => document.getElementById("status").dataset.kind === "error");
    assert.match(await page.textContent("#status"), said, typed);
    assert.equal((await page.evaluate(() => chrome.storage.local.get("proxyUrl"))).proxyUrl, `http://localhost:${port}`, "nothing stored");
    await page.evaluate(() => { document.getElementById("status").dataset.kind = ""; });
  }
  assert.equal((await page.evaluate(() => window.asked)).length, 1, "no prompt for a refused URL");
  await page.close();
});

test("options: a non-JSON answer and an answer that never comes end the test with a message", async () => {
  const { createServer } = await import("node:http");
  const server = createServer((request, response) => {
    if (request.url === "/health") return response.writeHead(200, { "access-control-allow-origin": "*" }).end("ok");
    const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "authorization" };
    if (request.method === "OPTIONS") return response.writeHead(204, cors).end();
    // An older proxy of one account: no accounts route, its usage names the client.
    if (request.url === "/v1/accounts" && server.old) return response.writeHead(404, cors).end();
    if (request.url === "/v1/usage" && server.old) return response.writeHead(200, { ...cors, "content-type": "application/json" }).end('{"client":"old"}');
    if (request.url === "/v1/accounts" && !server.hang) return response.writeHead(200, cors).end("<html>hello</html>");
    // Never answers.
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  // Closed whatever happens: a server left listening would keep this test file from ending.
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    const page = await env.context.newPage();
    await page.goto(`${EXT}/options.html`);
    await page.fill("#proxy-url", base);
    await page.fill("#token", "any");
    await page.click("#test");
    await page.waitForFunction(() => document.getElementById("status").dataset.kind === "error");
    assert.match(await page.textContent("#status"), /not as a linkedin-inbox proxy/);
    server.old = true;
    await page.click("#test");
    await page.waitForFunction(() => document.getElementById("status").dataset.kind === "ok");
    assert.equal(await page.textContent("#status"), 'Connected as "old".');
    server.old = false;
    server.hang = true;
    await page.evaluate(() => { window.__started = Date.now(); });
    await page.click("#test");
    await page.waitForFunction(() => document.getElementById("status").dataset.kind === "error", null, { timeout: 15000 });
    assert.match(await page.textContent("#status"), /^No answer from http:\/\/127\.0\.0\.1:\d+ within 8 s/);
    assert.equal(await page.isDisabled("#test"), false, "the button works again");
    await page.close();
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("inbox: the first page exactly, unread filter, search, and every conversation once on scroll", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX });
  const errors = [];
  const page = await env.openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
  const first = await env.api("/v1/conversations?count=20");
  assert.deepEqual(await names(page), expectedNames(first.items));
  const unreadMarks = await page.$$eval(".conversation", (els) => els.map((e) => e.classList.contains("unread")));
  assert.deepEqual(unreadMarks, first.items.map((c) => !c.isRead || c.unreadCount > 0));
  const previews = await page.$$eval(".conversation .preview", (els) => els.map((e) => e.textContent));
  assert.equal(previews[0], "Hello, how are you?");
  // A newest message with no text nor attachment (an empty system message) is a neutral "LinkedIn update".
  const said = (m) => (m.text || m.hasAttachment ? (m.fromSelf ? "You: " : "") + (m.text ? (m.hasAttachment ? "📎 " : "") + m.text : "Sent an attachment") : "LinkedIn update");
  assert.deepEqual(previews, first.items.map((c) => said(c.latestMessage)));
  assert.equal(await page.textContent("#updated"), "updated just now");

  await page.click("#tab-unread");
  const unread = await env.api("/v1/conversations?count=20&unread=true");
  await until(async () => JSON.stringify(await names(page)) === JSON.stringify(expectedNames(unread.items)), "unread list");
  await page.click("#tab-all");
  await page.waitForSelector("body[data-state=ready]");
  await page.fill("#search", "hello");
  const hello = await env.api("/v1/conversations?count=20&keywords=hello");
  await until(async () => JSON.stringify(await names(page)) === JSON.stringify(expectedNames(hello.items)), "search results");
  assert.ok(await page.$$eval("#conversations mark", (els) => els.length > 0 && els.every((m) => m.textContent.toLowerCase() === "hello")), "matches highlighted");
  await page.fill("#search", "zzqxj no such words");
  await until(async () => (await page.textContent("#end-of-list")) === "No conversations match “zzqxj no such words”.", "empty search text");
  await page.fill("#search", "");
  await until(async () => JSON.stringify(await names(page)) === JSON.stringify(expectedNames(first.items)), "full list again");

  await until(async () => {
    await page.$eval("#inbox-scroll", (el) => { el.scrollTop = el.scrollHeight; });
    return page.isVisible("#end-of-list");
  }, "the end of the list", 60000).catch(async (e) => {
    throw new Error(`${e.message}: ${JSON.stringify(await page.evaluate(() => ({ rows: document.querySelectorAll(".conversation").length, notice: document.getElementById("notice").textContent, more: !document.getElementById("load-more").hidden, busy: document.getElementById("conversations").getAttribute("aria-busy"), state: document.body.dataset.state })))}`);
  });
  const ids = await page.$$eval(".conversation", (els) => els.map((e) => e.dataset.id));
  assert.equal(ids.length, first.total);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(await page.textContent("#end-of-list"), "That's everything.");
  assert.deepEqual(errors, []);
  await page.close();
});

test("search: the cached inbox filters as one types; a newer query aborts the request in flight", async () => {
  const page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  const cached = await page.evaluate(() => JSON.parse(localStorage.getItem("inbox-cache-v1")).items);
  const word = cached[0].participants[0].name.split(" ")[0];
  const proxyCalls = [];
  page.on("request", (r) => { if (r.url().includes("/v1/conversations?")) proxyCalls.push(r.url()); });
  const failed = [];
  page.on("requestfailed", (r) => failed.push([r.url(), r.failure()?.errorText]));
  // Answers to searches are held a while, so the first is still in flight when the second starts.
  await page.route("**/v1/conversations?*keywords=*", async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue().catch(() => {});
  });
  // What a row is searched by (names, headline, preview), filtered by the search's rule (search.js).
  const shown = (c) => [c.participants.map((p) => p.name).join(", "), c.participants[0]?.headline ?? "",
    c.latestMessage?.text || c.latestMessage?.hasAttachment ? (c.latestMessage.fromSelf ? "You: " : "") + (c.latestMessage.text ? (c.latestMessage.hasAttachment ? "📎 " : "") + c.latestMessage.text : "Sent an attachment") : "LinkedIn update"];
  const cachedMatching = (q) => cached.filter((c) => matchesAll(shown(c), q)).map((c) => c.participants.map((p) => p.name).join(", "));
  await page.type("#search", word.slice(0, 1));
  assert.deepEqual(await names(page), cachedMatching(word.slice(0, 1)), "filtered at once from the cache");
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(proxyCalls.length, 0, "one character asks no proxy");
  await page.type("#search", word.slice(1));
  assert.deepEqual(await names(page), cachedMatching(word), "the cached rows that match, before any answer");
  assert.ok((await names(page)).length > 0);
  await until(() => proxyCalls.length === 1, "the search request after a pause");
  await page.type("#search", "zz");
  await until(() => proxyCalls.length === 2, "the second search request");
  await until(() => failed.some(([url, why]) => url === proxyCalls[0] && /ABORTED/.test(why)), "the first request aborted");
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await page.close();
});

test("thread: order, own messages, attachments, system messages, load older, focus, back restores position", async () => {
  const page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  const list = await env.api("/v1/conversations?count=20");
  let target = null, all = null;
  for (const c of list.items.slice(1)) {
    const messages = [];
    let cursor = null;
    do {
      const p = await env.api(`/v1/conversations/${encodeURIComponent(c.id)}/messages?count=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      assert.ok(Array.isArray(p.items), JSON.stringify(p));
      messages.push(...p.items);
      cursor = p.nextCursor;
    } while (cursor);
    if (messages.length > 45) { target = c; all = messages; break; }
  }
  assert.ok(target, "a conversation with more than two pages");
  await page.$eval("#inbox-scroll", (el) => { el.scrollTop = 150; });
  const scrolled = await page.$eval("#inbox-scroll", (el) => el.scrollTop);
  await page.$eval(`.conversation[data-id="${target.id}"]`, (el) => el.click());
  assert.equal(await activeId(page), "thread-title", "opening a thread moves focus to its heading");
  await page.waitForSelector("#messages .message");
  assert.equal(await page.getAttribute("#thread-link", "href"), target.url);
  let shown = await page.$$eval("#messages .message", (els) => els.map((e) => e.dataset.id));
  assert.deepEqual(shown, all.slice(0, 20).filter((m) => m.kind !== "system" || m.text).map((m) => m.id).reverse(), "oldest at top, newest at bottom");
  const older = await page.locator("#load-older").boundingBox();
  assert.ok(Math.abs(older.x + older.width / 2 - 200) < 2, `"Load older" is centred (${older.x}+${older.width})`);
  await page.focus("#load-older");
  while (await page.isVisible("#load-older")) {
    const anchor = shown[0];
    await page.$eval("#thread-scroll", (el) => { el.scrollTop = 0; });
    const before = await page.$eval(`[data-id="${anchor}"]`, (el) => el.getBoundingClientRect().top);
    const count = shown.length;
    await page.focus("#load-older");
    await page.keyboard.press("Enter");
    await until(async () => (await page.$$("#messages .message")).length > count || !(await page.isVisible("#load-older")), "older messages");
    const after = await page.$eval(`[data-id="${anchor}"]`, (el) => el.getBoundingClientRect().top);
    assert.ok(Math.abs(after - before) < 30, `reading position kept (${before} → ${after})`);
    shown = await page.$$eval("#messages .message", (els) => els.map((e) => e.dataset.id));
  }
  assert.equal(await activeId(page), "thread-title", "focus moves to the heading when Load older hides");
  assert.deepEqual(shown, all.filter((m) => m.kind !== "system" || m.text).map((m) => m.id).reverse(), "every message, first one at top");
  const systemCount = all.filter((m) => m.kind === "system" && m.text).length;
  assert.equal(await page.$$eval("#messages .message.system", (els) => els.length), systemCount, "system messages with a text, the others left out");
  assert.ok(all.some((m) => m.kind === "system" && !m.text));
  const participantNames = target.participants.map((p) => p.name);
  const own = all.filter((m) => m.kind !== "system" && !participantNames.includes(m.sender.name));
  assert.ok(own.length > 0, "the thread has own messages");
  assert.deepEqual(await page.$$eval("#messages .message.own", (els) => els.map((e) => e.dataset.id)), own.map((m) => m.id).reverse());
  const [ownLeft, otherLeft] = await page.evaluate(() => [".message.own .text", ".message:not(.own):not(.system) .text"].map((s) => document.querySelector(s).getBoundingClientRect().right));
  assert.ok(ownLeft > otherLeft, "own messages are on the right");
  // The sandbox's attachments always come with text: an attachment-only message (as
  // LinkupAPI sends them) is rendered here by the thread's own code.
  const attachment = await page.evaluate(async () => {
    const { messageItem } = await import("./thread.js");
    const item = messageItem({ id: "m1", kind: "text", text: "", sentAt: Date.now(), sender: null });
    return { text: item.querySelector(".text").textContent, attachment: item.querySelector(".text").classList.contains("attachment"), sender: item.querySelector(".sender").textContent };
  });
  assert.deepEqual(attachment, { text: "📎 Attachment: open the conversation on LinkedIn to see it.", attachment: true, sender: "LinkedIn member" }, "an attachment is said, a missing sender named");
  assert.ok((await page.$$eval("#messages .day", (els) => els.length)) > 1, "grouped by day");
  assert.ok(await page.$$eval("#messages .text", (els) => els.every((e) => e.dir === "auto")), "dir=auto on message text");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#inbox-view:not([hidden])");
  assert.equal(await page.$eval("#inbox-scroll", (el) => el.scrollTop), scrolled);
  assert.equal(await activeId(page), target.id, "focus returns to the opened conversation");
  await page.close();
});

test("keyboard: / focuses search, one Tab stop for the list, j/k and arrows move, Enter opens, Esc goes back", async () => {
  const page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  const ids = await page.$$eval(".conversation", (els) => els.map((e) => e.dataset.id));
  assert.equal(await page.$$eval("button.conversation[tabindex='0']", (els) => els.length), 1, "one row is tabbable");
  await page.keyboard.press("/");
  assert.equal(await activeId(page), "search");
  await page.keyboard.press("ArrowDown");
  assert.equal(await activeId(page), ids[0]);
  await page.keyboard.press("j");
  await page.keyboard.press("ArrowDown");
  assert.equal(await activeId(page), ids[2]);
  await page.keyboard.press("k");
  assert.equal(await activeId(page), ids[1]);
  await page.keyboard.press("Tab");
  assert.ok(!ids.includes(await activeId(page)), "Tab leaves the list in one step");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await activeId(page), ids[1], "Shift+Tab comes back to the same row");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await activeId(page), "refresh");
  // The accessible name: names, the time as a full date, unread state, preview.
  const accessibleName = async (selector) => (await page.locator(selector).first().ariaSnapshot()).replace(/^- button "?/, "").replace(/"?:?\s*$/, "");
  const label = await accessibleName(`.conversation[data-id="${ids[1]}"]`);
  const first = (await env.api("/v1/conversations?count=20")).items[1];
  assert.ok(label.startsWith(first.participants.map((p) => p.name).join(", ")), label);
  if (first.latestMessage?.text) assert.ok(label.includes(first.latestMessage.text.slice(0, 20)), label);
  assert.match(label, /(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),? \d+ \w+ \d{4}/, "the time as a full date");
  assert.match(await accessibleName(".conversation.unread"), /, unread/);
  await page.focus(`.conversation[data-id="${ids[1]}"]`);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#thread-view:not([hidden])");
  assert.equal(await activeId(page), "thread-title");
  await page.keyboard.press("Escape");
  assert.equal(await activeId(page), ids[1]);
  // A refresh replaces the rows: focus stays on the same conversation.
  await page.focus(`.conversation[data-id="${ids[3]}"]`);
  await page.evaluate(() => document.getElementById("refresh").click());
  await page.waitForFunction(() => document.getElementById("conversations").getAttribute("aria-busy") === "false" && !document.getElementById("refresh").disabled);
  assert.equal(await activeId(page), ids[3], "refresh keeps focus");
  assert.equal(await page.evaluate(() => document.activeElement.isConnected && document.activeElement.matches("button.conversation")), true);
  await page.close();
});

test("load more: focus stays in the list when the button hides", async () => {
  const page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  await until(async () => {
    if (await page.isVisible("#load-more")) {
      await page.focus("#load-more");
      await page.keyboard.press("Enter");
    }
    return page.isVisible("#end-of-list");
  }, "the end of the list", 30000);
  assert.equal(await page.evaluate(() => document.activeElement.matches("button.conversation")), true, `focus on a row, not ${await activeId(page)}`);
  await page.close();
});

test("an opened unread conversation shows as read; a cached row opened before the client connects loads", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX });
  const page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  const id = await page.$eval(".conversation.unread", (el) => el.dataset.id);
  await page.click(`.conversation[data-id="${id}"]`);
  await page.waitForSelector("#messages .message");
  await page.keyboard.press("Escape");
  assert.equal(await page.$eval(`.conversation[data-id="${id}"]`, (el) => el.classList.contains("unread")), false, "read at once");
  assert.equal(await page.evaluate((id) => JSON.parse(localStorage.getItem("inbox-cache-v1")).items.find((c) => c.id === id).isRead, id), true, "and in the cache");
  await page.close();

  const errors = [];
  const early = await env.context.newPage();
  early.on("pageerror", (e) => errors.push(e.message));
  // A user who clicks a cached row in the popup's first frame: the click lands as soon as
  // the cached rows are in the page, before the settings are read and the client exists.
  await early.addInitScript(() => {
    new MutationObserver((_, observer) => {
      const row = document.querySelectorAll("button.conversation")[1];
      if (!row) return;
      observer.disconnect();
      window.__clickedAt = performance.now();
      row.click();
    }).observe(document, { childList: true, subtree: true });
  });
  await early.goto(`${EXT}/popup.html`);
  await early.waitForSelector("#messages .message", { timeout: 15000 }).catch(async (e) => { throw new Error(`${e.message}; notice: ${await early.textContent("#thread-notice")}`); });
  const [clickedAt, listStarted] = await early.evaluate(() => [window.__clickedAt,
    performance.getEntriesByType("resource").find((e) => e.name.includes("/v1/conversations?"))?.startTime ?? Infinity]);
  assert.ok(clickedAt < listStarted, `clicked (${clickedAt} ms) before the client asked anything (${listStarted} ms)`);
  assert.equal(await early.isVisible("#thread-notice"), false, "no 'Something went wrong'");
  assert.deepEqual(errors, []);
  await early.close();
});

test("upstream markup renders as text", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: PRIYA, "inbox-cache-v1": null });
  const page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  const previews = await page.$$eval(".conversation .preview", (els) => els.map((e) => e.textContent));
  assert.ok(previews.some((p) => p.includes('<img src=x onerror="window.__xss=1">')), "the markup is shown as text");
  assert.equal(await page.$$eval("#conversations .preview img", (els) => els.length), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.close();
});

test("the same pages work over http from 127.0.0.1 with the demo config", async () => {
  const browserPage = await env.context.newPage();
  await browserPage.goto(`${env.www.base}/popup.html`);
  await browserPage.waitForSelector("body[data-state=ready]");
  const first = await env.api("/v1/conversations?count=20");
  assert.deepEqual(await names(browserPage), expectedNames(first.items));
  // Outside the extension nothing can be stored: saving says so instead of "succeeding".
  await browserPage.goto(`${env.www.base}/options.html`);
  await browserPage.waitForSelector("body[data-state=ready]");
  await browserPage.fill("#proxy-url", env.worker.base);
  await browserPage.fill("#token", ALEX);
  await browserPage.click("#save");
  await browserPage.waitForFunction(() => document.getElementById("status").dataset.kind === "error");
  assert.match(await browserPage.textContent("#status"), /^Not saved/);
  await browserPage.close();
});

test("a ConnectSafely-only and a LinkupAPI-only account: the same popup lists and opens threads", async () => {
  for (const token of [CS_ONLY, LK_ONLY]) {
    await env.setStorage({ proxyUrl: env.worker.base, token, "inbox-cache-v1": null });
    const errors = [];
    const page = await env.openPopup(errors);
    await page.waitForSelector("body[data-state=ready]");
    const first = await env.api("/v1/conversations?count=20", token);
    assert.deepEqual(await names(page), expectedNames(first.items), token);
    const target = first.items[0];
    await page.$eval(`.conversation[data-id="${target.id}"]`, (el) => el.click());
    await page.waitForSelector("#messages .message");
    const thread = await env.api(`/v1/conversations/${encodeURIComponent(target.id)}/messages?count=20`, token);
    const shown = await page.$$eval("#messages .message", (els) => els.map((e) => e.dataset.id));
    assert.deepEqual(shown, thread.items.filter((m) => m.kind !== "system" || m.text).map((m) => m.id).reverse(), token);
    assert.deepEqual(errors, [], token);
    await page.close();
  }
});
