// The Worker inside workerd (wrangler dev, local mode) against the provider sandbox; every
// test asserts the sandbox's upstream call counter.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall, checkedFetch } from "../../tests/js/worker.mjs";

const EXTENSION = "chrome-extension://abcdefghijklmnopabcdefghijklmnop";
const CLIENTS = [
  { name: "alice", token: "alice-client-token", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex", origins: [EXTENSION, "http://127.0.0.1:5555"] },
  { name: "bob", token: "bob-client-token", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" },
  { name: "titouan", token: "titouan-client-token", account: "5f1b2c3d4e5f60718293a4b5", loginToken: "demo-login-token-titouan" },
];
const SECRETS = ["demo-connectsafely-key", "demo-linkup-key", "demo-login-token-alex", "demo-login-token-priya", "demo-login-token-titouan", ...CLIENTS.map((c) => c.token)];
const DOC_PROFILE = "https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/";

let sandbox, worker;
const seen = []; // every response text and header list, scanned for secrets at the end

before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { UPSTREAM_TIMEOUT_MS: "1500" } });
});
after(async () => { await worker?.stop(); sandbox?.stop(); });

// Every response is checked against docs/openapi.yaml (tests/js/openapi.mjs).
async function call(path, { token = "alice-client-token", origin, method = "GET" } = {}) {
  const result = await checkedCall(worker.base, path, { method, origin, authorization: token && `Bearer ${token}` });
  seen.push(result.text, JSON.stringify([...result.headers]));
  return result;
}

const upstreamCalls = async () => (await sandbox.stats()).calls.total;

async function counting(fn) {
  const before = await upstreamCalls();
  const result = await fn();
  return { result, calls: (await upstreamCalls()) - before };
}

test("health needs no auth and calls nothing upstream", async () => {
  const { result, calls } = await counting(() => call("/health", { token: null }));
  assert.equal(result.status, 200);
  assert.deepEqual(result.body, { status: "ok", config: "ok" });
  assert.equal(calls, 0);
});

