// One inbox across several LinkedIn accounts: the registry, GET /v1/accounts, the
// merged walk of ?account=all, 404 for every account a client does not list, and two clients
// sharing one account's object, store and budget.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const ALEX = { id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex" };
const TITOUAN = { id: "titouan", label: "Titouan Prioux", account: "5f1b2c3d4e5f60718293a4b5", loginToken: null };
const PRIYA = { id: "priya", label: "Priya Iyer", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" };
const CLIENTS = [
  { name: "team", token: "acc-team", accounts: [ALEX, TITOUAN, PRIYA] },
  // Shares alex with the team: one object, store and budget.
  { name: "alex-only", token: "acc-alex", accounts: [ALEX] },
  { name: "outsider", token: "acc-outsider", accounts: [PRIYA] },
  // The single-account form still loads (here a LinkupAPI v2 account).
  { name: "legacy", token: "acc-legacy", account: null, loginToken: null, linkupAccountId: `lk_acc_${TITOUAN.account}` },
];

let sandbox, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { RATE_LIMIT_PER_MINUTE: "0" } });
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
});

const call = (path, token = "acc-team", method = "GET", headers = {}) =>
  checkedCall(worker.base, path, { method, headers, authorization: `Bearer ${token}` });
const upstream = async () => (await sandbox.stats()).calls.total;

