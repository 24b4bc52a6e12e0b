// Sends with files (issue 34), the installed package against the Worker in workerd and the
// sandbox: `sendMessage({ ..., attachments })` sends an image (a File) and a PDF (bytes) as
// multipart/form-data; the thread shows the message once with both, and they download back
// byte for byte; a call whose first answer is lost is retried with its key: one upload per
// file, one send; the same call again answers the same message; bad files are refused naming
// `attachments` before any request. Titouan's account is ConnectSafely's alone: its threads
// are read where the files were sent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { InboxClient } from "linkedin-inbox";
import { directConfig } from "./sandbox.mjs";
import { startProxy } from "./workerd.mjs";

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
  "1f15c4890000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082", "hex");
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n");

const ACCOUNT = "titouan";
let proxy, threads, profileUrl;
before(async () => {
  proxy = await startProxy();
  const { items } = await new InboxClient(proxy.config()).listConversations({ account: ACCOUNT, count: 5 });
  threads = items.map((c) => c.id);
  profileUrl = items[3].participants[0].profileUrl;
  assert.ok(threads.length >= 3);
});
after(() => proxy?.stop());

const routes = async () => (await proxy.sandbox.stats()).callsByEndpoint;
const delta = (after, before, route) => (after[route] ?? 0) - (before[route] ?? 0);
async function rejection(promise) {
  try { await promise; } catch (error) { return error; }
  assert.fail("expected a rejection");
}
/** A client whose fetch counts its calls; `lose`: the first answer is read, then lost. */
function client({ lose = false } = {}) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    const response = await globalThis.fetch(url, init);
    if (lose && calls.length === 1) {
      await response.arrayBuffer();
      throw new TypeError("the connection was reset");
    }
    return response;
  };
  return { inbox: new InboxClient(proxy.config(undefined, { fetch })), calls };
}
const files = () => [
  new File([PNG], "screen shot.png", { type: "image/png" }),
  { name: "CV é.pdf", type: "application/pdf", data: PDF },
];

test("an image and a PDF: sent once, in the thread once, downloaded back exactly", async () => {
  const { inbox, calls } = client();
  const before = await routes();
  const sent = await inbox.sendMessage({ conversationId: threads[0], text: "Here are both", attachments: files(), account: ACCOUNT });
  const after = await routes();
  assert.equal(calls.length, 1);
  assert.match(calls[0].init.headers["content-type"], /^multipart\/form-data; boundary=/);
  assert.deepEqual([delta(after, before, "cs.upload-attachment"), delta(after, before, "cs.send")], [2, 1]);
  assert.deepEqual(sent.message.attachments.map((a) => [a.name, a.mediaType, a.size]), [["screen shot.png", "image/png", PNG.length], ["CV é.pdf", "application/pdf", PDF.length]]);
  const thread = await inbox.listMessages({ conversationId: threads[0], count: 10, account: ACCOUNT });
  const shown = thread.items.filter((m) => m.text === "Here are both");
  assert.equal(shown.length, 1, "the thread shows it once");
  assert.deepEqual(shown[0].attachments.map((a) => a.kind), ["image", "file"]);
  for (const [file, bytes] of [[shown[0].attachments[0], PNG], [shown[0].attachments[1], PDF]]) {
    const downloaded = Buffer.from(await (await inbox.download(file.ref)).arrayBuffer());
    assert.ok(downloaded.equals(Buffer.from(bytes)), `${file.name}: the bytes sent come back`);
  }
});

