// Sends with files (multipart/form-data) in workerd against the sandbox: the file is uploaded
// through ConnectSafely's upload-attachment and named on the send, once per Idempotency-Key
// (20 concurrent requests with one key: one upload, one send); the thread then shows it and it
// downloads back; a file too large or of a disallowed type is refused 400 naming `files` with
// no upstream call; on LinkupAPI the file goes as `media_file` and costs 2 credits. The uploads
// are admitted with the send, once (ConnectSafely calls of the day's budget, one per file);
// file parts named `attachments` are read as `files`, any other part is refused. A 429 to an
// upload pauses the key for every account of it, and nothing is sent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const CLIENTS = [
  { name: "priya", token: "send-priya", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: null },
  { name: "titouan", token: "send-titouan", account: null, loginToken: "demo-login-token-titouan" },
];
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
  "1f15c4890000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082", "hex");
let sandbox, worker, thread;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  // The key's rates on (generous): a 429 of an upload pauses the key (the last test).
  const keyRates = { CONNECTSAFELY_KEY_PER_MINUTE: "6000", CONNECTSAFELY_KEY_BURST: "1000" };
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { CONNECTSAFELY_DAILY_LIMIT: "100000", ...keyRates } });
  thread = (await priya("/v1/conversations?count=1")).body.items[0].id;
});
after(async () => { await worker?.stop(); sandbox?.stop(); });

const priya = (path, init = {}) => checkedCall(worker.base, path, { authorization: "Bearer send-priya", ...init });
const routes = async () => (await sandbox.stats()).callsByEndpoint;
const callsLeft = async () => (await priya("/v1/accounts")).body.accounts[0].budgetLeftToday.connectsafelyCalls;
function form(text, files) {
  const body = new FormData();
  body.append("text", text);
  for (const [name, type, bytes] of files) body.append("files", new Blob([bytes], { type }), name);
  return body;
}
const sendTo = (id, key, body, token = "send-priya") =>
  checkedCall(worker.base, `/v1/conversations/${encodeURIComponent(id)}/messages`, {
    method: "POST", authorization: `Bearer ${token}`, headers: { "idempotency-key": key }, body,
  });

test("20 concurrent sends with one key and a file: one upload, one send, the file in the thread", async () => {
  const before = await routes();
  const left = await callsLeft();
  const answers = await Promise.all(Array.from({ length: 20 }, () =>
    sendTo(thread, "key-with-a-file", form("Here is the picture", [["pic.png", "image/png", PNG]]))));
  assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
  assert.equal(new Set(answers.map((a) => a.body.message.id)).size, 1, "one message");
  const after = await routes();
  assert.equal(after["cs.upload-attachment"] - before["cs.upload-attachment"], 1, "one upload");
  assert.equal(after["cs.send"] - before["cs.send"], 1, "one send");
  assert.equal(left - await callsLeft(), 1, "the upload is admitted once, as a call of the day's budget");
  const page = await priya(`/v1/conversations/${encodeURIComponent(thread)}/messages?count=5`);
  const sent = page.body.items.find((m) => m.id === answers[0].body.message.id);
  assert.equal(sent.attachments?.[0]?.name, "pic.png");
  const download = await fetch(`${worker.base}/v1/media/${sent.attachments[0].ref}`, { headers: { authorization: "Bearer send-priya" } });
  assert.equal(download.status, 200);
  assert.ok(Buffer.from(await download.arrayBuffer()).equals(PNG), "the uploaded bytes come back");
  // The same key with another file is another request.
  const other = await sendTo(thread, "key-with-a-file", form("Here is the picture", [["pic2.png", "image/png", PNG]]));
  assert.equal(other.status, 422);
});

test("a file too large or of a disallowed type is refused naming `files`, with no upstream call", async () => {
  const before = await sandbox.stats();
  for (const [what, files] of [
    ["too large", [["big.pdf", "application/pdf", Buffer.alloc(5 * 1024 * 1024 + 1)]]],
    ["a disallowed type", [["run.exe", "application/x-msdownload", Buffer.from("MZ")]]],
    ["too large together", [["a.pdf", "application/pdf", Buffer.alloc(2_640_000)], ["b.pdf", "application/pdf", Buffer.alloc(2_640_000)]]],
    ["too many files", Array.from({ length: 6 }, (_, i) => [`p${i}.png`, "image/png", PNG])],
  ]) {
    const answer = await sendTo(thread, `refused-${what.replaceAll(" ", "-")}`, form("x", files));
    assert.equal(answer.status, 400, what);
    assert.equal(answer.body.error.field, "files", what);
  }
  // A body over the cap is 413 before it is read; one of undeclared length (streamed) is refused.
  const huge = await sendTo(thread, "refused-huge", form("x", [["big.pdf", "application/pdf", Buffer.alloc(25 * 1024 * 1024)]]));
  assert.deepEqual([huge.status, huge.body.error.code], [413, "PAYLOAD_TOO_LARGE"]);
  const framed = new Response(form("x", [["a.png", "image/png", PNG]]));
  const boundary = framed.headers.get("content-type");
  const encoded = await framed.arrayBuffer();
  const streamed = await fetch(`${worker.base}/v1/conversations/${encodeURIComponent(thread)}/messages`, {
    method: "POST", duplex: "half",
    headers: { authorization: "Bearer send-priya", "idempotency-key": "refused-streamed", "content-type": boundary },
    body: new ReadableStream({ start(c) { c.enqueue(new Uint8Array(encoded)); c.close(); } }),
  });
  const refusal = await streamed.json();
  assert.deepEqual([streamed.status, refusal.error.field], [400, "body"], JSON.stringify(refusal));
  assert.equal((await sandbox.stats()).calls.total, before.calls.total, "no upstream call");
});

