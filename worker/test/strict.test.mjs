// The proxy refuses what it does not understand, before anything happens: an unknown query
// parameter on any route (400 naming it, 0 upstream calls, nothing changed: a typo in a wipe
// wipes nothing), send bodies of another type or encoding (415), over the cap even when
// chunked (413, read no further than the cap), or not UTF-8 (400), signed webhooks that are
// not UTF-8 (400, never a 5xx the provider would retry forever), and `Vary` on every answer of
// the push channel's socket.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { request as httpRequest } from "node:http";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";
import { checkResponse } from "../../tests/js/openapi.mjs";

const CS_SECRET = "cs-webhook-secret-strict-0123456789";
const LK_SECRET = "lk-webhook-secret-strict-0123456789";
const ALEX = {
  id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex",
  connectsafelyWebhookSecret: CS_SECRET, linkupWebhookSecret: LK_SECRET,
};
const PRIYA = { id: "priya", label: "Priya Iyer", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" };
const TOKEN = "strict-team";
const CLIENTS = [{ name: "team", token: TOKEN, accounts: [ALEX, PRIYA] }];

let sandbox, worker, thread;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { RATE_LIMIT_PER_MINUTE: "0", HEAD_TTL_SECS: "3600" } });
  // Both stores hold their inbox before anything is tried against them.
  for (const account of ["alex", "priya"]) {
    const page = await call(`/v1/conversations?account=${account}&count=20`);
    assert.equal(page.status, 200, page.text);
    if (account === "alex") thread = page.body.items[0].id;
  }
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const call = (path, { method = "GET", headers = {}, body } = {}) =>
  checkedCall(worker.base, path, { method, headers: { ...headers }, body, authorization: auth.authorization });
const upstream = async () => (await sandbox.stats()).calls.total;
const sends = async () => (await sandbox.stats()).sends;
const hmac = (secret, bytes) => createHmac("sha256", secret).update(bytes).digest("hex");
const replyPath = () => `/v1/conversations/${encodeURIComponent(thread)}/messages?account=alex`;
const NEW_PATH = "/v1/messages?account=alex";

/** Any method and raw body bytes, as sent (fetch adds a Content-Type to strings): checked against the spec. */
function raw(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(path, worker.base);
    // A fresh connection each time: a refused body may be left unread, and workerd then closes
    // the connection (a pooled one would fail the next request).
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const answer = { status: res.statusCode, headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), text };
        try {
          checkResponse({ method, path, ...answer });
          resolve({ ...answer, body: text ? JSON.parse(text) : null });
        } catch (e) { reject(e); }
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

// Every route and method of docs/openapi.yaml, each with the parameters it takes.
const ROUTES = () => [
  ["GET", "/health"],
  ["GET", "/v1/conversations?account=alex&count=5"],
  ["GET", `/v1/conversations/${encodeURIComponent(thread)}/messages?account=alex&count=5`],
  ["POST", replyPath()],
  ["POST", `/v1/conversations/${encodeURIComponent(thread)}/read?account=alex`],
  ["POST", `/v1/conversations/${encodeURIComponent(thread)}/unread?account=alex`],
  ["GET", "/v1/messages?account=alex&profileUrl=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjohn-doe%2F"],
  ["POST", NEW_PATH],
  ["GET", "/v1/usage?account=alex"],
  ["GET", "/v1/accounts"],
  ["POST", "/v1/refresh?account=alex"],
  ["DELETE", "/v1/data?account=alex"],
  ["GET", "/v1/changes?account=alex"],
  ["POST", "/v1/live?account=alex"],
  ["GET", "/v1/live/socket?ticket=x"],
  ["POST", "/v1/webhooks/connectsafely/alex"],
  ["POST", "/v1/webhooks/linkup/alex"],
];

