// Attachments in the real extension (Chromium), against the Worker in workerd and the sandbox
// (whose generated messages carry deterministic PNGs and PDFs): an image shows inline from the
// proxy's media route (a blob: URL, so the page needs no LinkedIn host) and opens full size; a
// file is a chip with its name, type and size whose download holds exactly the proxy's bytes;
// axe clean, light and dark.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CS_ONLY, assertAccessible, startEnvironment } from "./harness.mjs";

let env;
before(async () => {
  env = await startEnvironment();
  // Thread reads through ConnectSafely carry attachments (LinkupAPI documents none on its messages).
  await env.setStorage({ proxyUrl: env.worker.base, token: CS_ONLY });
});
after(async () => { await env?.stop(); });

/** The first conversation whose newest 20 messages hold an attachment of `kind`, with that message. */
async function withAttachment(kind) {
  const { items } = await env.api("/v1/conversations?count=20", CS_ONLY);
  for (const conversation of items) {
    const page = await env.api(`/v1/conversations/${encodeURIComponent(conversation.urn ?? conversation.id)}/messages?count=20`, CS_ONLY);
    const message = page.items.find((m) => (m.attachments ?? []).some((a) => a.kind === kind && a.ref));
    if (message) return { conversation, message, attachment: message.attachments.find((a) => a.kind === kind) };
  }
  assert.fail(`no ${kind} attachment in the first 20 conversations`);
}

const proxyBytes = async (ref) => {
  const response = await fetch(`${env.worker.base}/v1/media/${ref}`, { headers: { authorization: `Bearer ${CS_ONLY}` } });
  assert.equal(response.status, 200);
  return Buffer.from(await response.arrayBuffer());
};

test("an image shows inline from the proxy and opens full size; axe clean", async () => {
  const { conversation, message, attachment } = await withAttachment("image");
  const errors = [];
  const page = await env.openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
  await page.click(`#conversations .conversation[data-id="${conversation.id}"]`);
  const thumb = `#messages li[data-id="${message.id}"] .thumb`;
  await page.waitForSelector(`${thumb} img[src^="blob:"]`, { timeout: 15000 });
  const size = await page.$eval(`${thumb} img`, (img) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]));
  assert.ok(size[0] > 0 && size[1] > 0, `decoded ${size}`);
  assert.match(await page.getAttribute(thumb, "aria-label"), /^Image .*: open full size$/);
  await page.click(thumb);
  await page.waitForSelector("#image-dialog[open] #image-full[src^='blob:']");
  await assertAccessible(page, "the full-size image");
  await page.keyboard.press("Escape");
  assert.equal(await page.isVisible("#image-dialog"), false);
  await assertAccessible(page, "a thread with an image");
  // The blob holds the proxy's bytes.
  const shown = await page.$eval(`${thumb} img`, (img) => fetch(img.src).then((r) => r.arrayBuffer()).then((b) => [...new Uint8Array(b)]));
  assert.deepEqual(Buffer.from(shown), await proxyBytes(attachment.ref));
  assert.deepEqual(errors, []);
  await page.close();
});

test("a file is a chip with name, type and size; its download holds exactly the proxy's bytes", async () => {
  const { conversation, message, attachment } = await withAttachment("file");
  const page = await env.openPopup();
  await page.waitForSelector("body[data-state=ready]");
  await page.click(`#conversations .conversation[data-id="${conversation.id}"]`);
  const chip = `#messages li[data-id="${message.id}"] .file-chip`;
  await page.waitForSelector(chip, { timeout: 15000 });
  assert.equal(await page.textContent(`${chip} .file-name`), attachment.name);
  assert.match(await page.textContent(`${chip} .file-details`), /^PDF · \d+ (B|KB|MB)$/);
  assert.match(await page.getAttribute(chip, "aria-label"), new RegExp(`^Download ${attachment.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} PDF · \\d+ (B|KB|MB)$`));
  await assertAccessible(page, "a thread with a file chip");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(chip)]);
  assert.equal(download.suggestedFilename(), attachment.name);
  assert.deepEqual(readFileSync(await download.path()), await proxyBytes(attachment.ref));
  await page.close();
});
