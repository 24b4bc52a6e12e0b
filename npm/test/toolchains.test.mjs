// The toolchain matrix: the installed tarball in a fresh project per tool, built with no
// package-specific config (or the README's documented one), then the page run in headless
// Chromium (or the bundle in Node) must report a real buildRequest/parseResponse result and
// the NETWORK_ERROR of an unreachable proxy. Builds run two at a time; each Vite dev server is
// started on a free 127.0.0.1 port, loaded, and stopped by its PID. REPO holds the tools.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { chromium } from "playwright-core";
import { freePort, serveDirectory } from "./toolchains/serve.mjs";

const run = promisify(execFile);
const repo = process.env.REPO;
const bin = {
  vite: (major) => `${repo}/node_modules/vite${major}/bin/vite.js`,
  webpack: `${repo}/node_modules/webpack-cli/bin/cli.js`,
  esbuild: `${repo}/node_modules/esbuild/bin/esbuild`,
  rollup: `${repo}/node_modules/rollup/dist/bin/rollup`,
};
const expected = { request: "POST https://api.linkupapi.com/v1/messages/inbox", conversation: "John Doe: Hello 👋", error: "NETWORK_ERROR" };
// The README's configs, for the tools that need one.
const viteTla = 'export default { build: { target: "es2022" }, optimizeDeps: { esbuildOptions: { target: "es2022" } } };\n';
const rollupConfig = 'import { nodeResolve } from "@rollup/plugin-node-resolve";\nexport default { input: "main.js", output: { dir: "dist", format: "es" }, plugins: [nodeResolve({ browser: true })] };\n';
const moduleHtml = '<!doctype html><meta charset="utf-8"><script type="module" src="main.js"></script>\n';
const initPage = { "index.html": '<!doctype html><meta charset="utf-8"><script type="module" src="./main-init.js"></script>\n' };
const classicHtml = '<!doctype html><meta charset="utf-8"><script src="main.js"></script>\n';

let browser;
const projects = join(process.cwd(), "toolchain-projects");

