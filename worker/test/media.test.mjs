// GET /v1/media/{ref} in workerd against the sandbox: a thread's files leave the Worker with
// sealed refs only (never the provider's URL); the owner downloads the exact bytes through
// ConnectSafely's download-media; another account's ref, a tampered or expired ref and one
// sealed for a URL outside the documented media hosts are refused with no upstream call; a
// redirect off the documented hosts is not followed. Refs are re-sealed here with the test's
// CURSOR_SECRET (the derivation of worker/src/rules/media_ref.rs) to reach the refusals a
// client cannot otherwise build. A pushed message's file leaves with a ref too. A download
// that hangs ends within UPSTREAM_TIMEOUT_MS; a 2xx answer in JSON is the file in base64, a
// media location (fetched on the documented hosts only), or else an error, never served as the
// file; a gzip answer is capped by its decoded bytes (its Content-Length is the compressed size).
// A 429 to download-media pauses the key for every account of it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const PRIYA = "6a7b8c9d0e1f2a3b4c5d6e7f";
const CLIENTS = [
  { name: "priya", token: "media-priya", accounts: [{ id: "priya", account: PRIYA, loginToken: null, connectsafelyWebhookSecret: "cs-webhook-secret-media-0123456789" }] },
  { name: "titouan", token: "media-titouan", account: "5f1b2c3d4e5f60718293a4b5", loginToken: null },
];
let sandbox, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  // The key's rates on (generous): a 429 of the media calls pauses the key (the last test).
  const keyRates = { CONNECTSAFELY_KEY_PER_MINUTE: "6000", CONNECTSAFELY_KEY_BURST: "1000" };
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { UPSTREAM_TIMEOUT_MS: "2000", ...keyRates } });
});
after(async () => { await worker?.stop(); sandbox?.stop(); });

const as = (token) => (path) => checkedCall(worker.base, path, { authorization: `Bearer ${token}` });
const priya = as("media-priya");
const downloads = async () => (await sandbox.stats()).callsByEndpoint["cs.download-media"];
const raw = (ref, token = "media-priya") =>
  fetch(`${worker.base}/v1/media/${ref}`, { headers: { authorization: `Bearer ${token}` } });

// The media key: HMAC-SHA256(CURSOR_SECRET, label + purpose), AES-256-GCM with AAD "media-ref".
const derive = (purpose) => createHmac("sha256", worker.cursorSecret.trim()).update(`linkedin-inbox media ref v1\n${purpose}`).digest();
function openRef(ref) {
  const bytes = Buffer.from(ref.slice(3), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", derive("aead"), bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from("media-ref"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]));
}
function sealRef(claim) {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derive("aead"), nonce);
  cipher.setAAD(Buffer.from("media-ref"));
  const body = Buffer.concat([cipher.update(JSON.stringify(claim)), cipher.final()]);
  return `m1.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64url")}`;
}

/** Priya's first picture and first PDF, from her threads as the Worker answers them. */
async function files() {
  const found = {};
  const list = (await priya("/v1/conversations?count=20")).body.items;
  for (const conversation of list) {
    const page = await priya(`/v1/conversations/${encodeURIComponent(conversation.id)}/messages?count=50`);
    assert.doesNotMatch(page.text, /providerRef|dms\/prv|media\.licdn/, "no provider URL leaves the Worker");
    for (const file of page.body.items.flatMap((m) => m.attachments ?? [])) {
      if (file.kind === "image") found.image ??= file;
      if (file.mediaType === "application/pdf") found.pdf ??= file;
    }
    if (found.image && found.pdf) return found;
  }
  assert.fail("a picture and a PDF in Priya's first threads");
}

test("the owner downloads the exact bytes; pictures inline, other files as attachments", async () => {
  const { image, pdf } = await files();
  for (const [file, magic, disposition] of [[image, "\x89PNG", /^inline$/], [pdf, "%PDF", /^attachment; filename="document.pdf"/]]) {
    assert.match(file.ref, /^m1\./);
    const direct = await fetch(`${sandbox.base}/linkedin/conversations/download-media`, {
      method: "POST",
      headers: { authorization: "Bearer demo-connectsafely-key", "content-type": "application/json" },
      body: JSON.stringify({ accountId: PRIYA, url: openRef(file.ref).u }),
    });
    const expected = Buffer.from(await direct.arrayBuffer());
    const before = await downloads();
    const response = await raw(file.ref);
    assert.equal(response.status, 200);
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.ok(bytes.equals(expected), "the bytes exactly");
    assert.equal(bytes.subarray(0, 4).toString("latin1"), magic);
    assert.equal(bytes.length, file.size);
    assert.equal(response.headers.get("content-type"), file.mediaType);
    assert.match(response.headers.get("content-disposition"), disposition);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.match(response.headers.get("cache-control"), /^private/);
    assert.equal(await downloads(), before + 1, "one download-media call");
  }
});

