// The checker every Worker test response goes through (tests/js/openapi.mjs) can fail: wrong
// bodies, statuses, codes and headers against docs/openapi.yaml are refused. No Worker needed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkResponse } from "../../tests/js/openapi.mjs";

const PAGE_HEADERS = {
  "content-type": "application/json",
  "x-cache": "MISS",
  "cache-control": "private, max-age=30",
  "x-credits-spent": "0",
  "x-credits-saved": "0",
  "x-generation": "0",
  vary: "Origin, Authorization",
};
const ERROR_HEADERS = { "content-type": "application/json", "cache-control": "no-store", vary: "Origin, Authorization" };
const PAGE = { items: [], nextCursor: null, total: 0, accountId: "acct", ownerProfileUrn: null, filtersApplied: true, creditCost: 0 };
const page = (over = {}) => ({ method: "GET", path: "/v1/conversations?count=2", status: 200, headers: PAGE_HEADERS, body: PAGE, ...over });
const error = (status, code, over = {}) => ({ method: "GET", path: "/v1/conversations", status, headers: ERROR_HEADERS, body: { error: { code, message: "x" } }, ...over });
const refused = (response, pattern) => assert.throws(() => checkResponse(response), (e) => e instanceof assert.AssertionError && pattern.test(e.message), JSON.stringify(response));

test("documented answers pass", () => {
  checkResponse(page());
  checkResponse(page({ body: JSON.stringify(PAGE) }));
  checkResponse(error(429, "BUDGET_EXHAUSTED", { headers: { ...ERROR_HEADERS, "retry-after": "60" } }));
  checkResponse(error(404, "NOT_FOUND", { path: "/v2/nothing" }));
  checkResponse({ method: "OPTIONS", path: "/v1/usage", status: 204, text: "", headers: { "access-control-allow-origin": "https://app.example", "access-control-allow-methods": "GET, POST, DELETE, OPTIONS", "access-control-allow-headers": "Authorization, Content-Type, Idempotency-Key", "access-control-max-age": "600", vary: "Origin" } });
});

test("a page missing a required field, or with a wrong type, is refused", () => {
  const { nextCursor, ...withoutCursor } = PAGE;
  refused(page({ body: withoutCursor }), /nextCursor/);
  refused(page({ body: { ...PAGE, items: [{ id: 1 }] } }), /items\/0/);
  refused(page({ path: "/v1/messages?profileUrl=x", body: PAGE }), /thread/);
  refused(page({ text: "not json" }), /not JSON/);
});

test("an undocumented status, or a code of another status, is refused", () => {
  refused(error(500, "UPSTREAM_ERROR"), /documents no 500/);
  refused(error(503, "UPSTREAM_ERROR"), /code/);
  refused(error(429, "RATE_LIMITED", { headers: { ...ERROR_HEADERS, "retry-after": "5" }, body: { error: { code: "RATE_LIMITED" } } }), /message/);
  refused(error(429, "RATE_LIMITED"), /required header Retry-After missing/);
  refused(error(400, "INVALID_INPUT", { body: { error: { code: "INVALID_INPUT", message: "x" }, detail: "extra" } }), /additional/);
  refused(page({ path: "/v2/nothing" }), /documents no 200/);
});

test("an undocumented method, a missing required header or a wrong header value is refused", () => {
  refused(page({ method: "TRACE" }), /documents no TRACE/);
  refused(error(405, "METHOD_NOT_ALLOWED", { method: "POST" }), /required header Allow missing/);
  refused(error(405, "METHOD_NOT_ALLOWED", { method: "POST", headers: { ...ERROR_HEADERS, allow: "POST" } }), /header Allow/);
  const { "x-cache": _, ...withoutCache } = PAGE_HEADERS;
  refused(page({ headers: withoutCache }), /required header X-Cache missing/);
  refused(page({ headers: { ...PAGE_HEADERS, "x-cache": "MAYBE" } }), /header X-Cache/);
  refused(page({ headers: { ...PAGE_HEADERS, "x-generation": "-1" } }), /header X-Generation/);
  refused(error(429, "RATE_LIMITED", { headers: { ...ERROR_HEADERS, "retry-after": "Wed, 21 Oct 2026 07:28:00 GMT" } }), /header Retry-After/);
  refused({ method: "OPTIONS", path: "/v1/usage", status: 204, text: "{}", headers: {} }, /required header|no body/);
});
