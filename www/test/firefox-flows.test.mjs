// Reading here, searching and wrong proxy URLs (read-search.test.mjs and urls.test.mjs in
// Chromium) in Firefox ESR (firefox.mjs), the same flows and assertions against the Worker in
// workerd and the sandbox: a conversation read in the popup stays read through a refresh and off
// the badge until a newer message; the search filters the cached rows by the proxy's rule, says
// "Searching…" while it asks (answers held by slow-proxy.mjs), highlights, counts characters
// and announces what it found; each wrong setup is explained for what it is; a message with text
// and an attachment mentions it (row and thread); "Test connection" for a client of several
// accounts; a reply sent while scrolled up ends on screen when its pushed change shows it first
// (the send's answer held by slow-proxy.mjs); the Unread view is quiet and the thread header's
// names are whole (calm.test.mjs's). axe in light and dark.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { ALEX, TEAM, WWW, expectedNames, names, startEnvironment, until } from "./harness.mjs";
import { assertAccessibleIn, fill, launchFirefox } from "./firefox.mjs";
import { startSlowProxy } from "./slow-proxy.mjs";

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
const unreadRow = (page, id) => page.$eval(`.conversation[data-id="${id}"]`, (el) => el.classList.contains("unread"));
const settled = (page) => page.waitForFunction(() => document.getElementById("conversations").getAttribute("aria-busy") === "false" && !document.getElementById("refresh").disabled, { timeout: 15000 });
const ready = (page) => page.waitForSelector("body[data-state=ready]", { timeout: 15000 });

test("read here stays read in Firefox: through Refresh and reopening, off the badge and the switcher, until a newer message", async () => {
  await firefox.setStorage({ proxyUrl: env.worker.base, token: TEAM, refreshSeconds: 3, push: false, "inbox-cache-v1": null });
  // The event page's badge, read from an extension page.
  const probe = await firefox.open("options.html");
  const badge = () => probe.evaluate(() => chrome.action.getBadgeText({}));
  const errors = [];
  let page = await firefox.open("popup.html", errors);
  await ready(page);
  const { unreadTotal: n } = await team("/v1/changes");
  assert.ok(n > 0, "something is unread");
  await until(async () => (await badge()) === String(n), `the badge at ${n}`);
  const all = await team("/v1/conversations?count=20&account=all");
  const target = all.items.find((c) => (!c.isRead || c.unreadCount > 0) && c.participants.length === 1);
  assert.ok(target, "an unread one-to-one conversation on the first page");
  const account = target.account;
  const option = `#account option[value=${account}]`;
  const accountUnread = (await team("/v1/accounts")).accounts.find((a) => a.id === account).unreadTotal;
  await until(async () => (await page.$eval(option, (o) => o.dataset.unread)) === String(accountUnread), "the account's count before");

  await page.click(`.conversation[data-id="${target.id}"]`);
  await page.waitForSelector("#messages .message", { timeout: 15000 });
  await page.click("#back");
  assert.equal(await unreadRow(page, target.id), false, "read at once");
  await until(async () => (await badge()) === String(n - 1), `the badge at ${n - 1} (read here)`, 8000);
  await until(async () => (await page.$eval(option, (o) => o.dataset.unread)) === String(accountUnread - 1), "the account's count less the one read here");

  const proxyCopy = (await team(`/v1/conversations?count=20&account=${account}`)).items.find((c) => c.id === target.id);
  assert.equal(!proxyCopy.isRead || proxyCopy.unreadCount > 0, true, "the proxy still counts it unread (read here only)");
  await page.click("#refresh");
  await settled(page);
  assert.equal(await unreadRow(page, target.id), false, "still read after Refresh");
  await page.click("#tab-unread");
  await until(async () => (await page.$$(".conversation")).length > 0 && !(await page.$(`.conversation[data-id="${target.id}"]`)), "not in the Unread view");
  await page.close();

  page = await firefox.open("popup.html", errors);
  await ready(page);
  assert.equal(await unreadRow(page, target.id), false, "still read in a new popup");
  // Checks go on: the badge stays down.
  await new Promise((r) => setTimeout(r, 4000));
  assert.equal(await badge(), String(n - 1), "the badge stays down over checks");

  await env.simulate(account, { conversation: target.id, text: "A newer message after reading" });
  await until(async () => (await badge()) === String(n), `the badge back at ${n} (a newer message)`, 10000);
  await page.click("#refresh");
  await settled(page);
  await until(() => unreadRow(page, target.id), "unread again after a newer message");
  assert.deepEqual(errors, []);
  await page.close();
  await probe.close();
});