test("a conversation walk returns exactly the sandbox's data, each once, from the account's store", async () => {
  const direct = await fetch(`${sandbox.base}/linkedin/messaging/recent-messages?count=100&accountId=696ce9e780e0483585e4e553`, { headers: { authorization: "Bearer demo-connectsafely-key" } }).then((r) => r.json());
  const expected = direct.conversations.map((c) => c.conversationId);
  const ids = [];
  let cursor = null, pages = 0;
  const { calls } = await counting(async () => {
    do {
      const { status, body, headers } = await call(`/v1/conversations?count=9${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(headers.get("x-cache"), pages === 0 ? "MISS" : "HIT", `page ${pages}`);
      ids.push(...body.items.map((c) => c.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor);
  });
  assert.deepEqual(ids, expected.slice(0, ids.length));
  assert.equal(ids.length, direct.total);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(pages > 5);
  assert.equal(calls, Math.ceil(direct.total / 100), "the store syncs 100 at a time; later pages are read from it");
});

test("the store answers repeats, filter changes and searches with 0 upstream calls; another account has its own", async () => {
  const all = (await call("/v1/conversations?count=100")).body.items;
  const { result: unread, calls } = await counting(() => call("/v1/conversations?count=4&unread=true"));
  assert.equal(calls, 0);
  assert.equal(unread.headers.get("x-cache"), "HIT");
  assert.deepEqual(unread.body.items.map((c) => c.id), all.filter((c) => c.unreadCount > 0).slice(0, 4).map((c) => c.id));
  assert.equal(unread.headers.get("cache-control"), "private, no-cache", "head pages are revalidated");
  const read = await counting(() => call("/v1/conversations?count=4&unread=false"));
  assert.equal(read.calls, 0);
  assert.ok(read.result.body.items.length > 0 && read.result.body.items.every((c) => c.isRead));
  const name = all[3].participants[0].name.split(" ")[0];
  const search = await counting(() => call(`/v1/conversations?keywords=${encodeURIComponent(name)}`));
  assert.equal(search.calls, 0);
  assert.ok(search.result.body.items.some((c) => c.id === all[3].id), `search for ${name}`);
  const bob = await counting(() => call("/v1/conversations?count=4&unread=true", { token: "bob-client-token" }));
  assert.equal(bob.result.headers.get("x-cache"), "MISS");
  assert.equal(bob.calls, 1);
  assert.notDeepEqual(bob.result.body.items.map((c) => c.id), unread.body.items.map((c) => c.id));
  assert.equal(bob.result.body.accountId, "6a7b8c9d0e1f2a3b4c5d6e7f");
});

test("messages by conversation id and by profile URL, with credits", async () => {
  const byUrl = await counting(() => call(`/v1/messages?profileUrl=${encodeURIComponent(DOC_PROFILE)}&count=3`, { token: "titouan-client-token" }));
  assert.equal(byUrl.result.status, 200, JSON.stringify(byUrl.result.body));
  assert.deepEqual(byUrl.result.body.items.map((m) => m.text), ["😃", "hello", ""]);
  assert.equal(byUrl.result.body.thread.otherMemberMessageCount, 32);
  assert.equal(byUrl.result.headers.get("x-credits-spent"), "1");
  assert.equal(byUrl.calls, 1);
  const id = byUrl.result.body.thread.conversationId;
  const all = [];
  let cursor = null;
  do {
    const page = await call(`/v1/conversations/${encodeURIComponent(id)}/messages?count=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token: "titouan-client-token" });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    all.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  assert.equal(all.length, 63);
  assert.equal(new Set(all.map((m) => m.id)).size, 63);
  const again = await counting(() => call(`/v1/conversations/${encodeURIComponent(id)}/messages?count=20`, { token: "titouan-client-token" }));
  assert.equal(again.result.headers.get("x-cache"), "HIT");
  assert.equal(again.result.headers.get("x-credits-saved"), "2");
  assert.equal(again.calls, 0);
  const unknown = await counting(() => call(`/v1/messages?profileUrl=${encodeURIComponent("https://www.linkedin.com/in/nobody")}`, { token: "titouan-client-token" }));
  assert.deepEqual([unknown.result.status, unknown.result.body.error.code], [404, "NOT_FOUND"]);
});

test("auth, origins and preflight", async () => {
  await call("/v1/conversations?count=2");
  const { result, calls } = await counting(async () => [
    await call("/v1/conversations?count=2", { token: "not-a-client" }),
    await call("/v1/conversations?count=2", { token: null }),
    await call("/v1/conversations?count=3", { origin: "https://evil.example" }),
    await call("/v1/conversations?count=3", { token: "bob-client-token", origin: EXTENSION }),
  ]);
  assert.deepEqual(result.map((r) => r.status), [401, 401, 403, 403]);
  assert.deepEqual(result.map((r) => r.body.error.code), ["UNAUTHORIZED", "UNAUTHORIZED", "ORIGIN_NOT_ALLOWED", "ORIGIN_NOT_ALLOWED"]);
  assert.equal(calls, 0);
  const allowed = await call("/v1/conversations?count=2", { origin: EXTENSION });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers.get("access-control-allow-origin"), EXTENSION);
  assert.match(allowed.headers.get("vary"), /Origin/);
  assert.match(allowed.headers.get("vary"), /Authorization/, "a browser cache must not answer another token");
  const preflight = await call("/v1/conversations", { token: null, origin: EXTENSION, method: "OPTIONS" });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), EXTENSION);
  assert.match(preflight.headers.get("access-control-allow-headers"), /Authorization/);
  const refused = await call("/v1/conversations", { token: null, origin: "https://evil.example", method: "OPTIONS" });
  assert.equal(refused.status, 403);
  assert.equal(refused.headers.get("access-control-allow-origin"), null);
  const noOrigin = await call("/v1/conversations?count=2");
  assert.equal(noOrigin.headers.get("access-control-allow-origin"), null, "never *");
});

