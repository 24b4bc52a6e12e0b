// Sending files from the popup (the real extension in Chromium, the Worker in workerd, the
// sandbox as ConnectSafely): an image pasted into the reply box shows as a thumbnail and goes
// with the text as one multipart send (one upload, one send), then shows once in the thread
// (from the bytes the popup holds) and is in the proxy's thread, its bytes downloadable; a PDF attached by the button is a chip with name, type and
// size, and is removed again; a file dropped on the reply box is attached (the drop target
// shows while it is dragged over); a file over the limits or of a refused type is refused
// with a message naming it and no upstream call; a send the provider refuses is retried
// with the same key and bytes (sent once), and so is one whose outcome is unknown after the
// popup closed (its files kept in IndexedDB); files not kept are said, with Dismiss; text
// copied from a document is pasted as text; axe clean with previews shown, light and dark.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { CS_ONLY, assertAccessible, startEnvironment, until } from "./harness.mjs";

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
  "1f15c4890000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082", "hex");
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

let env;
before(async () => {
  env = await startEnvironment();
  await env.setStorage({ proxyUrl: env.worker.base, token: CS_ONLY });
});
after(async () => { await env?.stop(); });

const routes = async () => (await env.sandbox.stats()).callsByEndpoint;
/** The provider calls a send with files makes (uploads and sends): what attaching must not
 * make. Other calls (the thread's lazy media, the background's refresh, mark-seen) may land at
 * any time and are not counted. */
const SEND_ROUTES = ["cs.upload-attachment", "cs.send", "lk.send", "lk.v2.send"];
const upstreamCalls = async () => {
  const calls = await routes();
  return SEND_ROUTES.reduce((sum, route) => sum + (calls[route] ?? 0), 0);
};
const delta = (after, before, route) => (after[route] ?? 0) - (before[route] ?? 0);

/** The popup opened on the `index`th conversation, its thread loaded. */
async function openThread(index, errors = []) {
  const page = await env.openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
  const id = await page.$$eval(".conversation", (rows, i) => rows[i]?.dataset.id, index);
  await page.click(`.conversation[data-id="${id}"]`);
  await page.waitForSelector("#messages .message");
  return { page, id };
}

/** Dispatches `type` (paste on the text, drag events on the form) carrying files made in the page. */
const withFiles = (page, type, files) => page.evaluate(([type, files]) => {
  const data = new DataTransfer();
  for (const [name, mime, bytes] of files) data.items.add(new File([new Uint8Array(bytes)], name, { type: mime }));
  const event = type === "paste"
    ? new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })
    : new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true });
  (type === "paste" ? document.getElementById("reply-text") : document.getElementById("reply")).dispatchEvent(event);
  return event.defaultPrevented;
}, [type, files.map(([n, m, b]) => [n, m, [...b]])]);