test("another account's, tampered, expired and off-host refs are refused with no upstream call", async () => {
  const { image } = await files();
  const claim = openRef(image.ref);
  const flipped = image.ref.slice(0, -4) + (image.ref.at(-4) === "A" ? "B" : "A") + image.ref.slice(-3);
  const before = await downloads();
  const refusals = [
    ["another account's client", image.ref, "media-titouan", 404],
    ["a tampered ref", flipped, "media-priya", 404],
    ["an expired ref", sealRef({ ...claim, x: Date.now() - 1 }), "media-priya", 404],
    ["a ref for another account's digest", sealRef({ ...claim, d: "0".repeat(64) }), "media-priya", 404],
    ["a URL outside the documented hosts", sealRef({ ...claim, u: "https://evil.example/dms/prv/x" }), "media-priya", 400],
    ["a URL on a look-alike host", sealRef({ ...claim, u: "https://media.licdn.com.evil.example/x" }), "media-priya", 400],
    ["not a ref", "m1.garbage", "media-priya", 404],
  ];
  for (const [what, ref, token, status] of refusals) {
    const answer = await as(token)(`/v1/media/${ref}`);
    assert.equal(answer.status, status, what);
  }
  assert.equal(await downloads(), before, "no upstream call for any of them");
  // A re-sealed claim as the Worker seals it still opens: the refusals above are the checks'.
  assert.equal((await raw(sealRef(claim))).status, 200);
});

test("a redirect off the documented media hosts is not followed", async () => {
  const { pdf } = await files();
  await sandbox.fault({ mode: "redirect", location: "https://evil.example/steal", route: "cs.download-media", count: 1 });
  const before = await downloads();
  const answer = await priya(`/v1/media/${pdf.ref}`);
  assert.equal(answer.status, 502);
  assert.equal(await downloads(), before + 1, "the one call that redirected");
});

test("a pushed message's file is stored and answered with a ref, never the provider's URL", async () => {
  await sandbox.control("POST", "webhooks", { provider: "connectsafely", account: PRIYA, url: `${worker.base}/v1/webhooks/connectsafely/priya`, secret: "cs-webhook-secret-media-0123456789" });
  const thread = (await priya("/v1/conversations?count=1")).body.items[0].id;
  const path = `/v1/conversations/${encodeURIComponent(thread)}/messages?count=5`;
  await priya(path); // the thread's head is stored: a pushed message is spliced into it
  const pushed = await sandbox.control("POST", "simulate", { account: PRIYA, conversation: thread, text: `a file ${process.pid}`, hasAttachment: true });
  assert.equal(pushed.deliveries?.[0]?.status ?? 200, 200);
  const page = await priya(path);
  assert.doesNotMatch(page.text, /providerRef|dms\/prv/);
  const message = page.body.items.find((m) => m.text === `a file ${process.pid}`);
  assert.ok(message?.attachments?.[0]?.ref, JSON.stringify(page.body.items[0]));
  const response = await raw(message.attachments[0].ref);
  assert.equal(response.status, 200);
  assert.equal((await response.arrayBuffer()).byteLength, message.attachments[0].size);
});

test("a download that hangs ends within the upstream timeout", async () => {
  const { pdf } = await files();
  await sandbox.fault({ mode: "hang", route: "cs.download-media", count: 1 });
  const started = Date.now();
  const hung = await fetch(`${worker.base}/v1/media/${pdf.ref}`, { headers: { authorization: "Bearer media-priya" }, signal: AbortSignal.timeout(15_000) });
  const waited = Date.now() - started;
  const timeout = await hung.json();
  assert.deepEqual([hung.status >= 500, timeout.error.code], [true, "NETWORK_ERROR"], JSON.stringify(timeout));
  assert.ok(waited >= 1_900 && waited < 10_000, `ended after ${waited} ms`);
});

test("a 2xx answer in JSON (an error that forgot its status) is an error, not the file", async () => {
  const { pdf } = await files();
  await sandbox.fault({ mode: "status", status: 200, route: "cs.download-media", count: 1 });
  const answer = await raw(pdf.ref);
  const text = await answer.text();
  assert.deepEqual([answer.status, JSON.parse(text).error.code], [502, "UPSTREAM_ERROR"], text);
  assert.match(answer.headers.get("content-type"), /^application\/json/);
  assert.doesNotMatch(text, /dms\/prv|media\.licdn/, "the refusal never repeats the media URL");
  // The next download is the file again.
  assert.equal((await raw(pdf.ref)).status, 200);
});

