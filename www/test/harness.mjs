// Shared by the popup tests: one sandbox, one Worker in workerd and one Chromium with the
// extension loaded (--load-extension) per test file (Firefox: firefox.mjs); helpers to open pages, wait, run axe-core
// and compare screenshots with the committed baselines (docs/screenshots/).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { PNG } from "pngjs";
import pixelmatch from "pixelmatch";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { call, startWorker } from "../../tests/js/worker.mjs";
import { serveWww } from "../../scripts/serve-www.mjs";
import { writePopupBundle } from "../../scripts/bundle-popup.mjs";

export const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const WWW = join(repo, "www");
export const BASELINES = join(repo, "docs", "screenshots");
export const EXTENSION_ID = "jcegmgjieaccpbogoabmpmboagcomiig";
export const EXT = `chrome-extension://${EXTENSION_ID}`;
// Firefox gives each install a random UUID; the tests pin it (firefox.mjs) and the proxy's
// clients allow that origin too.
export const FIREFOX_UUID = "6f1c3a52-8d3e-4b1a-9c57-2e0d4f6a7b81";
export const MOZ_EXT = `moz-extension://${FIREFOX_UUID}`;
export const ALEX = "popup-alex-token", PRIYA = "popup-priya-token";
// Accounts served by one provider only: the popup works unchanged.
export const CS_ONLY = "popup-cs-only-token", LK_ONLY = "popup-lk-only-token";
// A client the proxy knows but whose allowed origins do not include the extension.
export const ELSEWHERE = "popup-elsewhere-token";
// Titouan's account, used by no other test: its lists are never in the proxy's store.
export const TITOUAN = "popup-titouan-token";
// A client of the three demo accounts (the registry form), with both providers' webhook
// secrets: started only by the test files that ask for it (`startEnvironment({ team: true })`).
export const TEAM = "popup-team-token";
export const TEAM_ACCOUNTS = [
  ["alex", "Alex Morgan", "696ce9e780e0483585e4e553"],
  ["titouan", "Titouan Prioux", "5f1b2c3d4e5f60718293a4b5"],
  ["priya", "Priya Iyer", "6a7b8c9d0e1f2a3b4c5d6e7f"],
].map(([id, label, account]) => ({
  id, label, account, loginToken: `demo-login-token-${id}`,
  connectsafelyWebhookSecret: `popup-cs-webhook-secret-${id}`, linkupWebhookSecret: `popup-lk-webhook-secret-${id}`,
}));
// The sandbox's data anchor (sandbox/src/data.rs ANCHOR_MS): screenshots run at this time.
export const ANCHOR_MS = 1_771_950_346_603;
export const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
/** The axe-core rules the popup passes: WCAG 2.0, 2.1 and 2.2 A/AA (2.2 adds target size; axe-core has no 2.2 A rule), and best practices. */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

