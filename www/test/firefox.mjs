// Firefox ESR (Debian's /usr/bin/firefox-esr) driven by npm puppeteer-core over WebDriver BiDi,
// with an unpacked copy of the extension (without its test/ folder) installed as a temporary
// add-on. Its UUID is pinned (pref extensions.webextensions.uuids), so its pages are at MOZ_EXT.
// BiDi refuses to navigate to moz-extension:// URLs, so the copy's manifest lists popup.html and
// options.html as web accessible (its only change): a test opens about:blank and sets
// location.href. The copy's pages also load test-clock.js first, which fixes the date at the
// `clock` of `open(path, errors, { clock })` (as Playwright's clock.setFixedTime does in the
// Chromium tests; Firefox runs no preload script in extension pages).
// Optional permissions are granted without a prompt (pref extensions.webextOptionalPermissionPrompts
// false): Firefox still requires the request to come from a user input handler, as in use.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { AXE, AXE_TAGS, FIREFOX_UUID, MOZ_EXT, compareShots } from "./harness.mjs";

// Test only: the page's Date fixed at `?clock=<ms>` (Date.now() and new Date()), timers untouched.
const TEST_CLOCK = `{
  const fixed = Number(new URLSearchParams(location.search).get("clock"));
  if (fixed) {
    const Real = Date;
    globalThis.Date = class extends Real { constructor(...args) { super(...(args.length ? args : [fixed])); } static now() { return fixed; } };
  }
}
`;

/** A copy of `dir` whose manifest also lists the pages as web accessible (for navigation). */
function navigableCopy(dir) {
  const copy = mkdtempSync(join(tmpdir(), "inbox-firefox-ext-"));
  cpSync(dir, copy, { recursive: true, filter: (path) => !path.startsWith(join(dir, "test")) });
  const manifest = JSON.parse(readFileSync(join(copy, "manifest.json"), "utf8"));
  manifest.web_accessible_resources = [{ resources: ["popup.html", "options.html"], matches: ["<all_urls>"] }];
  writeFileSync(join(copy, "manifest.json"), JSON.stringify(manifest, null, 2));
  writeFileSync(join(copy, "test-clock.js"), TEST_CLOCK);
  for (const page of ["popup.html", "options.html"]) {
    const html = readFileSync(join(copy, page), "utf8");
    assert.ok(html.includes("<title>"), page);
    writeFileSync(join(copy, page), html.replace("<title>", `<script src="test-clock.js"></script>\n  <title>`));
  }
  return { copy, geckoId: manifest.browser_specific_settings?.gecko?.id };
}

/**
 * Firefox with the extension in `dir` installed: `{ browser, open(path, errors), close() }`.
 * `open` gives a 400×600 tab on that page of the extension; errors thrown in it go to `errors`.
 */
export async function launchFirefox(dir, { prefs = {} } = {}) {
  const { copy, geckoId } = navigableCopy(dir);
  assert.ok(geckoId, "the manifest has browser_specific_settings.gecko.id");
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: "/usr/bin/firefox-esr",
      headless: true,
      defaultViewport: { width: 400, height: 600 },
      extraPrefsFirefox: {
        "extensions.webextensions.uuids": JSON.stringify({ [geckoId]: FIREFOX_UUID }),
        "extensions.webextOptionalPermissionPrompts": false,
        "intl.locale.requested": "en-GB",
        "intl.accept_languages": "en-GB",
        ...prefs,
      },
    });
    const id = await browser.installExtension(copy);
    assert.equal(id, geckoId, "installed under its gecko id");
  } catch (error) {
    await browser?.close();
    rmSync(copy, { recursive: true, force: true });
    throw error;
  }
  const open = async (path, errors = [], { clock = null } = {}) => {
    const page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("about:blank");
    const url = `${MOZ_EXT}/${path}${clock === null ? "" : `?clock=${clock}`}`;
    await page.evaluate((to) => { location.href = to; }, url);
    await page.waitForFunction((to) => location.href === to && document.readyState === "complete", { timeout: 15000 }, url);
    return page;
  };
  /** Sets chrome.storage.local (cleared first); `"inbox-cache-v1": null` clears the paint caches (localStorage). */
  const setStorage = async ({ "inbox-cache-v1": cache, ...values }) => {
    const page = await open("options.html");
    await page.evaluate(async (v, clearCaches) => {
      await chrome.storage.local.clear();
      await chrome.storage.local.set(v);
      if (clearCaches) localStorage.clear();
    }, values, cache === null);
    await page.close();
  };
  const close = async () => {
    await browser.close();
    rmSync(copy, { recursive: true, force: true });
  };
  return { browser, open, setStorage, close };
}

/**
 * Shows `page` in the dark scheme (`dark`) or as the system has it. Puppeteer emulates media
 * features only over CDP, which Firefox does not speak: the extension's own
 * `@media (prefers-color-scheme: dark)` rules are switched on through the CSSOM instead, and the
 * page's `color-scheme` set to dark for the form controls, as the dark preference does.
 */
export const setDark = (page, dark) => page.evaluate((on) => {
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      if (!(rule instanceof CSSMediaRule)) continue;
      const text = rule.media.mediaText;
      if (on && /prefers-color-scheme:\s*dark/.test(text)) { rule.media.mediaText = "all"; window.darkRules = [...(window.darkRules ?? []), [rule, text]]; }
    }
  }
  if (!on) for (const [rule, text] of window.darkRules ?? []) rule.media.mediaText = text;
  if (!on) window.darkRules = [];
  document.documentElement.style.colorScheme = on ? "dark" : "";
  return (window.darkRules ?? []).length;
}, dark);

/** axe-core (AXE_TAGS) in light and dark on a puppeteer page: no violation. */
export async function assertAccessibleIn(page, label) {
  await page.evaluate(AXE);
  for (const dark of [false, true]) {
    const switched = await setDark(page, dark);
    if (dark) assert.ok(switched > 0, "the page has dark rules, switched on");
    const violations = await page.evaluate(async (tags) => {
      const result = await window.axe.run(document, { runOnly: tags, resultTypes: ["violations"] });
      return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
    }, AXE_TAGS);
    assert.deepEqual(violations, [], `axe, ${label}, ${dark ? "dark" : "light"}`);
  }
  await setDark(page, false);
}

/** Sets the value of the field `selector` and fires its input event, as Playwright's fill does. */
export const fill = (page, selector, value) => page.$eval(selector, (el, v) => {
  el.focus();
  el.value = v;
  el.dispatchEvent(new Event("input", { bubbles: true }));
}, value);

/** The page in light and dark matches docs/screenshots/firefox/NAME-SCHEME.png (harness.mjs's compareShots). */
export async function assertLooksLikeIn(page, name) {
  await page.evaluate(() => document.activeElement?.blur());
  const shots = {};
  for (const dark of [false, true]) {
    await setDark(page, dark);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    shots[dark ? "dark" : "light"] = Buffer.from(await page.screenshot());
  }
  await setDark(page, false);
  compareShots(`firefox/${name}`, shots);
}

/** Waits until every avatar image of `page` has loaded or failed (a puppeteer page). */
export const settleImagesIn = (page) => page.waitForFunction(() => [...document.querySelectorAll(".avatar img")].every((img) => img.complete), { timeout: 15000 });
