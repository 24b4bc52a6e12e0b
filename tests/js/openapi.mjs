// Checks a response of the Worker against docs/openapi.yaml: the path template and method
// must be documented, the status documented for them, a JSON body valid against the
// response's schema (JSON Schema 2020-12, as OpenAPI 3.1 uses), a body-less response
// documented without content, every header the spec marks `required` present, and every
// documented header that is present valid against its schema.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SPEC_ID = "openapi.yaml";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
/** The OpenAPI extension for answers to a path the spec does not list. */
const OTHER_PATHS = "x-other-paths";
/** The OpenAPI extension for answers to a method OpenAPI cannot name (PROPFIND, QUERY, …). */
const UNKNOWN_METHODS = "x-unknown-methods";

export const spec = parse(readFileSync(join(repo, "docs", "openapi.yaml"), "utf8"));

// One Ajv for the whole document: every `#/components/...` reference of a schema resolves in
// it. The OpenAPI keywords around the schemas are declared so strict mode accepts the document
// as a schema resource; strict mode still rejects unknown keywords inside the schemas.
function makeAjv(options = {}) {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, ...options });
  addFormats(ajv);
  ajv.addVocabulary([
    "openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags",
    "externalDocs", OTHER_PATHS, UNKNOWN_METHODS,
    // The OpenAPI base vocabulary of 3.1 schemas.
    "discriminator", "xml", "example",
  ]);
  ajv.addSchema(spec, SPEC_ID);
  return ajv;
}
const ajv = makeAjv();
// Header values are strings on the wire: `integer` headers are checked as numbers.
const headerAjv = makeAjv({ coerceTypes: true });

const escape = (segment) => String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
const pointerOf = (segments) => segments.map(escape).map((s) => `/${s}`).join("");

/** The object at `segments`, following a `$ref` at the end (and at each step), with its pointer. */
function resolve(segments) {
  let node = spec;
  let at = [];
  for (const segment of segments) {
    ({ node, at } = follow(node, at));
    node = node?.[segment];
    at = [...at, segment];
  }
  return follow(node, at);
}

function follow(node, at) {
  const seen = new Set();
  while (node && typeof node === "object" && typeof node.$ref === "string") {
    assert.ok(node.$ref.startsWith("#/"), `docs/openapi.yaml: only local $refs are supported (${node.$ref})`);
    assert.ok(!seen.has(node.$ref), `docs/openapi.yaml: $ref cycle at ${node.$ref}`);
    seen.add(node.$ref);
    at = node.$ref.slice(2).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
    node = at.reduce((n, s) => n?.[s], spec);
    assert.ok(node !== undefined, `docs/openapi.yaml: unresolved $ref ${pointerOf(at)}`);
  }
  return { node, at };
}

const compiled = new Map();
function validator(instance, at) {
  const key = `${instance === headerAjv}${pointerOf(at)}`;
  if (!compiled.has(key)) {
    const validate = instance.getSchema(`${SPEC_ID}#${pointerOf(at)}`);
    assert.ok(validate, `docs/openapi.yaml: no schema at #${pointerOf(at)}`);
    compiled.set(key, validate);
  }
  return compiled.get(key);
}

// Templates, literal paths before templated ones: `/v1/conversations/{conversationId}/messages`.
const templates = Object.keys(spec.paths ?? {})
  .map((template) => ({
    template,
    literal: !template.includes("{"),
    regex: new RegExp(`^${template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")).join("[^/]+")}$`),
  }))
  .sort((a, b) => Number(b.literal) - Number(a.literal));

/** The documented path item of `pathname`: its segments in the spec, and its template. */
function pathItem(pathname) {
  const match = templates.find((t) => t.regex.test(pathname));
  if (match) return { segments: ["paths", match.template], name: match.template };
  assert.ok(spec[OTHER_PATHS], `docs/openapi.yaml documents no path matching ${pathname}`);
  return { segments: [OTHER_PATHS], name: `${OTHER_PATHS} (${pathname})` };
}

