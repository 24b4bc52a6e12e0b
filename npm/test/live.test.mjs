// The installed package (ESM import in Node) against the provider sandbox on loopback.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { InboxClient, buildRequest, parseResponse, creditCost, mergeMessages, explainError, errorFromResponse, PageWalker } from "linkedin-inbox";
import { startSandbox, directConfig, DEMO } from "./sandbox.mjs";

let sandbox;
before(async () => { sandbox = await startSandbox(["--daily-limit", "100000"]); });
after(() => sandbox.stop());

const client = () => new InboxClient(directConfig(sandbox.base));

async function rejection(promise) {
  try { await promise; } catch (error) { return error; }
  assert.fail("expected a rejection");
}

test("lists conversations with filters", async () => {
  const page = await client().listConversations({ count: 5 });
  assert.equal(page.items.length, 5);
  assert.equal(page.items[0].participants[0].name, "John Doe");
  assert.equal(page.items[0].provider, "connectsafely");
  assert.equal(typeof page.nextCursor, "string");
  assert.ok(page.total >= 60);
  const unread = await client().listConversations({ count: 50, unread: true });
  assert.ok(unread.items.length > 0);
  assert.ok(unread.items.every((c) => !c.isRead && c.unreadCount > 0));
  const john = await client().listConversations({ keywords: "JOHN doe" });
  assert.ok(john.items.some((c) => c.participants[0].name === "John Doe"));
});

test("the iterator walks every conversation exactly once", async () => {
  const { total } = await client().listConversations({ count: 1 });
  const ids = [];
  for await (const conversation of client().conversations({ count: 7 })) ids.push(conversation.id);
  assert.equal(ids.length, total);
  assert.equal(new Set(ids).size, total);
});

test("lists messages by conversation id and by profile URL", async () => {
  const byUrl = await client().listMessages({ profileUrl: DEMO.docProfileUrl, count: 3 });
  assert.deepEqual(byUrl.items.map((m) => m.text), ["😃", "hello", ""]);
  assert.deepEqual(byUrl.items.map((m) => m.kind), ["text", "text", "system"]);
  assert.equal(byUrl.thread.otherMemberMessageCount, 32);
  assert.equal(byUrl.creditCost, 1);
  const byId = await client().listMessages({ conversationId: byUrl.thread.conversationId, count: 3, cursor: undefined });
  assert.deepEqual(byId.items.map((m) => m.id), byUrl.items.map((m) => m.id));
  const all = [];
  for await (const message of client().messages({ conversationId: byUrl.thread.conversationId, count: 10 })) all.push(message);
  assert.equal(all.length, 63);
  assert.ok(all.every((m, i) => i === 0 || all[i - 1].sentAt > m.sentAt));
});

