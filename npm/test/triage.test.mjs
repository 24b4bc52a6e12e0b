// Triage through the proxy (issue 35), the installed package against the Worker in workerd
// and the sandbox: archive, unarchive, snooze, star, label, note and listLabels; the views of
// listConversations and conversations(), with `account` (one, and "all": the client's index);
// the star also on LinkedIn (ConnectSafely's star, counted by the sandbox) or local with the
// reason; errors by field; provider keys refused.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { InboxClient } from "linkedin-inbox";
import { directConfig } from "./sandbox.mjs";
import { startProxy, ALEX_TOKEN } from "./workerd.mjs";

let proxy, team, solo, threads;
before(async () => {
  proxy = await startProxy();
  team = new InboxClient(proxy.config());
  solo = new InboxClient(proxy.config(ALEX_TOKEN));
  threads = (await solo.listConversations({ count: 20 })).items.map((c) => c.id);
  assert.ok(threads.length >= 6);
});
after(() => proxy?.stop());

async function rejection(promise) {
  try { await promise; } catch (error) { return error; }
  assert.fail("expected a rejection");
}
const idsOf = async (iterator) => { const ids = []; for await (const c of iterator) ids.push(c.id); return ids; };

test("each triage call answers the state, shared by the account's clients, and shows in the views", async () => {
  const [a, b, c] = threads;
  const archived = await solo.archive(a);
  assert.deepEqual([archived.archived, archived.updatedBy], [true, "solo"]);
  assert.equal((await team.star(b, true, { account: "alex" })).starredOn, "linkedin", "alex has ConnectSafely");
  const until = new Date(Date.now() + 86_400_000);
  assert.equal((await solo.snooze(c, until)).snoozedUntil, until.getTime());
  assert.deepEqual((await solo.label(b, { add: ["hot"] })).labels, ["hot"]);
  assert.equal((await solo.note(b, "met at the fair")).note, "met at the fair");
  const page = await team.listConversations({ account: "alex", view: "archived" });
  assert.deepEqual(page.items.map((x) => x.id), [a]);
  assert.equal(page.items[0].triage.updatedBy, "solo", "the team client sees the solo client's archive");
  assert.deepEqual((await solo.listConversations({ view: "starred" })).items.map((x) => x.id), [b]);
  assert.deepEqual((await solo.listConversations({ label: "hot" })).items.map((x) => x.id), [b]);
  assert.deepEqual((await solo.listConversations({ view: "snoozed" })).items.map((x) => x.id), [c]);
  const inbox = await idsOf(solo.conversations({ view: "inbox", count: 2 }));
  assert.ok(!inbox.includes(a) && !inbox.includes(c) && inbox.includes(b), "a walk of the view, two by two");
  assert.deepEqual(await idsOf(solo.conversations({ count: 5 })), await idsOf(solo.conversations({ count: 50 })), "no view: every conversation");
  const them = await idsOf(solo.conversations({ waiting: "them", quietDays: 0, count: 50 }));
  const me = await idsOf(solo.conversations({ waiting: "me", count: 50 }));
  assert.equal(them.filter((id) => me.includes(id)).length, 0, "whose turn: one or the other");
  assert.deepEqual(await solo.listLabels(), ["hot"]);
  assert.equal((await solo.unarchive(a)).archived, false);
  assert.equal((await solo.snooze(c, null)).snoozedUntil, null);
});

test("star: on LinkedIn through ConnectSafely once per change; a refused one stays local with the reason", async () => {
  const t = threads[5];
  const calls = async () => (await proxy.sandbox.stats()).callsByEndpoint["cs.star"];
  const before = await calls();
  const starred = await solo.star(t);
  assert.deepEqual([starred.starred, starred.starredOn, starred.starMirror], [true, "linkedin", undefined]);
  assert.deepEqual(await solo.star(t), starred, "the same call again: the same state");
  assert.equal(await calls(), before + 1, "one ConnectSafely star");
  const unstarred = await solo.star(t, false);
  assert.deepEqual([unstarred.starred, unstarred.starredOn], [false, undefined]);
  await proxy.sandbox.fault({ mode: "status", status: 500, count: 1, route: "cs.star" });
  const refused = await solo.star(t);
  assert.deepEqual([refused.starred, refused.starredOn, refused.starMirror.state, refused.starMirror.error.code], [true, "local", "failed", "UPSTREAM_ERROR"]);
  await solo.star(t, false);
});

test("account all: the views of the client's merged index", async () => {
  const b = threads[1];
  const merged = async () => {
    for (let i = 0; i < 50; i++) {
      try {
        const ids = (await team.listConversations({ account: "all", view: "starred", count: 50 })).items.map((x) => `${x.account}/${x.id}`);
        if (ids.includes(`alex/${b}`)) return ids;
      } catch (error) {
        if (error.code !== "UNAVAILABLE") throw error;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail("the merged index never showed the star");
  };
  assert.deepEqual(await merged(), [`alex/${b}`]);
});

test("bad input is INVALID_INPUT naming the field; provider keys have no triage", async () => {
  const t = threads[4];
  const past = await rejection(solo.snooze(t, Date.now() - 60_000));
  assert.deepEqual([past.code, past.field], ["INVALID_INPUT", "snoozedUntil"]);
  const note = await rejection(solo.note(t, "x".repeat(2001)));
  assert.deepEqual([note.code, note.field], ["INVALID_INPUT", "note"]);
  const label = await rejection(solo.label(t, { remove: ["never"] }));
  assert.deepEqual([label.code, label.field], ["INVALID_INPUT", "labels"]);
  const view = await rejection(solo.listConversations({ view: "spam" }));
  assert.deepEqual([view.code, view.field], ["INVALID_INPUT", "view"]);
  const unknown = await rejection(solo.listConversations({ vieww: "inbox" }));
  assert.equal(unknown.code, "INVALID_INPUT");
  assert.equal((await rejection(solo.archive("2-not-stored"))).code, "NOT_FOUND");
  const direct = new InboxClient(directConfig(proxy.sandbox.base));
  assert.equal((await rejection(direct.archive(t))).code, "NOT_SUPPORTED");
  assert.equal((await rejection(direct.listConversations({ view: "inbox" }))).code, "NOT_SUPPORTED");
  assert.equal((await solo.listConversations({ view: "archived" })).items.length, 0, "nothing was archived by the refusals");
});
