// Time from opening the popup (the extension in Chromium) to its first painted conversation,
// from the local cache and from a cold proxy; next to it, the first paint of a blank page of
// the same extension (the browser's own floor: a copy of www/ gets one, never shipped), and the
// cached opening of the popup as it was before its script was render-blocking (the copy's
// bench-unblocked.html), opened in turn with it in the same run.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const EXT = "chrome-extension://jcegmgjieaccpbogoabmpmboagcomiig";

export async function popupTimings({ www: source, proxyUrl, token, runs = 5 }) {
  const profile = mkdtempSync(join(tmpdir(), "inbox-bench-"));
  const www = mkdtempSync(join(tmpdir(), "inbox-bench-www-"));
  cpSync(source, www, { recursive: true });
  const popupHtml = readFileSync(join(www, "popup.html"), "utf8");
  if (!popupHtml.includes(' blocking="render"')) throw new Error("popup.html's script is not render-blocking: nothing to compare");
  writeFileSync(join(www, "bench-unblocked.html"), popupHtml.replace(' blocking="render"', ""));
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
  const open = async (file = "popup.html") => {
    const page = await context.newPage();
    await page.goto(`${EXT}/${file}`);
    await page.waitForFunction(() => performance.getEntriesByName("first-conversation").length > 0, null, { timeout: 20000 });
    const afterFrame = await page.evaluate(() => performance.getEntriesByName("first-conversation")[0].startTime);
    // The first row's presentation time (Element Timing), the same clock as the floor's first paint.
    const ms = await page.evaluate(() => new Promise((resolve, reject) => {
      setTimeout(() => reject(new Error("no Element Timing entry for the first row")), 20000);
      new PerformanceObserver((list, observer) => {
        const entry = list.getEntries().find((e) => e.identifier === "first-conversation");
        if (entry) { observer.disconnect(); resolve(entry.renderTime); }
      }).observe({ type: "element", buffered: true });
    }));
    // A frame drawn before the one with the rows (the first contentful paint earlier than the row's).
    await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, null, { timeout: 20000 });
    const frameBefore = await page.evaluate((row) => performance.getEntriesByName("first-contentful-paint")[0].startTime < row, ms);
    await page.waitForSelector("body[data-state=ready]", { timeout: 20000 });
    timings.rows.push(await visibleRows(page));
    await page.close();
    return { ms, afterFrame, frameBefore };
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
  // cold, cached: the first row painted; *AfterFrame: the task after that frame (the mark).
  const timings = { cold: [], cached: [], blank: [], rows: [], coldAfterFrame: [], cachedAfterFrame: [], unblocked: [], unblockedAfterFrame: [], framesBefore: { cached: 0, unblocked: 0 } };
  for (let i = 0; i < runs; i++) {
    await setup.evaluate((v) => { localStorage.clear(); return chrome.storage.local.clear().then(() => chrome.storage.local.set(v)); }, { proxyUrl, token });
    await fetch(`${proxyUrl}/v1/refresh`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    for (const [from, file] of [["cold", "popup.html"], ["cached", "popup.html"], ["unblocked", "bench-unblocked.html"]]) {
      const { ms, afterFrame, frameBefore } = await open(file);
      timings[from].push(ms);
      timings[`${from}AfterFrame`].push(afterFrame);
      if (from !== "cold" && frameBefore) timings.framesBefore[from] += 1;
    }
    timings.blank.push(await blank());
  }
  // The machine's 1-minute load average at the end (this bench shares its cores with others).
  timings.load = loadavg()[0];
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(www, { recursive: true, force: true });
  return timings;
}

/** Section 5 of bench/RESULTS.md from `popupTimings`' figures. */
export function popupSection(popup, { say, table, fmt }) {
  const sorted = (list) => [...list].sort((a, b) => a - b);
  const median = (list) => sorted(list)[Math.floor(list.length / 2)];
  const stat = (list) => `${fmt(sorted(list)[0])} / ${fmt(median(list))}`;
  say("## 5. Popup: opening to first painted conversation (ms, min / median of 5)");
  say();
  say("Painted: the first row's name presented on screen (Element Timing's renderTime, the clock of the floor's first contentful paint). The task after that frame: the popup's mark in the first task that runs after it, later by whatever the popup ran in between (the measure of earlier runs of this section).");
  say();
  table(["from", "painted ms", "the task after that frame ms", "target"], [
    ["local cache", stat(popup.cached), stat(popup.cachedAfterFrame), "under 100 ms"],
    ["local cache, the script not render-blocking (as before)", stat(popup.unblocked), stat(popup.unblockedAfterFrame), "—"],
    ["cold proxy (refreshed, 150 ms provider)", stat(popup.cold), stat(popup.coldAfterFrame), "—"],
    ["floor: first paint of a blank page of the same extension", stat(popup.blank), "—", "—"],
  ]);
  say(`Openings from the local cache that drew a frame without the rows first: ${popup.framesBefore.cached} of ${popup.cached.length} (render-blocking script), ${popup.framesBefore.unblocked} of ${popup.unblocked.length} (not render-blocking; the two opened in turn).`);
  say();
  say(`From the local cache the first conversation is painted ${fmt(median(popup.cached) - median(popup.blank))} ms (medians) after the moment this browser paints a page with nothing to load; the rest is Chromium opening an extension page on this machine.`);
  say();
  say(`The machine's 1-minute load average as this section ended: ${fmt(popup.load)}.`);
  say();
  say(`Conversations wholly visible in the 400×600 popup once the inbox is in: ${Math.min(...popup.rows)} (fewest of ${popup.rows.length} openings; target: at least 8).`);
  say();
}
