// The spec carries every limit the code enforces: for each documented pattern, length, range
// and the body cap, values on both sides of the rule are judged by docs/openapi.yaml's own
// schema (Ajv, JSON Schema 2020-12) and sent to the Worker, and the two must agree: what the
// spec calls valid is accepted, what it calls invalid is 400 (413 for the body) naming the field.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import Ajv2020 from "ajv/dist/2020.js";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";
import { spec, checkResponse } from "../../tests/js/openapi.mjs";

const TOKEN = "limits-alex";
const CLIENTS = [{ name: "alex", token: TOKEN, account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex" }];
const auth = `Bearer ${TOKEN}`;

let sandbox, worker, thread;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { RATE_LIMIT_PER_MINUTE: "0" } });
  const list = await checkedCall(worker.base, "/v1/conversations?count=1", { authorization: auth });
  assert.equal(list.status, 200);
  thread = list.body.items[0].id;
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
});

const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
const schemas = spec.components.schemas;
const parameter = (path, verb, name) => {
  const found = spec.paths[path][verb].parameters.find((p) => p.name === name);
  assert.ok(found, `docs/openapi.yaml documents ${name} on ${verb} ${path}`);
  return found.schema;
};
/** Whether docs/openapi.yaml's `schema` calls `value` valid. */
const specAccepts = (schema, value) => ajv.validate(schema, value);

/** Asserts the Worker's verdict on each value equals the spec's. `send(value)` answers `{status, body}`. */
async function agree(name, schema, values, send, { refusedStatus = 400, field = name } = {}) {
  let accepted = 0;
  let refused = 0;
  for (const value of values) {
    const valid = specAccepts(schema, value);
    const answer = await send(value);
    const shown = JSON.stringify(value).slice(0, 60);
    if (valid) {
      accepted++;
      assert.ok(!(answer.status === refusedStatus && answer.body?.error?.field === field), `${name} ${shown}: the spec calls it valid, the Worker refused it: ${JSON.stringify(answer.body).slice(0, 200)}`);
      assert.ok(answer.status < 500 || answer.status === 502, `${name} ${shown}: ${answer.status}`);
    } else {
      refused++;
      assert.equal(answer.status, refusedStatus, `${name} ${shown}: the spec calls it invalid, the Worker answered ${answer.status}`);
      assert.equal(answer.body.error.field, field, `${name} ${shown}`);
    }
  }
  assert.ok(accepted > 0 && refused > 0, `${name}: values on both sides of the rule (${accepted} valid, ${refused} invalid)`);
}

const get = (path) => checkedCall(worker.base, path, { authorization: auth });
/** A JSON POST on a fresh connection (a refused body may be left unread, and workerd then closes the connection), checked against the spec. */
const post = (path, body, headers = {}) => new Promise((resolve, reject) => {
  const url = new URL(path, worker.base);
  const sent = { authorization: auth, "content-type": "application/json", "idempotency-key": randomUUID(), ...headers };
  const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: "POST", headers: sent, agent: false }, (res) => {
    const chunks = [];
    res.on("data", (c) => chunks.push(c));
    res.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        checkResponse({ method: "POST", path, status: res.statusCode, headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), text });
        resolve({ status: res.statusCode, body: JSON.parse(text) });
      } catch (e) { reject(e); }
    });
  });
  req.on("error", reject);
  req.end(body);
});

test("keywords: the documented pattern (C0, DEL and C1 controls) and length agree with the Worker", async () => {
  const values = ["recruiter", "a".repeat(200), "a".repeat(201), "é".repeat(200), "ü".repeat(201), "a\u0000b", "a\u001fb", "a\u007fb", "a\u0085b", "a\u009fb", "a\u00a0b", "日本語", "abc\t", "abc\n", " abc "];
  await agree("keywords", parameter("/v1/conversations", "get", "keywords"), values,
    (v) => get(`/v1/conversations?count=5&keywords=${encodeURIComponent(v)}`));
});

test("count: the documented range agrees with the Worker", async () => {
  const schema = { ...parameter("/v1/conversations", "get", "count"), type: "integer" };
  for (const [value, valid] of [[1, true], [100, true], [0, false], [101, false]]) {
    assert.equal(specAccepts(schema, value), valid);
    const answer = await get(`/v1/conversations?count=${value}`);
    assert.equal(answer.status === 400 && answer.body.error.field === "count", !valid, `count=${value}`);
  }
});

test("conversationId: the documented pattern and length agree with the Worker", async () => {
  const values = [
    thread, "2-abc", "2-a+b/c=_-", "2-a//b", "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAA,2-abc)", "urn:li:",
    `urn:li:${"a".repeat(505)}`, `urn:li:${"a".repeat(506)}`, "2-", "x-abc", "2-a b", "urn:li:a//b", "urn:li:a<b", "urn:x:abc", "22-abc",
  ];
  await agree("conversationId", schemas.ConversationId, values,
    (v) => get(`/v1/conversations/${encodeURIComponent(v)}/messages?count=1`));
});

