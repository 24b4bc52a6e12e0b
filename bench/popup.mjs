// Time from opening the popup (the extension in Chromium) to its first painted conversation,
// from the local cache and from a cold proxy; next to it, the first paint of a blank page of
// the same extension (the browser's own floor: a copy of www/ gets one, never shipped).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const EXT = "chrome-extension://jcegmgjieaccpbogoabmpmboagcomiig";

export async function popupTimings({ www: source, proxyUrl, token, runs = 5 }) {
  const profile = mkdtempSync(join(tmpdir(), "inbox-bench-"));
  const www = mkdtempSync(join(tmpdir(), "inbox-bench-www-"));
  cpSync(source, www, { recursive: true });
  writeFileSync(join(www, "bench-blank.html"), "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>blank</title></head><body><p>blank</p></body></html>\n");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium", headless: true, viewport: { width: 400, height: 600 },
    ignoreDefaultArgs: ["--disable-extensions"],
    args: [`--disable-extensions-except=${www}`, `--load-extension=${www}`, "--no-sandbox", "--disable-gpu",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  // The rows wholly inside the list's visible area of the 400×600 popup, once the inbox is in.
  const visibleRows = (page) => page.evaluate(() => {
    const area = document.getElementById("inbox-scroll").getBoundingClientRect();
    return [...document.querySelectorAll("#conversations .conversation")]
      .map((row) => row.getBoundingClientRect())
      .filter((r) => r.top >= area.top - 0.5 && r.bottom <= area.bottom + 0.5 && r.bottom <= innerHeight + 0.5).length;
  });
  const open = async () => {
    const page = await context.newPage();
    await page.goto(`${EXT}/popup.html`);
    await page.waitForFunction(() => performance.getEntriesByName("first-conversation").length > 0, null, { timeout: 20000 });
    const ms = await page.evaluate(() => performance.getEntriesByName("first-conversation")[0].startTime);
    await page.waitForSelector("body[data-state=ready]", { timeout: 20000 });
    timings.rows.push(await visibleRows(page));
    await page.close();
    return ms;
  };
  const blank = async () => {
    const page = await context.newPage();
    await page.goto(`${EXT}/bench-blank.html`);
    await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, null, { timeout: 20000 });
    const ms = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0].startTime);
    await page.close();
    return ms;
  };
  const setup = await context.newPage();
  await setup.goto(`${EXT}/options.html`);
  const timings = { cold: [], cached: [], blank: [], rows: [] };
  for (let i = 0; i < runs; i++) {
    await setup.evaluate((v) => { localStorage.clear(); return chrome.storage.local.clear().then(() => chrome.storage.local.set(v)); }, { proxyUrl, token });
    await fetch(`${proxyUrl}/v1/refresh`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    timings.cold.push(await open());
    timings.cached.push(await open());
    timings.blank.push(await blank());
  }
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(www, { recursive: true, force: true });
  return timings;
}
