// One inbox over many accounts, black-box: whatever answers `?account=all` (the
// accounts' stores merged on each request, or one index of the client's accounts), a walk of
// `all` is the sorted union of the per-account walks, after webhooks, sends, read-state
// changes, a wipe and an unlink; merged cursors are refused when tampered or foreign with no
// upstream call; unread totals agree with the stores. A client of 3 accounts, and one of 50
// generated accounts (the sandbox's large accounts: docs/sandbox.md).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { bigAccount, startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const ADMIN_TOKEN = randomBytes(32).toString("hex");
const REGISTRY_KEYS = `k1:${randomBytes(32).toString("base64")}`;
const DEMO = [
  { id: "alex", label: "Alex Morgan", connectsafelyAccountId: "696ce9e780e0483585e4e553", linkupLoginToken: "demo-login-token-alex" },
  { id: "titouan", label: "Titouan Prioux", connectsafelyAccountId: "5f1b2c3d4e5f60718293a4b5", linkupLoginToken: "demo-login-token-titouan" },
  { id: "priya", label: "Priya Iyer", connectsafelyAccountId: "6a7b8c9d0e1f2a3b4c5d6e7f", linkupLoginToken: "demo-login-token-priya" },
];
const BIG = 50;
const BIG_CONVERSATIONS = 30;
const FILTERS = [["no filter", ""], ["unread", "&unread=true"], ["keywords", "&keywords=Globex"]];
/** How long the merged view may take to show what an account's store already shows. */
const CATCH_UP_MS = 5000;

let sandbox, worker, tokens, webhookSecret;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "1000000", "--big-account", String(BIG_CONVERSATIONS), "--big-accounts", String(BIG)]);
  worker = await startWorker({
    sandboxBase: sandbox.base, clients: null, secrets: { ADMIN_TOKEN, REGISTRY_KEYS },
    // Long head TTL: reads are answered from the stores, so walks compared with each other
    // see the same data (a head sync between them would move conversations).
    vars: { RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0", HEAD_TTL_SECS: "3600", CONNECTSAFELY_DAILY_LIMIT: "1000000" },
  });
  const bigAccounts = Array.from({ length: BIG }, (_, k) => {
    const { account, loginToken } = bigAccount(k);
    return { id: `big${k}`, label: `Big ${k}`, connectsafelyAccountId: account, linkupLoginToken: loginToken };
  });
  for (const account of [...DEMO, ...bigAccounts]) {
    const made = await admin("/accounts", { method: "POST", body: account });
    assert.equal(made.status, 201, made.text);
  }
  const secret = await admin("/accounts/alex/webhook-secret/connectsafely", { method: "POST" });
  assert.equal(secret.status, 200, secret.text);
  webhookSecret = secret.body.secret;
  tokens = {};
  for (const [name, accounts] of [["trio", ["alex", "titouan", "priya"]], ["pair", ["alex", "priya"]], ["fifty", bigAccounts.map((a) => a.id)], ["few", ["big0", "big1", "big2"]]]) {
    const made = await admin("/clients", { method: "POST", body: { name, accounts } });
    assert.equal(made.status, 201, made.text);
    tokens[name] = made.body.token;
  }
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
});

