// Nothing cut at 400 px, for both browsers (axe-matrix.test.mjs in Chromium,
// firefox-axe-matrix.test.mjs in Firefox): the search's placeholder and the account switcher's
// text (measured in the element's own font, against its content box: neither an input's
// placeholder nor a select's text shows in scrollWidth), and the bars' contents
// (scrollWidth <= clientWidth).
// `driver`: { env, setStorage(values), open(path) }.
import assert from "node:assert/strict";
import { ALEX, TEAM, until } from "./harness.mjs";

/** What `selector` shows (`text`) against the room its content box has, in px; and the bars. */
const room = (page) => page.evaluate(() => {
  const measure = (el, text) => {
    const style = getComputedStyle(el);
    const context = document.createElement("canvas").getContext("2d");
    context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    // A select drawn by the browser keeps room for its arrow inside the padding box (about 20 px).
    const arrow = el.tagName === "SELECT" && style.appearance !== "none" ? 20 : 0;
    const inner = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - arrow;
    return { text, width: Math.ceil(context.measureText(text).width), room: inner, scroll: el.scrollWidth, client: el.clientWidth };
  };
  const search = document.getElementById("search"), account = document.getElementById("account");
  const shown = (el) => el.getClientRects().length > 0;
  return {
    innerWidth,
    placeholder: measure(search, search.placeholder),
    switcher: shown(account) ? measure(account, account.selectedOptions[0].textContent) : null,
    bars: [...document.querySelectorAll("#inbox-view .bar, #inbox-view .search")].map((bar) => ({ scroll: bar.scrollWidth, client: bar.clientWidth })),
    updated: document.getElementById("updated").textContent,
  };
});

const assertWhole = (shown, label) => {
  assert.equal(shown.innerWidth, 400, label);
  for (const [what, m] of [["the search's placeholder", shown.placeholder], ["the switcher", shown.switcher]]) {
    if (!m) continue;
    assert.ok(m.width <= m.room, `${label}: ${what} “${m.text}” needs ${m.width} px, has ${m.room}`);
    assert.ok(m.scroll <= m.client, `${label}: ${what} overflows ${JSON.stringify(m)}`);
  }
  for (const bar of shown.bars) assert.ok(bar.scroll <= bar.client, `${label}: a bar overflows ${JSON.stringify(bar)}`);
};

export async function assertWholeAt400(driver) {
  await driver.setStorage({ proxyUrl: driver.env.worker.base, token: ALEX, push: false, "inbox-cache-v1": null });
  let page = await driver.open("popup.html");
  await page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
  await until(async () => (await room(page)).updated === "updated just now", "the time of the update");
  assertWhole(await room(page), "one account");
  // The longest the time beside Refresh gets, as the list's own code writes it (its modules, imported again, share the page).
  await page.evaluate(async () => {
    const [{ state }, { showUpdated }] = await Promise.all([import("./popup-state.js"), import("./list.js")]);
    state.updatedAt = Date.now() - 59 * 60_000;
    showUpdated();
  });
  assert.equal((await room(page)).updated, "updated 59 min ago");
  assertWhole(await room(page), "one account, updated 59 min ago");
  await page.close();

  // Each account's list read once: the proxy knows every unread count (the switcher shows the sum).
  for (const account of ["alex", "titouan", "priya"]) await driver.env.api(`/v1/conversations?count=20&account=${account}`, TEAM);
  await driver.setStorage({ proxyUrl: driver.env.worker.base, token: TEAM, push: false, "inbox-cache-v1": null });
  page = await driver.open("popup.html");
  await page.waitForSelector("body[data-state=ready]", { timeout: 15000 });
  await until(async () => /^All accounts \(\d+ unread\)$/.test((await room(page)).switcher?.text ?? ""), "the All view's count in the switcher");
  const shown = await room(page);
  assertWhole(shown, "all accounts");
  await page.close();
}
