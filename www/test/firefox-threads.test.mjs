// Threads, replies and the options' connection test in Firefox ESR (firefox.mjs), the flows of
// popup.test.mjs, reply.test.mjs and calm.test.mjs that ran in Chromium only, with the same
// assertions against the Worker in workerd and the sandbox: a thread's order, own and system
// messages, Load older, focus, and Back restoring the list's position; Enter, Ctrl+Enter and a
// double click on Send; drafts per conversation until sent or cleared; two-line rows (≥ 8 in
// 400×600; "LinkedIn update" for a newest message without text) and the headline in the
// thread's header; day labels only where the day changes; upstream markup as text; accounts
// of one provider only; a newer search aborting the one in flight (answers held by
// slow-proxy.mjs); Test connection with a bad token, a dead port, a non-JSON answer and an
// answer that never comes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { shortDayLabel } from "../format.js";
import { ALEX, ANCHOR_MS, CS_ONLY, LK_ONLY, PRIYA, WWW, expectedNames, names, startEnvironment, until } from "./harness.mjs";
import { fill, launchFirefox } from "./firefox.mjs";
import { startSlowProxy } from "./slow-proxy.mjs";

let env, firefox;
before(async () => {
  env = await startEnvironment({ chromium: false });
  firefox = await launchFirefox(WWW);
});
after(async () => {
  await firefox?.close();
  await env?.stop();
});

const sends = async () => (await env.sandbox.stats()).sends;
const text = (page, selector) => page.$eval(selector, (el) => el.textContent);
const value = (page, selector) => page.$eval(selector, (el) => el.value);
const visible = (page, selector) => page.$eval(selector, (el) => el.getClientRects().length > 0).catch(() => false);
const active = (page) => page.evaluate(() => document.activeElement?.dataset.id ?? document.activeElement?.id ?? document.activeElement?.tagName);
const ready = (page) => page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
const threadTexts = async (id) => (await env.api(`/v1/conversations/${encodeURIComponent(id)}/messages?count=30`)).items.map((m) => m.text);
const shownMessages = (page) => page.$$eval("#messages .message", (els) => els.map((e) => e.dataset.id));
const pressCtrlEnter = async (page) => {
  await page.keyboard.down("Control");
  await page.keyboard.press("Enter");
  await page.keyboard.up("Control");
};

/** The popup with `token` (Alex's by default), ready. */
async function popup(storage = {}, options = {}) {
  await firefox.setStorage({ proxyUrl: env.worker.base, token: ALEX, ...storage });
  const errors = [];
  const page = await firefox.open("popup.html", errors, options);
  await ready(page);
  return { page, errors };
}

/** Opens the conversation `id` from the list and waits for its messages. */
async function openRow(page, id) {
  await page.click(`.conversation[data-id="${id}"]`);
  await page.waitForSelector("#messages[aria-busy=false] .message", { timeout: 15000 });
}