test("a pasted image is previewed, sent with the text (one upload, one send) and shows once in the thread", async () => {
  const errors = [];
  const { page, id } = await openThread(0, errors);
  const before = await routes();
  // Text copied from a document (plain text, HTML and a picture of it) is pasted as text.
  const copiedText = await page.evaluate((bytes) => {
    const data = new DataTransfer();
    data.setData("text/plain", "Quarterly figures");
    data.setData("text/html", "<p>Quarterly figures</p>");
    data.items.add(new File([new Uint8Array(bytes)], "image.png", { type: "image/png" }));
    const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
    document.getElementById("reply-text").dispatchEvent(event);
    return event.defaultPrevented;
  }, [...PNG]);
  assert.equal(copiedText, false, "left to the browser's paste of text");
  assert.equal(await page.isVisible("#reply-attached"), false);
  assert.equal(await withFiles(page, "paste", [["", "image/png", PNG]]), true, "the paste is taken as a file");
  const preview = "#reply-attached li.image img";
  await page.waitForSelector(`${preview}[src^="blob:"]`);
  const previewUrl = await page.getAttribute(preview, "src");
  assert.equal(await page.textContent("#reply-attached .file-name"), "pasted-1.png");
  assert.match(await page.textContent("#attach-status"), /^Attached pasted-1\.png\. 1 file attached\.$/);
  assert.equal(await page.inputValue("#reply-text"), "", "nothing typed by the paste");
  // Files alone are not sent: LinkedIn sends them with a message.
  await page.click("#reply-send");
  assert.match(await page.textContent("#attach-error"), /^Write a message/);
  const unsent = await routes();
  assert.deepEqual(SEND_ROUTES.map((route) => delta(unsent, before, route)), [0, 0, 0, 0], "nothing uploaded or sent");

  await page.fill("#reply-text", "Here is the screenshot");
  await page.keyboard.press("Control+Enter");
  assert.equal(await page.isVisible("#reply-attached"), false, "the box is emptied when sent");
  await until(async () => !(await page.$("#messages [data-pending]")), "the message is sent", 20000);
  // The sent message shows with its image at once (the bytes the popup sent).
  const sent = `#messages li.message.own:has(.text:text-is("Here is the screenshot"))`;
  await page.waitForSelector(`${sent} .thumb img[src^="blob:"]`, { timeout: 15000 });
  assert.equal(await page.locator(sent).count(), 1, "the message shows once");
  const shown = await page.$eval(`${sent} .thumb img`, (img) => fetch(img.src).then((r) => r.arrayBuffer()).then((b) => [...new Uint8Array(b)]));
  assert.deepEqual(Buffer.from(shown), PNG, "the thread shows the bytes sent");
  const after = await routes();
  assert.equal(delta(after, before, "cs.upload-attachment"), 1, "one upload");
  assert.equal(delta(after, before, "cs.send"), 1, "one send");
  // The preview's blob: URL was revoked when sent.
  assert.equal(await page.evaluate((url) => fetch(url).then(() => "loaded", () => "revoked"), previewUrl), "revoked");
  const thread = await env.api(`/v1/conversations/${encodeURIComponent(id)}/messages?count=10`, CS_ONLY);
  const message = thread.items.filter((m) => m.text === "Here is the screenshot");
  assert.equal(message.length, 1);
  assert.equal(message[0].attachments?.[0]?.name, "pasted-1.png");
  const download = await fetch(`${env.worker.base}/v1/media/${message[0].attachments[0].ref}`, { headers: { authorization: `Bearer ${CS_ONLY}` } });
  assert.ok(Buffer.from(await download.arrayBuffer()).equals(PNG), "the proxy serves the bytes sent");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a PDF attached by the button is a chip with name, type and size, and removed again; a dropped file is attached; axe clean", async () => {
  const { page } = await openThread(1);
  const before = await upstreamCalls();
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.click("#reply-attach")]);
  assert.equal(chooser.isMultiple(), true);
  await chooser.setFiles({ name: "cv.pdf", mimeType: "application/pdf", buffer: PDF });
  const chip = "#reply-attached li.file";
  await page.waitForSelector(chip);
  assert.equal(await page.textContent(`${chip} .file-name`), "cv.pdf");
  assert.equal(await page.textContent(`${chip} .file-details`), `PDF · ${PDF.length} B`);
  assert.equal(await page.getAttribute(`${chip} .remove`, "aria-label"), `Remove cv.pdf, PDF, ${PDF.length} B`);

  // Dragging files over the reply box shows the drop target; dropping attaches them.
  assert.equal(await withFiles(page, "dragenter", [["photo.png", "image/png", PNG]]), true);
  assert.equal(await page.isVisible(".reply.dropping .drop-hint"), true, "the drop target shows");
  await withFiles(page, "drop", [["photo.png", "image/png", PNG]]);
  assert.equal(await page.isVisible(".drop-hint"), false);
  await page.waitForSelector(`#reply-attached li.image img[src^="blob:"]`);
  assert.deepEqual(await page.$$eval("#reply-attached .file-name", (els) => els.map((e) => e.textContent)), ["cv.pdf", "photo.png"]);
  await assertAccessible(page, "a reply box with an image and a PDF attached");

  // Removed by keyboard: announced, the focus on the next remove button.
  await page.focus(`${chip} .remove`);
  await page.keyboard.press("Enter");
  assert.deepEqual(await page.$$eval("#reply-attached .file-name", (els) => els.map((e) => e.textContent)), ["photo.png"]);
  assert.equal(await page.textContent("#attach-status"), "Removed cv.pdf. 1 file attached.");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), `Remove photo.png, PNG, ${PNG.length} B`);
  await page.keyboard.press("Enter");
  assert.equal(await page.isVisible("#reply-attached"), false);
  assert.equal(await page.evaluate(() => document.activeElement.id), "reply-text");
  assert.equal(await upstreamCalls(), before, "attaching calls nothing upstream");
  await page.close();
});

