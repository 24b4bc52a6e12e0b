// Reading here and searching in the real extension, against the team's three
// accounts: a conversation read in the popup stays read through a refresh and off the badge
// until a newer message; the search filters the cached rows by the proxy's rule (word prefixes,
// case and accents ignored), says "Searching…" while it asks, highlights what the rule found,
// counts characters, and announces what it found. A message with text and an attachment (the
// sandbox's simulated one, through the proxy) mentions the attachment in its row and its thread.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { TEAM, assertAccessible, names, startEnvironment, until } from "./harness.mjs";

let env;
before(async () => { env = await startEnvironment({ team: true }); });
after(async () => { await env?.stop(); });

const sw = () => env.serviceWorker();
const badge = async () => (await sw()).evaluate(() => chrome.action.getBadgeText({}));
const team = (path) => env.api(path, TEAM);
const unreadRow = (page, id) => page.$eval(`.conversation[data-id="${id}"]`, (el) => el.classList.contains("unread"));
const settled = (page) => page.waitForFunction(() => document.getElementById("conversations").getAttribute("aria-busy") === "false" && !document.getElementById("refresh").disabled);

test("read here stays read: through Refresh and reopening, off the badge and the switcher, until a newer message", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: TEAM, refreshSeconds: 3, push: false, "inbox-cache-v1": null });
  const errors = [];
  let page = await env.openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
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
  await page.waitForSelector("#messages .message");
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

  page = await env.openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
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
});

test("search: the proxy's rule on cached rows (prefixes, accents), Searching… while asking, highlights, counts announced, characters counted", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: TEAM, push: false, "inbox-cache-v1": null });
  // A person whose one-character surname is a whole search.
  await env.simulate("priya", { from: "张伟", text: "你好，周五有空吗？" });
  const errors = [];
  const page = await env.openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
  const cached = await page.evaluate(() => JSON.parse(localStorage.getItem("inbox-cache-v1")).items);
  const asked = [];
  page.on("request", (r) => { if (r.url().includes("keywords=")) asked.push(new URL(r.url()).searchParams.get("keywords")); });
  // Answers to searches are held a while: what shows before them is the cached rows' filter.
  await page.route("**/v1/conversations?*keywords=*", async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue().catch(() => {});
  });
  const status = () => page.textContent("#search-status");
  const endText = () => page.textContent("#end-of-list");

  // An accented name found without its accents, highlighted with them.
  const accented = cached.flatMap((c) => c.participants[0].name.split(" ")).find((w) => /[À-ÿ]/.test(w) && /^\p{Script=Latin}+$/u.test(w));
  assert.ok(accented, "a cached name with an accented Latin letter");
  const plain = accented.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  await page.fill("#search", plain);
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
  await page.fill("#search", infix);
  const before = await names(page);
  await until(async () => /match/.test(await status()), "the infix search's answer", 10000);
  const after = await names(page);
  for (const name of before) assert.ok(after.includes(name), `“${infix}”: ${name} shown before the answer is in it`);

  // Nothing cached matches: Searching…, never "No conversations match", until the answer.
  await page.fill("#search", "zzqxj");
  await until(async () => (await endText()) === "Searching…", "Searching… in the list");
  assert.equal(await page.isVisible("#end-of-list"), true);
  await until(async () => (await endText()) === "No conversations match “zzqxj”.", "no match after the answer", 10000);
  await until(async () => (await status()) === "No conversations match “zzqxj”.", "no match announced");
  await assertAccessible(page, "a search without a match");

  // Characters, not UTF-16 units: one emoji asks nothing; one CJK character asks the proxy.
  await page.fill("#search", "");
  await settled(page);
  asked.length = 0;
  await page.fill("#search", "😀");
  await new Promise((r) => setTimeout(r, 800));
  assert.deepEqual(asked, [], "one emoji (two UTF-16 units) asks no proxy");
  await page.fill("#search", "张");
  await until(() => asked.includes("张"), "one CJK character asks the proxy");
  await until(async () => (await names(page)).includes("张伟"), "张伟 found", 10000);
  assert.ok(await page.$$eval("#conversations mark", (marks) => marks.some((m) => m.textContent === "张")), "张 highlighted");
  await page.unrouteAll({ behavior: "ignoreErrors" });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a message with text and an attachment: its row's preview and the thread mention the attachment", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: TEAM, push: false, "inbox-cache-v1": null });
  const sent = `The deck, attached ${Date.now()}`;
  await env.simulate("alex", { text: sent, hasAttachment: true });
  const errors = [];
  const page = await env.openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
  const row = await until(() => page.$$eval("#conversations .conversation", (rows, t) => rows.find((r) => r.querySelector(".preview")?.textContent.includes(t))?.dataset.id, sent), "the conversation with the new message");
  assert.equal(await page.textContent(`.conversation[data-id="${row}"] .preview`), `📎 ${sent}`);
  await page.click(`.conversation[data-id="${row}"]`);
  await page.waitForSelector("#messages[aria-busy=false] .message");
  const newest = await page.$$eval("#messages .message", (els) => { const m = els[els.length - 1]; return [m.querySelector(".text")?.textContent, m.querySelector(".attachment-note")?.textContent]; });
  const note = "📎 With an attachment: open the conversation on LinkedIn to see it.";
  assert.deepEqual(newest, [`${sent}${note}`, note], "the newest message: its text, then the note");
  await assertAccessible(page, "a message with an attachment");
  assert.deepEqual(errors, []);
  await page.close();
});
