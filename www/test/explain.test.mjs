// The popup's error texts (explain.js, which works without the wasm) against the core's
// (`explainError` of www/pkg, src/inbox/explain.rs): every error code of the core, with the
// variants that change a text (field, Retry-After, message, cached), gives the same kind and
// text. No browser: the wasm runs in Node.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { errorCodes } from "../pkg/error-codes.js";
import { errorFromResponse, explainError, initSync } from "../pkg/api.js";
import { CORE_MISSING, SETUP_NEEDED, explain } from "../explain.js";

initSync({ module: readFileSync(new URL("../pkg/linkedin_inbox_bg.wasm", import.meta.url)) });

const FIELDS = [undefined, "token", "baseUrl", "url", "count", "account"];
const RETRY_AFTER = [undefined, null, 0, 1, 30, 59.9, 89, 90, 119, 3599, 5399, 5400, 7200, 86_400, 1e9, -1, NaN, Infinity, "30"];
const MESSAGES = [undefined, "", "count must be 1..100"];

/** Every combination of the variants for `code`, as an `InboxError`-like value. */
function* variants(code) {
  for (const field of FIELDS) for (const retryAfter of RETRY_AFTER) for (const message of MESSAGES) {
    yield { code, ...(field !== undefined && { field }), ...(retryAfter !== undefined && { retryAfter }), ...(message !== undefined && { message }) };
  }
}

test("every core error code, with each field, Retry-After, message and cached: the popup says what the core says", () => {
  assert.ok(errorCodes.length >= 19, `${errorCodes.length} codes`);
  let compared = 0;
  for (const code of errorCodes) {
    for (const error of variants(code)) {
      for (const cached of [false, true]) {
        assert.deepEqual(explain(error, { cached }), explainError(error, { cached }), `${JSON.stringify(error)} cached=${cached}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 19 * 600, `${compared} compared`);
});

test("real errors of the core, unknown codes and odd values: the same kind and text", () => {
  const odd = [undefined, null, "boom", 42, new Error("x"), { code: 42 }, { code: "SOMETHING_NEW" }, { code: "" }, { code: "unauthorized" }];
  const thrown = [];
  for (const status of [400, 401, 403, 404, 429, 500, 502, 503]) {
    for (const body of ["{}", `{"error":{"code":"RATE_LIMITED","message":"slow down"}}`, `{"error":{"code":"INVALID_INPUT","message":"bad count","field":"count"}}`]) {
      thrown.push(errorFromResponse({ status, headers: { "retry-after": "120" }, body }));
    }
  }
  for (const error of [...odd, ...thrown]) {
    for (const cached of [false, true]) assert.deepEqual(explain(error, { cached }), explainError(error, { cached }), String(error?.code ?? error));
  }
  // No options: not cached, on both sides.
  assert.deepEqual(explain({ code: "NETWORK_ERROR" }), explainError({ code: "NETWORK_ERROR" }));
});

test("the popup's own codes (setup, a missing core, what is at the proxy URL) are none of the core's", () => {
  const own = [SETUP_NEEDED, CORE_MISSING, "NOT_ANSWERING", "NO_ANSWER", "NOT_READABLE"];
  for (const code of own) assert.ok(!errorCodes.includes(code), code);
  // What diagnose.js finds names the URL; an https:// URL to this computer gets the http hint.
  const here = explain({ code: "NOT_ANSWERING", url: "https://127.0.0.1:8787" }, { cached: true });
  assert.equal(here.kind, "offline");
  assert.match(here.text, /a proxy on this computer speaks http:\/\/, not https:\/\/\)\. Showing what was loaded before\.$/);
  assert.doesNotMatch(explain({ code: "NO_ANSWER", url: "https://inbox.example.dev", seconds: 5 }).text, /this computer/);
  assert.match(explain({ code: "NO_ANSWER", url: "https://localhost/", seconds: 5 }).text, /this computer/);
});
