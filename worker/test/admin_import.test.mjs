// Importing today's CLIENTS secret: both forms (several accounts, and the
// single-account form) answer the same before and after the import; the import is all or
// nothing; once imported, the stored registry answers and the CLIENTS secret is no longer read
// (a restart with another CLIENTS changes nothing).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, clientsSecret, call as checkedCall } from "../../tests/js/worker.mjs";

const ADMIN_TOKEN = randomBytes(32).toString("hex");
const SECRETS = { ADMIN_TOKEN, REGISTRY_KEYS: `k1:${randomBytes(32).toString("base64")}` };
const ALEX = { id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex", connectsafelyWebhookSecret: "cs-hook-secret-alex-0123456789" };
const PRIYA = { id: "priya", label: "Priya Iyer", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya" };
const CLIENTS = [
  { name: "team", token: "import-team", accounts: [ALEX, PRIYA], origins: ["https://team.example"] },
  { name: "legacy", token: "import-legacy", account: "5f1b2c3d4e5f60718293a4b5", loginToken: null },
];
const VARS = { RATE_LIMIT_PER_MINUTE: "0", REGISTRY_CACHE_SECS: "0" };

let sandbox, worker, state;
before(async () => {
  state = mkdtempSync(join(tmpdir(), "inbox-import-"));
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, persistTo: state, vars: VARS, secrets: SECRETS });
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
  if (state) rmSync(state, { recursive: true, force: true });
});

const inbox = (path, token) => checkedCall(worker.base, path, { authorization: `Bearer ${token}` });
const admin = (path, body) => checkedCall(worker.base, `/admin/v1${path}`, {
  method: body === undefined ? "GET" : "POST",
  authorization: `Bearer ${ADMIN_TOKEN}`,
  headers: body === undefined ? {} : { "content-type": "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body),
});

/** What each client sees: its accounts (budgets aside) and each account's first page of ids. */
async function answers() {
  const seen = {};
  for (const client of CLIENTS) {
    const accounts = await inbox("/v1/accounts", client.token);
    assert.equal(accounts.status, 200, accounts.text);
    const pages = [];
    for (const account of accounts.body.accounts) {
      const page = await inbox(`/v1/conversations?account=${account.id}&count=10`, client.token);
      assert.equal(page.status, 200, page.text);
      pages.push(page.body.items.map((c) => c.id));
    }
    seen[client.name] = { accounts: accounts.body.accounts.map((a) => [a.id, a.label, a.providers]), pages };
  }
  // An origin the team lists is answered; one nobody lists is not.
  const preflight = await fetch(`${worker.base}/v1/accounts`, { method: "OPTIONS", headers: { origin: "https://team.example", "access-control-request-method": "GET" } });
  seen.preflight = preflight.status;
  return seen;
}

test("both CLIENTS forms answer the same before and after the import, which is all or nothing", async () => {
  const before = await answers();
  assert.equal(before.preflight, 204);
  const untouched = await admin("/clients");
  assert.deepEqual(untouched.body.items, [], "nothing stored before the import");
  const broken = [...clientsSecret(CLIENTS), { name: "team", tokenSha256: "1".repeat(64), connectsafelyAccountId: "c-9" }];
  const refused = await admin("/import", broken);
  assert.ok([400, 409].includes(refused.status), refused.text);
  assert.deepEqual((await admin("/clients")).body.items, [], "a refused import stores nothing");
  const imported = await admin("/import", clientsSecret(CLIENTS));
  assert.equal(imported.status, 200, imported.text);
  assert.deepEqual(imported.body, { clients: 2, accounts: 3 });
  assert.deepEqual(await answers(), before, "the same answers from the stored registry");
  const listed = await admin("/accounts");
  assert.deepEqual(listed.body.items.map((a) => a.id).sort(), ["alex", "priya", listed.body.items.find((a) => a.clients.includes("legacy")).id].sort());
  assert.equal(listed.body.items.find((a) => a.id === "alex").webhooks.connectsafely, true);
  assert.ok(!listed.text.includes(ALEX.connectsafelyWebhookSecret) && !listed.text.includes(ALEX.loginToken), "no credential in the view");
  assert.equal((await admin("/import", clientsSecret(CLIENTS))).status, 409, "a second import is refused");
});

test("once imported, CLIENTS is no longer read: a restart with another CLIENTS changes nothing", async () => {
  await worker.stop();
  const other = [{ name: "intruder", token: "import-intruder", account: "696ce9e780e0483585e4e553", loginToken: null }];
  worker = await startWorker({ sandboxBase: sandbox.base, clients: other, persistTo: state, vars: VARS, secrets: SECRETS });
  assert.equal((await inbox("/v1/accounts", "import-intruder")).status, 401, "the secret's client is not read");
  assert.equal((await inbox("/v1/accounts", "import-team")).status, 200, "the stored client answers");
});
