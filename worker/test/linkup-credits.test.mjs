// The LinkupAPI credit ledger as each version bills: v1 charges every answer but a 500, v2
// only successes. In workerd against the sandbox, which bills the same way: after a mix of
// successes, 4xx and 500s the Worker's ledger equals the sandbox's own count.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const TITOUAN = "5f1b2c3d4e5f60718293a4b5";
const CLIENTS = [
  { name: "v1", token: "k-v1", account: null, loginToken: "demo-login-token-titouan" },
  { name: "v2", token: "k-v2", account: null, loginToken: null, linkupAccountId: `lk_acc_${TITOUAN}` },
];
const DOC_PROFILE = "https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/";
const NOBODY = "https://www.linkedin.com/in/nobody-here";

let sandbox, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000", "--credits", "100000"]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { RATE_LIMIT_PER_MINUTE: "0", LINKUP_DAILY_CREDIT_CAP: "0" } });
});
after(async () => { await worker?.stop(); sandbox?.stop(); });

const call = (path, token) => checkedCall(worker.base, path, { authorization: `Bearer ${token}` });
const sandboxCredits = async () => (await sandbox.stats()).creditsSpent;
const ledger = async (token) => (await call("/v1/usage", token)).body.linkup.creditsSpent;

/** Successes, 4xx (injected and real) and 500s, each a distinct page (no cache hit). */
async function mix(token) {
  const statuses = [];
  const thread = (count, profile = DOC_PROFILE) => call(`/v1/messages?profileUrl=${encodeURIComponent(profile)}&count=${count}`, token);
  statuses.push((await call("/v1/conversations?count=20", token)).status);
  statuses.push((await thread(11)).status);
  for (const [status, count] of [[400, 12], [500, 13], [404, 14], [500, 15], [403, 16]]) {
    await sandbox.fault({ mode: "status", status, endpoint: "linkup", count: 1 });
    statuses.push((await thread(count)).status);
  }
  statuses.push((await thread(17, NOBODY)).status);
  statuses.push((await thread(25)).status);
  return statuses;
}

test("LinkupAPI v1: the ledger charges every answer but a 500, as the sandbox does", async () => {
  const before = await sandboxCredits();
  const statuses = await mix("k-v1");
  assert.ok(statuses.filter((s) => s === 200).length >= 3, JSON.stringify(statuses));
  assert.ok(statuses.filter((s) => s >= 400).length >= 5, JSON.stringify(statuses));
  const charged = (await sandboxCredits()) - before;
  assert.ok(charged > 0);
  assert.equal(await ledger("k-v1"), charged, JSON.stringify(statuses));
});

test("LinkupAPI v2: errors are free in the ledger as in the sandbox", async () => {
  const before = await sandboxCredits();
  const statuses = await mix("k-v2");
  const charged = (await sandboxCredits()) - before;
  assert.equal(await ledger("k-v2"), charged, JSON.stringify(statuses));
});
