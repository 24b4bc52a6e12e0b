// Wrong proxy URLs in the real extension: each is explained for what it is, in the
// popup and by the options' "Test connection": nothing listening, a server that is not the
// proxy, the proxy URL plus /v1, and https:// to a plain http port (a bounded wait).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { ALEX, EXT, TEAM, answerPermissionPrompt, assertAccessible, expectedNames, names, startEnvironment } from "./harness.mjs";

let env;
before(async () => { env = await startEnvironment({ team: true }); });
after(async () => { await env?.stop(); });

async function notice(page, timeout = 15000) {
  await page.waitForSelector("#notice:not([hidden])", { timeout });
  return page.$eval("#notice", (el) => ({ kind: el.dataset.kind, text: [...el.childNodes].filter((n) => n.nodeName !== "H2").map((n) => n.textContent).join(""), link: el.querySelector("a")?.getAttribute("href") ?? null }));
}

async function testConnection(proxyUrl) {
  const page = await env.context.newPage();
  await page.goto(`${EXT}/options.html`);
  await page.fill("#proxy-url", proxyUrl);
  await page.fill("#token", ALEX);
  await page.click("#test");
  await page.waitForFunction(() => ["ok", "error"].includes(document.getElementById("status").dataset.kind), null, { timeout: 20000 });
  const said = await page.textContent("#status");
  await page.close();
  return said;
}

test("nothing listening: said so, with the URL and a link to the options, nothing claimed as loaded", async () => {
  await env.setStorage({ proxyUrl: "http://127.0.0.1:9", token: ALEX, "inbox-cache-v1": null });
  const page = await env.openPopup();
  const shown = await notice(page);
  assert.equal(shown.kind, "offline");
  assert.match(shown.text, /^Nothing answers at http:\/\/127\.0\.0\.1:9: check your connection, and the proxy URL in the options\. Open the options$/);
  assert.equal(shown.link, "options.html");
  assert.equal(await page.$$eval(".skeleton", (els) => els.length), 0);
  await assertAccessible(page, "nothing listening");
  await page.close();
});

test("a server that is not the proxy: the popup and the options say the same, not a refusal", async () => {
  const server = createServer((request, response) => response.writeHead(200, { "content-type": "text/html" }).end("<p>another app</p>"));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    await env.setStorage({ proxyUrl: base, token: ALEX, "inbox-cache-v1": null });
    const page = await env.openPopup();
    const shown = await notice(page);
    const expected = `Something answers at ${base}, but not as a linkedin-inbox proxy that allows this extension`;
    assert.ok(shown.text.startsWith(expected), shown.text);
    assert.doesNotMatch(shown.text, /^The proxy does not allow/);
    assert.equal(shown.link, "options.html");
    await page.close();
    assert.ok((await testConnection(base)).startsWith(expected), "the options say the same");
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("the proxy URL plus /v1: used as the proxy's base, and saved without it", async () => {
  await env.setStorage({ proxyUrl: `${env.worker.base}/v1`, token: ALEX, "inbox-cache-v1": null });
  const errors = [];
  const page = await env.openPopup(errors);
  await page.waitForSelector("body[data-state=ready]");
  assert.deepEqual(await names(page), expectedNames((await env.api("/v1/conversations?count=20")).items));
  assert.deepEqual(errors, []);
  await page.close();
  const options = await env.context.newPage();
  await options.goto(`${EXT}/options.html`);
  await answerPermissionPrompt(options);
  await options.fill("#proxy-url", `${env.worker.base}/v1/`);
  // A client of several accounts: the options list them from the base, not "one account" from /v1.
  await options.fill("#token", TEAM);
  await options.click("#save");
  await options.waitForFunction(() => document.getElementById("status").dataset.kind === "ok");
  assert.equal((await options.evaluate(() => chrome.storage.local.get("proxyUrl"))).proxyUrl, env.worker.base);
  const { accounts } = await env.api("/v1/accounts", TEAM);
  await options.waitForFunction((n) => document.getElementById("accounts-status").textContent === `This proxy serves ${n} accounts for this client.`, accounts.length, { timeout: 15000 })
    .catch(async () => assert.fail(`#accounts-status: ${await options.textContent("#accounts-status")}`));
  assert.equal(await options.$$eval("#accounts li", (els) => els.length), accounts.length);
  await options.close();
  assert.match(await testConnection(`${env.worker.base}/v1`), /^Connected/);
});

test("https:// to a plain http port: a bounded wait, then why", async () => {
  const url = env.worker.base.replace("http://", "https://");
  await env.setStorage({ proxyUrl: url, token: ALEX, "inbox-cache-v1": null });
  const started = Date.now();
  const page = await env.openPopup();
  const shown = await notice(page, 14000);
  const took = Date.now() - started;
  assert.ok(took < 14000, `explained after ${took} ms`);
  assert.equal(shown.kind, "offline");
  assert.match(shown.text, new RegExp(`^(Nothing answers at|No answer from) ${url.replace(/[.:/]/g, "\\$&")}.*\\(a proxy on this computer speaks http://, not https://\\)`));
  assert.equal(await page.$$eval(".skeleton", (els) => els.length), 0, "no skeletons left");
  assert.equal(await page.getAttribute("#conversations", "aria-busy"), "false");
  await page.close();
});