test("an unknown parameter on any route is 400 naming it, before any upstream call, with or without a token", async () => {
  const before = [await upstream(), await sends()];
  for (const [method, path] of ROUTES()) {
    const typo = `${path}${path.includes("?") ? "&" : "?"}bogus=1`;
    for (const headers of [auth, {}]) {
      const answer = await raw(method, typo, {
        headers: { ...headers, "content-type": "application/json", "idempotency-key": randomUUID() },
        body: method === "POST" ? JSON.stringify({ text: "must never be sent", profileUrl: "https://www.linkedin.com/in/john-doe/" }) : undefined,
      });
      assert.equal(answer.status, 400, `${method} ${typo}`);
      assert.deepEqual([answer.body.error.code, answer.body.error.field], ["INVALID_INPUT", "query"], `${method} ${typo}`);
      assert.match(answer.body.error.message, /unknown parameter `bogus`/, `${method} ${typo}`);
      assert.equal(answer.headers.get("vary"), "Origin, Authorization", `${method} ${typo}`);
    }
  }
  assert.deepEqual([await upstream(), await sends()], before, "no provider call, no send, no LinkedIn write");
});

test("DELETE /v1/data?acount= (a typo) wipes nothing: every store keeps its inbox", async () => {
  const totals = async () => (await call("/v1/accounts")).body.accounts.map((a) => [a.id, a.unreadTotal]);
  const kept = await totals();
  assert.ok(kept.every(([, total]) => typeof total === "number"), `both stores hold their inbox: ${JSON.stringify(kept)}`);
  // A typo, or `account` twice (which of the two would be guessed): refused, nothing wiped.
  for (const typo of ["acount=alex", "Account=alex", "account=alex&acount=priya", "all=1", "account=alex&account=all", "account=priya&account=priya"]) {
    const answer = await call(`/v1/data?${typo}`, { method: "DELETE" });
    assert.equal(answer.status, 400, typo);
    assert.equal(answer.body.error.field, "query", typo);
  }
  assert.deepEqual(await totals(), kept, "unread totals unchanged: nothing was wiped");
  const calls = await upstream();
  const page = await call("/v1/conversations?account=priya&count=20");
  assert.equal(page.status, 200);
  assert.ok(page.body.items.length > 0);
  assert.equal(await upstream(), calls, "the list is still served from the store");
});

test("send bodies: JSON or a multipart form only (415 for any other type or an encoding), checked before any send", async () => {
  const body = Buffer.from(JSON.stringify({ text: `type check ${randomUUID()}`, profileUrl: "https://www.linkedin.com/in/john-doe/" }));
  const before = [await upstream(), await sends()];
  const table = [
    [{}, "Content-Type"],
    [{ "content-type": "text/plain" }, "Content-Type"],
    [{ "content-type": "text/plain;charset=UTF-8" }, "Content-Type"],
    [{ "content-type": "application/x-www-form-urlencoded" }, "Content-Type"],
    [{ "content-type": "multipart/form-data; boundary=x", "content-encoding": "gzip" }, "Content-Encoding"],
    [{ "content-type": "garbage" }, "Content-Type"],
    [{ "content-type": "application/json; charset=latin1" }, "Content-Type"],
    [{ "content-type": "application/json", "content-encoding": "gzip" }, "Content-Encoding"],
    [{ "content-type": "application/json", "content-encoding": "br" }, "Content-Encoding"],
  ];
  for (const path of [replyPath(), NEW_PATH]) {
    for (const [headers, field] of table) {
      const answer = await raw("POST", path, { headers: { ...auth, ...headers, "idempotency-key": randomUUID() }, body });
      assert.equal(answer.status, 415, `${path} ${JSON.stringify(headers)}`);
      assert.deepEqual([answer.body.error.code, answer.body.error.field], ["UNSUPPORTED_MEDIA_TYPE", field], JSON.stringify(headers));
    }
  }
  // A multipart type with a body that is no form: 400 naming the body (media-send.test.mjs
  // sends real forms).
  const notAForm = await raw("POST", replyPath(), { headers: { ...auth, "content-type": "multipart/form-data; boundary=x", "idempotency-key": randomUUID() }, body });
  assert.deepEqual([notAForm.status, notAForm.body.error.field], [400, "body"]);
  assert.deepEqual([await upstream(), await sends()], before, "nothing was sent");
  for (const contentType of ["application/json; charset=utf-8", "Application/JSON"]) {
    const sent = await raw("POST", replyPath(), {
      headers: { ...auth, "content-type": contentType, "idempotency-key": randomUUID() },
      body: Buffer.from(JSON.stringify({ text: `accepted as ${contentType} ${randomUUID()}` })),
    });
    assert.equal(sent.status, 200, `${contentType}: ${sent.text}`);
  }
  assert.equal(await sends(), before[1] + 2, "each accepted body was sent once");
});

