// Replying and read state from the popup, in Chromium against the Worker and the
// sandbox: Enter adds a line and Ctrl+Enter sends; a double click or a retry never sends twice;
// a failed message offers "Retry" with its own key; "Mark read"/"Mark unread" change LinkedIn's
// read state; opening a thread marks it read on LinkedIn only when the option is on.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ALEX, LK_ONLY, answerPermissionPrompt, assertAccessible, holdSendAnswers, startEnvironment, until } from "./harness.mjs";

let env;
before(async () => { env = await startEnvironment(); });
after(async () => { await env?.stop(); });

const sends = async () => (await env.sandbox.stats()).sends;
const calls = async (route) => (await env.sandbox.stats()).callsByEndpoint[route] ?? 0;
const threadTexts = async (id) => (await env.api(`/v1/conversations/${encodeURIComponent(id)}/messages?count=30`)).items.map((m) => m.text);

/** The popup with `token`, opened on the `pick.index`th (0) row matching `pick.selector`. */
async function openThread(token, pick) {
  await env.setStorage({ proxyUrl: env.worker.base, token, ...pick.storage });
  const page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  const id = await page.$$eval(".conversation", (rows, [selector, index]) => rows.filter((r) => r.matches(selector))[index]?.dataset.id, [pick.selector ?? ".conversation", pick.index ?? 0]);
  assert.ok(id, `a conversation matching ${pick.selector}`);
  await page.click(`.conversation[data-id="${id}"]`);
  await page.waitForSelector("#messages .message");
  return { page, id };
}

test("reply: Enter adds a line, Ctrl+Enter sends; a double click sends once; sending, then sent", async () => {
  const { page, id } = await openThread(ALEX, {});
  const before = await sends();
  await page.click("#reply-text");
  await page.keyboard.type("Line one");
  await page.keyboard.press("Enter");
  await page.keyboard.type("line two 👋 <b>bold</b>");
  assert.equal(await page.inputValue("#reply-text"), "Line one\nline two 👋 <b>bold</b>", "Enter adds a line");
  // The send's answer is held until "sending" has been seen (a fast answer can replace it
  // before a look).
  const release = await holdSendAnswers(page);
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector("#messages .message.pending");
  release();
  await until(async () => !(await page.$("#messages .message.pending")), "the message is sent");
  await page.unrouteAll({ behavior: "ignoreErrors" });
  const last = await page.$eval("#messages .message:last-child", (el) => [el.classList.contains("own"), el.querySelector(".text").textContent]);
  assert.deepEqual(last, [true, "Line one\nline two 👋 <b>bold</b>"], "shown as the user's own, as typed");
  assert.equal(await page.inputValue("#reply-text"), "", "the box is emptied");
  assert.equal(await sends(), before + 1);

  await page.fill("#reply-text", "Double clicked once");
  await page.dblclick("#reply-send");
  await until(async () => !(await page.$("#messages .message.pending")), "the second message is sent");
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await sends(), before + 2, "a double click is one send");
  const texts = await threadTexts(id);
  assert.equal(texts.filter((t) => t === "Double clicked once").length, 1, "the thread holds it once");
  // The inbox shows it at once, at the top (Esc leaves the reply box, a second Esc the thread).
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  assert.equal(await page.isVisible("#inbox-view"), true);
  assert.equal(await page.$eval("#conversations .conversation", (el) => el.dataset.id), id);
  await assertAccessible(page, "inbox after a reply");
  await page.close();
});

test("drafts: kept per conversation across Esc, Back and closing the popup, until sent; Esc leaves the box first", async () => {
  let { page, id } = await openThread(ALEX, { index: 5 });
  const other = await page.$$eval(".conversation", (rows) => rows[6].dataset.id);
  await page.click("#reply-text");
  await page.keyboard.type("A draft, not sent");
  await page.keyboard.press("Escape");
  assert.equal(await page.isVisible("#thread-view"), true, "the first Esc leaves the box, not the thread");
  assert.equal(await page.evaluate(() => document.activeElement.id), "thread-scroll");
  await page.keyboard.press("Escape");
  assert.equal(await page.isVisible("#inbox-view"), true, "the second Esc leaves the thread");
  await page.click(`.conversation[data-id="${other}"]`);
  await page.waitForSelector("#messages .message");
  assert.equal(await page.inputValue("#reply-text"), "", "another conversation has its own (no) draft");
  await page.click("#back");
  await page.click(`.conversation[data-id="${id}"]`);
  assert.equal(await page.inputValue("#reply-text"), "A draft, not sent", "back in the conversation after Back");
  await page.close();
  page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  await page.click(`.conversation[data-id="${id}"]`);
  await page.waitForSelector("#messages .message");
  assert.equal(await page.inputValue("#reply-text"), "A draft, not sent", "kept when the popup closed");
  const before = await sends();
  await page.click("#reply-send");
  await until(async () => !(await page.$("#messages .message.pending")), "the draft is sent");
  assert.equal(await sends(), before + 1);
  await page.click("#back");
  await page.click(`.conversation[data-id="${id}"]`);
  assert.equal(await page.inputValue("#reply-text"), "", "a sent draft is gone");
  await page.fill("#reply-text", "Cleared later");
  await page.fill("#reply-text", "");
  await page.close();
  page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  await page.click(`.conversation[data-id="${id}"]`);
  assert.equal(await page.inputValue("#reply-text"), "", "a cleared draft is gone");
  await page.close();
});

