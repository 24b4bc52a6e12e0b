// The client's merged index, as only the Worker in workerd can show it: a pushed
// message, a read-state change and a wipe reach the merged list at once without a head sync
// (the account objects push their changes to the index); an index emptied by the operator
// rebuilds from the stores and answers the same, with 0 upstream calls; cursors of the earlier
// per-account form, tampered or foreign are 400 with 0 upstream calls.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { bigAccount, startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const CS_SECRET = "cs-webhook-secret-alex-0123456789";
const ALEX = { id: "alex", label: "Alex", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex", connectsafelyWebhookSecret: CS_SECRET };
const TITOUAN = { id: "titouan", label: "Titouan", account: "5f1b2c3d4e5f60718293a4b5", loginToken: null };
const PRIYA = { id: "priya", label: "Priya", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" };
const ADMIN_TOKEN = "index-test-admin-token-0123456789abcdef";
// Two large sandbox accounts share members (docs/sandbox.md, "Large accounts").
const BIG = [0, 1].map((k) => ({ id: `big${k}`, label: `Big ${k}`, ...bigAccount(k) }));
const CLIENTS = [
  { name: "team", token: "idx-team", accounts: [ALEX, TITOUAN, PRIYA] },
  { name: "pair", token: "idx-pair", accounts: [PRIYA, ALEX] },
  { name: "big", token: "idx-big", accounts: [ALEX, ...BIG] },
];
const ORDER = { team: ["alex", "titouan", "priya"], pair: ["priya", "alex"], big: ["alex", "big0", "big1"] };

let sandbox, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000", "--big-account", "40", "--big-accounts", "2"]);
  worker = await startWorker({
    sandboxBase: sandbox.base, clients: CLIENTS, secrets: { ADMIN_TOKEN },
    // Heads stay fresh for the whole file: whatever reaches the merged list came by push.
    vars: { RATE_LIMIT_PER_MINUTE: "0", HEAD_TTL_SECS: "3600", REFRESH_MIN_INTERVAL_SECS: "0" },
  });
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
});

const call = (path, token = "idx-team", method = "GET", headers = {}) =>
  checkedCall(worker.base, path, { method, headers, authorization: `Bearer ${token}` });
const upstream = async () => (await sandbox.stats()).calls.total;
const hmac = (secret, text) => createHmac("sha256", secret).update(text).digest("hex");

const walk = (path, token) => walkAs(path, token);