// Every schema of the spec compiles now, so a broken spec fails at load, not at first use.
for (const name of Object.keys(spec.components?.schemas ?? {})) validator(ajv, ["components", "schemas", name]);
for (const name of Object.keys(spec.components?.headers ?? {})) validator(headerAjv, ["components", "headers", name, "schema"]);
for (const base of [...Object.keys(spec.paths ?? {}).map((p) => ["paths", p]), ...(spec[OTHER_PATHS] ? [[OTHER_PATHS]] : [])]) {
  for (const method of METHODS) {
    const { node: operation } = resolve([...base, method]);
    for (const status of Object.keys(operation?.responses ?? {})) {
      const { node: response, at } = resolve([...base, method, "responses", status]);
      if (response.content?.["application/json"]) validator(ajv, [...at, "content", "application/json", "schema"]);
      for (const header of Object.keys(response.headers ?? {})) {
        const { node: h, at: hat } = resolve([...at, "headers", header]);
        if (h.schema) validator(headerAjv, [...hat, "schema"]);
      }
    }
  }
}

function headerMap(headers) {
  const entries = typeof headers?.entries === "function" ? [...headers.entries()] : Object.entries(headers ?? {});
  return new Map(entries.map(([k, v]) => [k.toLowerCase(), String(v)]));
}

function errorsOf(validate) {
  return (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ""}`).join("; ");
}

/**
 * Asserts that a response is one docs/openapi.yaml documents; throws an AssertionError naming
 * the disagreement otherwise. `path` may carry a query string; `headers` is a `Headers` or a
 * plain object; the body is `text` (the raw text), or `body` (already parsed; a string is
 * taken as the raw text).
 */
export function checkResponse({ method = "GET", path, status, headers, text, body }) {
  const pathname = path.split(/[?#]/)[0];
  const verb = method.toLowerCase();
  const where = `${method.toUpperCase()} ${pathname} → ${status}`;
  // A method OpenAPI cannot name is answered alike on every path (`x-unknown-methods`).
  const unknown = !METHODS.includes(verb);
  const item = unknown ? { segments: [], name: UNKNOWN_METHODS } : pathItem(pathname);
  const { node: operation } = resolve(unknown ? [UNKNOWN_METHODS] : [...item.segments, verb]);
  assert.ok(operation, `docs/openapi.yaml: ${item.name} documents no ${method.toUpperCase()} (${where})`);
  const responses = operation.responses ?? {};
  const key = [String(status), `${String(status)[0]}XX`, "default"].find((k) => k in responses);
  assert.ok(key, `docs/openapi.yaml: ${method.toUpperCase()} ${item.name} documents no ${status} response (documented: ${Object.keys(responses).join(", ")}) (${where})`);
  const { node: response, at } = resolve(unknown ? [UNKNOWN_METHODS, "responses", key] : [...item.segments, verb, "responses", key]);
  const got = headerMap(headers);
  if (text === undefined) text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);

  for (const name of Object.keys(response.headers ?? {})) {
    const { node: header, at: hat } = resolve([...at, "headers", name]);
    const value = got.get(name.toLowerCase());
    if (value === undefined) {
      assert.ok(!header.required, `required header ${name} missing (${where})`);
      continue;
    }
    if (header.schema) {
      const validate = validator(headerAjv, [...hat, "schema"]);
      assert.ok(validate(value), `header ${name}: ${JSON.stringify(value)} does not match docs/openapi.yaml (${errorsOf(validate)}) (${where})`);
    }
  }

  const json = response.content?.["application/json"];
  if (!response.content) {
    assert.equal(text, "", `docs/openapi.yaml documents no body for this response, got ${text.slice(0, 200)} (${where})`);
    return;
  }
  assert.ok(json, `docs/openapi.yaml: only application/json responses are checked (${where})`);
  if (verb === "head") return;
  assert.match(got.get("content-type") ?? "", /^application\/json\b/, `Content-Type (${where})`);
  let value;
  try { value = JSON.parse(text); } catch { assert.fail(`body is not JSON: ${text.slice(0, 200)} (${where})`); }
  const validate = validator(ajv, [...at, "content", "application/json", "schema"]);
  assert.ok(validate(value), `body does not match docs/openapi.yaml: ${errorsOf(validate)} (${where}) body: ${text.slice(0, 300)}`);
}
