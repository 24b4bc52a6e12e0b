// Triage in the real extension (Chromium), against the Worker in workerd and the sandbox: the
// keyboard on the focused row and in a thread (e, h, s, l, n, z, g i/a/s/h, ?), the Undo toast,
// the views menu, rows leaving their view (animated, or at once with reduced motion), and axe in
// every view and dialog, light and dark. Each action is checked in the proxy's own answers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ALEX, activeId, assertAccessible, expectedNames, names, startEnvironment, until } from "./harness.mjs";

let env, page;
const errors = [];
before(async () => {
  env = await startEnvironment();
  await env.setStorage({ proxyUrl: env.worker.base, token: ALEX });
  page = await env.openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
});
after(async () => {
  await page?.close();
  await env?.stop();
  assert.deepEqual(errors, [], "no error thrown in the popup");
});

const ids = () => page.$$eval("#conversations .conversation", (els) => els.map((e) => e.dataset.id));
const rowOf = (id) => `#conversations .conversation[data-id="${id}"]`;
const triageOf = async (id) => {
  // No view: every conversation, whatever its triage.
  const { items } = await env.api("/v1/conversations?count=100");
  return items.find((c) => c.id === id)?.triage ?? {};
};
// The popup applies a change at once, before the proxy answers: the proxy is asked until it agrees.
const proxyAgrees = (id, agrees, what) => until(async () => agrees(await triageOf(id)), `the proxy: ${what}`);
const view = async (name) => (await env.api(`/v1/conversations?count=20&${name}`)).items.map((c) => c.id);
const toast = () => page.$eval("#toast", (el) => (el.hidden ? null : el.querySelector("#toast-text").textContent));
const settled = () => page.waitForFunction(() => document.getElementById("conversations").getAttribute("aria-busy") === "false", null, { timeout: 15000 });
const shows = async (expected, what) => until(async () => JSON.stringify(await ids()) === JSON.stringify(await expected()), what);

test("archive from the focused row with e, undo with z: the row leaves and comes back at its place; the proxy agrees", async () => {
  assert.deepEqual(await names(page), expectedNames((await env.api("/v1/conversations?count=20&view=inbox")).items), "the Inbox view is the proxy's");
  const before = await ids();
  const target = before[2];
  await page.focus(rowOf(target));
  await page.keyboard.press("e");
  await until(async () => !(await ids()).includes(target), "the row leaves the inbox (at once, before the proxy answers)");
  // The toast once the proxy has answered.
  await until(async () => (await toast()) === "Archived", "the toast");
  await until(async () => (await page.textContent("#triage-status")) === "Archived", "announced");
  assert.equal(await activeId(page), before[3], "focus moves to the next row");
  assert.equal((await triageOf(target)).archived, true);
  assert.ok((await view("view=archived")).includes(target));
  assert.ok(!(await view("view=inbox")).includes(target));
  await page.keyboard.press("z");
  await until(async () => (await ids()).includes(target), "undone: the row is back");
  assert.deepEqual((await ids()).slice(0, before.length), before, "at its place");
  await proxyAgrees(target, (t) => (t.archived ?? false) === false, "not archived");
  await until(async () => /^Undone: /.test(await page.textContent("#triage-status")), "the undo announced");
});