test("profileUrl: the documented pattern and length agree with the Worker, as a query and in a send body", async () => {
  const values = [
    "https://www.linkedin.com/in/ana/", "http://fr.linkedin.com/in/jean-dupont", "https://linkedin.com/in/x", "HTTPS://WWW.LINKEDIN.COM/IN/X",
    "https://www.linkedin.com/in/al%C3%A9s-x/", `https://www.linkedin.com/in/${"a".repeat(490)}`, `https://www.linkedin.com/in/${"a".repeat(490)}/`,
    "linkedin.com/in/x", "https://evil.com/in/x", "https://www.linkedin.com.evil.com/in/x", "https://user@www.linkedin.com/in/x",
    "https://www.linkedin.com/company/x", "https://www.linkedin.com/in/", "https://www.linkedin.com/in/x/y", "https://www.linkedin.com/in/x?next=1",
  ];
  await agree("profileUrl", schemas.ProfileUrl, values, (v) => get(`/v1/messages?count=1&profileUrl=${encodeURIComponent(v)}`));
  // The send body: invalid ones only (a valid one would write to LinkedIn).
  for (const value of [...values.filter((v) => !specAccepts(schemas.ProfileUrl, v)), ""]) {
    assert.ok(!specAccepts(schemas.ProfileUrl, value), value);
    const answer = await post("/v1/messages", JSON.stringify({ profileUrl: value, text: "never sent" }));
    assert.deepEqual([answer.status, answer.body.error.field], [400, "profileUrl"], value);
    const reply = await post(`/v1/conversations/${encodeURIComponent(thread)}/messages`, JSON.stringify({ profileUrl: value, text: "never sent" }));
    assert.deepEqual([reply.status, reply.body.error.field], [400, "profileUrl"], `reply ${value}`);
  }
});

test("message text: the documented pattern and length agree with the Worker", async () => {
  const values = [
    `hello ${randomUUID()}`, `line\nbreak\ttab ${randomUUID()}`, `${"a".repeat(7960)} ${randomUUID()}`, "a".repeat(8001),
    "", "   ", "a\u0000b", "a\rb", "a\u0085b", "a\u202eb", "a\u2067b", "\u0001x", "hi\r", "hi\r\n", `a${" ".repeat(8000)}`,
  ];
  await agree("text", schemas.MessageText, values,
    (v) => post(`/v1/conversations/${encodeURIComponent(thread)}/messages`, JSON.stringify({ text: v })));
});

test("the body cap: x-max-body-bytes as sent, 413 one byte past it", async () => {
  const cap = spec.paths["/v1/messages"].post.requestBody["x-max-body-bytes"];
  assert.equal(cap, spec.paths["/v1/conversations/{conversationId}/messages"].post.requestBody["x-max-body-bytes"]);
  const json = JSON.stringify({ text: `at the cap ${randomUUID()}` });
  const atCap = json + " ".repeat(cap - json.length);
  assert.equal(Buffer.byteLength(atCap), cap);
  const path = `/v1/conversations/${encodeURIComponent(thread)}/messages`;
  assert.equal((await post(path, atCap)).status, 200, "a body of exactly the cap is read");
  const over = await post(path, `${atCap} `);
  assert.deepEqual([over.status, over.body.error.code, over.body.error.field], [413, "PAYLOAD_TOO_LARGE", "body"]);
  // 6,000 emoji escaped as \u pairs: under 8,000 characters of text, over the cap in bytes.
  const escaped = `{"text":"${"\\ud83d\\ude00".repeat(6000)}"}`;
  assert.ok(Buffer.byteLength(escaped) > cap);
  assert.equal((await post(path, escaped)).status, 413);
});

test("Idempotency-Key: the documented pattern and length agree with the Worker", async () => {
  const schema = spec.paths["/v1/messages"].post.parameters.find((p) => p.name === "Idempotency-Key").schema;
  // An empty text: a key the Worker takes moves on to the body (400 naming text), nothing is sent.
  const values = ["k", "k".repeat(255), "k".repeat(256), "a b", "ключ", "caf\u00e9", "!~"];
  // Header values are bytes (Node refuses DEL and anything past U+00FF): "ключ" cannot be sent at all.
  await agree("Idempotency-Key", schema, values.filter((v) => !/[^\x00-\xff]/.test(v)),
    (v) => post("/v1/messages", JSON.stringify({ profileUrl: "https://www.linkedin.com/in/ana/", text: "" }), { "idempotency-key": v }));
});