test("search in Firefox: the proxy's rule on cached rows (prefixes, accents), Searching… while asking, highlights, counts announced, characters counted", async () => {
  // Answers to searches are held a while: what shows before them is the cached rows' filter.
  const slow = await startSlowProxy(env.worker.base, { searchMs: 1500 });
  try {
    await firefox.setStorage({ proxyUrl: slow.base, token: TEAM, push: false, "inbox-cache-v1": null });
    // A person whose one-character surname is a whole search.
    await env.simulate("priya", { from: "张伟", text: "你好，周五有空吗？" });
    const errors = [];
    const page = await firefox.open("popup.html", errors);
    await ready(page);
    const cached = await page.evaluate(() => JSON.parse(localStorage.getItem("inbox-cache-v1")).items);
    const status = () => text(page, "#search-status");
    const endText = () => text(page, "#end-of-list");

    // An accented name found without its accents, highlighted with them.
    const accented = cached.flatMap((c) => c.participants[0].name.split(" ")).find((w) => /[À-ÿ]/.test(w) && /^\p{Script=Latin}+$/u.test(w));
    assert.ok(accented, "a cached name with an accented Latin letter");
    const plain = accented.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
    await fill(page, "#search", plain);
    const local = await names(page);
    assert.ok(local.some((name) => name.includes(accented)), `“${plain}” finds ${accented} in the cached rows at once (${local})`);
    assert.ok(await page.$$eval("#conversations mark", (marks, w) => marks.some((m) => m.textContent === w), accented), `${accented} is highlighted`);
    await until(async () => (await status()) === "Searching…", "Searching… announced");
    await until(async () => /^\d+ (or more )?conversations? match(es)? “/.test(await status()), "the count announced", 10000);
    const answered = await names(page);
    for (const name of local) assert.ok(answered.includes(name), `${name}: the cached filter agrees with the proxy (no row leaves)`);
    const said = (await status()).match(/^(\d+)( or more)? conversations? match(?:es)? “(.*)”\.$/);
    assert.ok(said && Number(said[1]) >= answered.length && said[3] === plain, `announced: ${await status()}`);

    // A piece from inside a word is no word prefix: the cached filter shows what the proxy will.
    const infix = plain.slice(2, 6);
    await fill(page, "#search", infix);
    const shownBefore = await names(page);
    await until(async () => /match/.test(await status()), "the infix search's answer", 10000);
    const shownAfter = await names(page);
    for (const name of shownBefore) assert.ok(shownAfter.includes(name), `“${infix}”: ${name} shown before the answer is in it`);

    // Nothing cached matches: Searching…, never "No conversations match", until the answer.
    await fill(page, "#search", "zzqxj");
    await until(async () => (await endText()) === "Searching…", "Searching… in the list");
    assert.equal(await visible(page, "#end-of-list"), true);
    await until(async () => (await endText()) === "No conversations match “zzqxj”.", "no match after the answer", 10000);
    await until(async () => (await status()) === "No conversations match “zzqxj”.", "no match announced");
    await assertAccessibleIn(page, "a search without a match");

    // Characters, not UTF-16 units: one emoji asks nothing; one CJK character asks the proxy.
    await fill(page, "#search", "");
    await settled(page);
    slow.asked.length = 0;
    await fill(page, "#search", "😀");
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(slow.asked, [], "one emoji (two UTF-16 units) asks no proxy");
    await fill(page, "#search", "张");
    await until(() => slow.asked.includes("张"), "one CJK character asks the proxy");
    await until(async () => (await names(page)).includes("张伟"), "张伟 found", 10000);
    assert.ok(await page.$$eval("#conversations mark", (marks) => marks.some((m) => m.textContent === "张")), "张 highlighted");
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    slow.stop();
  }
});