test("a send body that is not UTF-8 is 400 naming body, never sent with replacement characters", async () => {
  const before = await sends();
  const invalid = Buffer.concat([Buffer.from('{"text":"a'), Buffer.from([0xff]), Buffer.from('b"}')]);
  for (const path of [replyPath(), NEW_PATH]) {
    const answer = await raw("POST", path, { headers: { ...auth, "content-type": "application/json", "idempotency-key": randomUUID() }, body: invalid });
    assert.equal(answer.status, 400, path);
    assert.deepEqual([answer.body.error.code, answer.body.error.field], ["INVALID_INPUT", "body"], path);
    assert.match(answer.body.error.message, /UTF-8/);
  }
  const empty = await raw("POST", NEW_PATH, {
    headers: { ...auth, "content-type": "application/json", "idempotency-key": randomUUID() },
    body: JSON.stringify({ profileUrl: "", text: "hello" }),
  });
  assert.deepEqual([empty.status, empty.body.error.field], [400, "profileUrl"], "an empty profileUrl names profileUrl");
  assert.equal(await sends(), before);
});

/** The resident memory of the Worker's workerd process, in bytes. */
function workerdRss() {
  const rows = execFileSync("ps", ["-eo", "pid=,pgid=,rss=,comm="], { encoding: "utf8" }).trim().split("\n");
  const ours = rows.map((r) => r.trim().split(/\s+/)).filter(([, pgid, , comm]) => Number(pgid) === worker.pid && /workerd/.test(comm));
  assert.ok(ours.length >= 1, "workerd runs in the Worker's process group");
  return ours.reduce((sum, [, , rss]) => sum + Number(rss) * 1024, 0);
}

/**
 * Streams up to `total` bytes of a JSON send in chunks (no Content-Length) until the Worker
 * answers or closes the connection: `{ status, text, written }` (`status` null when the
 * connection was closed before an answer could be read).
 */
function chunkedSend(path, total) {
  return new Promise((resolve) => {
    const url = new URL(path, worker.base);
    let written = 0;
    let answered = false;
    const req = httpRequest({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method: "POST", agent: false,
      headers: { ...auth, "content-type": "application/json", "idempotency-key": randomUUID(), "transfer-encoding": "chunked" },
    }, (res) => {
      answered = true;
      const chunks = [];
      const done = () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString("utf8"), written });
      res.on("data", (c) => chunks.push(c));
      res.on("end", done);
      // The connection closed under a partly read answer: what was read is the answer.
      res.on("aborted", done);
      res.on("error", done);
    });
    req.on("error", () => (answered ? undefined : resolve({ status: null, written })));
    // Bounded in time: whatever happens, the send is over after 30 s.
    setTimeout(() => { req.destroy(); resolve({ status: null, written }); }, 30_000).unref();
    const chunk = Buffer.alloc(64 * 1024, "a");
    req.write('{"text":"');
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return req.once("drain", pump);
      }
      if (!answered) req.end('"}');
    };
    pump();
  });
}

