// The store packages (make package → dist/linkedin-inbox-extension.zip for Chrome,
// dist/linkedin-inbox-extension-firefox.zip for Firefox): their contents and manifests, then
// each unzipped and loaded in its browser, where the wasm core loads under the CSP, the
// background runs and the popup greets a first run; the Firefox zip also passes web-ext lint.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { PNG } from "pngjs";
import { MOZ_EXT, launchChromium, repo } from "./harness.mjs";
import { launchFirefox } from "./firefox.mjs";

const ZIP = join(repo, "dist", "linkedin-inbox-extension.zip");
const FIREFOX_ZIP = join(repo, "dist", "linkedin-inbox-extension-firefox.zip");
const dirs = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

function listAll(root, dir = root) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listAll(root, path) : [relative(root, path)];
  });
}

/** The id Chromium gives an unpacked extension without a "key": from its absolute path. */
function unpackedId(path) {
  return [...createHash("sha256").update(path).digest("hex").slice(0, 32)].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join("");
}

function unzipped(zip) {
  assert.ok(existsSync(zip), `${zip} exists (scripts/package.sh)`);
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "inbox-package-")));
  dirs.push(dir);
  execFileSync("unzip", ["-q", zip, "-d", dir]);
  return dir;
}

test("the Chrome zip: no tests, demo config or type declarations, icons at 16/32/48/128, versioned manifest with only used permissions", () => {
  const dir = unzipped(ZIP);
  const contents = listAll(dir).sort();
  assert.deepEqual(contents.filter((f) => /(^|\/)test\/|\.test\.|demo-config|baselines|\.svg$|\.d\.[cm]?ts$/.test(f)), [], "nothing for development inside");
  for (const page of ["popup.html", "popup.bundle.js", "popup.js", "list.js", "conversation.js", "switcher.js", "notice.js", "popup-state.js", "options.html", "options.js", "api.js", "explain.js", "pkg/index.js", "pkg/linkedin_inbox_bg.wasm"]) assert.ok(contents.includes(page), page);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  assert.equal(manifest.version, JSON.parse(readFileSync(join(repo, "npm", "package.json"), "utf8")).version);
  assert.equal(manifest.key, undefined, "the store assigns the id");
  assert.equal(manifest.browser_specific_settings, undefined, "the gecko id is in the Firefox zip only");
  assert.deepEqual(manifest.permissions, ["storage", "alarms", "notifications"]);
  assert.deepEqual(manifest.background, { service_worker: "background.js", type: "module" });
  assert.match(manifest.content_security_policy.extension_pages, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.deepEqual(Object.keys(manifest.icons).sort((a, b) => a - b), ["16", "32", "48", "128"]);
  for (const [size, path] of Object.entries(manifest.icons)) {
    const png = PNG.sync.read(readFileSync(join(dir, path)));
    assert.deepEqual([png.width, png.height], [Number(size), Number(size)], path);
  }
  const csp = manifest.content_security_policy.extension_pages;
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /img-src 'self' data: blob: https:\/\/media\.licdn\.com https:\/\/static\.licdn\.com;/);
  // A store user's proxy is on https: loopback (the demo's http proxy) stays in the unpacked www/ only.
  assert.match(csp, /connect-src 'self' https: wss:$/);
  assert.doesNotMatch(csp, /127\.0\.0\.1|localhost/);
  assert.deepEqual(manifest.optional_host_permissions, ["https://*/*"]);
  const unpacked = JSON.parse(readFileSync(join(repo, "www", "manifest.json"), "utf8"));
  assert.ok(unpacked.optional_host_permissions.includes("http://127.0.0.1/*"), "the unpacked extension keeps loopback for the demo");
  test.packageDir = dir;
  test.packageFiles = contents;
  test.packageManifest = manifest;
});