test("upstream failures of a page not stored become the documented errors, then recover", async () => {
  const cases = [
    // The provider refuses the proxy's API key (LinkupAPI 403 INVALID_API_KEY). A refused
    // LinkedIn session (a v1 401) holds the account's calls for a minute instead: health.test.mjs.
    [{ mode: "status", status: 403 }, 502, "UPSTREAM_ERROR"],
    [{ mode: "status", status: 429, retryAfter: 2 }, 429, "RATE_LIMITED"],
    [{ mode: "status", status: 500 }, 502, "UPSTREAM_ERROR"],
    [{ mode: "malformed" }, 502, "MALFORMED_RESPONSE"],
    [{ mode: "html" }, 502, "UPSTREAM_ERROR"],
    [{ mode: "hang" }, 504, "NETWORK_ERROR"],
  ];
  let count = 50;
  for (const [fault, status, code] of cases) {
    await sandbox.fault({ ...fault, count: 1 });
    count += 1;
    const thread = `/v1/messages?profileUrl=${encodeURIComponent(DOC_PROFILE)}&count=${count}`;
    const { result, calls } = await counting(() => call(thread, { token: "titouan-client-token" }));
    assert.deepEqual([result.status, result.body.error?.code], [status, code], JSON.stringify(fault));
    assert.equal(calls, 1);
    assert.ok(!JSON.stringify(result.body).includes("Failed to get LinkedIn"), "no upstream body passes through");
    if (fault.retryAfter) {
      assert.equal(result.headers.get("retry-after"), "2");
      const paused = await counting(() => call(thread, { token: "titouan-client-token" }));
      assert.deepEqual([paused.result.status, paused.result.body.error.code, paused.calls], [429, "RATE_LIMITED", 0], "the account pauses until Retry-After");
      await new Promise((r) => setTimeout(r, 2100));
    }
    const next = await call(thread, { token: "titouan-client-token" });
    assert.equal(next.status, 200, "the next request succeeds");
  }
});

test("bad input is 400 with the field named, before any upstream call", async () => {
  const cases = [
    ["/v1/conversations?count=0", "count"],
    ["/v1/conversations?count=10000", "count"],
    ["/v1/conversations?count=abc", "count"],
    ["/v1/conversations?unread=maybe", "unread"],
    ["/v1/conversations?cursor=garbage", null],
    ["/v1/conversations?cuont=5", "query"],
    [`/v1/messages?profileUrl=${encodeURIComponent("https://evil.example/in/x")}`, "profileUrl"],
    [`/v1/messages?profileUrl=${encodeURIComponent("https://www.linkedin.com@evil.example/in/x")}`, "profileUrl"],
    ["/v1/messages", "profileUrl"],
    [`/v1/conversations/${encodeURIComponent("https://evil.example/x")}/messages`, "conversationId"],
    [`/v1/conversations/${encodeURIComponent("urn:li:x@evil.example")}/messages`, "conversationId"],
    [`/v1/conversations/${"a".repeat(10_000)}/messages`, "conversationId"],
  ];
  const first = await call("/v1/conversations?count=5&keywords=hello");
  cases.push([`/v1/conversations?count=5&keywords=other&cursor=${encodeURIComponent(first.body.nextCursor)}`, null]);
  const { result, calls } = await counting(() => Promise.all(cases.map(([path]) => call(path))));
  result.forEach((r, i) => {
    const [path, field] = cases[i];
    assert.equal(r.status, 400, path);
    if (field) assert.equal(r.body.error.field, field, path);
    else assert.equal(r.body.error.code, "INVALID_CURSOR", path);
  });
  assert.equal(calls, 0);
  const unknownRoute = await call("/v2/nothing");
  assert.deepEqual([unknownRoute.status, unknownRoute.body.error.code], [404, "NOT_FOUND"]);
});