test("every error code is reachable from JS, with no secret in the message", async () => {
  const badKey = await rejection(new InboxClient(directConfig(sandbox.base, { connectsafely: { apiKey: "wrong-key" } })).listConversations());
  assert.equal(badKey.code, "UNAUTHORIZED");
  assert.ok(badKey instanceof Error);
  const badToken = await rejection(new InboxClient(directConfig(sandbox.base, { linkup: { loginToken: "AQEDsecretcookie" } })).listMessages({ profileUrl: DEMO.docProfileUrl }));
  assert.equal(badToken.code, "UNAUTHORIZED");
  assert.ok(!badToken.message.includes("AQEDsecretcookie") && !badToken.stack.includes("AQEDsecretcookie"));

  const badInput = await rejection(client().listConversations({ count: 0 }));
  assert.deepEqual([badInput.code, badInput.field], ["INVALID_INPUT", "count"]);
  const badUrl = await rejection(client().listMessages({ profileUrl: "https://evil.example/in/x" }));
  assert.deepEqual([badUrl.code, badUrl.field], ["INVALID_INPUT", "profileUrl"]);
  const badCursor = await rejection(client().listConversations({ cursor: "garbage!" }));
  assert.equal(badCursor.code, "INVALID_CURSOR");
  assert.throws(() => new InboxClient({}), (e) => e.code === "INVALID_INPUT" && e.field === "config");

  await sandbox.fault({ mode: "malformed", count: 1 });
  assert.equal((await rejection(client().listConversations())).code, "MALFORMED_RESPONSE");
  await sandbox.fault({ mode: "status", status: 429, retryAfter: 5, count: 1 });
  const limited = await rejection(client().listConversations());
  assert.deepEqual([limited.code, limited.retryAfter], ["RATE_LIMITED", 5]);
  await sandbox.fault({ mode: "status", status: 502, count: 1, endpoint: "linkup" });
  const upstream = await rejection(client().listMessages({ profileUrl: DEMO.docProfileUrl }));
  assert.deepEqual([upstream.code, upstream.status], ["UPSTREAM_ERROR", 502]);
  // Error bodies that quote the request's credentials (the sandbox's echo fault).
  for (const [endpoint, call] of [["linkup", () => client().listMessages({ profileUrl: DEMO.docProfileUrl })], ["connectsafely", () => client().listConversations()]]) {
    await sandbox.fault({ mode: "echo", count: 1, endpoint });
    const echoed = await rejection(call());
    assert.equal(echoed.code, "UPSTREAM_ERROR", endpoint);
    const text = `${echoed.message}\n${echoed.stack}\n${JSON.stringify(echoed)}`;
    for (const secret of [DEMO.linkupKey, DEMO.loginToken, DEMO.connectsafelyKey]) assert.ok(!text.includes(secret), `${endpoint} error quotes ${secret}`);
  }
  const nothing = await rejection(client().listMessages({ profileUrl: "https://www.linkedin.com/in/nobody" }));
  assert.equal(nothing.code, "NOT_FOUND");
  const offline = await rejection(new InboxClient(directConfig("http://127.0.0.1:9")).listConversations());
  assert.equal(offline.code, "NETWORK_ERROR");
});

test("a caller-supplied fetch is used", async () => {
  const seen = [];
  const countingFetch = (url, init) => { seen.push([init.method, url]); return fetch(url, init); };
  const page = await new InboxClient({ ...directConfig(sandbox.base), fetch: countingFetch }).listConversations({ count: 2 });
  assert.equal(page.items.length, 2);
  assert.deepEqual(seen, [["GET", `${sandbox.base}/linkedin/messaging/recent-messages?count=2`]]);
});

test("a minimal fetch stand-in with only text() works", async () => {
  const textOnly = async (url, init) => { const r = await fetch(url, init); return { status: r.status, headers: r.headers, text: () => r.text() }; };
  const page = await new InboxClient({ ...directConfig(sandbox.base), fetch: textOnly }).listConversations({ count: 3 });
  assert.equal(page.items.length, 3);
});

test("sans-IO: build a request, send it yourself, parse the response", async () => {
  const config = directConfig(sandbox.base);
  const query = { profileUrl: DEMO.docProfileUrl, count: 2 };
  const request = buildRequest(config, "listMessages", query);
  assert.equal(request.method, "POST");
  assert.equal(request.url, `${sandbox.base}/v1/messages/conversation`);
  assert.deepEqual(JSON.parse(request.body), { linkedin_url: DEMO.docProfileUrl, total_results: 2, login_token: DEMO.loginToken });
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
  const bytes = await response.arrayBuffer();
  const text = new TextDecoder().decode(bytes);
  const page = parseResponse(config, "listMessages", query, { status: response.status, body: text });
  assert.deepEqual(page.items.map((m) => m.text), ["😃", "hello"]);
  for (const body of [new Uint8Array(bytes), bytes]) {
    assert.deepEqual(parseResponse(config, "listMessages", query, { status: response.status, body }), page);
  }
  assert.throws(() => parseResponse(config, "listMessages", query, { status: 200, body: 42 }), (e) => e.code === "INVALID_INPUT" && e.field === "response");
  const huge = text.replace(/"timestamp":\d+/, '"timestamp":9007199254740993');
  assert.throws(() => parseResponse(config, "listMessages", query, { status: 200, body: huge }), (e) => e.code === "MALFORMED_RESPONSE");
  assert.equal(creditCost(11), 2);
  assert.throws(() => buildRequest(config, "sendMessage", {}), (e) => e.field === "operation");
});