test("a refused send shows Not sent and Retry, which reuses its key: the message is sent once", async () => {
  const { page, id } = await openThread(ALEX, { index: 3 });
  const before = await sends();
  // The provider refuses it (a 429): nothing was sent, and the client does not retry that.
  await env.sandbox.fault({ mode: "status", status: 429, retryAfter: 1, count: 1, route: "cs.send" });
  await page.fill("#reply-text", "Retried once");
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector("#messages .message.failed .retry", { timeout: 20000 });
  assert.match(await page.textContent("#messages .message.failed .status"), /^Not sent/);
  assert.equal(await page.isVisible("#thread-notice"), true);
  assert.equal(await sends(), before, "nothing reached LinkedIn");
  await assertAccessible(page, "thread with a failed message");
  await new Promise((r) => setTimeout(r, 1100)); // the provider's pause (Retry-After: 1) ends
  await page.click("#messages .message.failed .retry");
  await until(async () => !(await page.$("#messages .message.failed, #messages .message.pending")), "the retry succeeds");
  assert.equal(await sends(), before + 1);
  assert.equal((await threadTexts(id)).filter((t) => t === "Retried once").length, 1);
  await page.close();
});

test("a send with no clear answer says it may have been sent, survives closing the popup, and Retry sends it once", async () => {
  let { page, id } = await openThread(ALEX, { index: 4 });
  const before = await sends();
  // A provider 5xx: the client's retries are told to wait (it may still land), so it shows as unknown.
  await env.sandbox.fault({ mode: "status", status: 500, count: 1, route: "cs.send" });
  await page.fill("#reply-text", "Maybe sent");
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector("#messages .message.failed .retry", { timeout: 20000 });
  assert.match(await page.textContent("#messages .message.failed .status"), /^May not have been sent/);
  assert.equal(await sends(), before);
  await page.close();
  // The popup closed: the intent and its key are kept, and shown again in its thread.
  page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  await page.click(`.conversation[data-id="${id}"]`);
  await page.waitForSelector("#messages .message.failed .retry");
  assert.equal(await page.textContent("#messages .message.failed .text"), "Maybe sent");
  await new Promise((r) => setTimeout(r, 1500));
  await page.click("#messages .message.failed .retry");
  await until(async () => !(await page.$("#messages [data-pending]")), "the retry succeeds", 20000);
  assert.equal(await sends(), before + 1);
  assert.equal((await threadTexts(id)).filter((t) => t === "Maybe sent").length, 1);
  await page.close();
});

test("Mark unread / Mark read change LinkedIn's read state; opening marks read there only when the option is on", async () => {
  const { page, id } = await openThread(ALEX, { selector: ":not(.unread)" });
  assert.equal(await page.getAttribute("#thread-mark", "aria-label"), "Mark unread");
  await page.click("#thread-mark");
  await until(async () => (await page.getAttribute("#thread-mark", "aria-label")) === "Mark read", "marked unread");
  assert.ok((await env.api("/v1/conversations?unread=true&count=100")).items.some((c) => c.id === id), "unread on LinkedIn");
  await page.click("#thread-mark");
  await until(async () => (await page.getAttribute("#thread-mark", "aria-label")) === "Mark unread", "marked read");
  assert.ok(!(await env.api("/v1/conversations?unread=true&count=100")).items.some((c) => c.id === id), "read on LinkedIn");
  await page.close();

  const seen = await calls("cs.mark-seen");
  const off = await openThread(ALEX, { selector: ".unread" });
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(await calls("cs.mark-seen"), seen, "opening does not mark it read on LinkedIn by default");
  assert.ok((await env.api("/v1/conversations?unread=true&count=100")).items.some((c) => c.id === off.id), "still unread there");
  await off.page.close();

  const on = await openThread(ALEX, { selector: ".unread", storage: { markReadOnOpen: true } });
  await until(async () => (await calls("cs.mark-seen")) === seen + 1, "marked read on LinkedIn when opened");
  await on.page.close();
});

test("the options page keeps the mark-read-on-open choice; a LinkupAPI-only account explains it has no read state", async () => {
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX, markReadOnOpen: true });
  const options = await env.context.newPage();
  await options.goto(`${env.extensionUrl ?? "chrome-extension://jcegmgjieaccpbogoabmpmboagcomiig"}/options.html`);
  await until(async () => options.isChecked("#mark-read-on-open"), "the stored choice is shown");
  await options.uncheck("#mark-read-on-open");
  await answerPermissionPrompt(options);
  await options.click("#save");
  await until(async () => (await options.textContent("#status")).startsWith("Saved"), "saved");
  assert.equal(await options.evaluate(() => chrome.storage.local.get("markReadOnOpen").then((v) => v.markReadOnOpen)), false);
  await options.close();

  const { page } = await openThread(LK_ONLY, {});
  await page.click("#thread-mark");
  await page.waitForSelector("#thread-notice:not([hidden])");
  assert.match(await page.textContent("#thread-notice"), /LinkupAPI has no read state/);
  await page.close();
});