export function launchChromium(extensionDir, profile) {
  return chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 400, height: 600 },
    locale: "en-GB",
    timezoneId: "Europe/London",
    ignoreDefaultArgs: ["--disable-extensions"],
    args: [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`, "--no-sandbox", "--disable-gpu",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
      "--font-render-hinting=none", "--disable-lcd-text", "--force-color-profile=srgb", "--hide-scrollbars"],
  });
}

/**
 * Starts everything; returns the environment the tests use (call `stop()` after).
 * `chromium: false`: the sandbox and the Worker only (the Firefox tests start their browser).
 */
export async function startEnvironment({ team = false, chromium: withChromium = true } = {}) {
  // The popup runs its bundle (scripts/bundle-popup.mjs): a test run alone tests the sources as they are.
  writePopupBundle();
  const env = {};
  env.stop = async () => {
    await env.context?.close();
    env.www?.server.close();
    await env.worker?.stop();
    env.sandbox?.stop();
    if (env.profile) rmSync(env.profile, { recursive: true, force: true });
  };
  try {
    env.sandbox = await startSandbox(["--daily-limit", "100000"]);
    // The page server listens first (port 0: no other process can take its port meanwhile);
    // its origin goes into the Worker's registry, the Worker's URL into its demo config.
    env.www = await serveWww({ proxyUrl: () => env.worker?.base, token: ALEX });
    const wwwPort = new URL(env.www.base).port;
    env.worker = await startWorker({
      sandboxBase: env.sandbox.base,
      // The tests page through whole inboxes quickly, many times: no client rate limit and a large
      // provider budget (the rate-limited notice comes from the provider sandbox).
      // A send whose outcome is unknown may be sent again 3 s after it began (timeout + settle).
      vars: { RATE_LIMIT_PER_MINUTE: "0", CONNECTSAFELY_DAILY_LIMIT: "100000", LINKUP_DAILY_CREDIT_CAP: "100000", UPSTREAM_TIMEOUT_MS: "3000", SEND_SETTLE_SECS: "0" },
      clients: [
        { name: "alex", token: ALEX, account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex", origins: [EXT, MOZ_EXT, `http://127.0.0.1:${wwwPort}`] },
        { name: "priya", token: PRIYA, account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya", origins: [EXT, MOZ_EXT] },
        { name: "cs-only", token: CS_ONLY, account: "696ce9e780e0483585e4e553", loginToken: null, origins: [EXT, MOZ_EXT] },
        { name: "lk-only", token: LK_ONLY, account: null, loginToken: null, linkupAccountId: "lk_acc_696ce9e780e0483585e4e553", origins: [EXT, MOZ_EXT] },
        { name: "elsewhere", token: ELSEWHERE, account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex", origins: ["https://elsewhere.example"] },
        { name: "titouan", token: TITOUAN, account: "5f1b2c3d4e5f60718293a4b5", loginToken: "demo-login-token-titouan", origins: [EXT, MOZ_EXT] },
        ...(team ? [{ name: "team", token: TEAM, origins: [EXT, MOZ_EXT], accounts: TEAM_ACCOUNTS }] : []),
      ],
    });
    if (withChromium) {
      env.profile = mkdtempSync(join(tmpdir(), "inbox-chromium-"));
      env.context = await launchChromium(WWW, env.profile);
    }
  } catch (error) {
    // What started is stopped: a failed start never leaves processes behind (nor a hung run).
    await env.stop();
    throw error;
  }
  /** The Worker's answer (checked against docs/openapi.yaml), for comparing with the popup. */
  env.api = async (path, token = ALEX) => (await call(env.worker.base, path, { authorization: `Bearer ${token}` })).body;
  /** An answer of the Worker without the OpenAPI check (routes the document may not list yet). */
  env.raw = async (path, token = ALEX, init = {}) => {
    const response = await fetch(`${env.worker.base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
    const text = await response.text();
    assert.ok(response.ok, `${path}: HTTP ${response.status} ${text}`);
    return JSON.parse(text);
  };
  /**
   * A message arriving in one of the team's accounts: the sandbox adds it to its data and POSTs
   * the signed ConnectSafely and LinkupAPI webhooks to the Worker's routes of that account
   * (registered first, with the secrets the Worker's registry has).
   */
  env.simulate = async (accountId, body) => {
    const account = TEAM_ACCOUNTS.find((a) => a.id === accountId);
    for (const [provider, secret] of [["connectsafely", account.connectsafelyWebhookSecret], ["linkup", account.linkupWebhookSecret]]) {
      const target = { provider, account: account.account, url: `${env.worker.base}/v1/webhooks/${provider}/${account.id}`, secret };
      const registered = await (await fetch(`${env.sandbox.base}/__sandbox/webhooks`, { method: "POST", body: JSON.stringify(target) })).json();
      assert.ok(registered.webhooks, JSON.stringify(registered));
    }
    const response = await fetch(`${env.sandbox.base}/__sandbox/simulate`, { method: "POST", body: JSON.stringify({ account: account.account, ...body }) });
    const answer = await response.json();
    assert.equal(response.status, 200, JSON.stringify(answer));
    assert.deepEqual(answer.deliveries.map((d) => `${d.provider} ${d.outcome} ${d.status}`).sort(),
      ["connectsafely delivered 200", "linkup delivered 200"], JSON.stringify(answer.deliveries));
    return answer;
  };
  /** Sets chrome.storage.local; `"inbox-cache-v1": null` clears the paint caches (localStorage). */
  env.setStorage = async ({ "inbox-cache-v1": cache, ...values }) => {
    const page = await env.context.newPage();
    await page.goto(`${EXT}/options.html`);
    await page.evaluate((v) => chrome.storage.local.clear().then(() => chrome.storage.local.set(v)), values);
    if (cache === null) await page.evaluate(() => localStorage.clear());
    await page.close();
  };
  /** The extension's service worker (background.js), for its badge and notifications. */
  env.serviceWorker = async () => {
    const running = env.context.serviceWorkers().find((w) => w.url().startsWith(EXT));
    return running ?? env.context.waitForEvent("serviceworker", { predicate: (w) => w.url().startsWith(EXT), timeout: 15000 });
  };
  env.openPopup = async (errors = [], { clock = null, path = "popup.html" } = {}) => {
    const page = await env.context.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    if (clock !== null) await page.clock.setFixedTime(clock);
    await page.goto(`${EXT}/${path}`);
    return page;
  };
  return env;
}

/**
 * Headless Chromium opens the host-permission prompt of the options' Save but never answers it
 * (no one can click it), so Save would wait for ever: a page that saves gets a prompt that
 * answers at once with `granted`.
 */
export const answerPermissionPrompt = (page, granted = true) => page.evaluate((g) => { chrome.permissions.request = async () => g; }, granted);

export const names = (page) => page.$$eval("#conversations .conversation .name", (els) => els.map((e) => e.textContent));
export const expectedNames = (items) => items.map((c) => c.participants.map((p) => p.name).join(", "));
export const activeId = (page) => page.evaluate(() => document.activeElement?.dataset.id ?? document.activeElement?.id ?? document.activeElement?.tagName);

/**
 * Holds the answers to the page's sends (POST …/messages) until the function it returns is
 * called: the request reaches the proxy, its answer waits. Remove with `page.unrouteAll()`.
 */
export async function holdSendAnswers(page) {
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route((url) => url.pathname.endsWith("/messages"), async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
  });
  return release;
}

export async function until(fn, what, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** axe-core (AXE_TAGS) in light and dark: no violation. */
export async function assertAccessible(page, label) {
  await page.evaluate(AXE);
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    const violations = await page.evaluate(async (tags) => {
      const result = await window.axe.run(document, { runOnly: tags, resultTypes: ["violations"] });
      return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1, 2).join("")}`).join(" | ")}`);
    }, AXE_TAGS);
    assert.deepEqual(violations, [], `axe, ${label}, ${scheme}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

