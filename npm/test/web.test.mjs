// The web build of the installed package in headless Chromium, from a page on 127.0.0.1,
// making real fetch calls to the sandbox (started with its test-only --cors flag).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";
import { startSandbox } from "./sandbox.mjs";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
let sandbox, server, browser, pageUrl;

before(async () => {
  sandbox = await startSandbox(["--cors"]);
  const root = process.cwd();
  server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    try {
      const body = await readFile(join(root, path));
      response.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
    } catch { response.writeHead(404).end(); }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  pageUrl = `http://127.0.0.1:${server.address().port}/web.html`;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});
after(async () => { await browser?.close(); server?.close(); sandbox?.stop(); });

test("the web target lists conversations and messages with real fetch calls", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${pageUrl}?sandbox=${encodeURIComponent(sandbox.base)}`);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 20000 });
  const result = await page.evaluate(() => window.result);
  assert.deepEqual(errors, []);
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.first, "John Doe");
  assert.equal(result.count, 5);
  assert.deepEqual(result.texts, ["😃", "hello", ""]);
  assert.equal(result.badInput, "INVALID_INPUT:count");
  assert.ok((await sandbox.stats()).calls.total >= 2);
});
