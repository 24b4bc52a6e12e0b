// Run it for a team: the registry in storage through the admin API, from an empty
// deployment (no CLIENTS secret) to a working client, token rotation and revocation (its open
// socket closed at once), bad input refused with nothing changed, the audit log, and no
// credential in clear in the Worker's storage, answers or logs. The import of today's CLIENTS
// forms is in admin_import.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const ADMIN_TOKEN = randomBytes(32).toString("hex");
const REGISTRY_KEYS = `k1:${randomBytes(32).toString("base64")}`;
// Demo accounts of the sandbox: alex (ConnectSafely + a LinkupAPI v1 session), priya.
const ALEX = { id: "alex", label: "Alex Morgan", connectsafelyAccountId: "696ce9e780e0483585e4e553", linkupLoginToken: "demo-login-token-alex" };
// A session the sandbox refuses, as LinkupAPI refuses an expired LinkedIn session.
const DEAD_SESSION = "demo-login-token-alex-revoked";
const PRIYA = { id: "priya", label: "Priya Iyer", connectsafelyAccountId: "6a7b8c9d0e1f2a3b4c5d6e7f", linkupLoginToken: "demo-login-token-priya" };

let sandbox, worker, state;
const shownOnce = []; // every token and secret the API showed: never again anywhere
before(async () => {
  state = mkdtempSync(join(tmpdir(), "inbox-admin-"));
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({
    sandboxBase: sandbox.base, clients: null, persistTo: state,
    vars: { RATE_LIMIT_PER_MINUTE: "0" },
    secrets: { ADMIN_TOKEN, REGISTRY_KEYS },
  });
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
  if (state) rmSync(state, { recursive: true, force: true });
});

const admin = (path, { method = "GET", body, token = ADMIN_TOKEN } = {}) =>
  checkedCall(worker.base, `/admin/v1${path}`, {
    method,
    authorization: token === null ? undefined : `Bearer ${token}`,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), "x-admin-actor": "test-operator" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
const inbox = (path, token, method = "GET") =>
  checkedCall(worker.base, path, { method, authorization: `Bearer ${token}` });
/** Everything an operator can read back: clients, accounts and the audit log. */
const everything = async () => JSON.stringify([
  (await admin("/clients?limit=100")).body, (await admin("/accounts?limit=100")).body, (await admin("/audit?limit=100")).body,
]);

test("an empty deployment: no client works, the admin API refuses every token but its own", async () => {
  assert.equal((await inbox("/v1/accounts", "anything")).status, 401);
  assert.equal((await admin("/clients", { token: null })).status, 401);
  const wrong = await admin("/clients", { token: "x".repeat(64) });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get("www-authenticate"), "Bearer");
  const empty = await admin("/clients");
  assert.equal(empty.status, 200, empty.text);
  assert.deepEqual(empty.body, { items: [], next: null });
  assert.equal((await inbox("/v1/accounts", ADMIN_TOKEN)).status, 401, "the admin token is not a client token");
});

