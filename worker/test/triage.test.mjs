// Triage (issue 35), black-box in workerd against the sandbox: archive, snooze, star, labels
// and notes in the account's store, shared by its clients; each change once in the change feed
// and the push channel; idempotent writes; bad input refused by field with nothing changed;
// the views, alone and with `unread`, `keywords`, cursors and `account=all` (the client's
// index); snoozes woken by the object's alarm and by an incoming message, which also unarchives.
// Runs with node --experimental-websocket (Node 20).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const CS_SECRET = "cs-webhook-secret-alex-0123456789";
const ALEX = {
  id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex",
  connectsafelyWebhookSecret: CS_SECRET, linkupWebhookSecret: "lk-webhook-secret-alex-0123456789",
};
const TITOUAN = { id: "titouan", label: "Titouan Prioux", account: "5f1b2c3d4e5f60718293a4b5", loginToken: null };
const CLIENTS = [
  { name: "team", token: "triage-team", accounts: [ALEX, TITOUAN] },
  // A second client of alex's account: it sees the same triage.
  { name: "alex-desk", token: "triage-desk", accounts: [ALEX] },
];

let sandbox, worker, threads;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({
    sandboxBase: sandbox.base, clients: CLIENTS,
    vars: { RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0", HEAD_TTL_SECS: "3600" },
  });
  threads = (await list("")).map((c) => c.id);
  assert.ok(threads.length >= 13, "the demo account has conversations to triage");
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
});

const call = (path, token = "triage-team", init = {}) =>
  checkedCall(worker.base, path, { ...init, authorization: `Bearer ${token}` });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const json = { "content-type": "application/json" };

/** POST /triage of alex's conversation `id` by the client of `token`. */
const triage = (id, body, token = "triage-desk") =>
  call(`/v1/conversations/${encodeURIComponent(id)}/triage?account=alex`, token, {
    method: "POST", headers: json, body: typeof body === "string" ? body : JSON.stringify(body),
  });

/** Alex's conversations in a view (query string after `&`). */
async function list(query, token = "triage-team") {
  const page = await call(`/v1/conversations?account=alex&count=100${query}`, token);
  assert.equal(page.status, 200, page.text);
  return page.body.items;
}
const ids = async (query, token) => (await list(query, token)).map((c) => c.id);

/** The change feed's token now, and the changes after one (team's view of alex). */
const feedToken = async () => (await call("/v1/changes?account=alex")).body.token;
const changedSince = async (token) => {
  const answer = await call(`/v1/changes?account=alex&since=${encodeURIComponent(token)}`);
  assert.equal(answer.status, 200, answer.text);
  return answer.body.conversations;
};