test("a chunked send body over 64 KiB is refused at the cap, and workerd does not hold it", async () => {
  const before = await sends();
  // Just over the cap (the body fits the sockets' buffers): the answer is read whole.
  const over = await chunkedSend(replyPath(), 100_000);
  assert.equal(over.status, 413, over.text);
  checkResponse({ method: "POST", path: replyPath(), status: over.status, headers: new Headers(Object.entries(over.headers).map(([k, v]) => [k, String(v)])), text: over.text });
  assert.deepEqual([JSON.parse(over.text).error.code, JSON.parse(over.text).error.field], ["PAYLOAD_TOO_LARGE", "body"]);
  // Far over it: the Worker answers 413 and stops reading, so the sender cannot finish. How a
  // sender sees that (the 413, or the connection closed under it) is the front end's: locally
  // wrangler's dev proxy reports a 503 or resets the connection. What is ours: how much was
  // taken before the refusal, workerd's memory, and that nothing was sent.
  for (const total of [2 * 1024 * 1024, 64 * 1024 * 1024]) {
    const rssBefore = workerdRss();
    const refused = await chunkedSend(replyPath(), total);
    const grown = workerdRss() - rssBefore;
    console.log(`# ${total / 1048576} MiB chunked send: ${refused.status ?? "connection closed"} after ${(refused.written / 1048576).toFixed(2)} MiB written; workerd resident memory +${(grown / 1048576).toFixed(1)} MiB`);
    assert.ok([413, 503, null].includes(refused.status), `refused: ${refused.status} ${refused.text ?? ""}`);
    assert.ok(grown < 16 * 1024 * 1024, `workerd grew ${grown} bytes: it held the body`);
  }
  assert.equal((await call("/health")).status, 200, "the Worker still answers");
  assert.equal(await sends(), before, "nothing was sent");
});

test("a signed webhook with bytes that are not UTF-8 is 400, not a 5xx the provider retries", async () => {
  const head = JSON.stringify({
    event: "message.received", object: "event",
    data: {
      id: "urn:li:messagingMessage:2-strict", message_urn: "urn:li:messagingMessage:2-strict", account_id: ALEX.account, provider: "LINKEDIN",
      sender: { id: "urn:li:fsd_profile:ACoAAStrict", name: "Strict Sender", profile_url: null, profile_picture: null },
      body: "hello", timestamp: new Date().toISOString(), conversation_id: `urn:li:messagingThread:${thread}`, attachments: [],
    },
  });
  const body = Buffer.concat([Buffer.from(`${head.slice(0, -1)},"extra":"a`), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]);
  const cs = await raw("POST", "/v1/webhooks/connectsafely/alex", {
    headers: { "content-type": "application/json", "x-webhook-signature": `sha256=${hmac(CS_SECRET, body)}` }, body,
  });
  assert.equal(cs.status, 400, cs.text);
  assert.equal(cs.body.error.field, "body");
  const timestamp = Math.floor(Date.now() / 1000);
  const lkBody = Buffer.concat([Buffer.from('{"event_id":"strict-1","event":"message_received","note":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
  const lk = await raw("POST", "/v1/webhooks/linkup/alex", {
    headers: { "content-type": "application/json", "x-linkup-timestamp": String(timestamp), "x-linkup-signature": `v1=${hmac(LK_SECRET, Buffer.concat([Buffer.from(`${timestamp}.`), lkBody]))}` },
    body: lkBody,
  });
  assert.equal(lk.status, 400, lk.text);
});

test("every answer of /v1/live/socket carries Vary, refusals included", async () => {
  const tickets = await call("/v1/live?account=alex", { method: "POST" });
  assert.equal(tickets.status, 200);
  const socketPath = new URL(tickets.body.sockets[0].url).pathname + new URL(tickets.body.sockets[0].url).search;
  const cases = [
    ["/v1/live/socket", {}, 401],
    ["/v1/live/socket?ticket=forged", {}, 401],
    [socketPath, { origin: "https://evil.example" }, 403],
    [socketPath, {}, 400],
    [`${socketPath}&x=1`, {}, 400],
  ];
  for (const [path, headers, status] of cases) {
    const answer = await raw("GET", path, { headers });
    assert.equal(answer.status, status, path);
    assert.equal(answer.headers.get("vary"), "Origin, Authorization", path);
  }
});
