// The web build of the installed package in headless Chromium, from a page on 127.0.0.1,
// making real fetch calls to the sandbox (started with its test-only --cors flag); and
// watch() there through the Worker in workerd: the browser's own WebSocket.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";
import { startSandbox } from "./sandbox.mjs";
import { startProxy, ALEX, TEAM_TOKEN } from "./workerd.mjs";
import { InboxClient } from "linkedin-inbox";

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

test("watch() in the browser: the push channel over the browser's WebSocket, ended by an abort", { timeout: 120_000 }, async () => {
  const origin = new URL(pageUrl).origin;
  const proxy = await startProxy({ origins: [origin] });
  const page = await browser.newPage();
  try {
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${origin}/web.html?sandbox=${encodeURIComponent(sandbox.base)}`);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 20000 });
    const { items: [, , conversation] } = await new InboxClient(proxy.config()).listConversations({ account: "alex", count: 3 });
    await page.evaluate(async ({ base, token }) => {
      const { InboxClient } = await import("/node_modules/linkedin-inbox/dist/index.js");
      window.sockets = [];
      window.events = [];
      class Tracked extends WebSocket {
        constructor(url) { super(url); window.sockets.push(this); }
      }
      window.watchController = new AbortController();
      const inbox = new InboxClient({ proxy: { url: base, token } });
      const events = inbox.watch({ signal: window.watchController.signal, interval: 600000, webSocket: Tracked });
      (async () => {
        try {
          for await (const event of events) window.events.push(event);
          window.watchDone = true;
        } catch (error) {
          window.watchError = `${error.code}: ${error.message}`;
        }
      })();
    }, { base: proxy.base, token: TEAM_TOKEN });
    await page.waitForFunction(() => window.sockets.length === 3 && window.sockets.every((s) => s.readyState === WebSocket.OPEN), null, { timeout: 20000 });
    const text = `browser ${Date.now()}`;
    await proxy.simulate(ALEX, text, conversation.id);
    await page.waitForFunction((t) => window.watchError || window.events.some((e) => e.conversations.some((c) => c.latestMessage?.text === t)), text, { timeout: 20000 });
    const { event, error } = await page.evaluate((t) => ({ event: window.events.find((e) => e.conversations.some((c) => c.latestMessage?.text === t)), error: window.watchError }), text);
    assert.equal(error, undefined);
    assert.equal(event.account, "alex");
    assert.equal(event.conversations.find((c) => c.latestMessage?.text === text).id, conversation.id);
    await page.evaluate(() => window.watchController.abort());
    await page.waitForFunction(() => window.watchDone && window.sockets.every((s) => s.readyState === WebSocket.CLOSED), null, { timeout: 5000 });
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await proxy.stop();
  }
});