test("a file too large, of a refused type or past five is refused naming it, with no upstream call", async () => {
  const { page } = await openThread(2);
  const before = await upstreamCalls();
  await page.setInputFiles("#reply-files", { name: "huge-deck.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
  assert.match(await page.textContent("#attach-error"), /^huge-deck\.pdf was not added: the files of one message must be at most 5\.2 MB together/);
  assert.equal(await page.isVisible("#reply-attached"), false);
  await page.setInputFiles("#reply-files", { name: "setup.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") });
  assert.match(await page.textContent("#attach-error"), /^setup\.exe was not added: this type of file cannot be sent/);
  await page.setInputFiles("#reply-files", Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.png`, mimeType: "image/png", buffer: PNG })));
  assert.equal(await page.locator("#reply-attached li").count(), 5);
  assert.match(await page.textContent("#attach-error"), /^p5\.png was not added: a message carries at most 5 files\.$/);
  assert.equal(await page.getAttribute("#attach-error", "role"), "alert");
  await assertAccessible(page, "a refused file and five previews");
  assert.equal(await upstreamCalls(), before);
  await page.close();
});

test("a send with a file the provider refuses shows Retry, which sends the same bytes with the same key, once", async () => {
  const { page, id } = await openThread(3);
  const before = await routes();
  await env.sandbox.fault({ mode: "status", status: 429, retryAfter: 1, count: 1, route: "cs.send" });
  await page.setInputFiles("#reply-files", { name: "notes.pdf", mimeType: "application/pdf", buffer: PDF });
  await page.fill("#reply-text", "Notes attached");
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector("#messages .message.failed .retry", { timeout: 20000 });
  assert.match(await page.textContent("#messages .message.failed .status"), /^Not sent/);
  assert.equal(await page.textContent("#messages .message.failed .pending-files"), "📎 notes.pdf");
  await new Promise((r) => setTimeout(r, 1100)); // the provider's pause (Retry-After: 1) ends
  await page.click("#messages .message.failed .retry");
  await until(async () => !(await page.$("#messages [data-pending]")), "the retry succeeds", 20000);
  const after = await routes();
  assert.equal(delta(after, before, "cs.send"), 2, "the refused send and the retry");
  const thread = await env.api(`/v1/conversations/${encodeURIComponent(id)}/messages?count=10`, CS_ONLY);
  const sent = thread.items.filter((m) => m.text === "Notes attached");
  assert.equal(sent.length, 1, "sent once");
  assert.equal(sent[0].attachments?.[0]?.name, "notes.pdf");
  const bytes = await fetch(`${env.worker.base}/v1/media/${sent[0].attachments[0].ref}`, { headers: { authorization: `Bearer ${CS_ONLY}` } });
  assert.ok(Buffer.from(await bytes.arrayBuffer()).equals(PDF), "the same bytes");
  console.log(`# uploads for the refused send and its retry: ${delta(after, before, "cs.upload-attachment")}`);
  await page.close();
});

/** Sends "text" with a PDF named `name` while the provider answers 500: it may have been sent. */
async function sendUnknown(page, text, name) {
  await env.sandbox.fault({ mode: "status", status: 500, count: 1, route: "cs.send" });
  await page.setInputFiles("#reply-files", { name, mimeType: "application/pdf", buffer: PDF });
  await page.fill("#reply-text", text);
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector("#messages .message.failed .retry", { timeout: 20000 });
  assert.match(await page.textContent("#messages .message.failed .status"), /^May not have been sent/);
  await page.close();
}

async function reopen(id) {
  const page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  await page.click(`.conversation[data-id="${id}"]`);
  await page.waitForSelector("#messages .message.failed");
  return page;
}

test("a send with a file whose outcome is unknown keeps its file when the popup closes: Retry sends the same bytes once", async () => {
  const { page, id } = await openThread(4);
  const before = await routes();
  await sendUnknown(page, "The plan", "plan.pdf");
  const again = await reopen(id);
  assert.equal(await again.textContent("#messages .message.failed .pending-files"), "📎 plan.pdf");
  await new Promise((r) => setTimeout(r, 1500)); // the proxy's settle time after an unknown outcome
  await again.click("#messages .message.failed .retry");
  await until(async () => !(await again.$("#messages [data-pending]")), "the retry succeeds", 20000);
  await again.waitForSelector(`#messages li.message.own:has(.text:text-is("The plan")) .file-chip`);
  const after = await routes();
  assert.equal(delta(after, before, "cs.send"), 2, "the send that failed and the retry");
  await env.raw("/v1/refresh", CS_ONLY, { method: "POST" });
  const sent = (await env.api(`/v1/conversations/${encodeURIComponent(id)}/messages?count=10`, CS_ONLY)).items.filter((m) => m.text === "The plan");
  assert.equal(sent.length, 1, "sent once");
  const bytes = await fetch(`${env.worker.base}/v1/media/${sent[0].attachments[0].ref}`, { headers: { authorization: `Bearer ${CS_ONLY}` } });
  assert.ok(Buffer.from(await bytes.arrayBuffer()).equals(PDF), "the same bytes");
  await again.close();
});

test("an unsent message whose files were not kept says so, without Retry; Dismiss puts the text back", async () => {
  const { page, id } = await openThread(5);
  await sendUnknown(page, "The budget", "budget.pdf");
  // The browser kept nothing (storage cleared): the files are gone.
  const options = await env.openPopup([], { path: "options.html" });
  await options.evaluate(() => new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase("reply-files-v1");
    request.onsuccess = resolve;
    request.onerror = reject;
  }));
  await options.close();
  const again = await reopen(id);
  await again.click("#messages .message.failed .retry");
  await again.waitForSelector("#messages .message.failed .retry:text-is('Dismiss')");
  assert.match(await again.textContent("#messages .message.failed .status"), /Its files were not kept: attach them again\. Dismiss$/);
  await assertAccessible(again, "an unsent message whose files are gone");
  await again.click("#messages .message.failed .retry");
  assert.equal(await again.$("#messages [data-pending]"), null);
  assert.equal(await again.inputValue("#reply-text"), "The budget");
  await again.close();
});