test("create accounts and a client, link, and the client's token reaches the inbox", async () => {
  for (const account of [ALEX, PRIYA]) {
    const created = await admin("/accounts", { method: "POST", body: account });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.id, account.id);
    assert.equal(created.body.hasLinkupLoginToken, true);
    assert.deepEqual(created.body.providers, ["connectsafely", "linkup"]);
    assert.ok(!created.text.includes(account.linkupLoginToken), "the session is never shown");
  }
  const made = await admin("/clients", { method: "POST", body: { name: "ana", accounts: ["alex"], allowedOrigins: ["https://app.example"] } });
  assert.equal(made.status, 201, made.text);
  assert.match(made.body.token, /^lic_[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(made.body.client.accounts, ["alex"]);
  shownOnce.push(made.body.token);
  const accounts = await inbox("/v1/accounts", made.body.token);
  assert.equal(accounts.status, 200, accounts.text);
  assert.deepEqual(accounts.body.accounts.map((a) => [a.id, a.label]), [["alex", "Alex Morgan"]]);
  const page = await inbox("/v1/conversations?count=5", made.body.token);
  assert.equal(page.status, 200, page.text);
  assert.ok(page.body.items.length > 0, "the stored account reaches its provider");
  assert.equal((await admin("/clients", { token: made.body.token })).status, 401, "a client token is not the admin token");
  // Link a second account: at once in this isolate.
  const linked = await admin("/clients/ana/accounts/priya", { method: "PUT" });
  assert.equal(linked.status, 200, linked.text);
  assert.deepEqual(linked.body.accounts, ["alex", "priya"]);
  const both = await inbox("/v1/accounts", made.body.token);
  assert.deepEqual(both.body.accounts.map((a) => a.id), ["alex", "priya"]);
  const unlinked = await admin("/clients/ana/accounts/priya", { method: "DELETE" });
  assert.equal(unlinked.status, 200, unlinked.text);
  assert.equal((await inbox("/v1/conversations?account=priya", made.body.token)).status, 404, "unlinked: at once");
});

/** Opens the push socket of `token`'s first account; resolves once it is ready. */
async function openSocket(token) {
  const tickets = await inbox("/v1/live", token, "POST");
  assert.equal(tickets.status, 200, tickets.text);
  const socket = new WebSocket(tickets.body.sockets[0].url);
  const closed = new Promise((resolve) => socket.addEventListener("close", (e) => resolve(e.code)));
  await new Promise((resolve, reject) => {
    socket.addEventListener("message", (e) => JSON.parse(e.data).type === "ready" && resolve());
    setTimeout(() => reject(new Error("socket not ready")), 10_000);
  });
  return { socket, closed, ticketUrl: tickets.body.sockets[0].url };
}

/** The server sends its close frame at once (CLOSING on this side within 3 s); the close event
 *  and its code follow once workerd tears the connection down. */
async function closedAtOnce({ socket, closed }, why) {
  const sent = Date.now();
  while (socket.readyState < WebSocket.CLOSING && Date.now() - sent < 3_000) await new Promise((r) => setTimeout(r, 50));
  assert.ok(socket.readyState >= WebSocket.CLOSING, `${why}: the socket is being closed at once`);
  assert.equal(await closed, 1008, `${why}: closed as no longer authorized`);
}

test("rotating a token refuses the old one and closes its socket at once; so does disabling the client", async () => {
  let token = shownOnce.at(-1);
  const first = await openSocket(token);
  // A ticket issued under the old token, not yet used.
  const unused = await inbox("/v1/live", token, "POST");
  const rotated = await admin("/clients/ana/token", { method: "POST" });
  assert.equal(rotated.status, 200, rotated.text);
  shownOnce.push(rotated.body.token);
  for (const old of shownOnce.slice(0, -1)) assert.equal((await inbox("/v1/accounts", old)).status, 401, "the old token");
  await closedAtOnce(first, "the old token's socket");
  const late = await new Promise((resolve) => {
    const ws = new WebSocket(unused.body.sockets[0].url);
    ws.addEventListener("open", () => { ws.close(); resolve("opened"); });
    ws.addEventListener("error", () => resolve("refused"));
    setTimeout(() => resolve("no answer"), 5_000);
  });
  assert.equal(late, "refused", "a ticket of the old token opens nothing");
  token = rotated.body.token;
  assert.equal((await inbox("/v1/accounts", token)).status, 200);
  const second = await openSocket(token);
  const disabled = await admin("/clients/ana", { method: "PATCH", body: { disabled: true } });
  assert.equal(disabled.status, 200, disabled.text);
  assert.equal(disabled.body.disabled, true);
  await closedAtOnce(second, "the disabled client's socket");
  assert.equal((await inbox("/v1/accounts", token)).status, 401, "a disabled client's token");
  const enabled = await admin("/clients/ana", { method: "PATCH", body: { disabled: false } });
  assert.equal(enabled.status, 200);
  assert.equal((await inbox("/v1/accounts", token)).status, 200, "enabled again");
});

test("bad input is 4xx naming the field, and changes nothing", async () => {
  const before = await everything();
  const cases = [
    ["/clients", "POST", "{not json", 400, "body"],
    ["/clients", "POST", { name: "bad name!" }, 400, "name"],
    ["/clients", "POST", { name: "x".repeat(65) }, 400, "name"],
    ["/clients", "POST", { name: "ok", surprise: 1 }, 400, null],
    ["/clients", "POST", { name: "ok", accounts: ["nobody"] }, 404, "accounts"],
    ["/clients", "POST", { name: "ana" }, 409, null],
    ["/accounts", "POST", { id: "all", connectsafelyAccountId: "x1" }, 400, "id"],
    ["/accounts", "POST", { id: "nothing" }, 400, null],
    ["/accounts", "POST", { ...ALEX, id: "alex-again" }, 409, null],
    ["/accounts", "POST", ALEX, 409, null],
    ["/clients/nobody", "PATCH", { disabled: true }, 404, null],
    ["/clients/ana/accounts/nobody", "PUT", undefined, 404, null],
    ["/accounts/alex", "DELETE", undefined, 409, null],
    ["/clients?limit=0", "GET", undefined, 400, "limit"],
    ["/import", "POST", [{ name: "ana", tokenSha256: "0".repeat(64), connectsafelyAccountId: "c9" }], 409, null],
  ];
  for (const [path, method, body, status, field] of cases) {
    const answer = await admin(path, { method, body });
    assert.equal(answer.status, status, `${method} ${path}: ${answer.text}`);
    if (field) assert.equal(answer.body.error.field, field, `${method} ${path}: ${answer.text}`);
  }
  assert.equal(await everything(), before, "nothing changed");
});

test("a webhook secret is made server-side, shown once with its URL, and signs the account's events", async () => {
  const made = await admin("/accounts/alex/webhook-secret/connectsafely", { method: "POST" });
  assert.equal(made.status, 200, made.text);
  assert.equal(made.body.url, `${worker.base}/v1/webhooks/connectsafely/alex`);
  assert.equal(made.body.account.webhooks.connectsafely, true);
  shownOnce.push(made.body.secret);
  const body = JSON.stringify({ event: "message.received", object: "event", data: {
    id: "evt-admin-1", message_urn: "urn:li:msg_message:(urn:li:fsd_profile:ACoAAAdmin,2-admin-1)", account_id: ALEX.connectsafelyAccountId,
    provider: "LINKEDIN", sender: { id: "urn:li:fsd_profile:ACoAAAdmin", name: "Admin Test", profile_url: null, profile_picture: null },
    body: "hello from the admin test", timestamp: new Date().toISOString(), conversation_id: "urn:li:messagingThread:2-admin-thread", attachments: [],
  } });
  const signature = `sha256=${createHmac("sha256", made.body.secret).update(body).digest("hex")}`;
  const post = (sig) => checkedCall(worker.base, "/v1/webhooks/connectsafely/alex", {
    method: "POST", body, headers: { "content-type": "application/json", "x-webhook-signature": sig },
  });
  assert.equal((await post(signature)).status, 200, "signed with the new secret");
  assert.equal((await post(`sha256=${"0".repeat(64)}`)).status, 401);
});

test("the audit log names every write, who and when, never a secret", async () => {
  const audit = await admin("/audit?limit=100");
  assert.equal(audit.status, 200, audit.text);
  const actions = audit.body.items.map((e) => `${e.action} ${e.target}`);
  for (const expected of ["account.create alex", "account.create priya", "client.create ana", "client.link ana", "client.unlink ana", "client.rotate_token ana", "client.update ana"]) {
    assert.ok(actions.some((a) => a.startsWith(expected.split(" ")[0]) && a.endsWith(expected.split(" ")[1])), `${expected} in ${JSON.stringify(actions)}`);
  }
  assert.ok(audit.body.items.every((e) => e.actor === "test-operator" && e.at > 0));
  for (const secret of [...shownOnce, ALEX.linkupLoginToken, PRIYA.linkupLoginToken, ADMIN_TOKEN]) {
    assert.ok(!audit.text.includes(secret), "no secret in the audit log");
  }
});

test("a refused LinkedIn session shows in the admin list; rotating the session through the API clears it", async () => {
  const token = (await admin("/clients/ana/token", { method: "POST" })).body.token;
  shownOnce.push(token);
  const list = await inbox("/v1/conversations?count=5", token);
  assert.equal(list.status, 200, list.text);
  const thread = `/v1/conversations/${encodeURIComponent(list.body.items[1].id)}/messages?count=5`;
  const rotated = await admin("/accounts/alex", { method: "PATCH", body: { linkupLoginToken: DEAD_SESSION } });
  assert.equal(rotated.status, 200, rotated.text);
  assert.ok(!rotated.text.includes(DEAD_SESSION), "the session is never shown");
  const refused = await inbox(thread, token);
  assert.equal(refused.status, 502, refused.text);
  const expired = await admin("/accounts/alex");
  assert.equal(expired.body.health?.state, "session_expired", expired.text);
  const listed = await admin("/accounts");
  assert.equal(listed.body.items.find((a) => a.id === "alex").health.state, "session_expired");
  // The operator rotates the session: the next answer clears it, here and in the admin list.
  assert.equal((await admin("/accounts/alex", { method: "PATCH", body: { linkupLoginToken: ALEX.linkupLoginToken } })).status, 200);
  const healed = await inbox(thread, token);
  assert.equal(healed.status, 200, healed.text);
  assert.equal((await inbox("/v1/accounts", token)).body.accounts[0].health.state, "ok");
  assert.equal((await admin("/accounts/alex")).body.health?.state, "ok");
  const audit = await admin("/audit?limit=100");
  assert.ok(audit.body.items.some((e) => e.action === "account.rotate_session" && e.target === "alex"));
});

/** Every file under `dir`, recursively. */
const filesUnder = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  return statSync(path).isDirectory() ? filesUnder(path) : [path];
});

test("no credential in clear in the Worker's storage (every SQLite file and WAL read raw) nor in its logs", async () => {
  const files = filesUnder(state);
  assert.ok(files.some((f) => /Registry/.test(f)), `the registry object's files are there: ${files.join(", ")}`);
  const secrets = [...shownOnce, ALEX.linkupLoginToken, PRIYA.linkupLoginToken, DEAD_SESSION, ADMIN_TOKEN, REGISTRY_KEYS.slice(3)];
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const secret of secrets) {
      assert.ok(!bytes.includes(Buffer.from(secret)), `a credential in clear in ${file}`);
    }
  }
  const logs = worker.logs();
  for (const secret of secrets) assert.ok(!logs.includes(secret), "a credential in the Worker's logs");
});