test("a thread in Firefox: order, own and system messages, Load older keeps the place, focus, Back restores the list's position", async () => {
  const { page, errors } = await popup();
  const list = await env.api("/v1/conversations?count=20");
  let target = null, all = null;
  for (const c of list.items.slice(1)) {
    const messages = [];
    let cursor = null;
    do {
      const p = await env.api(`/v1/conversations/${encodeURIComponent(c.id)}/messages?count=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      messages.push(...p.items);
      cursor = p.nextCursor;
    } while (cursor);
    if (messages.length > 45) { target = c; all = messages; break; }
  }
  assert.ok(target, "a conversation with more than two pages");
  await page.$eval("#inbox-scroll", (el) => { el.scrollTop = 150; });
  const scrolled = await page.$eval("#inbox-scroll", (el) => el.scrollTop);
  assert.ok(scrolled > 0);
  await page.$eval(`.conversation[data-id="${target.id}"]`, (el) => el.click());
  assert.equal(await active(page), "thread-title", "opening a thread moves focus to its heading");
  await page.waitForSelector("#messages .message", { timeout: 15000 });
  assert.equal(await page.$eval("#thread-link", (a) => a.getAttribute("href")), target.url);
  let shown = await shownMessages(page);
  assert.deepEqual(shown, all.slice(0, 20).filter((m) => m.kind !== "system" || m.text).map((m) => m.id).reverse(), "oldest at top, newest at bottom");
  // Centred in the thread's area (Firefox draws a scrollbar beside it; Chromium's tests hide theirs).
  const older = await page.$eval("#load-older", (el) => {
    const box = el.getBoundingClientRect(), scroll = document.getElementById("thread-scroll");
    return { centre: box.x + box.width / 2, area: scroll.getBoundingClientRect().left + scroll.clientWidth / 2 };
  });
  assert.ok(Math.abs(older.centre - older.area) < 2, `"Load older" is centred (${JSON.stringify(older)})`);
  while (await visible(page, "#load-older")) {
    const anchor = shown[0];
    await page.$eval("#thread-scroll", (el) => { el.scrollTop = 0; });
    const top = () => page.$eval(`[data-id="${anchor}"]`, (el) => el.getBoundingClientRect().top);
    const before = await top();
    const count = shown.length;
    await page.focus("#load-older");
    await page.keyboard.press("Enter");
    await until(async () => (await page.$$("#messages .message")).length > count || !(await visible(page, "#load-older")), "older messages");
    const after = await top();
    assert.ok(Math.abs(after - before) < 30, `reading position kept (${before} → ${after})`);
    shown = await shownMessages(page);
  }
  assert.equal(await active(page), "thread-title", "focus moves to the heading when Load older hides");
  assert.deepEqual(shown, all.filter((m) => m.kind !== "system" || m.text).map((m) => m.id).reverse(), "every message, first one at top");
  assert.ok(all.some((m) => m.kind === "system" && !m.text), "the thread has an empty system message (left out)");
  assert.equal(await page.$$eval("#messages .message.system", (els) => els.length), all.filter((m) => m.kind === "system" && m.text).length, "system messages with a text");
  const participantNames = target.participants.map((p) => p.name);
  const own = all.filter((m) => m.kind !== "system" && !participantNames.includes(m.sender.name));
  assert.ok(own.length > 0, "the thread has own messages");
  assert.deepEqual(await page.$$eval("#messages .message.own", (els) => els.map((e) => e.dataset.id)), own.map((m) => m.id).reverse());
  const [ownRight, otherRight] = await page.evaluate(() => [".message.own .text", ".message:not(.own):not(.system) .text"].map((s) => document.querySelector(s).getBoundingClientRect().right));
  assert.ok(ownRight > otherRight, "own messages are on the right");
  assert.ok((await page.$$eval("#messages .day", (els) => els.length)) > 1, "grouped by day");
  assert.ok(await page.$$eval("#messages .text", (els) => els.every((e) => e.dir === "auto")), "dir=auto on message text");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#inbox-view:not([hidden])");
  assert.equal(await page.$eval("#inbox-scroll", (el) => el.scrollTop), scrolled, "Back restores the list's position");
  assert.equal(await active(page), target.id, "focus returns to the opened conversation");
  assert.deepEqual(errors, []);
  await page.close();
});

test("reply in Firefox: Enter adds a line, Ctrl+Enter sends; a double click sends once", async () => {
  const { page } = await popup();
  const id = await page.$eval(".conversation", (el) => el.dataset.id);
  await openRow(page, id);
  const before = await sends();
  await page.click("#reply-text");
  await page.keyboard.type("Line one");
  await page.keyboard.press("Enter");
  await page.keyboard.type("line two <b>bold</b>");
  assert.equal(await value(page, "#reply-text"), "Line one\nline two <b>bold</b>", "Enter adds a line");
  await pressCtrlEnter(page);
  await until(async () => (await sends()) === before + 1 && !(await page.$("#messages .message.pending")), "the message is sent");
  const last = await page.$eval("#messages .message:last-child", (el) => [el.classList.contains("own"), el.querySelector(".text").textContent]);
  assert.deepEqual(last, [true, "Line one\nline two <b>bold</b>"], "shown as the user's own, as typed");
  assert.equal(await value(page, "#reply-text"), "", "the box is emptied");

  await fill(page, "#reply-text", "Double clicked once in Firefox");
  await page.click("#reply-send", { count: 2 });
  await until(async () => !(await page.$("#messages .message.pending")), "the second message is sent");
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await sends(), before + 2, "a double click is one send");
  assert.equal((await threadTexts(id)).filter((t) => t === "Double clicked once in Firefox").length, 1, "the thread holds it once");
  await page.close();
});

test("drafts in Firefox: per conversation across Back, another conversation has its own, gone once sent, a cleared one stays gone", async () => {
  let { page } = await popup();
  const [id, other] = await page.$$eval(".conversation", (rows) => [rows[5].dataset.id, rows[6].dataset.id]);
  await openRow(page, id);
  await page.click("#reply-text");
  await page.keyboard.type("A Firefox draft, not sent");
  await page.click("#back");
  await openRow(page, other);
  assert.equal(await value(page, "#reply-text"), "", "another conversation has its own (no) draft");
  await page.click("#back");
  await openRow(page, id);
  assert.equal(await value(page, "#reply-text"), "A Firefox draft, not sent", "back in the conversation after Back");
  await page.close();
  page = await firefox.open("popup.html");
  await ready(page);
  await openRow(page, id);
  assert.equal(await value(page, "#reply-text"), "A Firefox draft, not sent", "kept when the popup closed");
  const before = await sends();
  await page.click("#reply-send");
  await until(async () => (await sends()) === before + 1 && !(await page.$("#messages .message.pending")), "the draft is sent");
  await page.click("#back");
  await openRow(page, id);
  assert.equal(await value(page, "#reply-text"), "", "a sent draft is gone");
  await page.click("#reply-text");
  await page.keyboard.type("Cleared later");
  await page.click("#reply-text", { count: 3 });
  await page.keyboard.press("Backspace");
  assert.equal(await value(page, "#reply-text"), "");
  await page.close();
  page = await firefox.open("popup.html");
  await ready(page);
  await openRow(page, id);
  assert.equal(await value(page, "#reply-text"), "", "a cleared draft is gone");
  await page.close();
});

/** A row's accessible name from its own text: what is not aria-hidden (list.js's rows have no aria-label). */
const rowName = (page, selector) => page.$eval(selector, (row) => {
  if (row.hasAttribute("aria-label") || row.hasAttribute("aria-labelledby")) return null;
  const walk = (node) => (node.nodeType === Node.TEXT_NODE ? node.textContent : node.getAttribute?.("aria-hidden") === "true" ? "" : [...node.childNodes].map(walk).join(""));
  return walk(row).replace(/\s+/g, " ").trim();
});

test("two-line rows in Firefox: at least 8 whole conversations in 400×600, each row's name says who, when, unread and the preview (LinkedIn update for an empty newest message); the headline in the thread's header", async () => {
  const { page } = await popup({ "inbox-cache-v1": null }, { clock: ANCHOR_MS });
  assert.deepEqual(await page.evaluate(() => [innerWidth, innerHeight]), [400, 600]);
  const visibleRows = await page.evaluate(() => {
    const area = document.getElementById("inbox-scroll").getBoundingClientRect();
    return [...document.querySelectorAll("#conversations .conversation")].map((row) => row.getBoundingClientRect())
      .filter((r) => r.top >= area.top - 0.5 && r.bottom <= area.bottom + 0.5 && r.bottom <= innerHeight + 0.5).length;
  });
  assert.ok(visibleRows >= 8, `${visibleRows} rows wholly visible`);
  const lines = await page.$eval("#conversations .conversation", (row) => [...row.querySelectorAll(".row-top, .row-bottom")].map((l) => l.getBoundingClientRect().height > 0));
  assert.deepEqual(lines, [true, true], "name and time, then the preview");
  assert.equal(await page.$$eval("#conversations .headline", (els) => els.length), 0, "no headline in the rows");
  const items = (await env.api("/v1/conversations?count=20")).items;
  const first = items.find((c) => c.unreadCount > 0 && c.latestMessage?.text);
  const label = await rowName(page, `.conversation[data-id="${first.id}"]`);
  assert.ok(label?.startsWith(first.participants.map((p) => p.name).join(", ")), label);
  assert.match(label, /(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),? \d+ \w+ \d{4}/, label);
  assert.match(label, /, unread, /, label);
  assert.ok(label.includes(first.latestMessage.text.slice(0, 20)), label);

  // A newest message with neither text nor attachment (an empty system message): a neutral preview.
  const bare = items.find((c) => c.latestMessage && !c.latestMessage.text && !c.latestMessage.hasAttachment);
  assert.ok(bare, "a conversation whose newest message is empty (the sandbox's Hannah Costa)");
  assert.equal(await text(page, `.conversation[data-id="${bare.id}"] .preview`), "LinkedIn update");
  const single = items.find((c) => c.participants.length === 1 && c.participants[0].headline);
  await page.click(`.conversation[data-id="${single.id}"]`);
  await page.waitForSelector("#thread-view:not([hidden])");
  await until(async () => (await text(page, "#thread-headline")) === single.participants[0].headline, "the headline in the thread's header");
  assert.equal(await page.$$eval("#thread-avatar .avatar", (els) => els.length), 1);
  await page.close();
});

test("a thread in Firefox: a short day label only where the day changes; no empty system messages", async () => {
  const { page } = await popup({ "inbox-cache-v1": null }, { clock: ANCHOR_MS });
  let target = null, shown = null;
  for (const c of (await env.api("/v1/conversations?count=20")).items) {
    const items = (await env.api(`/v1/conversations/${encodeURIComponent(c.id)}/messages?count=20`)).items;
    if (new Set(items.map((m) => new Date(m.sentAt).toDateString())).size > 3) { target = c; shown = items; break; }
  }
  assert.ok(target, "a conversation of several days");
  await openRow(page, target.id);
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
  assert.doesNotMatch(await text(page, "#messages"), /LinkedIn system message/);
  await page.close();
});

test("upstream markup renders as text in Firefox; accounts of one provider only list and open threads", async () => {
  const { page } = await popup({ token: PRIYA, "inbox-cache-v1": null });
  const previews = await page.$$eval(".conversation .preview", (els) => els.map((e) => e.textContent));
  assert.ok(previews.some((p) => p.includes('<img src=x onerror="window.__xss=1">')), "the markup is shown as text");
  assert.equal(await page.$$eval("#conversations .preview img", (els) => els.length), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.close();

  for (const token of [CS_ONLY, LK_ONLY]) {
    const { page: one, errors } = await popup({ token, "inbox-cache-v1": null });
    const first = await env.api("/v1/conversations?count=20", token);
    assert.deepEqual(await names(one), expectedNames(first.items), token);
    await one.$eval(`.conversation[data-id="${first.items[0].id}"]`, (el) => el.click());
    await one.waitForSelector("#messages[aria-busy=false] .message", { timeout: 15000 });
    const thread = await env.api(`/v1/conversations/${encodeURIComponent(first.items[0].id)}/messages?count=20`, token);
    assert.deepEqual(await shownMessages(one), thread.items.filter((m) => m.kind !== "system" || m.text).map((m) => m.id).reverse(), token);
    assert.deepEqual(errors, [], token);
    await one.close();
  }
});

test("search in Firefox: a newer query aborts the request in flight", async () => {
  const slow = await startSlowProxy(env.worker.base, { searchMs: 1500 });
  try {
    const { page } = await popup({ proxyUrl: slow.base });
    const cached = await page.evaluate(() => JSON.parse(localStorage.getItem("inbox-cache-v1")).items);
    const word = cached[0].participants[0].name.split(" ")[0];
    await page.type("#search", word);
    await until(() => slow.asked.length === 1, "the search request after a pause");
    await page.type("#search", "zz");
    await until(() => slow.asked.length === 2, "the second search request");
    assert.deepEqual(slow.asked, [word, `${word}zz`]);
    await until(() => slow.aborted.includes(word), "the first request aborted");
    assert.ok(!slow.aborted.includes(`${word}zz`), "the newer one is answered");
    await page.close();
  } finally {
    slow.stop();
  }
});

test("Test connection in Firefox: a bad token, a dead port, a non-JSON answer, an older proxy, an answer that never comes", async () => {
  const server = createServer((request, response) => {
    if (request.url === "/health") return response.writeHead(200, { "access-control-allow-origin": "*" }).end("ok");
    const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "authorization" };
    if (request.method === "OPTIONS") return response.writeHead(204, cors).end();
    if (request.url === "/v1/accounts" && server.old) return response.writeHead(404, cors).end();
    if (request.url === "/v1/usage" && server.old) return response.writeHead(200, { ...cors, "content-type": "application/json" }).end('{"client":"old"}');
    if (request.url === "/v1/accounts" && !server.hang) return response.writeHead(200, cors).end("<html>hello</html>");
    // Never answers.
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const page = await firefox.open("options.html");
    await page.waitForSelector("#proxy-url");
    const result = async (kind) => {
      await page.waitForFunction((k) => document.getElementById("status").dataset.kind === k, { timeout: 15000 }, kind);
      const said = await text(page, "#status");
      await page.evaluate(() => { document.getElementById("status").dataset.kind = ""; });
      return said;
    };
    await fill(page, "#proxy-url", env.worker.base);
    await fill(page, "#token", ALEX);
    const calls = (await env.sandbox.stats()).calls.total;
    await page.click("#test");
    assert.equal(await result("ok"), "Connected: this client has 1 account.");
    assert.equal((await env.sandbox.stats()).calls.total, calls, "testing costs no provider call");
    await fill(page, "#token", "wrong-token");
    await page.click("#test");
    assert.match(await result("error"), /Bad token/);
    await fill(page, "#proxy-url", "http://127.0.0.1:9");
    await page.click("#test");
    assert.match(await result("error"), /^Nothing answers at http:\/\/127\.0\.0\.1:9:/);

    const base = `http://127.0.0.1:${server.address().port}`;
    await fill(page, "#proxy-url", base);
    await fill(page, "#token", "any");
    await page.click("#test");
    assert.match(await result("error"), /not as a linkedin-inbox proxy/);
    server.old = true;
    await page.click("#test");
    assert.equal(await result("ok"), 'Connected as "old".');
    server.old = false;
    server.hang = true;
    await page.click("#test");
    assert.match(await result("error"), /^No answer from http:\/\/127\.0\.0\.1:\d+ within 8 s/);
    assert.equal(await page.$eval("#test", (b) => b.disabled), false, "the button works again");
    await page.close();
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
