// Replying and read state in Firefox ESR (reply.test.mjs in Chromium, the same flows and
// assertions; firefox.mjs): a refused send shows "Not sent" and "Retry", which reuses its key
// (sent once); a send with no clear answer survives closing the popup and Retry sends it once;
// "Mark unread" / "Mark read" change LinkedIn's read state, and opening marks read there only
// when the option is on; the keyboard (popup.test.mjs's): one Tab stop for the list (Firefox
// made the list's scroller a stop of its own before), j/k and arrows, Enter and Esc. Against the
// Worker in workerd and the sandbox. A PDF attached through the file input is sent with the text (one
// upload, one send) and shows once in the thread (attach-send.test.mjs has the other file flows).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALEX, CS_ONLY, WWW, startEnvironment, until } from "./harness.mjs";
import { assertAccessibleIn, fill, launchFirefox } from "./firefox.mjs";

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
const calls = async (route) => (await env.sandbox.stats()).callsByEndpoint[route] ?? 0;
const threadTexts = async (id) => (await env.api(`/v1/conversations/${encodeURIComponent(id)}/messages?count=30`)).items.map((m) => m.text);
const label = (page) => page.$eval("#thread-mark", (el) => el.getAttribute("aria-label"));

/** The popup with Alex's token, opened on the `pick.index`th (0) row matching `pick.selector`. */
async function openThread(pick) {
  await firefox.setStorage({ proxyUrl: env.worker.base, token: ALEX, ...pick.storage });
  const page = await firefox.open("popup.html");
  await page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
  const id = await page.$$eval(".conversation", (rows, selector, index) => rows.filter((r) => r.matches(selector))[index]?.dataset.id, pick.selector ?? ".conversation", pick.index ?? 0);
  assert.ok(id, `a conversation matching ${pick.selector}`);
  await page.click(`.conversation[data-id="${id}"]`);
  await page.waitForSelector("#messages .message", { timeout: 15000 });
  return { page, id };
}

/** Types `text` in the reply box and sends it with Ctrl+Enter. */
async function send(page, text) {
  await fill(page, "#reply-text", text);
  await page.keyboard.down("Control");
  await page.keyboard.press("Enter");
  await page.keyboard.up("Control");
}

test("a refused send in Firefox shows Not sent and Retry, which reuses its key: the message is sent once", async () => {
  const { page, id } = await openThread({ index: 3 });
  const before = await sends();
  // The provider refuses it (a 429): nothing was sent, and the client does not retry that.
  await env.sandbox.fault({ mode: "status", status: 429, retryAfter: 1, count: 1, route: "cs.send" });
  await send(page, "Retried once from Firefox");
  await page.waitForSelector("#messages .message.failed .retry", { timeout: 20000 });
  assert.match(await page.$eval("#messages .message.failed .status", (el) => el.textContent), /^Not sent/);
  assert.equal(await page.$eval("#thread-notice", (el) => el.getClientRects().length > 0), true);
  assert.equal(await sends(), before, "nothing reached LinkedIn");
  await assertAccessibleIn(page, "thread with a failed message");
  await new Promise((r) => setTimeout(r, 1100)); // the provider's pause (Retry-After: 1) ends
  await page.click("#messages .message.failed .retry");
  await until(async () => !(await page.$("#messages .message.failed, #messages .message.pending")), "the retry succeeds");
  assert.equal(await sends(), before + 1);
  assert.equal((await threadTexts(id)).filter((t) => t === "Retried once from Firefox").length, 1);
  await page.close();
});

test("a send in Firefox with no clear answer says it may have been sent, survives closing the popup, and Retry sends it once", async () => {
  let { page, id } = await openThread({ index: 4 });
  const before = await sends();
  // A provider 5xx: the client's retries are told to wait (it may still land), so it shows as unknown.
  await env.sandbox.fault({ mode: "status", status: 500, count: 1, route: "cs.send" });
  await send(page, "Maybe sent from Firefox");
  await page.waitForSelector("#messages .message.failed .retry", { timeout: 20000 });
  assert.match(await page.$eval("#messages .message.failed .status", (el) => el.textContent), /^May not have been sent/);
  assert.equal(await sends(), before);
  await page.close();
  // The popup closed: the intent and its key are kept, and shown again in its thread.
  page = await firefox.open("popup.html");
  await page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
  await page.click(`.conversation[data-id="${id}"]`);
  await page.waitForSelector("#messages .message.failed .retry", { timeout: 15000 });
  assert.equal(await page.$eval("#messages .message.failed .text", (el) => el.textContent), "Maybe sent from Firefox");
  await new Promise((r) => setTimeout(r, 1500));
  await page.click("#messages .message.failed .retry");
  await until(async () => !(await page.$("#messages [data-pending]")), "the retry succeeds", 20000);
  assert.equal(await sends(), before + 1);
  assert.equal((await threadTexts(id)).filter((t) => t === "Maybe sent from Firefox").length, 1);
  await page.close();
});

