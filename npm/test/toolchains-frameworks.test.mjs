// The toolchain matrix, part two: tools too big for the repository's node_modules (Next.js 15,
// Parcel 2, Rspack 2), installed from npm/test/toolchains-deps' lock into TOOLCHAIN_DEPS by
// scripts/test-npm.sh. Each project is made fresh in a directory of this run under TOOLCHAIN_DEPS
// (the tools resolve from the node_modules above it) with its own copy of the installed tarball, built with
// no package-specific config, then run: pages in headless Chromium, servers on a free
// 127.0.0.1 port (stopped by their PID), bundles in Node. Each must report a real
// buildRequest/parseResponse result and the NETWORK_ERROR of an unreachable proxy.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { chromium } from "playwright-core";
import { freePort, serveDirectory } from "./toolchains/serve.mjs";

const run = promisify(execFile);
const deps = process.env.TOOLCHAIN_DEPS;
let projects;
const bin = {
  next: join(deps, "node_modules/next/dist/bin/next"),
  parcel: join(deps, "node_modules/parcel/lib/bin.js"),
  rspack: join(deps, "node_modules/@rspack/cli/bin/rspack.js"),
};
const expected = { request: "POST https://api.linkupapi.com/v1/messages/inbox", conversation: "John Doe: Hello 👋", error: "NETWORK_ERROR" };
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NO_COLOR: "1" };
const page = (entry) => ({ "index.html": `<!doctype html><meta charset="utf-8"><script type="module" src="./${entry}"></script>\n` });

