// First messages to a profile: what ConnectSafely receives for them (its documented
// request forms, the owner's conversation URN once known), the new conversation in the store at
// once through either provider, a lost answer that settles, and the daily cap of new
// conversations apart from replies. The providers are the sandbox, behind a recording proxy.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call } from "../../tests/js/worker.mjs";
import { checkResponse } from "../../tests/js/openapi.mjs";

const CLIENTS = [
  { name: "alex", token: "first-alex", account: "696ce9e780e0483585e4e553", loginToken: null },
  { name: "linkup-v1", token: "first-lk1", account: null, loginToken: "demo-login-token-priya" },
  { name: "linkup-v2", token: "first-lk2", account: null, loginToken: null, linkupAccountId: "lk_acc_5f1b2c3d4e5f60718293a4b5" },
];

/** A loopback proxy in front of `target` that records every request it forwards. */
async function recordingProxy(target) {
  const seen = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    seen.push({ method: req.method, url: req.url, body: body.toString() });
    const headers = { ...req.headers };
    for (const name of ["host", "content-length", "connection"]) delete headers[name];
    let upstream;
    try {
      upstream = await fetch(`${target}${req.url}`, {
        method: req.method, headers, redirect: "manual", body: ["GET", "HEAD"].includes(req.method) ? undefined : body,
      });
    } catch {
      // The sandbox stopped (the run is ending): the caller sees a bad gateway.
      res.writeHead(502);
      res.end();
      return;
    }
    const answer = Buffer.from(await upstream.arrayBuffer());
    const out = {};
    upstream.headers.forEach((value, name) => {
      if (!["content-encoding", "transfer-encoding", "content-length", "connection"].includes(name)) out[name] = value;
    });
    res.writeHead(upstream.status, out);
    res.end(answer);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${server.address().port}`, seen, close: () => server.close() };
}

let sandbox, proxy, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  proxy = await recordingProxy(sandbox.base);
  worker = await startWorker({
    sandboxBase: sandbox.base, clients: CLIENTS,
    vars: { CONNECTSAFELY_BASE_URL: `${proxy.base}/linkedin`, UPSTREAM_TIMEOUT_MS: "1500", RATE_LIMIT_PER_MINUTE: "0", SEND_SETTLE_SECS: "2", REFRESH_MIN_INTERVAL_SECS: "0" },
  });
});
after(async () => {
  await worker?.stop();
  proxy?.close();
  sandbox?.stop();
});

const auth = (token = "first-alex") => ({ authorization: `Bearer ${token}` });
const sends = async () => (await sandbox.stats()).sends;
const reply = (id) => `/v1/conversations/${encodeURIComponent(id)}/messages`;

/** A POST with a JSON body (and an Idempotency-Key unless `key` is null), checked against the spec. */
async function post(path, body, { key = randomUUID(), token = "first-alex", base = worker.base } = {}) {
  const headers = { ...auth(token), "content-type": "application/json" };
  if (key !== null) headers["idempotency-key"] = key;
  const response = await fetch(`${base}${path}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await response.text();
  checkResponse({ method: "POST", path, status: response.status, headers: response.headers, text });
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

/** The JSON bodies ConnectSafely received at `path` since `from` (an index into the record). */
const received = (path, from) => proxy.seen.slice(from).filter((r) => r.method === "POST" && r.url.startsWith(path)).map((r) => JSON.parse(r.body));

test("ConnectSafely receives the documented forms: the owner's conversation URN in a reply and mark-seen, the member's recipientProfileId in a first message", async () => {
  const list = await call(worker.base, "/v1/conversations?count=5", auth());
  assert.equal(list.status, 200);
  const owner = list.body.ownerProfileUrn;
  assert.match(owner ?? "", /^urn:li:fsd_profile:/, "the list names the owner");
  const conversation = list.body.items[0];
  const from = proxy.seen.length;
  assert.equal((await post(reply(conversation.id), { text: `documented reply ${randomUUID().slice(0, 8)}` })).status, 200);
  const [sent] = received("/linkedin/conversations/send", from);
  assert.equal(sent.conversationUrn, `urn:li:msg_conversation:(${owner},${conversation.id})`);
  assert.equal((await post(`/v1/conversations/${encodeURIComponent(conversation.id)}/read`, "", { key: null })).status, 200);
  const [seen] = received("/linkedin/messaging/mark-seen", from);
  assert.equal(seen.conversationUrn, `urn:li:msg_conversation:(${owner},${conversation.id})`);
  const slug = `first-recipient-${randomUUID().slice(0, 8)}`;
  const first = await post("/v1/messages", { profileUrl: `https://www.linkedin.com/in/${slug}/`, text: "Hello there" });
  assert.equal(first.status, 200, first.text);
  const [opened] = received("/linkedin/conversations/send", from).slice(1);
  assert.deepEqual([opened.recipientProfileId, opened.recipientProfileUrn, opened.conversationUrn, opened.recipientProfileUrl], [slug, undefined, undefined, undefined]);
});

test("ConnectSafely's cap counts new conversations only: replies go on, a new conversation past it is 429 before any upstream call", async () => {
  const capped = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { NEW_CONVERSATION_DAILY_LIMIT: "1", RATE_LIMIT_PER_MINUTE: "0" } });
  try {
    const list = await call(capped.base, "/v1/conversations?count=3", auth());
    const opened = await post("/v1/messages", { profileUrl: `https://www.linkedin.com/in/capped-${randomUUID().slice(0, 8)}/`, text: "the day's one" }, { base: capped.base });
    assert.equal(opened.status, 200, opened.text);
    const before = await sends();
    const over = await post("/v1/messages", { profileUrl: `https://www.linkedin.com/in/capped-${randomUUID().slice(0, 8)}/`, text: "one too many" }, { base: capped.base });
    assert.deepEqual([over.status, over.body.error.code], [429, "BUDGET_EXHAUSTED"]);
    assert.ok(Number(over.headers.get("retry-after")) > 0);
    assert.equal(await sends(), before, "no upstream send");
    for (const n of [1, 2, 3]) {
      const replied = await post(reply(list.body.items[1].id), { text: `reply ${n} past the cap` }, { base: capped.base });
      assert.equal(replied.status, 200, replied.text);
    }
    assert.equal(await sends(), before + 3, "replies are not capped");
    const usage = await call(capped.base, "/v1/usage", auth());
    assert.deepEqual(
      [usage.body.sends.dailyLimit, usage.body.sends.newConversationDailyLimit, usage.body.sends.newConversationsToday, usage.body.sends.today],
      [0, 1, 1, 4],
    );
  } finally {
    await capped.stop();
  }
});