/** A fresh project: the app, its own node_modules with a copy of the installed package and links to `tools`. */
function project(name, tools = {}, files = {}) {
  const dir = join(projects, name);
  cpSync(join(process.cwd(), "toolchains"), dir, { recursive: true, filter: (p) => !p.endsWith("serve.mjs") });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  cpSync(join(process.cwd(), "node_modules/linkedin-inbox"), join(dir, "node_modules/linkedin-inbox"), { recursive: true });
  for (const [as, target] of Object.entries(tools)) {
    mkdirSync(join(dir, "node_modules", as, ".."), { recursive: true });
    symlinkSync(`${repo}/node_modules/${target}`, join(dir, "node_modules", as));
  }
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

/** Copies `linkedin-inbox/wasm` next to a bundle (the documented step for esbuild and Rollup). */
function copyWasm(dir, out) {
  cpSync(createRequire(join(dir, "package.json")).resolve("linkedin-inbox/wasm"), join(dir, out, "linkedin_inbox_bg.wasm"));
}

// Two builds at a time (the machine has two cores).
let running = 0;
const waiting = [];
async function slot(work) {
  while (running >= 2) await new Promise((resolve) => waiting.push(resolve));
  running++;
  try { return await work(); } finally { running--; waiting.shift()?.(); }
}
async function sh(dir, file, args) {
  try {
    // esbuild's bin is its native executable; the other tools are scripts.
    const [command, argv] = file === bin.esbuild ? [file, args] : [process.execPath, [file, ...args]];
    return (await run(command, argv, { cwd: dir, maxBuffer: 1 << 24, timeout: 90000 })).stdout;
  } catch (error) {
    throw new Error(`${file} ${args.join(" ")} failed:\n${error.stdout}\n${error.stderr}`);
  }
}

const builds = {};
function build(name, work) { builds[name] = slot(work); builds[name].catch(() => {}); }

before(async () => {
  rmSync(projects, { recursive: true, force: true });
  for (const major of [5, 6, 7, 8]) {
    const files = major < 7 ? { "vite.config.js": viteTla } : {};
    build(`vite${major}`, async () => {
      const dir = project(`vite${major}-build`, { vite: `vite${major}` }, files);
      await sh(dir, bin.vite(major), ["build", "--logLevel", "warn"]);
      return join(dir, "dist");
    });
  }
  for (const major of [5, 6]) {
    build(`vite${major}-init`, async () => {
      const dir = project(`vite${major}-init-build`, { vite: `vite${major}` }, initPage);
      await sh(dir, bin.vite(major), ["build", "--logLevel", "warn"]);
      return join(dir, "dist");
    });
  }
  build("webpack", async () => {
    const dir = project("webpack", { webpack: "webpack", "webpack-cli": "webpack-cli" });
    await sh(dir, bin.webpack, ["--mode", "production", "--entry", "./main.js", "--output-path", "dist"]);
    writeFileSync(join(dir, "dist/index.html"), classicHtml);
    return join(dir, "dist");
  });
  build("esbuild", async () => {
    const dir = project("esbuild");
    await sh(dir, bin.esbuild, ["main.js", "--bundle", "--format=esm", "--outdir=dist", "--log-level=warning"]);
    copyWasm(dir, "dist");
    writeFileSync(join(dir, "dist/index.html"), moduleHtml);
    return join(dir, "dist");
  });
  build("esbuild-no-wasm", async () => {
    const dir = project("esbuild-no-wasm");
    await sh(dir, bin.esbuild, ["main.js", "--bundle", "--format=esm", "--outdir=dist", "--log-level=warning"]);
    writeFileSync(join(dir, "dist/index.html"), moduleHtml);
    return join(dir, "dist");
  });
  build("esbuild-iife", async () => {
    const dir = project("esbuild-iife");
    await sh(dir, bin.esbuild, ["main-init.js", "--bundle", "--format=iife", "--target=es2020", "--outfile=dist/main.js", "--log-level=warning"]);
    copyWasm(dir, "dist");
    writeFileSync(join(dir, "dist/index.html"), classicHtml);
    return join(dir, "dist");
  });
  build("rollup", async () => {
    const dir = project("rollup", { rollup: "rollup", "@rollup/plugin-node-resolve": "@rollup/plugin-node-resolve" }, { "rollup.config.mjs": rollupConfig });
    await sh(dir, bin.rollup, ["-c", "--silent"]);
    copyWasm(dir, "dist");
    writeFileSync(join(dir, "dist/index.html"), moduleHtml);
    return join(dir, "dist");
  });
  build("esbuild-node", async () => {
    const dir = project("esbuild-node");
    await sh(dir, bin.esbuild, ["server.js", "--bundle", "--platform=node", "--outfile=dist/server.cjs", "--log-level=warning"]);
    return sh(dir, "dist/server.cjs", []);
  });
  build("esbuild-node-cjs", async () => {
    const dir = project("esbuild-node-cjs");
    await sh(dir, bin.esbuild, ["server.cjs", "--bundle", "--platform=node", "--outfile=dist/server.cjs", "--log-level=warning"]);
    return sh(dir, "dist/server.cjs", []);
  });
  build("webpack-node-cjs", async () => {
    const dir = project("webpack-node-cjs", { webpack: "webpack", "webpack-cli": "webpack-cli" });
    await sh(dir, bin.webpack, ["--mode", "production", "--target", "node20", "--entry", "./server.cjs", "--output-path", "dist", "--output-filename", "server.cjs"]);
    rmSync(join(dir, "node_modules/linkedin-inbox"), { recursive: true });
    return sh(dir, "dist/server.cjs", []);
  });
  build("webpack-node", async () => {
    const dir = project("webpack-node", { webpack: "webpack", "webpack-cli": "webpack-cli" });
    await sh(dir, bin.webpack, ["--mode", "production", "--target", "node20", "--entry", "./server.js", "--output-path", "dist", "--output-filename", "server.cjs"]);
    rmSync(join(dir, "node_modules/linkedin-inbox"), { recursive: true });
    return sh(dir, "dist/server.cjs", []);
  });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});
after(async () => {
  await browser?.close();
  rmSync(projects, { recursive: true, force: true });
});

/** The report of the page at `url` in Chromium, and its uncaught errors. */
async function pageRun(url) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 20000 }).catch(() => {});
    return { result: await page.evaluate(() => window.result), errors };
  } finally {
    await page.close();
  }
}
async function pageReport(url) {
  const { result, errors } = await pageRun(url);
  assert.deepEqual(errors, []);
  return result;
}