test("the store build's own name and look: no LinkedIn in its name, the icon's tile teal, nothing in it near LinkedIn blue", () => {
  const manifest = test.packageManifest;
  assert.ok(manifest, "read by the first test");
  for (const name of [manifest.name, manifest.short_name, manifest.action.default_title]) assert.doesNotMatch(name, /linked\s*in/i, name);
  assert.match(manifest.description, /Not affiliated with LinkedIn\./);
  const png = PNG.sync.read(readFileSync(join(test.packageDir, manifest.icons["128"])));
  const counts = new Map();
  let nearBlue = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b, a] = png.data.subarray(i, i + 4);
    if (a < 255) continue;
    const hex = `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
    counts.set(hex, (counts.get(hex) ?? 0) + 1);
    // LinkedIn's blue, #0a66c2.
    if (Math.hypot(r - 0x0a, g - 0x66, b - 0xc2) < 60) nearBlue++;
  }
  const [tile] = [...counts].sort((x, y) => y[1] - x[1])[0];
  assert.equal(tile, readFileSync(join(repo, "www", "icons", "icon.svg"), "utf8").match(/<rect [^>]*fill="(#[0-9a-f]{6})"/i)[1]);
  assert.equal(nearBlue, 0, "pixels near LinkedIn blue");
});

test("the zips' core is npm/dist, and npm/dist was built from the sources as they are (make package rebuilds a stale one)", () => {
  assert.ok(test.packageDir, "unzipped by the first test");
  const digest = execFileSync("bash", ["-c", "source scripts/lib.sh && npm_sources_digest"], { cwd: repo, encoding: "utf8" }).trim();
  const stamp = readFileSync(join(repo, "target", "npm-dist.sources"), "utf8").trim();
  assert.equal(stamp, digest, "npm/dist's recorded sources are today's sources");
  for (const file of ["linkedin_inbox_bg.wasm", "index.js", "api.js"]) {
    assert.ok(readFileSync(join(test.packageDir, "pkg", file)).equals(readFileSync(join(repo, "npm", "dist", file))), `pkg/${file} is npm/dist's`);
  }
});

test("the Firefox zip: the same files, the manifest with the gecko id and the event page instead of the service worker", () => {
  assert.ok(test.packageFiles, "the Chrome zip read by the previous test");
  const dir = unzipped(FIREFOX_ZIP);
  assert.deepEqual(listAll(dir).sort(), test.packageFiles, "the same files");
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  assert.deepEqual(manifest.browser_specific_settings, {
    gecko: { id: "linkedin-inbox@extension", strict_min_version: "140.0", data_collection_permissions: { required: ["authenticationInfo", "personalCommunications"] } },
    gecko_android: { strict_min_version: "142.0" },
  });
  assert.deepEqual(manifest.background, { scripts: ["background.js"], type: "module" });
  const { browser_specific_settings: _, background: __, ...rest } = manifest;
  const { background: ___, ...chrome } = test.packageManifest;
  assert.deepEqual(rest, chrome, "otherwise the Chrome zip's manifest: version, permissions, CSP, icons");
  test.firefoxDir = dir;
});

test("the Firefox zip passes web-ext lint (addons.mozilla.org's linter, offline): no error, warning or notice", () => {
  assert.ok(test.firefoxDir, "unzipped by the previous test");
  const web_ext = join(repo, "node_modules", ".bin", "web-ext");
  const run = spawnSync(web_ext, ["lint", "--source-dir", test.firefoxDir, "--output", "json", "--no-input"], { encoding: "utf8", env: { ...process.env, NO_UPDATE_NOTIFIER: "1" } });
  const report = JSON.parse(run.stdout);
  const found = [...report.errors, ...report.warnings, ...report.notices].map((m) => `${m.code}: ${m.message} (${m.file ?? ""})`);
  assert.deepEqual(found, [], "web-ext lint");
  assert.deepEqual(report.summary, { errors: 0, notices: 0, warnings: 0 });
});