test("a gzip answer is capped by its decoded bytes, not its compressed length", async () => {
  const { pdf } = await files();
  const big = gzipSync(Buffer.alloc(25 * 1024 * 1024 + 1), { level: 9 });
  assert.ok(big.length < 64 * 1024, `${big.length} bytes encoded`);
  await sandbox.fault({ mode: "gzip", bodyBase64: big.toString("base64"), route: "cs.download-media", count: 1 });
  const answer = await raw(pdf.ref);
  const text = Buffer.from(await answer.arrayBuffer());
  assert.equal(answer.status, 502, `${text.length} bytes served`);
  // Within the cap, an encoded answer is the file, decoded.
  const small = gzipSync(Buffer.from("%PDF-1.4\n%%EOF\n"));
  await sandbox.fault({ mode: "gzip", bodyBase64: small.toString("base64"), route: "cs.download-media", count: 1 });
  const fine = await raw(pdf.ref);
  assert.equal(fine.status, 200);
  assert.equal(Buffer.from(await fine.arrayBuffer()).toString(), "%PDF-1.4\n%%EOF\n");
});

// ConnectSafely documents download-media's request, not its answer: a 2xx in JSON may hold the
// file in base64 or a media location (the field names read are assumed: worker/src/rules/media_ref.rs).
const jsonAnswer = (body) => sandbox.fault({ mode: "json", bodyBase64: Buffer.from(JSON.stringify(body)).toString("base64"), route: "cs.download-media", count: 1 });

test("a JSON answer with the file in base64 is the file, decoded", async () => {
  const { pdf } = await files();
  const expected = Buffer.from(await (await raw(pdf.ref)).arrayBuffer());
  for (const body of [
    { success: true, data: expected.toString("base64") },
    { success: true, data: { base64: expected.toString("base64"), mimeType: "application/pdf" } },
  ]) {
    await jsonAnswer(body);
    const before = await downloads();
    const answer = await raw(pdf.ref);
    const bytes = Buffer.from(await answer.arrayBuffer());
    assert.equal(answer.status, 200, bytes.toString());
    assert.ok(bytes.equals(expected), "the decoded bytes exactly");
    assert.equal(answer.headers.get("content-type"), "application/pdf");
    assert.match(answer.headers.get("content-disposition"), /^attachment; filename="document.pdf"/);
    assert.equal(await downloads(), before + 1, "one download-media call");
  }
  // success:false, or neither a file nor a location, is ConnectSafely's error.
  for (const body of [{ success: false, data: expected.toString("base64"), message: "no" }, { success: true }]) {
    await jsonAnswer(body);
    const answer = await priya(`/v1/media/${pdf.ref}`);
    assert.deepEqual([answer.status, answer.body.error.code], [502, "UPSTREAM_ERROR"], answer.text);
  }
});

test("a JSON answer naming a media location off the documented hosts is refused, its location never shown", async () => {
  const { pdf } = await files();
  await jsonAnswer({ success: true, url: "https://evil.example/dms/prv/x" });
  const off = await priya(`/v1/media/${pdf.ref}`);
  assert.deepEqual([off.status, off.body.error.code], [502, "UPSTREAM_ERROR"], off.text);
  assert.doesNotMatch(off.text, /evil\.example/, "the location never leaves the Worker");
  // A location on a documented host is fetched like a redirect's: that is unit-tested
  // (rules/media_ref.rs json_media), since a test here never reaches a host outside 127.0.0.1.
});

test("a 429 to download-media pauses the ConnectSafely key for every account of it, as any answer does; its wait is clamped", async () => {
  const { image } = await files();
  const titouan = as("media-titouan");
  const keyOf = async () => (await titouan("/v1/usage")).body.limits.keys.find((k) => k.provider === "connectsafely");
  assert.ok(!((await keyOf()).pausedUntil > Date.now()), "not paused before");
  // A day's Retry-After: the client and the key wait at most MAX_PAUSE_SECS (900 by default).
  await sandbox.fault({ mode: "status", status: 429, retryAfter: 86_400, endpoint: "connectsafely", count: 1 });
  const before = await downloads();
  const asked = Date.now();
  const refused = await raw(image.ref);
  assert.equal(refused.status, 429, await refused.text());
  const retryAfter = Number(refused.headers.get("retry-after"));
  assert.ok(retryAfter >= 890 && retryAfter <= 900, `Retry-After ${retryAfter}`);
  assert.equal(await downloads(), before + 1, "the fault answered the download");
  // Another account of the same key sees the key paused for the clamped wait.
  const key = await keyOf();
  assert.ok(key.pausedUntil >= asked + 890_000 && key.pausedUntil <= Date.now() + 901_000, `pausedUntil ${key.pausedUntil - asked} ms after the download`);
});