const MAX_DIFF_SHARE = 0.002;

/**
 * Compares the page in light and dark with docs/screenshots/NAME-SCHEME.png (compareShots).
 */
export async function assertLooksLike(page, name) {
  await page.evaluate(() => document.activeElement?.blur());
  const shots = {};
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    shots[scheme] = await page.screenshot({ animations: "disabled", caret: "hide" });
  }
  await page.emulateMedia({ colorScheme: "light" });
  compareShots(name, shots);
}

/**
 * `shots` (`{ light, dark }` PNGs) against docs/screenshots/NAME-SCHEME.png: at most 0.2 % of
 * pixels may differ (anti-aliasing); the diff image goes to a temp dir on failure. With
 * UPDATE_BASELINES=1 the baselines are rewritten instead (on purpose only).
 */
export function compareShots(name, shots) {
  const failures = [];
  for (const [scheme, shot] of Object.entries(shots)) {
    const file = join(BASELINES, `${name}-${scheme}.png`);
    const label = `${name}-${scheme}`.replaceAll("/", "-");
    if (process.env.UPDATE_BASELINES === "1") { mkdirSync(dirname(file), { recursive: true }); writeFileSync(file, shot); continue; }
    if (!existsSync(file)) { failures.push(`${file}: no baseline (run with UPDATE_BASELINES=1 on purpose)`); continue; }
    const expected = PNG.sync.read(readFileSync(file));
    const actual = PNG.sync.read(shot);
    if (expected.width !== actual.width || expected.height !== actual.height) {
      failures.push(`${label}: size ${actual.width}x${actual.height}, baseline ${expected.width}x${expected.height}`);
      continue;
    }
    const diff = new PNG({ width: actual.width, height: actual.height });
    const changed = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, { threshold: 0.1 });
    if (changed > actual.width * actual.height * MAX_DIFF_SHARE) {
      const dir = join(tmpdir(), "popup-screenshot-diffs");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${label}-actual.png`), shot);
      writeFileSync(join(dir, `${label}-diff.png`), PNG.sync.write(diff));
      failures.push(`${label}: ${changed} pixels differ from the baseline; diff image ${join(dir, `${label}-diff.png`)}`);
    }
  }
  assert.deepEqual(failures, [], "screenshots match their baselines");
}

/** Waits until avatar pictures have loaded or fallen back to initials (no half-loaded frame). */
export async function settleImages(page) {
  await page.waitForFunction(() => [...document.querySelectorAll(".avatar img")].every((img) => img.complete), null, { timeout: 15000 });
}

/** What scrolls on `page` (the elements, and whether the page itself can), its CSS viewport and
 * pixel ratio, and the app's and the reply box's boxes (Chromium and Firefox alike). */
export const layoutOf = (page) => page.evaluate(() => {
  const box = (id) => document.getElementById(id).getBoundingClientRect();
  // (A textarea scrolls its own text, as it should.)
  const scrolls = [...document.querySelectorAll(":not(textarea)")].filter((el) => {
    const style = getComputedStyle(el);
    return el.scrollHeight > el.clientHeight + 1 && /(auto|scroll)/.test(style.overflowY) && el.getClientRects().length;
  }).map((el) => el.id || el.tagName);
  // The page scrolls when a person can scroll it (the viewport's overflow, from body), or when a
  // script or focus scrolling it would move the app.
  const page = document.scrollingElement, viewport = getComputedStyle(document.body).overflowY;
  const overflows = page.scrollHeight > innerHeight + 1 || page.scrollWidth > innerWidth + 1;
  const before = box("app").top;
  scrollTo(0, 10_000);
  const moves = box("app").top !== before;
  scrollTo(0, 0);
  return { scrolls, pageScrolls: (overflows && viewport !== "hidden") || moves, innerWidth, innerHeight, dpr: devicePixelRatio, app: box("app").toJSON(), reply: box("reply").toJSON() };
});
