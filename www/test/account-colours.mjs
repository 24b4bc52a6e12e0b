// Account colours in the extension, for both browsers (live.test.mjs in Chromium,
// firefox-accounts.test.mjs in Firefox): each marker (the All view's rows, the switcher's) has
// its account's own colour, accountColour(id), and keeps it when the switcher's list changes (an
// account gone, the others in another order: served by slow-proxy.mjs's rewrite of /v1/accounts).
// `driver`: { env, setStorage(values), open(path), select(page, selector, value) }.
import assert from "node:assert/strict";
import { accountColour } from "../accounts.js";
import { TEAM, until } from "./harness.mjs";
import { startSlowProxy } from "./slow-proxy.mjs";

/** `#rrggbb` as getComputedStyle gives it. */
const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;

/** The colours shown for each account (row markers of the All view, then the switcher's marker of each). */
async function coloursShown(driver, page, ids) {
  await page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
  await until(async () => (await page.$$eval("#conversations .conversation .account-marker", (els) => els.length)) > 0, "the All view's row markers");
  const rows = await page.$$eval("#conversations .conversation .account-marker", (els) => els.map((el) => [el.dataset.account, getComputedStyle(el).backgroundColor]));
  const switcher = [];
  for (const id of ids) {
    await driver.select(page, "#account", id);
    await until(async () => page.$eval("#account-marker", (el) => el.getClientRects().length > 0), `${id}'s marker by the switcher`);
    switcher.push([id, await page.$eval("#account-marker", (el) => getComputedStyle(el).backgroundColor)]);
  }
  await driver.select(page, "#account", "all");
  return { rows, switcher };
}

export async function assertStableAccountColours(driver) {
  const { env } = driver;
  const { accounts } = await env.api("/v1/accounts", TEAM);
  const ids = accounts.map((a) => a.id);
  assert.ok(ids.length === 3, ids.join());
  assert.ok(new Set(ids.map(accountColour)).size === 3, "three accounts, three colours");
  await driver.setStorage({ proxyUrl: env.worker.base, token: TEAM, push: false, "inbox-cache-v1": null });
  let page = await driver.open("popup.html");
  const full = await coloursShown(driver, page, ids);
  await page.close();
  for (const [id, colour] of [...full.rows, ...full.switcher]) assert.equal(colour, rgb(accountColour(id)), `${id}'s marker`);
  assert.ok(new Set(full.rows.map(([id]) => id)).size >= 2, "the All view mixes accounts");

  // The switcher's list changes: the first account gone, the others reversed.
  const [gone, ...kept] = ids;
  const fewer = await startSlowProxy(env.worker.base, { rewrite: { "/v1/accounts": (body) => ({ ...body, accounts: body.accounts.filter((a) => a.id !== gone).reverse() }) } });
  try {
    await driver.setStorage({ proxyUrl: fewer.base, token: TEAM, push: false, "inbox-cache-v1": null });
    page = await driver.open("popup.html");
    await until(async () => JSON.stringify(await page.$$eval("#account option", (os) => os.map((o) => o.value))) === JSON.stringify(["all", ...[...kept].reverse()]), "the switcher's new list");
    const changed = await coloursShown(driver, page, [...kept].reverse());
    await page.close();
    assert.ok(changed.rows.length > 0 && changed.rows.every(([id]) => kept.includes(id)), JSON.stringify(changed.rows));
    for (const [id, colour] of [...changed.rows, ...changed.switcher]) assert.equal(colour, rgb(accountColour(id)), `${id}'s marker, the list changed`);
  } finally {
    fewer.stop();
  }
}