for (const [label, token] of [["ConnectSafely", "first-alex"], ["LinkupAPI v1", "first-lk1"], ["LinkupAPI v2", "first-lk2"]]) {
  test(`${label}: a first message to a new profile is in the stored list, search and thread at once, with no upstream call`, async () => {
    const list = await call(worker.base, "/v1/conversations?count=5", auth(token));
    assert.equal(list.status, 200, list.text);
    const word = `opener${randomUUID().slice(0, 8)}`;
    const profileUrl = `https://www.linkedin.com/in/new-member-${randomUUID().slice(0, 8)}/`;
    const sent = await post("/v1/messages", { profileUrl, text: `Hello, ${word} here` }, { token });
    assert.equal(sent.status, 200, sent.text);
    const id = sent.body.conversationId;
    assert.match(id, /^2-/);
    const calls = (await sandbox.stats()).calls.total;
    const listed = await call(worker.base, "/v1/conversations?count=5", auth(token));
    const row = listed.body.items[0];
    assert.deepEqual([row.id, row.latestMessage.text, row.latestMessage.fromSelf, row.unreadCount], [id, `Hello, ${word} here`, true, 0]);
    assert.equal(row.participants[0].profileUrl, profileUrl);
    const found = await call(worker.base, `/v1/conversations?keywords=${word}`, auth(token));
    assert.deepEqual(found.body.items.map((c) => c.id), [id], "the message is searchable");
    const thread = await call(worker.base, `${reply(id)}?count=20`, auth(token));
    assert.equal(thread.status, 200, thread.text);
    assert.deepEqual([thread.headers.get("x-cache"), thread.body.items.map((m) => m.text), thread.body.nextCursor ?? null], ["HIT", [`Hello, ${word} here`], null]);
    assert.equal((await sandbox.stats()).calls.total, calls, "no upstream call to show it");
    // The next message to the member goes into that conversation: a reply, not a new one.
    const usage = async () => (await call(worker.base, "/v1/usage", auth(token))).body.sends.newConversationsToday;
    const opened = await usage();
    const again = await post("/v1/messages", { profileUrl, text: "And one more thing" }, { token });
    assert.deepEqual([again.status, again.body.conversationId], [200, id], again.text);
    assert.equal(await usage(), opened, "not counted as a new conversation");
  });
}

