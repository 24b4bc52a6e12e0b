// One proxy client for the extension: the service worker (background.js) and the accounts list
// (accounts.js) call the proxy through the npm package's InboxClient (pkg/api.js), not through
// requests of their own. The options' "Test connection" alone asks the proxy directly: it
// diagnoses what answers at a URL, without the wasm (diagnose.js, explain.js).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const source = (file) => readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
/** What a hand-made proxy request looks like: a bearer header, or a fetch of a proxy path. */
const OWN_REQUEST = /authorization|Bearer|fetch\(`\$\{[^`]*\/v1\//;

test("the service worker's proxy calls are the package client's: listAccounts, changes, liveSockets", () => {
  const worker = source("background.js");
  assert.match(worker, /^import \{ InboxClient, init \} from "\.\/pkg\/api\.js";$/m, "the package's client, without pkg/index.js (top-level await)");
  for (const call of ["listAccounts()", "changes(", "liveSockets()"]) assert.ok(worker.includes(call), call);
  assert.doesNotMatch(worker, OWN_REQUEST);
});

test("the accounts list asks the package's client; only the options' connection test asks the proxy itself", () => {
  const accounts = source("accounts.js");
  assert.match(accounts, /listAccounts\(\)/);
  assert.doesNotMatch(accounts, OWN_REQUEST);
  for (const file of ["popup.js", "popup-state.js", "list.js", "conversation.js", "switcher.js", "notice.js", "thread.js", "reply.js", "read-state.js", "search.js", "changes.js"]) {
    assert.doesNotMatch(source(file), OWN_REQUEST, file);
  }
});