async function builtPage(name, run = pageReport) {
  const server = await serveDirectory(await builds[name]);
  try { return await run(server.url); } finally { server.close(); }
}

for (const [name, label] of [["vite5", "Vite 5 build (build.target es2022)"], ["vite6", "Vite 6 build (build.target es2022)"],
  ["vite5-init", "Vite 5 build, no config, via linkedin-inbox/init"], ["vite6-init", "Vite 6 build, no config, via linkedin-inbox/init"], ["vite7", "Vite 7 build"], ["vite8", "Vite 8 build"], ["webpack", "webpack 5 (web)"], ["esbuild", "esbuild --format=esm (wasm copied)"],
  ["esbuild-iife", "esbuild --format=iife --target=es2020 via linkedin-inbox/init (wasm copied)"], ["rollup", "Rollup + node-resolve (wasm copied)"]]) {
  test(`${label}: the page works in Chromium`, { timeout: 120000 }, async () => {
    assert.deepEqual(await builtPage(name), expected);
  });
}

/** Starts a Vite dev server over a fresh project, loads its page in Chromium, stops it by PID. */
async function devServerReport(name, major, files) {
  const dir = project(name, { vite: `vite${major}` }, files);
  const port = await freePort();
  const server = spawn(process.execPath, [bin.vite(major), "--port", String(port), "--strictPort", "--host", "127.0.0.1"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout.on("data", (d) => { output += d; });
  server.stderr.on("data", (d) => { output += d; });
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no dev server:\n${output}`)), 30000);
      server.stdout.on("data", () => { if (output.includes(`${port}`)) { clearTimeout(timer); resolve(); } });
      server.on("exit", () => reject(new Error(`dev server exited:\n${output}`)));
    });
    const report = await pageReport(`http://127.0.0.1:${port}/`);
    assert.deepEqual(report, expected, output);
  } finally {
    process.kill(server.pid, "SIGTERM");
    await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.once("exit", resolve)));
  }
}

test("esbuild without the .wasm copied: the page says what to do", { timeout: 120000 }, async () => {
  const { result, errors } = await builtPage("esbuild-no-wasm", pageRun);
  assert.equal(result, undefined);
  assert.match(errors.join("\n"), /linkedin_inbox_bg\.wasm is not the \.wasm \(HTTP 404\): copy linkedin-inbox\/wasm next to your bundle/);
});

for (const major of [5, 6, 7, 8]) {
  test(`Vite ${major} dev server${major < 7 ? " (optimizeDeps target es2022)" : ""}: the page works in Chromium`, { timeout: 120000 }, async () => {
    await Promise.allSettled(Object.values(builds)); // after the builds: one heavy job at a time
    await devServerReport(`vite${major}-dev`, major, major < 7 ? { "vite.config.js": viteTla } : {});
  });
}
for (const major of [5, 6]) {
  test(`Vite ${major} dev server, no config, via linkedin-inbox/init: the page works in Chromium`, { timeout: 120000 }, async () => {
    await devServerReport(`vite${major}-init-dev`, major, initPage);
  });
}

for (const [name, label] of [["esbuild-node", "esbuild --platform=node bundle"], ["esbuild-node-cjs", "esbuild --platform=node bundle of require()"],
  ["webpack-node", "webpack target node20 bundle (package removed after the build)"], ["webpack-node-cjs", "webpack target node20 bundle of require() (package removed after the build)"]]) {
  test(`${label}: runs in Node`, { timeout: 120000 }, async () => {
    assert.deepEqual(JSON.parse(await builds[name]), expected);
  });
}

test("Node ESM and CommonJS: the installed package as is", async () => {
  const dir = project("node");
  assert.deepEqual(JSON.parse(await sh(dir, "server.js", [])), expected);
  assert.deepEqual(JSON.parse(await sh(dir, "server.cjs", [])), expected);
});