function admin(path, { method = "GET", body } = {}) {
  return checkedCall(worker.base, `/admin/v1${path}`, {
    method, authorization: `Bearer ${ADMIN_TOKEN}`,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), "x-admin-actor": "merged-index-test" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const call = (path, client = "trio", { method = "GET", headers = {}, body } = {}) =>
  checkedCall(worker.base, path, { method, headers, body, authorization: `Bearer ${tokens[client]}` });
const upstream = async () => (await sandbox.stats()).calls.total;
const key = (c) => `${c.account}/${c.id}`;

/** Every item of a walk of `path` (a query string without cursor), page by page, and its cursors. */
async function walk(path, client = "trio") {
  const items = [];
  const cursors = [];
  let cursor = null;
  for (let pages = 0; pages < 400; pages++) {
    const page = await call(`${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, client);
    assert.equal(page.status, 200, `${path}: ${page.text}`);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
    if (!cursor) return { items, cursors };
    cursors.push(cursor);
  }
  throw new Error(`the walk of ${path} did not end`);
}

/** The merged order: newest activity first, then the client's account order, then thread id. */
function sortedUnion(lists, order) {
  const at = (c) => c.lastActivityAt ?? c.latestMessage?.sentAt ?? 0;
  return lists.flat().sort((a, b) => at(b) - at(a) || order.indexOf(a.account) - order.indexOf(b.account) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The client's accounts, in its order (GET /v1/accounts). */
async function accountsOf(client) {
  const answer = await call("/v1/accounts", client);
  assert.equal(answer.status, 200, answer.text);
  return answer.body.accounts;
}

/**
 * One comparison of the merged walks (no filter, unread, keywords) with the per-account walks,
 * and of the unread totals (`/v1/accounts`, `/v1/changes`) with the per-account unread walks.
 * Returns the differences found (none: they agree) and the walks.
 */
async function compare(client, { mergedCount, ownCount }) {
  const order = (await accountsOf(client)).map((a) => a.id);
  const problems = [];
  const walks = {};
  for (const [name, filter] of FILTERS) {
    const merged = (await walk(`/v1/conversations?account=all&count=${mergedCount}${filter}`, client)).items;
    const each = [];
    for (const id of order) {
      const own = (await walk(`/v1/conversations?account=${id}&count=${ownCount}${filter}`, client)).items;
      assert.ok(own.every((c) => c.account === id), `every item of ${id} says so`);
      each.push(own);
    }
    const expected = sortedUnion(each, order).map(key);
    const got = merged.map(key);
    if (new Set(got).size !== got.length) problems.push(`${name}: a conversation twice in the merged walk`);
    if (got.join("\n") !== expected.join("\n")) {
      const missing = expected.filter((k) => !got.includes(k));
      const extra = got.filter((k) => !expected.includes(k));
      problems.push(`${name}: merged ${got.length} vs union ${expected.length} (missing ${missing.slice(0, 3)}, extra ${extra.slice(0, 3)}${missing.length + extra.length ? "" : ", order differs"})`);
    }
    walks[name] = { merged, each, order };
  }
  const unread = Object.fromEntries(walks.unread.order.map((id, i) => [id, walks.unread.each[i].length]));
  const listed = Object.fromEntries((await accountsOf(client)).map((a) => [a.id, a.unreadTotal]));
  const changes = await call("/v1/changes", client);
  assert.equal(changes.status, 200, changes.text);
  const fed = Object.fromEntries(changes.body.accounts.map((a) => [a.id, a.unreadTotal]));
  const total = Object.values(unread).reduce((a, b) => a + b, 0);
  if (JSON.stringify(listed) !== JSON.stringify(unread)) problems.push(`/v1/accounts unread ${JSON.stringify(listed)} vs walks ${JSON.stringify(unread)}`);
  if (JSON.stringify(fed) !== JSON.stringify(unread)) problems.push(`/v1/changes unread ${JSON.stringify(fed)} vs walks ${JSON.stringify(unread)}`);
  if (changes.body.unreadTotal !== total) problems.push(`/v1/changes unreadTotal ${changes.body.unreadTotal} vs walks ${total}`);
  return { problems, walks };
}

/**
 * Compares until the merged view agrees with the per-account walks, for at most CATCH_UP_MS:
 * an index of the client's accounts may learn of a change after the account's own store has
 * it (the account's object tells the index once its write is committed), so the merged view
 * may lag by a moment; it must catch up, and nothing may ever be doubled or lost for good.
 */
async function agree(client = "trio", counts = { mergedCount: 7, ownCount: 25 }) {
  const deadline = Date.now() + CATCH_UP_MS;
  for (;;) {
    const result = await compare(client, counts);
    if (result.problems.length === 0) return result.walks;
    if (Date.now() > deadline) assert.fail(`the merged view does not agree with the accounts:\n${result.problems.join("\n")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test("3 accounts: walks of all equal the sorted union of the per-account walks (no filter, unread, keywords), and the unread totals agree", async () => {
  const walks = await agree();
  assert.equal(new Set(walks["no filter"].merged.map((c) => c.account)).size, 3, "all three accounts");
  assert.ok(walks["no filter"].merged.length > 150, "each demo account has 60+ conversations");
  for (const filtered of ["unread", "keywords"]) {
    const n = walks[filtered].merged.length;
    assert.ok(n > 0 && n < walks["no filter"].merged.length, `${filtered} keeps some conversations, not all (${n})`);
  }
});

/** `cursor` with one character changed (in its middle, to another URL-safe character). */
function tampered(cursor) {
  const i = Math.floor(cursor.length / 2);
  return `${cursor.slice(0, i)}${cursor[i] === "A" ? "B" : "A"}${cursor.slice(i + 1)}`;
}

test("merged cursors: tampered, another client's, an account's own or under other filters are 400 INVALID_CURSOR with no upstream call", async () => {
  const [trioCursor] = (await walk("/v1/conversations?account=all&count=7", "trio")).cursors.slice(1);
  const [pairCursor] = (await walk("/v1/conversations?account=all&count=7", "pair")).cursors;
  const [alexCursor] = (await walk("/v1/conversations?account=alex&count=7", "trio")).cursors;
  assert.ok(trioCursor && pairCursor && alexCursor);
  const before = await upstream();
  const page = (cursor, query = "account=all&count=7") => `/v1/conversations?${query}&cursor=${encodeURIComponent(cursor)}`;
  for (const [what, path, client] of [
    ["tampered", page(tampered(trioCursor)), "trio"],
    ["tampered, without account", `/v1/conversations?count=7&cursor=${encodeURIComponent(tampered(trioCursor))}`, "trio"],
    ["another client's merged cursor", page(pairCursor), "trio"],
    ["this client's merged cursor at another client", page(trioCursor), "pair"],
    ["an account's own cursor as a merged one", page(alexCursor), "trio"],
    ["a merged cursor as an account's own", page(trioCursor, "account=alex&count=7"), "trio"],
    ["a merged cursor under other filters", page(trioCursor, "account=all&count=7&unread=true"), "trio"],
  ]) {
    const refused = await call(path, client);
    assert.deepEqual([refused.status, refused.body.error?.code], [400, "INVALID_CURSOR"], what);
  }
  assert.equal(await upstream(), before, "no upstream call for a refused cursor");
  assert.equal((await call(page(trioCursor))).status, 200, "the untouched cursor still works");
});

/** The ConnectSafely `message.received` event of a message from a member into `thread`, signed. */
function postWebhook({ thread, text }) {
  const urn = `urn:li:msg_message:(urn:li:fsd_profile:ACoAAMergedIndex,2-merged-${process.pid}-${Date.now()})`;
  const body = JSON.stringify({
    event: "message.received", object: "event",
    data: {
      id: `evt-${urn}`, message_urn: urn, account_id: DEMO[0].connectsafelyAccountId, provider: "LINKEDIN",
      sender: { id: "ACoAAMergedIndex", name: "Merged Index", profile_url: "https://www.linkedin.com/in/ACoAAMergedIndex", profile_picture: null },
      body: text, timestamp: new Date().toISOString(), conversation_id: `urn:li:messagingThread:${thread}`, attachments: [],
    },
  });
  const signature = `sha256=${createHmac("sha256", webhookSecret).update(body).digest("hex")}`;
  return checkedCall(worker.base, "/v1/webhooks/connectsafely/alex", { method: "POST", body, headers: { "content-type": "application/json", "x-webhook-signature": signature } });
}

test("after a webhook message, a send, read-state changes, a wipe and an unlink, the walk of all is still the union", async () => {
  const start = (await agree()).unread;
  const own = (id) => start.each[start.order.indexOf(id)];
  const alex = (await walk("/v1/conversations?account=alex&count=50")).items;

  // A member writes into an old conversation of alex: it moves to the top of the merged view.
  const old = alex[alex.length - 3];
  const text = `merged index webhook ${process.pid}`;
  const pushed = await postWebhook({ thread: old.id, text });
  assert.deepEqual([pushed.status, pushed.body], [200, { received: true }], pushed.text);
  let walks = await agree();
  assert.equal(key(walks["no filter"].merged[0]), key(old), "the conversation written to is the newest");
  assert.equal(walks["no filter"].merged[0].latestMessage.text, text);

  // A reply sent through the proxy from priya: newest, and read.
  const priyaOld = (await walk("/v1/conversations?account=priya&count=50")).items.at(-5);
  const sent = await call(`/v1/conversations/${encodeURIComponent(priyaOld.id)}/messages?account=priya`, "trio", {
    method: "POST", headers: { "content-type": "application/json", "idempotency-key": randomUUID() }, body: JSON.stringify({ text: `merged index send ${process.pid}` }),
  });
  assert.ok(sent.status === 200 || sent.status === 201, sent.text);
  walks = await agree();
  assert.equal(key(walks["no filter"].merged[0]), key(priyaOld), "the conversation replied to is the newest");

  // Read-state changes: an unread conversation of titouan read, a read one of alex unread.
  const unreadOne = own("titouan")[0] ?? own("alex")[0];
  assert.ok(unreadOne, "some account has an unread conversation");
  const read = await call(`/v1/conversations/${encodeURIComponent(unreadOne.id)}/read?account=${unreadOne.account}`, "trio", { method: "POST" });
  assert.equal(read.status, 200, read.text);
  const readOne = alex.find((c) => c.isRead && c.id !== old.id);
  const unread = await call(`/v1/conversations/${encodeURIComponent(readOne.id)}/unread?account=alex`, "trio", { method: "POST" });
  assert.equal(unread.status, 200, unread.text);
  walks = await agree();
  const unreadKeys = walks.unread.merged.map(key);
  assert.ok(!unreadKeys.includes(key(unreadOne)) && unreadKeys.includes(key(readOne)), "the unread walk follows the read state");

  // A wipe of titouan's data: the merged view is the union again once the store is synced anew.
  const wiped = await call("/v1/data?account=titouan", "trio", { method: "DELETE" });
  assert.equal(wiped.status, 204, wiped.text);
  walks = await agree();
  assert.ok(walks["no filter"].merged.some((c) => c.account === "titouan"), "titouan's conversations are back after its sync");

  // priya unlinked from the client: gone from the merged view at once; linked again: back.
  const unlinked = await admin("/clients/trio/accounts/priya", { method: "DELETE" });
  assert.equal(unlinked.status, 200, unlinked.text);
  walks = await agree();
  assert.deepEqual(walks["no filter"].order, ["alex", "titouan"]);
  assert.ok(!walks["no filter"].merged.some((c) => c.account === "priya"), "no conversation of an unlinked account");
  const linked = await admin("/clients/trio/accounts/priya", { method: "PUT" });
  assert.equal(linked.status, 200, linked.text);
  walks = await agree();
  assert.equal(new Set(walks["no filter"].merged.map((c) => c.account)).size, 3, "priya is back");
});

test(`${BIG} accounts of ${BIG_CONVERSATIONS} conversations: walks of all equal the union, unread totals agree, a tampered cursor is refused`, async () => {
  const walks = await agree("fifty", { mergedCount: 50, ownCount: BIG_CONVERSATIONS });
  assert.equal(walks["no filter"].merged.length, BIG * BIG_CONVERSATIONS);
  assert.equal(new Set(walks["no filter"].merged.map((c) => c.account)).size, BIG);
  const [cursor] = (await walk("/v1/conversations?account=all&count=50", "fifty")).cursors;
  const before = await upstream();
  const refused = await call(`/v1/conversations?account=all&count=50&cursor=${encodeURIComponent(tampered(cursor))}`, "fifty");
  assert.deepEqual([refused.status, refused.body.error?.code], [400, "INVALID_CURSOR"]);
  assert.equal(await upstream(), before, "no upstream call for a refused cursor");
  // The account list of 50 (the index's, fed by the accounts) says what each account's own
  // object says to a client of 3: unread totals, health and the budgets left today, also
  // after a send spent from one of them.
  const thread = walks["no filter"].each[1][0];
  const sent = await call(`/v1/conversations/${encodeURIComponent(thread.id)}/messages?account=big1`, "fifty", {
    method: "POST", headers: { "content-type": "application/json", "idempotency-key": randomUUID() }, body: JSON.stringify({ text: `budget ${process.pid}` }),
  });
  assert.ok(sent.status === 200 || sent.status === 201, sent.text);
  const deadline = Date.now() + CATCH_UP_MS;
  for (;;) {
    const many = (await accountsOf("fifty")).slice(0, 3);
    const exact = await accountsOf("few");
    if (JSON.stringify(many) === JSON.stringify(exact)) break;
    if (Date.now() > deadline) assert.deepEqual(many, exact);
    await new Promise((r) => setTimeout(r, 250));
  }
  const [, big1] = await accountsOf("few");
  assert.ok(big1.budgetLeftToday.connectsafelyCalls < 1_000_000, JSON.stringify(big1));
});

/** Opens `client`'s push channel of `all`; resolves once every socket said where each account stands. */
async function openStream(client, expectedReady) {
  const answer = await call("/v1/live?account=all", client, { method: "POST" });
  assert.equal(answer.status, 200, answer.text);
  return Promise.all(answer.body.sockets.map(({ account, url }) => new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const frames = [];
    const closed = new Promise((done) => socket.addEventListener("close", (e) => done(e.code)));
    socket.addEventListener("message", (e) => {
      frames.push(JSON.parse(e.data));
      if (frames.filter((f) => f.type === "ready").length === expectedReady) resolve({ account, socket, frames, closed });
    });
    socket.addEventListener("error", () => reject(new Error(`socket of ${account} failed`)));
    setTimeout(() => reject(new Error(`socket of ${account} not ready: ${frames.length} frames`)), 10_000);
  })));
}

async function until(check, what) {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test(`${BIG} accounts: one push stream for the client, with every account's totals, each change once, closed when the token rotates`, async () => {
  assert.equal(typeof WebSocket, "function", "run with node --experimental-websocket");
  const sockets = await openStream("fifty", BIG);
  assert.deepEqual(sockets.map((s) => s.account), ["all"], "one socket, not one per account");
  const [stream] = sockets;
  const ready = stream.frames.filter((f) => f.type === "ready");
  const fed = (await call("/v1/changes", "fifty")).body.accounts;
  assert.deepEqual(ready.map((f) => [f.account, f.unreadTotal]).sort(), fed.map((a) => [a.id, a.unreadTotal]).sort(), "each account's unread total, as the change feed has it");
  // An account named alone still has its own socket.
  const own = await call("/v1/live?account=big7", "fifty", { method: "POST" });
  assert.deepEqual(own.body.sockets.map((s) => s.account), ["big7"]);

  // A read-state change in one account's store reaches the stream once, as that account's frame.
  const changes = (f) => f.type === "change" && f.conversations.length > 0;
  const target = (await call("/v1/conversations?account=big7&count=5&unread=true", "fifty")).body.items[0]
    ?? (await call("/v1/conversations?account=big7&count=5", "fifty")).body.items[0];
  const path = `/v1/conversations/${encodeURIComponent(target.id)}/${target.isRead ? "unread" : "read"}?account=big7`;
  assert.equal((await call(path, "fifty", { method: "POST" })).status, 200);
  await until(() => stream.frames.some(changes), "the change frame");
  await new Promise((r) => setTimeout(r, 500));
  const frames = stream.frames.filter(changes);
  assert.equal(frames.length, 1, JSON.stringify(frames));
  const [frame] = frames;
  assert.equal(frame.account, "big7");
  assert.deepEqual(frame.conversations.map((c) => [c.account, c.id, c.isRead]), [["big7", target.id, !target.isRead]]);
  const after = (await call("/v1/changes", "fifty")).body;
  assert.equal(frame.unreadTotal, after.accounts.find((a) => a.id === "big7").unreadTotal);

  // A ping is answered; the token rotated, the stream is closed and its tickets open nothing.
  stream.socket.send("ping");
  await until(() => stream.frames.some((f) => f.type === "pong"), "the pong");
  const ticketUrl = (await call("/v1/live?account=all", "fifty", { method: "POST" })).body.sockets[0].url;
  const rotated = await admin("/clients/fifty/token", { method: "POST" });
  assert.equal(rotated.status, 200, rotated.text);
  tokens.fifty = rotated.body.token;
  assert.equal(await stream.closed, 1008);
  const refused = await new Promise((resolve) => {
    const socket = new WebSocket(ticketUrl);
    socket.addEventListener("open", () => { socket.close(); resolve("opened"); });
    socket.addEventListener("error", () => resolve("refused"));
  });
  assert.equal(refused, "refused", "a ticket of the old token opens nothing");
});