/** The popup's notice: its text (without the heading of a whole-window screen), kind and link. */
async function notice(page, timeout = 15000) {
  await page.waitForSelector("#notice:not([hidden])", { timeout });
  return page.$eval("#notice", (el) => ({ kind: el.dataset.kind, text: [...el.childNodes].filter((n) => n.nodeName !== "H2").map((n) => n.textContent).join(""), link: el.querySelector("a")?.getAttribute("href") ?? null }));
}

/** What the options' Test connection says of `proxyUrl` with `token`. */
async function testConnection(proxyUrl, token = ALEX) {
  const page = await firefox.open("options.html");
  await page.waitForSelector("#proxy-url");
  await fill(page, "#proxy-url", proxyUrl);
  await fill(page, "#token", token);
  await page.click("#test");
  await page.waitForFunction(() => ["ok", "error"].includes(document.getElementById("status").dataset.kind), { timeout: 20000 });
  const said = await text(page, "#status");
  await page.close();
  return said;
}

test("wrong URLs in Firefox: nothing listening is said so, with the URL and a link to the options, nothing claimed as loaded", async () => {
  await firefox.setStorage({ proxyUrl: "http://127.0.0.1:9", token: ALEX, "inbox-cache-v1": null });
  const page = await firefox.open("popup.html");
  const shown = await notice(page);
  assert.equal(shown.kind, "offline");
  assert.match(shown.text, /^Nothing answers at http:\/\/127\.0\.0\.1:9: check your connection, and the proxy URL in the options\. Open the options$/);
  assert.equal(shown.link, "options.html");
  assert.equal(await page.$$eval(".skeleton", (els) => els.length), 0);
  await assertAccessibleIn(page, "nothing listening");
  await page.close();
});