test("star with s, the Starred view with g s, the Inbox with g i; a label from the dialog, its view from the menu", async () => {
  const target = (await ids())[0];
  await page.focus(rowOf(target));
  await page.keyboard.press("s");
  await page.waitForSelector(`${rowOf(target)} .star`);
  await proxyAgrees(target, (t) => t.starred === true, "starred");
  // Alex has ConnectSafely: the star is set on LinkedIn too, and the toast says so.
  await until(async () => (await toast()) === "Starred on LinkedIn", "the star's toast");
  await page.keyboard.press("g");
  await page.keyboard.press("s");
  await settled();
  await shows(() => view("view=starred"), "the Starred view");
  assert.equal(await page.inputValue("#view"), "starred");
  await assertAccessible(page, "starred view");

  await page.focus(rowOf(target));
  await page.keyboard.press("l");
  await page.waitForSelector("#label-dialog[open]");
  await assertAccessible(page, "label dialog");
  await page.fill("#label-new", "Hot leads");
  await page.keyboard.press("Enter");
  assert.equal(await page.isChecked('#label-choices input[value="Hot leads"]'), true, "a new label is checked");
  await page.click('#label-dialog button[value="save"]');
  await page.waitForSelector(`${rowOf(target)} .row-label`);
  await proxyAgrees(target, (t) => JSON.stringify(t.labels) === JSON.stringify(["Hot leads"]), "labelled Hot leads");
  await page.selectOption("#view", "label:Hot leads");
  await settled();
  await shows(() => view(`label=${encodeURIComponent("Hot leads")}`), "the label's view");
  assert.deepEqual(await ids(), [target]);
  await assertAccessible(page, "a label's view");
  await page.keyboard.press("g");
  await page.keyboard.press("i");
  await settled();
  await shows(() => view("view=inbox"), "back to the Inbox");
});

test("snooze with h: the dialog's choices, the row leaves, the Snoozed view shows it until its time; wake it now", async () => {
  const target = (await ids())[1];
  await page.focus(rowOf(target));
  await page.keyboard.press("h");
  await page.waitForSelector("#snooze-dialog[open]");
  await assertAccessible(page, "snooze dialog");
  const choices = await page.$$eval("#snooze-choices button", (els) => els.map((b) => [b.querySelector("span").textContent, Number(b.value)]));
  assert.ok(choices.some(([name]) => name === "Tomorrow") && choices.every(([, until]) => until > Date.now()), JSON.stringify(choices));
  const tomorrow = choices.find(([name]) => name === "Tomorrow")[1];
  await page.click('#snooze-choices button:has-text("Tomorrow")');
  await until(async () => !(await ids()).includes(target), "the snoozed row leaves the inbox");
  await until(async () => /^Snoozed until /.test((await toast()) ?? ""), "the toast");
  assert.equal((await triageOf(target)).snoozedUntil, tomorrow);
  await page.keyboard.press("g");
  await page.keyboard.press("h");
  await settled();
  await shows(() => view("view=snoozed"), "the Snoozed view");
  assert.ok((await ids()).includes(target));
  await assertAccessible(page, "snoozed view");
  await page.focus(rowOf(target));
  await page.keyboard.press("h");
  await page.waitForSelector("#snooze-dialog[open]");
  await page.click("#snooze-remove");
  await until(async () => !(await ids()).includes(target), "woken: it leaves the Snoozed view");
  await proxyAgrees(target, (t) => (t.snoozedUntil ?? null) === null, "not snoozed");
  await page.keyboard.press("g");
  await page.keyboard.press("i");
  await settled();
});

test("in a thread: n writes a private note (Ctrl+Enter saves), e archives and goes back, the toast's Undo button undoes it; ? lists the shortcuts", async () => {
  const target = (await ids())[3];
  await page.click(rowOf(target));
  await page.waitForSelector("#messages .message", { timeout: 15000 });
  await page.locator("#thread-scroll").focus();
  await page.keyboard.press("n");
  await page.waitForSelector("#note-dialog[open]");
  await page.fill("#note-text", "Call back after the Q1 budget");
  await page.keyboard.press("Control+Enter");
  await until(async () => (await triageOf(target)).note === "Call back after the Q1 budget", "the note stored");
  assert.equal(await page.isVisible("#thread-view"), true, "a note keeps the thread open");
  await page.keyboard.press("e");
  await page.waitForSelector("#inbox-view:not([hidden])");
  await until(async () => !(await ids()).includes(target), "archived from the thread");
  await page.click("#toast-undo");
  await until(async () => (await ids()).includes(target), "the Undo button brings it back");
  await proxyAgrees(target, (t) => (t.archived ?? false) === false, "not archived");
  // The actions are reachable by mouse from the thread's header.
  await page.click(rowOf(target));
  await page.click("#thread-actions");
  await page.waitForSelector("#actions-dialog[open]");
  await assertAccessible(page, "triage actions");
  await page.click('#actions-dialog button[data-action="star"]');
  await until(async () => (await triageOf(target)).starred === true, "starred by mouse");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#inbox-view:not([hidden])");
  await page.keyboard.press("?");
  await page.waitForSelector("#shortcuts-dialog[open]");
  assert.match(await page.textContent("#shortcuts-dialog"), /Archive.*Snooze.*Star.*Labels.*Note.*Undo/s);
  await assertAccessible(page, "shortcuts");
  await page.keyboard.press("Escape");
  assert.equal(await page.isVisible("#shortcuts-dialog"), false);
  assert.equal(await page.isVisible("#inbox-view"), true, "Esc closed the dialog only");
});