test("a PDF attached in Firefox is previewed as a chip and sent with the text: one upload, one send, once in the thread", async () => {
  // Thread reads through ConnectSafely carry attachments (LinkupAPI documents none on its messages).
  const { page, id } = await openThread({ index: 5, storage: { token: CS_ONLY } });
  const dir = mkdtempSync(join(tmpdir(), "attach-"));
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
  writeFileSync(join(dir, "cv.pdf"), pdf);
  try {
    const [uploads, sent] = [await calls("cs.upload-attachment"), await sends()];
    // The picker's answer (Firefox over BiDi intercepts no file chooser; attach-send.test.mjs
    // opens it from the button in Chromium).
    await (await page.$("#reply-files")).uploadFile(join(dir, "cv.pdf"));
    await page.waitForSelector("#reply-attached li.file");
    assert.equal(await page.$eval("#reply-attached .file-details", (el) => el.textContent), `PDF · ${pdf.length} B`);
    await assertAccessibleIn(page, "a reply box with a PDF attached");
    await send(page, "My CV, from Firefox");
    await until(async () => !(await page.$("#messages [data-pending]")), "the message is sent", 20000);
    await page.waitForSelector("#messages .message.own .file-chip");
    assert.equal(await page.$$eval("#messages .message.own", (items) => items.filter((li) => li.querySelector(".text")?.textContent === "My CV, from Firefox").length), 1);
    assert.deepEqual([await calls("cs.upload-attachment") - uploads, await sends() - sent], [1, 1]);
    // LinkedIn's thread, read again (the proxy's head pages refreshed).
    await env.raw("/v1/refresh", CS_ONLY, { method: "POST" });
    const thread = await env.api(`/v1/conversations/${encodeURIComponent(id)}/messages?count=10`, CS_ONLY);
    assert.deepEqual(thread.items.filter((m) => m.text === "My CV, from Firefox").map((m) => m.attachments?.map((a) => a.name)), [["cv.pdf"]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await page.close();
  }
});

test("Mark unread / Mark read in Firefox change LinkedIn's read state; opening marks read there only when the option is on", async () => {
  const { page, id } = await openThread({ selector: ":not(.unread)" });
  assert.equal(await label(page), "Mark unread");
  await page.click("#thread-mark");
  await until(async () => (await label(page)) === "Mark read", "marked unread");
  assert.ok((await env.api("/v1/conversations?unread=true&count=100")).items.some((c) => c.id === id), "unread on LinkedIn");
  await page.click("#thread-mark");
  await until(async () => (await label(page)) === "Mark unread", "marked read");
  assert.ok(!(await env.api("/v1/conversations?unread=true&count=100")).items.some((c) => c.id === id), "read on LinkedIn");
  await page.close();

  const seen = await calls("cs.mark-seen");
  const off = await openThread({ selector: ".unread" });
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(await calls("cs.mark-seen"), seen, "opening does not mark it read on LinkedIn by default");
  assert.ok((await env.api("/v1/conversations?unread=true&count=100")).items.some((c) => c.id === off.id), "still unread there");
  await off.page.close();

  const on = await openThread({ selector: ".unread", storage: { markReadOnOpen: true } });
  await until(async () => (await calls("cs.mark-seen")) === seen + 1, "marked read on LinkedIn when opened");
  await on.page.close();
});

test("keyboard in Firefox: / focuses search, one Tab stop for the list, j/k and arrows move, Enter opens, Esc goes back, a refresh keeps focus", async () => {
  await firefox.setStorage({ proxyUrl: env.worker.base, token: ALEX });
  const page = await firefox.open("popup.html");
  await page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
  const active = () => page.evaluate(() => document.activeElement?.dataset.id ?? document.activeElement?.id ?? document.activeElement?.tagName);
  const shiftTab = async () => {
    await page.keyboard.down("Shift");
    await page.keyboard.press("Tab");
    await page.keyboard.up("Shift");
  };
  const ids = await page.$$eval(".conversation", (els) => els.map((e) => e.dataset.id));
  assert.equal(await page.$$eval("button.conversation[tabindex='0']", (els) => els.length), 1, "one row is tabbable");
  await page.keyboard.press("/");
  assert.equal(await active(), "search");
  await page.keyboard.press("ArrowDown");
  assert.equal(await active(), ids[0]);
  await page.keyboard.press("j");
  await page.keyboard.press("ArrowDown");
  assert.equal(await active(), ids[2]);
  await page.keyboard.press("k");
  assert.equal(await active(), ids[1]);
  await page.keyboard.press("Tab");
  assert.ok(!ids.includes(await active()), "Tab leaves the list in one step");
  await shiftTab();
  assert.equal(await active(), ids[1], "Shift+Tab comes back to the same row");
  await shiftTab();
  assert.equal(await active(), "refresh");
  await page.focus(`.conversation[data-id="${ids[1]}"]`);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#thread-view:not([hidden])");
  assert.equal(await active(), "thread-title");
  await page.keyboard.press("Escape");
  assert.equal(await active(), ids[1]);
  // A refresh replaces the rows: focus stays on the same conversation.
  await page.focus(`.conversation[data-id="${ids[3]}"]`);
  await page.evaluate(() => document.getElementById("refresh").click());
  await page.waitForFunction(() => document.getElementById("conversations").getAttribute("aria-busy") === "false" && !document.getElementById("refresh").disabled, { timeout: 15000 });
  assert.equal(await active(), ids[3], "refresh keeps focus");
  assert.equal(await page.evaluate(() => document.activeElement.isConnected && document.activeElement.matches("button.conversation")), true);
  await page.close();
});