test("a first message whose answer was lost settles: 503 with Retry-After while it may land, then found in the synced list and answered as sent, never sent twice", async () => {
  await call(worker.base, "/v1/conversations?count=5", auth());
  const key = randomUUID();
  const body = { profileUrl: `https://www.linkedin.com/in/lost-answer-${key.slice(0, 8)}/`, text: `lost first ${key.slice(0, 8)}` };
  const before = await sends();
  await sandbox.fault({ mode: "commit-drop", count: 1, route: "cs.send" });
  const first = await post("/v1/messages", body, { key });
  assert.ok([502, 504].includes(first.status), `${first.status} ${first.text}`);
  assert.equal(await sends(), before + 1, "the provider committed it");
  const early = await post("/v1/messages", body, { key });
  assert.deepEqual([early.status, early.body.error.code], [503, "UNAVAILABLE"], early.text);
  const wait = Number(early.headers.get("retry-after"));
  assert.ok(wait >= 1, "Retry-After while the first try may land");
  await new Promise((r) => setTimeout(r, 1000 * wait + 300));
  const settled = await post("/v1/messages", body, { key });
  assert.equal(settled.status, 200, settled.text);
  assert.equal(settled.body.message.text, body.text);
  assert.match(settled.body.conversationId, /^2-/);
  assert.equal(await sends(), before + 1, "found in its new conversation, not sent again");
  const replay = await post("/v1/messages", body, { key });
  assert.deepEqual([replay.status, replay.headers.get("idempotency-replayed"), replay.body], [200, "true", settled.body]);
  const listed = await call(worker.base, "/v1/conversations?count=5", auth());
  assert.ok(listed.body.items.some((c) => c.id === settled.body.conversationId), "its conversation is in the list");
});

test("a first message whose outcome is unknown and whose conversation never appears: Retry-After while waiting, then a final 404, never sent", async () => {
  const key = randomUUID();
  const body = { profileUrl: `https://www.linkedin.com/in/never-landed-${key.slice(0, 8)}/`, text: `never landed ${key.slice(0, 8)}` };
  const before = await sends();
  // A provider 5xx: it may or may not have gone out (here it did not).
  await sandbox.fault({ mode: "status", status: 500, count: 1, route: "cs.send" });
  const first = await post("/v1/messages", body, { key });
  assert.equal(first.status, 502, first.text);
  const early = await post("/v1/messages", body, { key });
  assert.deepEqual([early.status, early.body.error.code], [503, "UNAVAILABLE"], early.text);
  const wait = Number(early.headers.get("retry-after"));
  assert.ok(wait >= 1, "Retry-After while waiting");
  await new Promise((r) => setTimeout(r, 1000 * wait + 300));
  // The list cannot be synced to look: still waiting, with Retry-After.
  await sandbox.fault({ mode: "status", status: 500, count: 1, endpoint: "connectsafely" });
  const unsynced = await post("/v1/messages", body, { key });
  assert.equal(unsynced.status, 502, unsynced.text);
  assert.ok(Number(unsynced.headers.get("retry-after")) >= 1, "Retry-After while the inbox cannot be synced");
  const calls = (await sandbox.stats()).callsByEndpoint;
  const settled = await post("/v1/messages", body, { key });
  assert.deepEqual([settled.status, settled.body.error.code], [404, "NOT_FOUND"], settled.text);
  assert.match(settled.body.error.message, /new Idempotency-Key/);
  const after = (await sandbox.stats()).callsByEndpoint;
  assert.equal(after["cs.send"], calls["cs.send"], "no send");
  assert.ok(Object.values(after).reduce((a, b) => a + b, 0) > Object.values(calls).reduce((a, b) => a + b, 0), "the list head was synced to look");
  const again = await post("/v1/messages", body, { key });
  assert.equal(again.status, 404, "the same final answer, still nothing sent");
  assert.equal(await sends(), before, "never sent");
  // A new key is a new intent: it sends.
  const fresh = await post("/v1/messages", body);
  assert.equal(fresh.status, 200, fresh.text);
  assert.equal(await sends(), before + 1);
});