/** A fresh project: the toolchain app, `files`, and a copy of the installed package. */
function project(name, files = {}, from = "toolchains") {
  const dir = join(projects, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(process.cwd(), from), dir, { recursive: true, filter: (p) => !p.endsWith("serve.mjs") });
  cpSync(join(process.cwd(), "toolchains/app.js"), join(dir, "app.js"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  cpSync(join(process.cwd(), "node_modules/linkedin-inbox"), join(dir, "node_modules/linkedin-inbox"), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

async function sh(dir, file, args, timeout = 240000) {
  try {
    return (await run(process.execPath, [file, ...args], { cwd: dir, env, maxBuffer: 1 << 24, timeout })).stdout;
  } catch (error) {
    throw new Error(`${file} ${args.join(" ")} failed:\n${error.stdout}\n${error.stderr}`);
  }
}

/** Starts `args` (a server) in `dir` on a free port, runs `use(origin)`, stops it (its process group, by PID). */
async function serving(dir, args, use) {
  const port = await freePort();
  const server = spawn(process.execPath, args(port), { cwd: dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout.on("data", (d) => { output += d; });
  server.stderr.on("data", (d) => { output += d; });
  const origin = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`no server within 60 s:\n${output}`);
      try {
        await fetch(origin, { signal: AbortSignal.timeout(5000) });
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    return await use(origin, () => output);
  } finally {
    try { process.kill(-server.pid, "SIGTERM"); } catch { /* already gone */ }
    await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.once("exit", resolve)));
  }
}

// One Next.js app for both bundlers: a Node route handler (/node), an edge route (/edge) and a
// client component (/), built by `next build` (webpack) and by `next build --turbopack`. Both
// builds start at once (each leaves a core idle much of the time) while the other tests run.
const nextBundlers = { webpack: [], Turbopack: ["--turbopack"] };
const nextBuilds = {};

let browser;
before(async () => {
  projects = mkdtempSync(join(deps, "projects-"));
  for (const [label, flags] of Object.entries(nextBundlers)) {
    const dir = project(`next-${label.toLowerCase()}`, {}, "toolchains-next");
    // Both builds share two cores with the other lanes of `make test`: on a loaded machine
    // they took over 240 s (compiling alone took 2.3–2.7 min at load 6–16), so they get 600 s.
    nextBuilds[label] = sh(dir, bin.next, ["build", "--no-lint", ...flags], 600000).then(() => dir);
    nextBuilds[label].catch(() => {}); // reported by its test
  }
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});
after(async () => {
  await browser?.close();
  if (projects) rmSync(projects, { recursive: true, force: true });
});

/** The report of the page at `url` in Chromium; no uncaught error allowed. */
async function pageReport(url) {
  const tab = await browser.newPage();
  const errors = [];
  tab.on("pageerror", (e) => errors.push(e.message));
  try {
    await tab.goto(url);
    await tab.waitForFunction(() => window.result !== undefined, null, { timeout: 30000 }).catch(() => {});
    assert.deepEqual(errors, []);
    return await tab.evaluate(() => window.result);
  } finally {
    await tab.close();
  }
}

/** A route's JSON answer. */
async function routeReport(url) {
  const answer = await fetch(url);
  const text = await answer.text();
  assert.equal(answer.status, 200, text);
  return JSON.parse(text);
}

// Parcel without `packageExports` reads `browser`/`module`/`main` (init/package.json for
// linkedin-inbox/init); its dev server has no top-level await (parcel#4028), hence
// linkedin-inbox/init there.
for (const [name, entry, label] of [["parcel", "main.js", "default import"], ["parcel-init", "main-init.js", "linkedin-inbox/init"]]) {
  test(`Parcel 2 build, no config, ${label}: the page works in Chromium`, { timeout: 120000 }, async () => {
    const dir = project(name, page(entry));
    await sh(dir, bin.parcel, ["build", "index.html", "--no-cache", "--no-autoinstall", "--dist-dir", "dist", "--log-level", "warn"]);
    const server = await serveDirectory(join(dir, "dist"));
    try { assert.deepEqual(await pageReport(server.url), expected); } finally { server.close(); }
  });
}
test("Parcel 2 dev server, no config, linkedin-inbox/init: the page works in Chromium", { timeout: 120000 }, async () => {
  const dir = project("parcel-dev", page("main-init.js"));
  await serving(dir, (port) => [bin.parcel, "serve", "index.html", "--no-cache", "--no-autoinstall", "--no-hmr", "--host", "127.0.0.1", "--port", String(port)],
    async (origin, log) => assert.deepEqual(await pageReport(`${origin}/`), expected, log()));
});

// Rspack reads its config file only (no --target flag); the node bundles run with the package
// removed after the build: the .wasm must have been emitted next to them, for `require` too.
const rspackConfig = (entry, target) => `export default { mode: "production", target: "${target}", entry: "./${entry}", output: { path: new URL("./dist", import.meta.url).pathname${target === "web" ? "" : ', filename: "server.cjs"'} } };\n`;
for (const [entry, label] of [["server.js", "import"], ["server.cjs", "require()"]]) {
  test(`Rspack 2 target node20 bundle of ${label} (package removed after the build): runs in Node`, { timeout: 120000 }, async () => {
    const dir = project(`rspack-node-${label.slice(0, 6)}`, { "rspack.config.mjs": rspackConfig(entry, "node20") });
    await sh(dir, bin.rspack, ["build"]);
    rmSync(join(dir, "node_modules/linkedin-inbox"), { recursive: true });
    assert.deepEqual(JSON.parse(await sh(dir, "dist/server.cjs", [])), expected);
  });
}
test("Rspack 2 (web): the page works in Chromium", { timeout: 120000 }, async () => {
  const dir = project("rspack-web", { "rspack.config.mjs": rspackConfig("main.js", "web") });
  await sh(dir, bin.rspack, ["build"]);
  writeFileSync(join(dir, "dist/index.html"), '<!doctype html><meta charset="utf-8"><script src="main.js"></script>\n');
  const server = await serveDirectory(join(dir, "dist"));
  try { assert.deepEqual(await pageReport(server.url), expected); } finally { server.close(); }
});

for (const label of Object.keys(nextBundlers)) {
  test(`Next.js 15 (${label}), no config: next build, next start: Node route, edge route, client component`, { timeout: 720000 }, async () => {
    const dir = await nextBuilds[label];
    await serving(dir, (port) => [bin.next, "start", "-H", "127.0.0.1", "-p", String(port)], async (origin, log) => {
      assert.deepEqual(await routeReport(`${origin}/node`), expected, log());
      assert.deepEqual(await routeReport(`${origin}/edge`), expected, log());
      assert.deepEqual(await pageReport(`${origin}/`), expected, log());
    });
  });
}
