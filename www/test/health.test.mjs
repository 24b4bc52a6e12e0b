// An account whose LinkedIn session the provider refuses, in the installed
// extension: its entry in the switcher says it needs reconnecting, the inbox says to ask the
// admin, and the popup asks nothing again because of it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEnvironment, TEAM, until } from "./harness.mjs";

let env;
before(async () => { env = await startEnvironment({ team: true }); });
after(async () => { await env?.stop(); });

const NOTICE = "This LinkedIn account needs to be reconnected; ask your admin.";
const switcher = (page) => page.$$eval("#account option", (options) => options.map((o) => [o.value, o.textContent, o.dataset.health ?? null]));
const notice = (page) => page.$eval("#account-health", (el) => (el.hidden ? null : el.textContent));

test("a session_expired account: marked in the switcher, the inbox's notice, no retry loop", async () => {
  // Priya's LinkupAPI session is refused once (the sandbox's v1 401 INVALID_LOGIN_TOKEN).
  const { items } = await env.api("/v1/conversations?account=priya&count=5", TEAM);
  await env.sandbox.fault({ mode: "status", status: 401, endpoint: "linkup", count: 1 });
  const thread = `${env.worker.base}/v1/conversations/${encodeURIComponent(items[0].id)}/messages?account=priya&count=5`;
  const refused = await fetch(thread, { headers: { authorization: `Bearer ${TEAM}` } });
  await refused.text();
  assert.equal(refused.status, 502);
  const { accounts } = await env.api("/v1/accounts", TEAM);
  assert.deepEqual(accounts.map((a) => [a.id, a.health.state]), [["alex", "ok"], ["titouan", "ok"], ["priya", "session_expired"]]);

  await env.setStorage({ proxyUrl: env.worker.base, token: TEAM, "inbox-cache-v1": null });
  const errors = [];
  const page = await env.openPopup(errors);
  const asked = [];
  page.on("request", (request) => asked.push(new URL(request.url()).pathname));
  await page.waitForSelector("body[data-state=ready]");
  await until(async () => (await notice(page)) !== null, "the account notice");
  const entries = await switcher(page);
  assert.deepEqual(entries.map(([id, , health]) => [id, health]), [["all", null], ["alex", "ok"], ["titouan", "ok"], ["priya", "session_expired"]]);
  assert.match(entries[3][1], /^Priya Iyer \((\d+ unread, )?needs reconnecting\)$/);
  assert.ok(entries.slice(1, 3).every(([, text]) => !text.includes("reconnect")), JSON.stringify(entries));
  assert.equal(await notice(page), `Priya Iyer: ${NOTICE}`, "the All view names the account");

  await page.selectOption("#account", "alex");
  await until(async () => (await notice(page)) === null, "no notice for alex");
  await page.selectOption("#account", "priya");
  await until(async () => (await notice(page)) === NOTICE, "priya's notice");
  assert.equal(await page.isVisible("#account-health"), true);
  await page.waitForSelector("body[data-state=ready]");
  // Priya's list still comes (ConnectSafely lists it); nothing is asked again on a timer.
  await until(async () => (await page.$$eval("#conversations .conversation", (rows) => rows.length)) > 0, "priya's list");
  await new Promise((r) => setTimeout(r, 500));
  const before = asked.length;
  await new Promise((r) => setTimeout(r, 3_000));
  assert.deepEqual(asked.slice(before), [], "no request while the popup sits open");
  assert.equal(asked.filter((p) => p === "/v1/accounts").length <= 1, true, `accounts asked ${asked.filter((p) => p === "/v1/accounts").length} times`);
  assert.deepEqual(errors, []);
  await page.close();
});