/** Every item of a walk of `path` (a query string without cursor), page by page. */
async function walk(path, token = "acc-team") {
  const items = [];
  let cursor = null;
  for (let pages = 0; pages < 200; pages++) {
    const page = await call(`${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, token);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error("the walk did not end");
}

const ORDER = ["alex", "titouan", "priya"];
/** The merged order: newest activity first, then the registry's account order, then thread id. */
function sortedUnion(lists) {
  const key = (c) => c.lastActivityAt ?? c.latestMessage?.sentAt ?? 0;
  return lists.flat().sort((a, b) => key(b) - key(a) || ORDER.indexOf(a.account) - ORDER.indexOf(b.account) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

test("GET /v1/accounts lists the client's accounts in its order, with no secret", async () => {
  const answer = await call("/v1/accounts");
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body.accounts.map((a) => [a.id, a.label]), [["alex", "Alex Morgan"], ["titouan", "Titouan Prioux"], ["priya", "Priya Iyer"]]);
  assert.deepEqual(answer.body.accounts.map((a) => a.providers), [["connectsafely", "linkup"], ["connectsafely"], ["connectsafely", "linkup"]]);
  assert.equal(answer.body.accounts[1].budgetLeftToday.linkupCredits, null, "titouan has no LinkupAPI");
  assert.ok(!answer.text.includes("demo-login-token") && !answer.text.includes("696ce9e7"), answer.text);
  const legacy = await call("/v1/accounts", "acc-legacy");
  assert.equal(legacy.body.accounts.length, 1);
  assert.match(legacy.body.accounts[0].id, /^[0-9a-f]{24}$/);
  assert.equal(legacy.body.accounts[0].label, "legacy");
});

for (const [name, filter] of [["no filter", ""], ["unread", "&unread=true"], ["keywords", "&keywords=a"]]) {
  test(`a walk of all is the sorted union of the per-account walks (${name})`, async () => {
    const merged = await walk(`/v1/conversations?account=all&count=7${filter}`);
    const each = [];
    for (const id of ORDER) {
      const own = await walk(`/v1/conversations?account=${id}&count=25${filter}`);
      assert.ok(own.every((c) => c.account === id), `every item of ${id} says so`);
      each.push(own);
    }
    const expected = sortedUnion(each);
    assert.ok(expected.length > 0);
    assert.deepEqual(merged.map((c) => `${c.account}/${c.id}`), expected.map((c) => `${c.account}/${c.id}`));
    assert.equal(new Set(merged.map((c) => `${c.account}/${c.id}`)).size, merged.length, "each conversation once");
    if (!filter) assert.ok(new Set(merged.map((c) => c.account)).size === 3, "all three accounts");
  });
}

test("without account a client of several accounts gets all; a merged cursor is bound to its client and filters", async () => {
  const first = await call("/v1/conversations?count=5");
  assert.equal(first.status, 200);
  assert.deepEqual(first.body.items, (await call("/v1/conversations?account=all&count=5")).body.items);
  const cursor = encodeURIComponent(first.body.nextCursor);
  const before = await upstream();
  for (const [path, token] of [
    [`/v1/conversations?count=5&unread=true&cursor=${cursor}`, "acc-team"],
    [`/v1/conversations?count=5&cursor=${cursor}`, "acc-outsider"],
    [`/v1/conversations?account=alex&count=5&cursor=${cursor}`, "acc-team"],
  ]) {
    const refused = await call(path, token);
    assert.deepEqual([refused.status, refused.body.error.code], [400, "INVALID_CURSOR"], path);
  }
  assert.equal(await upstream(), before, "no upstream call for a refused cursor");
});

test("a client cannot read, send to, mark or refresh an account it does not list: 404 on every route", async () => {
  const alexThread = (await call("/v1/conversations?account=alex&count=1")).body.items[0].id;
  const before = await upstream();
  const key = { "Idempotency-Key": "outsider-1", "Content-Type": "application/json" };
  for (const [method, path, headers] of [
    ["GET", "/v1/conversations?account=alex"],
    ["GET", `/v1/conversations/${encodeURIComponent(alexThread)}/messages?account=alex`],
    ["POST", `/v1/conversations/${encodeURIComponent(alexThread)}/messages?account=alex`, key],
    ["POST", `/v1/conversations/${encodeURIComponent(alexThread)}/read?account=alex`],
    ["POST", `/v1/conversations/${encodeURIComponent(alexThread)}/unread?account=alex`],
    ["GET", "/v1/messages?account=alex&profileUrl=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fsomeone%2F"],
    ["POST", "/v1/messages?account=alex", key],
    ["GET", "/v1/usage?account=alex"],
    ["POST", "/v1/refresh?account=alex"],
    ["DELETE", "/v1/data?account=alex"],
    ["GET", "/v1/conversations?account=nobody"],
  ]) {
    const answer = await checkedCall(worker.base, path, { method, headers, authorization: "Bearer acc-outsider", body: method === "POST" ? JSON.stringify({ text: "hi", profileUrl: "https://www.linkedin.com/in/someone/" }) : undefined });
    assert.deepEqual([answer.status, answer.body.error?.code], [404, "NOT_FOUND"], `${method} ${path}`);
  }
  assert.equal(await upstream(), before, "no upstream call");
  assert.equal((await sandbox.stats()).sends ?? 0, 0, "nothing sent");
});

test("a conversation route finds the account whose store holds the conversation", async () => {
  await walk("/v1/conversations?account=all&count=50");
  const titouanThread = (await call("/v1/conversations?account=titouan&count=1")).body.items[0].id;
  const thread = await call(`/v1/conversations/${encodeURIComponent(titouanThread)}/messages?count=3`);
  assert.equal(thread.status, 200);
  const direct = await call(`/v1/conversations/${encodeURIComponent(titouanThread)}/messages?count=3&account=titouan`);
  assert.deepEqual(thread.body.items, direct.body.items);
  const unknown = await call("/v1/conversations/2-bm90LWEtdGhyZWFk/messages");
  assert.deepEqual([unknown.status, unknown.body.error.code], [404, "NOT_FOUND"]);
  const ambiguous = await call("/v1/usage");
  assert.deepEqual([ambiguous.status, ambiguous.body.error.field], [400, "account"]);
});

test("two clients sharing an account see one store and one budget", async () => {
  await call("/v1/conversations?account=alex&count=10");
  const before = await upstream();
  const shared = await call("/v1/conversations?count=10", "acc-alex");
  assert.equal(shared.headers.get("x-cache"), "HIT", "the team's sync filled the shared store");
  assert.equal(await upstream(), before);
  const team = (await call("/v1/usage?account=alex")).body;
  const own = (await call("/v1/usage", "acc-alex")).body;
  assert.equal(team.connectsafely.callsToday, own.connectsafely.callsToday);
  assert.ok(team.connectsafely.callsToday > 0);
  const accounts = (await call("/v1/accounts")).body.accounts;
  const alone = (await call("/v1/accounts", "acc-alex")).body.accounts;
  assert.deepEqual(alone[0], accounts[0], "the same unread total and budget left");
  assert.equal(typeof accounts[0].unreadTotal, "number");
  const unread = await walk("/v1/conversations?account=alex&unread=true&count=50", "acc-alex");
  assert.equal(accounts[0].unreadTotal, unread.length, "the unread total is the store's unread conversations");
});

test("refresh and data without account act on every account of the client", async () => {
  const refreshed = await call("/v1/refresh", "acc-team", "POST");
  assert.equal(refreshed.status, 200);
  assert.deepEqual(refreshed.body.accounts.map((a) => a.account), ORDER);
  const one = await call("/v1/refresh", "acc-legacy", "POST");
  assert.equal(typeof one.body.generation, "number", "a single-account client keeps its answer");
});