test("with reduced motion a row leaves at once; otherwise it animates out", async () => {
  // The leaving row's animation, as the stylesheet gives it under each preference.
  const animationOfLeaving = () => page.evaluate(() => {
    const item = document.querySelector("#conversations li");
    item.classList.add("leaving");
    const name = getComputedStyle(item).animationName;
    item.classList.remove("leaving");
    return name;
  });
  for (const [reduced, expected] of [[false, "leave-view"], [true, "none"]]) {
    await page.emulateMedia({ reducedMotion: reduced ? "reduce" : "no-preference" });
    assert.equal(await animationOfLeaving(), expected, `reduced motion: ${reduced}`);
    const target = (await ids())[0];
    await page.focus(rowOf(target));
    await page.keyboard.press("e");
    await until(async () => !(await ids()).includes(target), "the row left");
    // Undo is offered once the proxy has answered (its toast).
    await until(async () => (await toast()) === "Archived", "the toast");
    await page.keyboard.press("z");
    await until(async () => (await ids()).includes(target), "back");
  }
  await page.emulateMedia({ reducedMotion: "no-preference" });
  await assertAccessible(page, "inbox view");
});

test("an empty view is a screen of its own whose one action goes back to the Inbox", async () => {
  assert.deepEqual(await view("view=archived"), [], "nothing archived after the undos");
  await page.keyboard.press("g");
  await page.keyboard.press("a");
  await page.waitForSelector("#inbox-view[data-screen=empty]");
  assert.equal(await page.textContent("#end-of-list"), "Nothing in Archived.");
  assert.equal(await page.textContent("#empty-action"), "Back to Inbox");
  await assertAccessible(page, "the empty Archived view");
  await page.click("#empty-action");
  await settled();
  await shows(() => view("view=inbox"), "back to the Inbox");
  assert.equal(await page.inputValue("#view"), "inbox");
});

test("the Archived view with a row in it, and the two waiting views, are the proxy's and axe clean", async () => {
  const target = (await ids())[1];
  await page.focus(rowOf(target));
  await page.keyboard.press("e");
  await until(async () => (await triageOf(target)).archived === true, "archived");
  await page.keyboard.press("g");
  await page.keyboard.press("a");
  await settled();
  await shows(() => view("view=archived"), "the Archived view");
  await assertAccessible(page, "the Archived view");
  // In the Archived view, e moves it back to the inbox (and out of this view).
  await page.focus(rowOf(target));
  await page.keyboard.press("e");
  await until(async () => ((await triageOf(target)).archived ?? false) === false, "back in the inbox");
  for (const [id, query] of [["waiting-me", "view=inbox&waiting=me"], ["waiting-them", "view=inbox&waiting=them&quietDays=3"]]) {
    await page.keyboard.press("g");
    await page.keyboard.press("i");
    await settled();
    await page.selectOption("#view", id);
    await settled();
    await shows(() => view(query), id);
    await assertAccessible(page, `the ${id} view`);
  }
  await page.keyboard.press("g");
  await page.keyboard.press("i");
  await settled();
});