async function walkAs(path, token = "idx-team") {
  const items = [];
  let cursor = null;
  for (let pages = 0; pages < 100; pages++) {
    const page = await call(`${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, token);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error("the walk did not end");
}

/** The per-account walks merged: newest activity, then the client's order, then thread id. */
async function union(client, query = "") {
  const token = `idx-${client}`;
  const lists = [];
  for (const id of ORDER[client]) lists.push(await walk(`/v1/conversations?account=${id}&count=50${query}`, token));
  const key = (c) => c.lastActivityAt ?? c.latestMessage?.sentAt ?? 0;
  const order = ORDER[client];
  return lists.flat().sort((a, b) => key(b) - key(a) || order.indexOf(a.account) - order.indexOf(b.account) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const ids = (items) => items.map((c) => `${c.account}/${c.id}`);

test("the merged walk is the union of the accounts' walks, for two clients of the same accounts in other orders", async () => {
  for (const client of ["team", "pair"]) {
    for (const query of ["", "&unread=true", "&keywords=the"]) {
      const expected = ids(await union(client, query));
      assert.ok(expected.length > 0, `${client}${query}: something to compare`);
      assert.deepEqual(ids(await walk(`/v1/conversations?account=all&count=4${query}`, `idx-${client}`)), expected, `${client}${query}`);
    }
  }
});

test("a pushed message and a read-state change reach both clients' merged lists at once, with no upstream call", async () => {
  const [first] = await walk("/v1/conversations?account=alex&count=50");
  const before = await upstream();
  const at = Date.now();
  const body = JSON.stringify({
    event: "message.received", object: "event",
    data: {
      id: "evt-index-1", message_urn: "urn:li:messagingMessage:2-index-push-1", account_id: ALEX.account, provider: "LINKEDIN",
      sender: { id: "ACoAAIndexSender", name: "Index Sender", profile_url: "https://www.linkedin.com/in/ACoAAIndexSender", profile_picture: null },
      body: "zanzibar quokka", timestamp: new Date(at).toISOString(), conversation_id: `urn:li:messagingThread:${first.id}`, attachments: [],
    },
  });
  const pushed = await checkedCall(worker.base, "/v1/webhooks/connectsafely/alex", {
    method: "POST", body, headers: { "content-type": "application/json", "x-webhook-signature": `sha256=${hmac(CS_SECRET, body)}` },
  });
  assert.equal(pushed.status, 200);
  for (const client of ["team", "pair"]) {
    const top = await call("/v1/conversations?account=all&count=1", `idx-${client}`);
    assert.equal(top.body.items[0].id, first.id, client);
    assert.equal(top.body.items[0].latestMessage.text, "zanzibar quokka", client);
    const found = await call("/v1/conversations?account=all&keywords=quokka", `idx-${client}`);
    assert.deepEqual(ids(found.body.items), [`alex/${first.id}`], client);
  }
  const read = await call(`/v1/conversations/${encodeURIComponent(first.id)}/read?account=alex`, "idx-team", "POST");
  assert.equal(read.status, 200, JSON.stringify(read.body));
  const unread = ids(await walk("/v1/conversations?account=all&unread=true&count=5"));
  assert.ok(!unread.includes(`alex/${first.id}`));
  assert.deepEqual(unread, ids(await union("team", "&unread=true")));
  // The read mark itself is the one upstream write; the merged reads asked nothing.
  assert.ok((await upstream()) - before <= 1, `${(await upstream()) - before} upstream calls`);
});

test("an index the operator empties rebuilds from the stores and answers the same, with 0 upstream calls", async () => {
  const before = ids(await walk("/v1/conversations?account=all&count=6"));
  const calls = await upstream();
  const refused = await checkedCall(worker.base, "/admin/v1/clients/team/index/rebuild", { method: "POST", authorization: "Bearer idx-team" });
  assert.equal(refused.status, 401);
  const unknown = await checkedCall(worker.base, "/admin/v1/clients/nobody/index/rebuild", { method: "POST", authorization: `Bearer ${ADMIN_TOKEN}` });
  assert.equal(unknown.status, 404);
  const rebuilt = await checkedCall(worker.base, "/admin/v1/clients/team/index/rebuild", { method: "POST", authorization: `Bearer ${ADMIN_TOKEN}` });
  assert.equal(rebuilt.status, 202, JSON.stringify(rebuilt.body));
  assert.deepEqual(ids(await walk("/v1/conversations?account=all&count=6")), before);
  assert.equal(await upstream(), calls);
});

test("a wipe of one account leaves the merged list at once and comes back with its next sync", async () => {
  const wiped = await call("/v1/data?account=priya", "idx-team", "DELETE");
  assert.equal(wiped.status, 204);
  // The wiped account's store syncs its head again on the merged page that follows.
  const after = ids(await walk("/v1/conversations?account=all&count=7"));
  assert.deepEqual(after, ids(await union("team")));
  assert.ok(after.some((id) => id.startsWith("priya/")));
});

test("merged cursors: tampered, foreign, another client's or of the earlier form are 400 with 0 upstream calls", async () => {
  const first = await call("/v1/conversations?account=all&count=2");
  const cursor = first.body.nextCursor;
  assert.ok(cursor && cursor.length < 400, `one position, whatever the accounts: ${cursor?.length}`);
  const other = await call("/v1/conversations?account=all&count=2", "idx-pair");
  const own = await call("/v1/conversations?account=alex&count=2");
  const flipped = cursor.slice(0, -3) + (cursor.at(-3) === "A" ? "B" : "A") + cursor.slice(-2);
  const calls = await upstream();
  for (const bad of [flipped, other.body.nextCursor, own.body.nextCursor, "m1|x|alex=*", ""]) {
    const answer = await call(`/v1/conversations?account=all&count=2&cursor=${encodeURIComponent(bad)}`);
    assert.equal(answer.status, 400, bad);
    assert.equal(answer.body.error.code, "INVALID_CURSOR", bad);
  }
  // The same cursor with other filters is not one of theirs either.
  const refiltered = await call(`/v1/conversations?account=all&count=2&unread=true&cursor=${encodeURIComponent(cursor)}`);
  assert.equal(refiltered.status, 400);
  assert.equal(await upstream(), calls);
});

test("one person across accounts: the people view and ?person= gather a member's conversations of every account", async () => {
  const call = (path) => checkedCall(worker.base, path, { authorization: "Bearer idx-big" });
  const walk = (path) => walkAs(path, "idx-big");
  const byMember = new Map();
  for (const id of ORDER.big) {
    for (const c of await walk(`/v1/conversations?account=${id}&count=50`)) {
      for (const p of c.participants) {
        if (!p.profileId) continue;
        if (!byMember.has(p.profileId)) byMember.set(p.profileId, []);
        byMember.get(p.profileId).push(c);
      }
    }
  }
  const shared = [...byMember.entries()].find(([, list]) => new Set(list.map((c) => c.account)).size >= 2);
  assert.ok(shared, "the sandbox's large accounts share members");
  const [member, conversations] = shared;
  const key = (c) => c.lastActivityAt ?? c.latestMessage?.sentAt ?? 0;
  const order = ORDER.big;
  const expected = ids(conversations.sort((a, b) => key(b) - key(a) || order.indexOf(a.account) - order.indexOf(b.account) || (a.id < b.id ? -1 : 1)));
  const calls = await upstream();
  const person = await call(`/v1/people/${encodeURIComponent(member)}`);
  assert.equal(person.status, 200, JSON.stringify(person.body));
  assert.equal(person.body.person.id, member);
  assert.equal(person.body.person.name, conversations[0].participants.find((p) => p.profileId === member).name);
  assert.deepEqual(ids(person.body.conversations), expected);
  assert.deepEqual(person.body.accounts, [...new Set(expected.map((id) => id.split("/")[0]))]);
  assert.equal(person.body.more, false);
  // By URN too; the same member as a filter on the merged list, a page at a time.
  const byUrn = await call(`/v1/people/${encodeURIComponent(`urn:li:fsd_profile:${member}`)}`);
  assert.deepEqual(ids(byUrn.body.conversations), expected);
  assert.deepEqual(ids(await walk(`/v1/conversations?account=all&count=1&person=${encodeURIComponent(member)}`)), expected);
  assert.equal(await upstream(), calls, "answered from the index");
  // A cursor of one member's walk is not another's.
  const first = await call(`/v1/conversations?account=all&count=1&person=${encodeURIComponent(member)}`);
  const other = [...byMember.keys()].find((m) => m !== member);
  const foreign = await call(`/v1/conversations?account=all&count=1&person=${encodeURIComponent(other)}&cursor=${encodeURIComponent(first.body.nextCursor)}`);
  assert.equal(foreign.status, 400);
  // Nobody, a bad id, one of several accounts named: clear refusals.
  assert.equal((await call("/v1/people/ACoAANobodyAtAll")).status, 404);
  const bad = await call("/v1/people/a%20b");
  assert.deepEqual([bad.status, bad.body.error.field], [400, "personId"]);
  const named = await call(`/v1/conversations?account=alex&person=${encodeURIComponent(member)}`);
  assert.deepEqual([named.status, named.body.error.field], [400, "person"]);
  assert.equal((await call(`/v1/people/${encodeURIComponent(member)}?account=alex`)).status, 400);
});

test("a merged page and the people view are each one request of the client's rate, kept by its index", async () => {
  // A Worker of its own with a small bucket: 2 requests, then one a minute.
  const limited = await startWorker({
    sandboxBase: sandbox.base, clients: CLIENTS,
    vars: { RATE_LIMIT_PER_MINUTE: "1", RATE_LIMIT_BURST: "2", HEAD_TTL_SECS: "3600" },
  });
  try {
    const ask = (path) => checkedCall(limited.base, path, { authorization: "Bearer idx-team" });
    assert.equal((await ask("/v1/conversations?account=all&count=2")).status, 200);
    assert.equal((await ask("/v1/people/ACoAANobodyAtAll")).status, 404);
    const refused = await ask("/v1/conversations?account=all&count=2");
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, "RATE_LIMITED");
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
  } finally {
    await limited.stop();
  }
});