test("parseResponse takes headers as fetch gives them, as pairs, or as a plain object", async () => {
  const config = directConfig(sandbox.base);
  const query = { count: 2 };
  const request = buildRequest(config, "listConversations", query);
  const response = await fetch(request.url, { method: request.method, headers: Object.fromEntries(request.headers) });
  const body = await response.text();
  const page = parseResponse(config, "listConversations", query, { status: response.status, headers: response.headers, body });
  assert.equal(page.items.length, 2);
  const limited = (headers) => {
    try { parseResponse(config, "listConversations", query, { status: 429, headers, body: "{}" }); } catch (error) { return error; }
    assert.fail("expected a throw");
  };
  for (const headers of [new Headers({ "Retry-After": "7" }), [["retry-after", "7"]], { "retry-after": "7" }]) {
    const error = limited(headers);
    assert.deepEqual([error.code, error.retryAfter], ["RATE_LIMITED", 7]);
  }
  assert.equal(limited([["retry-after"]]).field, "response");
});

test("the page walker lets each item through once and follows cursors to the end", async () => {
  const walker = new PageWalker();
  const ids = [];
  for (let guard = 0; !walker.done && guard < 100; guard++) {
    const page = await client().listConversations({ count: 9, cursor: walker.cursor });
    ids.push(...walker.accept(page).map((c) => c.id));
  }
  const { total } = await client().listConversations({ count: 1 });
  assert.equal(ids.length, total);
  assert.equal(new Set(ids).size, total);
  assert.equal(walker.seen, total);
  assert.deepEqual(walker.accept({ items: [{ id: ids[0] }], nextCursor: null }), []);
});

test("mergeMessages de-duplicates and orders newest first with a total order", () => {
  const m = (id, sentAt) => ({ id, conversationId: "c", text: id, sentAt, kind: "text", rawKind: "TEXT", sender: { name: "P", firstName: null, lastName: null, profileUrl: null, urn: null } });
  const merged = mergeMessages([m("b", 2), m("a", 1)], [m("c", 2), m("a", 1), m("d", 3)]);
  assert.deepEqual(merged.map((x) => x.id), ["d", "b", "c", "a"]);
  assert.throws(() => mergeMessages([{ id: 1 }], []), (e) => e.code === "INVALID_INPUT" && e.field === "existing");
});

test("errors of a proxy response are read back and explained", () => {
  const body = JSON.stringify({ error: { code: "BUDGET_EXHAUSTED", message: "spent" } });
  const error = errorFromResponse({ status: 429, headers: { "retry-after": "7200" }, body });
  assert.deepEqual([error.name, error.code, error.retryAfter], ["InboxError", "BUDGET_EXHAUSTED", 7200]);
  assert.deepEqual(explainError(error), { kind: "limited", text: "Today's LinkedIn budget for this account is spent. Try again in 2 h." });
  assert.equal(explainError({ code: "UNAUTHORIZED" }).kind, "auth");
  assert.equal(explainError(new Error("boom")).kind, "other");
  // Offline: whether what was loaded before is still shown changes the text (not cached by default).
  const offline = { code: "NETWORK_ERROR" };
  assert.deepEqual(explainError(offline), { kind: "offline", text: "Offline: the proxy cannot be reached. Check your connection and try again." });
  assert.deepEqual(explainError(offline, { cached: false }), explainError(offline));
  assert.equal(explainError(offline, { cached: true }).text, "Offline: the proxy cannot be reached. Showing what was loaded before.");
});