test("on LinkupAPI the file goes as media_file and the send costs 2 credits", async () => {
  const titouan = (path) => checkedCall(worker.base, path, { authorization: "Bearer send-titouan" });
  const list = (await titouan("/v1/conversations?count=1")).body.items[0];
  const before = (await sandbox.stats()).creditsSpent;
  const answer = await sendTo(list.id, "lk-file", form("Le CV", [["cv.pdf", "application/pdf", Buffer.from("%PDF-1.4\n%%EOF\n")]]), "send-titouan");
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.headers.get("x-credits-spent"), "2");
  assert.equal((await sandbox.stats()).creditsSpent - before, 2);
  assert.equal(answer.body.message.attachments?.[0]?.name, "cv.pdf");
});

test("file parts named `attachments` are files; an unknown part is refused with no upstream call", async () => {
  const before = await routes();
  const body = new FormData();
  body.append("text", "Named attachments");
  body.append("attachments", new Blob([PNG], { type: "image/png" }), "a.png");
  body.append("files", new Blob([PNG], { type: "image/png" }), "b.png");
  const sent = await sendTo(thread, "attachments-part", body);
  assert.equal(sent.status, 200, sent.text);
  assert.deepEqual(sent.body.message.attachments.map((a) => a.name).sort(), ["a.png", "b.png"]);
  const unknown = new FormData();
  unknown.append("text", "x");
  unknown.append("file", new Blob([PNG], { type: "image/png" }), "c.png");
  const refused = await sendTo(thread, "unknown-part", unknown);
  assert.deepEqual([refused.status, refused.body.error.field], [400, "body"], refused.text);
  const after = await routes();
  assert.equal(after["cs.upload-attachment"] - before["cs.upload-attachment"], 2);
  assert.equal(after["cs.send"] - before["cs.send"], 1);
});

test("a file name is kept without its path or control characters", async () => {
  const body = form("Path", [["..\\..\\x/\u0001cv.pdf", "application/pdf", Buffer.from("%PDF-1.4\n%%EOF\n")]]);
  const sent = await sendTo(thread, "path-name", body);
  assert.equal(sent.status, 200, sent.text);
  assert.equal(sent.body.message.attachments[0].name, "cv.pdf");
});

test("a 429 to upload-attachment pauses the ConnectSafely key and sends nothing; its wait is clamped", async () => {
  const keyOf = async () => (await priya("/v1/usage")).body.limits.keys.find((k) => k.provider === "connectsafely");
  assert.ok(!((await keyOf()).pausedUntil > Date.now()), "not paused before");
  const before = await routes();
  // A day's Retry-After: the client and the key wait at most MAX_PAUSE_SECS (900 by default).
  await sandbox.fault({ mode: "status", status: 429, retryAfter: 86_400, endpoint: "connectsafely", count: 1 });
  const asked = Date.now();
  const refused = await sendTo(thread, "upload-429", form("with a file", [["pic.png", "image/png", PNG]]));
  assert.equal(refused.status, 429, refused.text);
  const retryAfter = Number(refused.headers.get("retry-after"));
  assert.ok(retryAfter >= 890 && retryAfter <= 900, `Retry-After ${retryAfter}`);
  const after = await routes();
  assert.equal((after["cs.upload-attachment"] ?? 0) - (before["cs.upload-attachment"] ?? 0), 1, "the fault answered the upload");
  assert.equal(after["cs.send"] ?? 0, before["cs.send"] ?? 0, "nothing sent");
  const key = await keyOf();
  assert.ok(key.pausedUntil >= asked + 890_000 && key.pausedUntil <= Date.now() + 901_000, `pausedUntil ${key.pausedUntil - asked} ms after the upload`);
});