test("wrong URLs in Firefox: a server that is not the proxy, the popup and the options say the same, not a refusal", async () => {
  const server = createServer((request, response) => response.writeHead(200, { "content-type": "text/html" }).end("<p>another app</p>"));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    await firefox.setStorage({ proxyUrl: base, token: ALEX, "inbox-cache-v1": null });
    const page = await firefox.open("popup.html");
    const shown = await notice(page);
    const expected = `Something answers at ${base}, but not as a linkedin-inbox proxy that allows this extension`;
    assert.ok(shown.text.startsWith(expected), shown.text);
    assert.doesNotMatch(shown.text, /^The proxy does not allow/);
    assert.equal(shown.link, "options.html");
    await assertAccessibleIn(page, "not the proxy");
    await page.close();
    const said = await testConnection(base);
    assert.ok(said.startsWith(expected), `the options say the same: ${said}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("wrong URLs in Firefox: the proxy URL plus /v1 is used as the proxy's base, and saved without it", async () => {
  await firefox.setStorage({ proxyUrl: `${env.worker.base}/v1`, token: ALEX, "inbox-cache-v1": null });
  const errors = [];
  const page = await firefox.open("popup.html", errors);
  await ready(page);
  assert.deepEqual(await names(page), expectedNames((await env.api("/v1/conversations?count=20")).items));
  assert.deepEqual(errors, []);
  await page.close();
  const options = await firefox.open("options.html");
  await options.waitForSelector("#proxy-url");
  await fill(options, "#proxy-url", `${env.worker.base}/v1/`);
  // A client of several accounts: the options list them from the base, not "one account" from /v1.
  await fill(options, "#token", TEAM);
  await options.click("#save");
  await options.waitForFunction(() => document.getElementById("status").dataset.kind === "ok", { timeout: 15000 });
  assert.equal((await options.evaluate(() => chrome.storage.local.get("proxyUrl"))).proxyUrl, env.worker.base);
  const { accounts } = await team("/v1/accounts");
  await until(async () => (await text(options, "#accounts-status")) === `This proxy serves ${accounts.length} accounts for this client.`, "the accounts listed")
    .catch(async () => assert.fail(`#accounts-status: ${await text(options, "#accounts-status")}`));
  assert.equal(await options.$$eval("#accounts li", (els) => els.length), accounts.length);
  await options.close();
  assert.match(await testConnection(`${env.worker.base}/v1`), /^Connected/);
});

test("wrong URLs in Firefox: https:// to a plain http port, a bounded wait, then why", async () => {
  const url = env.worker.base.replace("http://", "https://");
  await firefox.setStorage({ proxyUrl: url, token: ALEX, "inbox-cache-v1": null });
  const started = Date.now();
  const page = await firefox.open("popup.html");
  const shown = await notice(page, 14000);
  const took = Date.now() - started;
  assert.ok(took < 14000, `explained after ${took} ms`);
  assert.equal(shown.kind, "offline");
  assert.match(shown.text, new RegExp(`^(Nothing answers at|No answer from) ${url.replace(/[.:/]/g, "\\$&")}.*\\(a proxy on this computer speaks http://, not https://\\)`));
  assert.equal(await page.$$eval(".skeleton", (els) => els.length), 0, "no skeletons left");
  assert.equal(await page.$eval("#conversations", (el) => el.getAttribute("aria-busy")), "false");
  await assertAccessibleIn(page, "https to an http port");
  await page.close();
});

test("a message with text and an attachment in Firefox: its row's preview and the thread mention the attachment", async () => {
  await firefox.setStorage({ proxyUrl: env.worker.base, token: TEAM, push: false, "inbox-cache-v1": null });
  const sent = `The deck, attached ${Date.now()}`;
  await env.simulate("alex", { text: sent, hasAttachment: true });
  const errors = [];
  const page = await firefox.open("popup.html", errors);
  await ready(page);
  const row = await until(() => page.$$eval("#conversations .conversation", (rows, t) => rows.find((r) => r.querySelector(".preview")?.textContent.includes(t))?.dataset.id, sent), "the conversation with the new message");
  assert.equal(await page.$eval(`.conversation[data-id="${row}"] .preview`, (el) => el.textContent), `📎 ${sent}`);
  await page.click(`.conversation[data-id="${row}"]`);
  await page.waitForSelector("#messages[aria-busy=false] .message", { timeout: 15000 });
  const newest = await page.$$eval("#messages .message", (els) => { const m = els[els.length - 1]; return [m.querySelector(".text")?.textContent, m.querySelector(".attachment-note")?.textContent]; });
  const note = "📎 With an attachment: open the conversation on LinkedIn to see it.";
  assert.deepEqual(newest, [`${sent}${note}`, note], "the newest message: its text, then the note");
  await assertAccessibleIn(page, "a message with an attachment");
  assert.deepEqual(errors, []);
  await page.close();
});

test("Test connection in Firefox for a client of several accounts (the README's demo settings)", async () => {
  const { accounts } = await team("/v1/accounts");
  assert.ok(accounts.length > 1);
  assert.equal(await testConnection(env.worker.base, TEAM), `Connected: this client has ${accounts.length} accounts.`);
});

test("a reply sent in Firefox while scrolled up ends on screen, even when its pushed change shows it first", async () => {
  // The send's answer is held (slow-proxy.mjs) until the pushed change has shown the message.
  const slow = await startSlowProxy(env.worker.base);
  try {
    const since = Date.now();
    await firefox.setStorage({ proxyUrl: slow.base, token: TEAM, push: true, refreshSeconds: 300, "inbox-cache-v1": null });
    const probe = await firefox.open("options.html");
    const state = () => probe.evaluate(async () => (await chrome.storage.session.get("live-state-v1"))["live-state-v1"] ?? null);
    await until(async () => (await state())?.recent?.some((r) => r.via === "ready" && r.at >= since), "the push channel open");
    const page = await firefox.open("popup.html");
    await ready(page);
    await page.select("#account", "alex");
    const alex = await team("/v1/conversations?count=20&account=alex");
    await until(async () => JSON.stringify(await names(page)) === JSON.stringify(expectedNames(alex.items)), "Alex's page");
    let target = null;
    for (const c of alex.items.filter((c) => c.participants.length === 1)) {
      if ((await team(`/v1/conversations/${encodeURIComponent(c.id)}/messages?count=20&account=alex`)).items.length >= 12) { target = c; break; }
    }
    assert.ok(target, "a conversation longer than the window");
    await page.click(`#conversations .conversation[data-id="${target.id}"]`);
    await page.waitForSelector("#messages[aria-busy=false] .message", { timeout: 15000 });
    await page.$eval("#thread-scroll", (el) => { el.scrollTop = 0; });
    assert.ok(await page.$eval("#thread-scroll", (el) => el.scrollHeight - el.clientHeight > 200), "scrolled well above the end");
    const release = slow.holdSends();
    const text = `Sent from Firefox while scrolled up ${Date.now()}`;
    await fill(page, "#reply-text", text);
    assert.equal(await page.$eval("#thread-scroll", (el) => el.scrollTop), 0, "still scrolled up as the reply is sent");
    await page.click("#reply-send");
    await page.waitForFunction((t) => [...document.querySelectorAll("#messages .message:not([data-pending]) .text")].some((m) => m.textContent === t), { timeout: 10000 }, text);
    release();
    await until(async () => !(await page.$("#messages .message[data-pending]")), "the reply is sent");
    const onScreen = await page.evaluate((t) => {
      const scroll = document.getElementById("thread-scroll").getBoundingClientRect();
      const sent = [...document.querySelectorAll("#messages .message .text")].find((m) => m.textContent === t).getBoundingClientRect();
      return sent.top >= scroll.top && sent.bottom <= scroll.bottom;
    }, text);
    assert.equal(onScreen, true, "the sent message is in view");
    assert.ok(await page.$eval("#thread-scroll", (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2), "scrolled to the end");
    await page.close();
    await probe.close();
  } finally {
    slow.stop();
  }
});

/** How each row stands out: tint, accent bar, bold name, badge size (calm.test.mjs's). */
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

test("the calm inbox in Firefox: a quiet Unread view; the thread header's compact labelled buttons, names whole, an RTL name by the back arrow", async () => {
  await firefox.setStorage({ proxyUrl: env.worker.base, token: ALEX, "inbox-cache-v1": null });
  const page = await firefox.open("popup.html");
  await ready(page);
  const all = await emphasis(page);
  assert.ok(all.some((r) => r.unread) && all.some((r) => !r.unread));
  for (const row of all) assert.deepEqual([row.tint, row.bar, row.bold, row.badge >= 18], [row.unread, row.unread, row.unread, row.unread], JSON.stringify(row));
  await page.click("#tab-unread");
  await page.waitForSelector("#conversations[aria-busy=false][data-view=unread] .conversation.unread", { timeout: 15000 });
  const unread = await emphasis(page);
  assert.ok(unread.length > 1 && unread.every((r) => r.unread));
  for (const row of unread) assert.deepEqual(row, { unread: true, tint: false, bar: false, bold: false, badge: 8 }, JSON.stringify(row));
  await page.click("#tab-all");
  await page.waitForSelector("#conversations[aria-busy=false][data-view=all] .conversation", { timeout: 15000 });

  const elena = (await env.api("/v1/conversations?count=20")).items.find((c) => c.participants.length === 1 && c.participants[0].name === "Elena Haddad");
  await page.click(`.conversation[data-id="${elena.id}"]`);
  await page.waitForSelector("#thread-mark:not([hidden])", { timeout: 15000 });
  for (const id of ["thread-mark", "thread-link"]) {
    const button = await page.$eval(`#${id}`, (el) => ({ label: el.getAttribute("aria-label"), title: el.title, width: el.getBoundingClientRect().width }));
    assert.ok(button.label && button.title === button.label, JSON.stringify(button));
    assert.ok(button.width <= 36, `${id} is compact (${button.width} px)`);
  }
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