test("a lost answer is retried with the same key: one upload per file, one send; the call again answers the same message", async () => {
  const { inbox, calls } = client({ lose: true });
  const before = await routes();
  const input = { conversationId: threads[1], text: "Retried with files", attachments: files(), idempotencyKey: `files-${process.pid}`, account: ACCOUNT };
  const sent = await inbox.sendMessage(input);
  assert.equal(calls.length, 2, "the first answer was lost: asked again");
  assert.equal(calls[1].init.headers["idempotency-key"], input.idempotencyKey);
  const again = await client().inbox.sendMessage(input);
  assert.equal(again.message.id, sent.message.id, "the same call answers the same message");
  const after = await routes();
  assert.deepEqual([delta(after, before, "cs.upload-attachment"), delta(after, before, "cs.send")], [2, 1]);
  const thread = await inbox.listMessages({ conversationId: threads[1], count: 10, account: ACCOUNT });
  assert.equal(thread.items.filter((m) => m.text === "Retried with files").length, 1);
  // The key with other files is another request: refused, not sent.
  const other = await rejection(inbox.sendMessage({ ...input, attachments: [files()[0]] }));
  assert.equal(other.code, "IDEMPOTENCY_KEY_REUSED");
});

test("no files (or []) is a plain send; a Blob is named `attachment`; files to a person by profile URL", async () => {
  const { inbox, calls } = client();
  const plain = await inbox.sendMessage({ conversationId: threads[2], text: "No files", attachments: [], account: ACCOUNT });
  assert.ok(!plain.message.attachments?.length);
  assert.equal(calls[0].init.headers["content-type"], "application/json");
  const blob = await inbox.sendMessage({ conversationId: threads[2], text: "A blob", attachments: [new Blob([PNG], { type: "image/png" })], account: ACCOUNT });
  assert.equal(blob.message.attachments[0].name, "attachment");
  // To a person (`POST /v1/messages`), the same form with `profileUrl`.
  const before = await routes();
  const byProfile = await inbox.sendMessage({ profileUrl, text: "To the person", attachments: [files()[1]], account: ACCOUNT });
  assert.match(calls.at(-1).url, /\/v1\/messages\?/);
  assert.equal(byProfile.message.attachments[0].name, "CV é.pdf");
  const after = await routes();
  assert.deepEqual([delta(after, before, "cs.upload-attachment"), delta(after, before, "cs.send")], [1, 1]);
});

test("bad files, or files without a proxy, are refused before any request", async () => {
  const { inbox, calls } = client();
  const png = (name = "a.png", bytes = PNG) => ({ name, type: "image/png", data: bytes });
  const refused = [
    ["not an array", png()],
    ["too many", Array.from({ length: 6 }, () => png())],
    ["a disallowed type", [{ name: "run.exe", type: "application/x-msdownload", data: new Uint8Array(2) }]],
    ["no type", [new Blob([PNG])]],
    ["empty", [png("empty.png", new Uint8Array(0))]],
    ["too large together", [png("a.png", new Uint8Array(3 << 20)), png("b.png", new Uint8Array(3 << 20))]],
    ["a name of 256 bytes (128 characters)", [png("é".repeat(128))]],
    ["a control character", [png("a\u0007.png")]],
    ["a blank name", [png("  ")]],
    ["a name that is a folder (its last path segment blank)", [png("dir/")]],
    ["a name of format characters only", [png("\u202e\u2066 ")]],
    ["not a file", [{ name: "a.png", type: "image/png", data: [1, 2, 3] }]],
  ];
  for (const [what, attachments] of refused) {
    const error = await rejection(inbox.sendMessage({ conversationId: threads[0], text: "x", attachments }));
    assert.deepEqual([error.name, error.code, error.field], ["InboxError", "INVALID_INPUT", "attachments"], `${what}: ${error.message}`);
  }
  // The text is checked before any request too.
  const text = await rejection(inbox.sendMessage({ conversationId: threads[0], text: " ", attachments: [png()] }));
  assert.deepEqual([text.code, text.field], ["INVALID_INPUT", "text"]);
  assert.equal(calls.length, 0, "no request");
  const direct = await rejection(new InboxClient(directConfig(proxy.sandbox.base)).sendMessage({ conversationId: threads[0], text: "x", attachments: [png()] }));
  assert.equal(direct.code, "NOT_SUPPORTED");
});