test("usage shows the client's counters", async () => {
  const { status, body } = await call("/v1/usage");
  assert.equal(status, 200);
  assert.equal(body.client, "alice");
  assert.ok(body.cache.hits >= 1 && body.cache.misses >= 1);
  assert.ok(body.connectsafely.callsToday >= 1);
  // No daily cap on ConnectSafely calls by default: it states none for inbox reads (C13).
  assert.equal(body.connectsafely.dailyLimit, 0);
  assert.ok(body.connectsafely.resetsAt > Date.now());
  // A daily LinkupAPI credit cap by default, counted per UTC day.
  assert.equal(body.linkup.dailyCreditCap, 300);
  assert.ok(body.linkup.creditsToday <= body.linkup.creditsSpent);
  assert.equal(body.linkup.resetsAt, body.connectsafely.resetsAt);
});

test("provider errors that quote the request's secrets reach no client", async () => {
  // The sandbox's echo fault quotes the key, Authorization and login token it received.
  const direct = await fetch(`${sandbox.base}/__sandbox/faults`, { method: "POST", body: JSON.stringify({ mode: "echo", count: 1, endpoint: "linkup" }) });
  assert.equal(direct.status, 200);
  const quoted = await fetch(`${sandbox.base}/v1/messages/conversation`, {
    method: "POST",
    headers: { "x-api-key": "demo-linkup-key", "content-type": "application/json" },
    body: JSON.stringify({ linkedin_url: DOC_PROFILE, login_token: "demo-login-token-titouan", total_results: 2 }),
  }).then((r) => r.text());
  assert.ok(quoted.includes("demo-login-token-titouan") && quoted.includes("demo-linkup-key"), "the fault really echoes");
  await sandbox.fault({ mode: "echo", count: 1, endpoint: "connectsafely" });
  await sandbox.fault({ mode: "echo", count: 1, endpoint: "linkup" });
  const { result: [list, thread], calls } = await counting(() => Promise.all([
    call("/v1/conversations?count=4&keywords=echo", { token: "titouan-client-token" }),
    call(`/v1/messages?profileUrl=${encodeURIComponent(DOC_PROFILE)}&count=6`, { token: "titouan-client-token" }),
  ]));
  assert.equal(calls, 2, "both calls went upstream and met the echo fault");
  assert.deepEqual([list.status, list.body.error.code, thread.status, thread.body.error.code], [502, "UPSTREAM_ERROR", 502, "UPSTREAM_ERROR"]);
  // The leak scan below reads these answers and the Worker's log.
});

test("no response, header or log line contains a provider key, login token or client token", () => {
  const everything = seen.join("\n") + worker.logs();
  for (const secret of [...SECRETS, worker.cursorSecret]) assert.ok(!everything.includes(secret), `leaked ${secret}`);
  assert.match(worker.logs(), /GET conversations client=alice status=200 cache=HIT/);
});

test("the npm package's proxy backend works through the Worker", async () => {
  const { InboxClient } = await import("../../npm/dist/node.mjs");
  const inbox = new InboxClient({ proxy: { url: worker.base, token: "titouan-client-token" }, fetch: checkedFetch });
  const page = await inbox.listConversations({ count: 5 });
  assert.equal(page.items.length, 5);
  assert.equal(page.accountId, "5f1b2c3d4e5f60718293a4b5");
  const thread = await inbox.listMessages({ profileUrl: DOC_PROFILE, count: 3 });
  assert.deepEqual(thread.items.map((m) => m.text), ["😃", "hello", ""]);
  let count = 0;
  for await (const _ of inbox.conversations({ count: 25 })) count += 1;
  assert.equal(count, page.total);
  await assert.rejects(inbox.listConversations({ count: 0 }), (e) => e.code === "INVALID_INPUT" && e.field === "count");
  const stranger = new InboxClient({ proxy: { url: worker.base, token: "nope" }, fetch: checkedFetch });
  await assert.rejects(stranger.listConversations(), (e) => e.code === "UNAUTHORIZED" && e.status === 401);
});
