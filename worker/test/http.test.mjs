// The proxy's HTTP surface: every method on every route gets the documented status,
// `Allow` and JSON error envelope, with no upstream call; strict parameters; 401s name Bearer.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call } from "../../tests/js/worker.mjs";
import { checkResponse } from "../../tests/js/openapi.mjs";

const TOKEN = "http-alex";
const CLIENTS = [{ name: "alex", token: TOKEN, account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex" }];

let sandbox, worker;
before(async () => {
  sandbox = await startSandbox([]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS });
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
});

const upstream = async () => (await sandbox.stats()).calls.total;

/** Any method, as sent (fetch refuses some): `{ status, headers, text }`, checked against the spec. */
function raw(method, path, { token = TOKEN } = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(path, worker.base);
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => { text += chunk; });
      res.on("end", () => {
        const answer = { status: res.statusCode, headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), text };
        try {
          checkResponse({ method, path, ...answer });
          resolve(answer);
        } catch (e) { reject(e); }
      });
    });
    req.on("error", reject);
    req.end();
  });
}

const ROUTES = [
  ["/v1/conversations", "GET"],
  ["/v1/conversations/2-abc/messages", "GET, POST"],
  ["/v1/conversations/2-abc/read", "POST"],
  ["/v1/conversations/2-abc/unread", "POST"],
  ["/v1/messages?profileUrl=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjohn-doe%2F", "GET, POST"],
  ["/v1/usage", "GET"],
  ["/v1/refresh", "POST"],
  ["/v1/data", "DELETE"],
  ["/health", "GET"],
];

test("methods × routes: wrong methods 405 and unknown ones 501, with Allow and a JSON body, and no upstream call", async () => {
  const before = await upstream();
  for (const [path, allow] of ROUTES) {
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !allow.split(", ").includes(m))) {
      for (const token of [TOKEN, null]) {
        const answer = await raw(method, path, { token });
        assert.equal(answer.status, 405, `${method} ${path}`);
        assert.equal(answer.headers.get("allow"), allow, `${method} ${path}`);
        assert.equal(JSON.parse(answer.text).error.code, "METHOD_NOT_ALLOWED");
      }
    }
    const head = await raw("HEAD", path);
    assert.deepEqual([head.status, head.headers.get("allow")], [405, allow], `HEAD ${path}`);
    for (const method of ["PROPFIND", "QUERY", "PURGE", "SEARCH", "LOCK", "MKCOL"]) {
      const answer = await raw(method, path);
      assert.equal(answer.status, 501, `${method} ${path}`);
      assert.equal(answer.headers.get("allow"), allow, `${method} ${path}`);
      assert.match(answer.headers.get("content-type"), /^application\/json/);
      assert.equal(JSON.parse(answer.text).error.code, "NOT_IMPLEMENTED");
    }
  }
  const offRoute = await raw("QUERY", "/nowhere");
  assert.deepEqual([offRoute.status, offRoute.headers.get("allow")], [501, "GET, POST, DELETE, OPTIONS"]);
  assert.equal(await upstream(), before, "no method reached a provider");
});

test("every path answers JSON: GET / and an unknown path are 404 envelopes", async () => {
  for (const path of ["/", "/v2/conversations", "/v1/conversations/x/y/z"]) {
    const answer = await call(worker.base, path, { authorization: `Bearer ${TOKEN}` });
    assert.equal(answer.status, 404, path);
    assert.match(answer.headers.get("content-type"), /^application\/json/);
    assert.equal(answer.body.error.code, "NOT_FOUND");
  }
});

test("every 401 says WWW-Authenticate: Bearer, and the scheme is case-insensitive", async () => {
  for (const authorization of [undefined, "Bearer nope", "Basic YTpi", `Token ${TOKEN}`]) {
    const answer = await call(worker.base, "/v1/usage", { authorization });
    assert.equal(answer.status, 401, String(authorization));
    assert.equal(answer.headers.get("www-authenticate"), "Bearer");
  }
  for (const scheme of ["bearer", "BEARER", "bEaReR"]) {
    assert.equal((await call(worker.base, "/v1/usage", { authorization: `${scheme} ${TOKEN}` })).status, 200, scheme);
  }
});

test("numbers are digits only and keywords within their documented length as sent: 400 naming the field, no upstream call", async () => {
  const before = await upstream();
  const cases = [
    ["/v1/conversations?count=%2B5", "count"],
    ["/v1/conversations?count=%205", "count"],
    ["/v1/conversations?count=5%20", "count"],
    ["/v1/conversations?count=1e1", "count"],
    ["/v1/conversations/2-abc/messages?count=-1", "count"],
    [`/v1/conversations?keywords=${"a".repeat(200)}%20%20`, "keywords"],
    ["/v1/conversations?keywords=a%00b", "keywords"],
    ["/v1/conversations?colour=red", "query"],
    ["/v1/conversations?cursor=", "cursor"],
    [`/v1/conversations?cursor=${"A".repeat(2049)}`, "cursor"],
  ];
  for (const [path, field] of cases) {
    const answer = await call(worker.base, path, { authorization: `Bearer ${TOKEN}` });
    assert.equal(answer.status, 400, path);
    if (field === "cursor") assert.equal(answer.body.error.code, "INVALID_CURSOR", path);
    else assert.deepEqual([answer.body.error.code, answer.body.error.field], ["INVALID_INPUT", field], path);
  }
  assert.equal((await call(worker.base, `/v1/conversations?count=5&keywords=${"a".repeat(200)}`, { authorization: `Bearer ${TOKEN}` })).status, 200);
  assert.equal(await upstream() - before, 1, "only the valid list synced its head");
});