test("the unzipped package loads in Chromium: the wasm core runs under its CSP, a first run is greeted", async () => {
  const dir = test.packageDir;
  assert.ok(dir, "unzipped by the previous test");
  const profile = mkdtempSync(join(tmpdir(), "inbox-package-profile-"));
  dirs.push(profile);
  const context = await launchChromium(dir, profile);
  try {
    const base = `chrome-extension://${unpackedId(dir)}`;
    const errors = [];
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/popup.html`);
    await page.waitForSelector("#notice[data-kind=setup]", { timeout: 10000 });
    assert.equal(await page.evaluate(() => chrome.runtime.getManifest().version), JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).version);
    const core = await page.evaluate(async () => {
      const { connect, PageWalker } = await import("./api.js");
      connect({ proxyUrl: "https://inbox.example.workers.dev", token: "t" });
      return typeof new PageWalker().accept;
    });
    assert.equal(core, "function", "the wasm core loaded and runs");
    const blocked = await page.evaluate(() => new Promise((resolve) => {
      document.addEventListener("securitypolicyviolation", (e) => resolve(e.effectiveDirective), { once: true });
      const img = new Image();
      img.src = "https://example.com/tracker.png";
      setTimeout(() => resolve(null), 3000);
    }));
    assert.equal(blocked, "img-src", "images from other hosts are blocked by the CSP");
    const options = await context.newPage();
    await options.goto(`${base}/options.html`);
    await options.waitForSelector("#proxy-url");
    // A local proxy cannot be reached from the store build: Options says so instead of failing later.
    await options.fill("#proxy-url", "127.0.0.1:8787");
    await options.fill("#token", "t");
    await options.click("#save");
    await options.waitForFunction(() => /https:\/\/ only/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 5000 });
    assert.equal(await options.evaluate(() => chrome.storage.local.get("proxyUrl").then((s) => s.proxyUrl ?? null)), null, "nothing saved");
    // The service worker runs from the package: its alarm at the default period, an empty badge.
    const worker = context.serviceWorkers().find((w) => w.url() === `${base}/background.js`)
      ?? await context.waitForEvent("serviceworker", { predicate: (w) => w.url() === `${base}/background.js`, timeout: 15000 });
    const alarm = await worker.evaluate(async () => {
      for (let i = 0; i < 50 && !(await chrome.alarms.get("inbox-check")); i++) await new Promise((r) => setTimeout(r, 100));
      return chrome.alarms.get("inbox-check");
    });
    assert.equal(alarm?.periodInMinutes, 1, "checks every minute by default");
    assert.equal(await worker.evaluate(() => chrome.action.getBadgeText({})), "", "no badge before setup");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the unzipped Firefox package loads in Firefox ESR: the event page's alarm, the wasm core under the CSP, a first run is greeted", async () => {
  const dir = test.firefoxDir;
  assert.ok(dir, "unzipped by the previous test");
  const firefox = await launchFirefox(dir);
  try {
    const errors = [];
    const page = await firefox.open("popup.html", errors);
    await page.waitForSelector("#notice[data-kind=setup]", { timeout: 10000 });
    const found = await page.evaluate(async () => {
      for (let i = 0; i < 50 && !(await chrome.alarms.get("inbox-check")); i++) await new Promise((r) => setTimeout(r, 100));
      const { connect, PageWalker } = await import("./api.js");
      connect({ proxyUrl: "https://inbox.example.workers.dev", token: "t" });
      const blocked = await new Promise((resolve) => {
        document.addEventListener("securitypolicyviolation", (e) => resolve(e.effectiveDirective), { once: true });
        const img = new Image();
        img.src = "https://example.com/tracker.png";
        setTimeout(() => resolve(null), 3000);
      });
      return {
        origin: location.origin, version: chrome.runtime.getManifest().version, core: typeof new PageWalker().accept,
        period: (await chrome.alarms.get("inbox-check"))?.periodInMinutes, badge: await chrome.action.getBadgeText({}), blocked,
      };
    });
    assert.deepEqual(found, {
      origin: MOZ_EXT, version: JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).version, core: "function",
      period: 1, badge: "", blocked: "img-src",
    });
    const options = await firefox.open("options.html");
    await options.waitForSelector("#proxy-url");
    assert.deepEqual(errors, []);
  } finally {
    await firefox.close();
  }
});