async function until(check, what, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

let unique = 0;
/** A signed ConnectSafely message from the other member into alex's `thread`. */
function incoming(thread, text) {
  const urn = `urn:li:msg_message:(urn:li:fsd_profile:ACoAATriage,2-triage-${process.pid}-${++unique})`;
  const body = JSON.stringify({
    event: "message.received", object: "event",
    data: {
      id: `evt-${urn}`, message_urn: urn, account_id: ALEX.account, provider: "LINKEDIN",
      sender: { id: "ACoAATriageSender", name: "Triage Sender", profile_url: "https://www.linkedin.com/in/ACoAATriageSender", profile_picture: null },
      body: text, timestamp: new Date().toISOString(), conversation_id: `urn:li:messagingThread:${thread}`, attachments: [],
    },
  });
  const sig = `sha256=${createHmac("sha256", CS_SECRET).update(body).digest("hex")}`;
  return checkedCall(worker.base, "/v1/webhooks/connectsafely/alex", { method: "POST", body, headers: { ...json, "x-webhook-signature": sig } });
}

test("each action is one change of the feed, made by one client and seen by the other; the same request again is none", async () => {
  const [t] = [threads[1]];
  const start = await feedToken();
  const untouched = (await list("")).find((c) => c.id === threads[0]);
  assert.equal(untouched.triage, undefined, "an item with nothing set carries no triage");
  const archived = await triage(t, { archived: true });
  assert.equal(archived.status, 200, archived.text);
  assert.deepEqual([archived.body.triage.archived, archived.body.triage.updatedBy], [true, "alex-desk"]);
  const again = await triage(t, { archived: true });
  assert.deepEqual(again.body, archived.body, "the same state, not a new change");
  const seen = (await list("&view=archived")).find((c) => c.id === t);
  assert.equal(seen?.triage.updatedBy, "alex-desk", "the team client sees the desk's archive");
  assert.ok(!(await ids("&view=inbox")).includes(t));
  assert.ok((await ids("")).includes(t), "no view: every conversation, as before triage");
  let changes = (await changedSince(start)).filter((c) => c.id === t);
  assert.equal(changes.length, 1);
  assert.equal(changes[0].triage.archived, true);
  // Star, label, note, unarchive: one change each, the last state in the feed.
  const mid = await feedToken();
  for (const body of [{ starred: true }, { labels: { add: ["hot"] } }, { note: "call back Monday" }, { archived: false }]) {
    assert.equal((await triage(t, body, "triage-team")).status, 200);
  }
  changes = (await changedSince(mid)).filter((c) => c.id === t);
  assert.equal(changes.length, 1, "a conversation appears once, as it is now");
  assert.deepEqual(
    [changes[0].triage.starred, changes[0].triage.starredOn, changes[0].triage.labels, changes[0].triage.note, changes[0].triage.archived, changes[0].triage.updatedBy],
    [true, "linkedin", ["hot"], "call back Monday", false, "team"],
  );
  const before = await feedToken();
  assert.equal((await triage(t, { starred: true })).status, 200);
  assert.deepEqual(await changedSince(before), [], "a write that changes nothing is no change");
});

test("20 concurrent identical triage requests are one change", async () => {
  const t = threads[2];
  const start = await feedToken();
  const answers = await Promise.all(Array.from({ length: 20 }, () => triage(t, { labels: { add: ["burst"] }, starred: true })));
  assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
  assert.equal(new Set(answers.map((a) => a.body.triage.updatedAt)).size, 1, "one write, the others saw it");
  assert.equal((await changedSince(start)).filter((c) => c.id === t).length, 1);
});

test("bad input is 400 naming the field, with nothing changed; an unknown conversation is 404", async () => {
  const t = threads[3];
  const start = await feedToken();
  const cases = [
    [{ archive: true }, "body"],
    [{}, "body"],
    [{ archived: "yes" }, "archived"],
    [{ snoozedUntil: Date.now() - 1000 }, "snoozedUntil"],
    [{ snoozedUntil: new Date(Date.now() + 400 * 86_400_000).toISOString() }, "snoozedUntil"],
    [{ snoozedUntil: "next week" }, "snoozedUntil"],
    [{ starred: true, note: "é".repeat(2001) }, "note"],
    [{ starred: true, labels: { remove: ["never-made"] } }, "labels"],
    [{ labels: { add: Array.from({ length: 51 }, (_, i) => `l${i}`) } }, "labels"],
  ];
  for (const [body, field] of cases) {
    const answer = await triage(t, body);
    assert.equal(answer.status, 400, `${JSON.stringify(body).slice(0, 60)}: ${answer.text}`);
    assert.equal(answer.body.error.field, field, JSON.stringify(body).slice(0, 60));
  }
  assert.equal((await triage(t, "{not json")).status, 400);
  const typed = await call(`/v1/conversations/${t}/triage?account=alex`, "triage-desk", { method: "POST", body: "{}", headers: { "content-type": "text/plain" } });
  assert.equal(typed.status, 415);
  assert.equal((await triage("2-not-a-stored-thread", { archived: true })).status, 404);
  assert.deepEqual(await changedSince(start), [], "nothing changed");
  assert.equal((await list("")).find((c) => c.id === t).triage, undefined);
  assert.equal((await call("/v1/conversations?account=alex&view=spam")).body.error.field, "view");
  assert.equal((await call("/v1/conversations?account=alex&quietDays=2")).body.error.field, "quietDays");
});

test("labels are created on first use, listed, renamed and deleted on every conversation", async () => {
  const [a, b] = [threads[4], threads[5]];
  assert.equal((await triage(a, { labels: { add: ["lead", "q4"] } })).status, 200);
  assert.equal((await triage(b, { labels: { add: ["lead"] } })).status, 200);
  const labels = await call("/v1/labels?account=alex", "triage-desk");
  assert.deepEqual([labels.status, labels.body.labels.filter((l) => ["lead", "q4"].includes(l))], [200, ["lead", "q4"]]);
  assert.deepEqual(await ids("&label=lead"), threads.filter((t) => [a, b].includes(t)));
  const start = await feedToken();
  const renamed = await call("/v1/labels/lead?account=alex", "triage-desk", { method: "POST", headers: json, body: JSON.stringify({ name: "warm lead" }) });
  assert.deepEqual([renamed.status, renamed.body.conversationsChanged], [200, 2], renamed.text);
  assert.deepEqual(await ids(`&label=${encodeURIComponent("warm lead")}`), threads.filter((t) => [a, b].includes(t)));
  assert.deepEqual(await ids("&label=lead"), []);
  assert.equal((await changedSince(start)).length, 2);
  const clash = await call("/v1/labels/q4?account=alex", "triage-desk", { method: "POST", headers: json, body: JSON.stringify({ name: "warm lead" }) });
  assert.deepEqual([clash.status, clash.body.error.field], [400, "name"]);
  const deleted = await call(`/v1/labels/${encodeURIComponent("warm lead")}?account=alex`, "triage-desk", { method: "DELETE" });
  assert.deepEqual([deleted.status, deleted.body.conversationsChanged], [200, 2]);
  assert.ok(!deleted.body.labels.includes("warm lead"));
  assert.equal((await list("")).find((c) => c.id === b).triage, undefined, "b had only that label");
  assert.equal((await call("/v1/labels/nothing?account=alex", "triage-desk", { method: "DELETE" })).status, 404);
  assert.equal((await call("/v1/labels?account=all")).status, 400, "labels are an account's");
});

test("views combine with unread, keywords and signed cursors; waiting on me and on them split the list", async () => {
  for (const t of threads.slice(6, 9)) assert.equal((await triage(t, { starred: true })).status, 200);
  const calls = (await sandbox.stats()).calls.total;
  const starred = await ids("&view=starred");
  assert.ok(threads.slice(6, 9).every((t) => starred.includes(t)));
  // A walk of the view two by two is the view.
  const walked = [];
  let cursor = null;
  for (let i = 0; i < 20; i++) {
    const page = await call(`/v1/conversations?account=alex&count=2&view=starred${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    assert.equal(page.status, 200, page.text);
    walked.push(...page.body.items.map((c) => c.id));
    cursor = page.body.nextCursor;
    if (!cursor) break;
  }
  assert.deepEqual(walked, starred);
  assert.equal((await sandbox.stats()).calls.total, calls, "a view of triaged conversations is the store's alone: no upstream call");
  const whole = await call("/v1/conversations?account=alex&count=100&view=starred");
  assert.deepEqual([whole.body.nextCursor, whole.body.total], [null, starred.length], "the view's total is its own");
  const first = await call("/v1/conversations?account=alex&count=1&view=starred");
  const foreign = await call(`/v1/conversations?account=alex&count=1&view=archived&cursor=${encodeURIComponent(first.body.nextCursor)}`);
  assert.deepEqual([foreign.status, foreign.body.error.code], [400, "INVALID_CURSOR"], "a cursor is bound to its view");
  const all = await list("");
  const unreadStarred = await ids("&view=starred&unread=true");
  assert.deepEqual(unreadStarred, all.filter((c) => starred.includes(c.id) && !c.isRead).map((c) => c.id));
  const name = all.find((c) => c.id === threads[6]).participants[0].name.split(/\s+/)[0];
  assert.ok((await ids(`&view=starred&keywords=${encodeURIComponent(name)}`)).includes(threads[6]));
  const me = await ids("&waiting=me");
  const them = await ids("&waiting=them&quietDays=0");
  assert.deepEqual(me, all.filter((c) => c.latestMessage && !c.latestMessage.fromSelf).map((c) => c.id));
  assert.deepEqual(them, all.filter((c) => c.latestMessage?.fromSelf).map((c) => c.id));
  assert.ok(me.length > 0 && them.length > 0, "the demo inbox has both");
  const quiet = await ids("&waiting=them&quietDays=30");
  assert.deepEqual(quiet, all.filter((c) => c.latestMessage?.fromSelf && c.lastActivityAt <= Date.now() - 30 * 86_400_000).map((c) => c.id));
});

test("account=all: the views of the client's index, with their cursors", async () => {
  const t = threads[9];
  assert.equal((await triage(t, { archived: true, labels: { add: ["merged"] } })).status, 200);
  const merged = async (query) => {
    const page = await call(`/v1/conversations?account=all&count=100${query}`);
    return page.status === 200 ? page.body.items.map((c) => `${c.account}/${c.id}`) : null;
  };
  await until(async () => (await merged("&view=archived"))?.includes(`alex/${t}`), "the index to hold the archive");
  assert.deepEqual(await merged("&label=merged"), [`alex/${t}`]);
  assert.ok(!(await merged("&view=inbox")).includes(`alex/${t}`));
  const starred = await until(() => merged("&view=starred"), "the starred view");
  assert.deepEqual(starred, (await ids("&view=starred")).map((id) => `alex/${id}`), "titouan has nothing starred");
  const whole = await call("/v1/conversations?account=all&count=100&view=starred");
  assert.deepEqual([whole.body.nextCursor, whole.body.total], [null, starred.length], "the index holds every triaged conversation: the view ends");
  const first = await call("/v1/conversations?account=all&count=1&view=starred");
  const next = await call(`/v1/conversations?account=all&count=1&view=starred&cursor=${encodeURIComponent(first.body.nextCursor)}`);
  assert.deepEqual(next.body.items.map((c) => `${c.account}/${c.id}`), starred.slice(1, 2));
  const foreign = await call(`/v1/conversations?account=all&count=1&view=inbox&cursor=${encodeURIComponent(first.body.nextCursor)}`);
  assert.equal(foreign.status, 400);
});

test("a snooze wakes at its time by the object's alarm: back in the inbox, unread, one change", async () => {
  const t = threads[10];
  const start = await feedToken();
  const snoozed = await triage(t, { snoozedUntil: Date.now() + 2500 });
  assert.equal(snoozed.status, 200, snoozed.text);
  assert.ok((await ids("&view=snoozed")).includes(t));
  assert.ok(!(await ids("&view=inbox")).includes(t));
  await until(async () => (await ids("&view=inbox")).includes(t), "the alarm to wake the snooze", 20_000);
  const woken = (await list("")).find((c) => c.id === t);
  assert.deepEqual([woken.isRead, woken.unreadCount > 0], [false, true]);
  const changes = (await changedSince(start)).filter((c) => c.id === t);
  assert.equal(changes.length, 1);
  assert.equal(changes[0].isRead, false);
});

test("an incoming message wakes a snooze early and moves an archived conversation back to the inbox", async () => {
  const [s, a] = [threads[11], threads[12]];
  assert.equal((await triage(s, { snoozedUntil: new Date(Date.now() + 86_400_000).toISOString() })).status, 200);
  assert.equal((await triage(a, { archived: true, starred: true })).status, 200);
  assert.equal((await incoming(s, "wake up")).status, 200);
  assert.equal((await incoming(a, "unarchive me")).status, 200);
  const inbox = await ids("&view=inbox");
  assert.ok(inbox.includes(s) && inbox.includes(a));
  const item = (await list("")).find((c) => c.id === a);
  assert.deepEqual([item.triage.archived, item.triage.starred, item.triage.updatedBy], [false, true, "incoming"]);
});

test("the push channel carries a triage change to the other client's socket", async () => {
  const answer = await call("/v1/live?account=alex", "triage-desk", { method: "POST" });
  assert.equal(answer.status, 200, answer.text);
  const { url } = answer.body.sockets[0];
  const frames = [];
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener("message", (e) => { frames.push(JSON.parse(e.data)); if (frames.at(-1).type === "ready") resolve(); });
    socket.addEventListener("error", reject);
  });
  const t = threads[0];
  assert.equal((await triage(t, { note: `pushed ${process.pid}` }, "triage-team")).status, 200);
  const frame = await until(() => frames.find((f) => f.type === "change" && f.conversations.some((c) => c.triage?.note === `pushed ${process.pid}`)), "the change frame");
  assert.deepEqual(frame.conversations.map((c) => c.id), [t]);
  socket.close();
});
