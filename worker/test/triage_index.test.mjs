// Triage through the index of a client of more accounts than a fan-out serves (issue 35;
// MAX_MERGED_ACCOUNTS is 20): the merged views and the index's change feed (`GET /v1/changes`
// for all, `edge/index_changes.rs`) carry a triage change, once. 21 registry accounts (alex
// and 20 small generated ones), made through the admin API as merged_index.test.mjs does.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { bigAccount, startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const ADMIN_TOKEN = randomBytes(32).toString("hex");
const REGISTRY_KEYS = `k1:${randomBytes(32).toString("base64")}`;
const ALEX = { id: "alex", label: "Alex Morgan", connectsafelyAccountId: "696ce9e780e0483585e4e553", linkupLoginToken: "demo-login-token-alex" };
const BIG = 20;

let sandbox, worker, token;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "1000000", "--big-account", "3", "--big-accounts", String(BIG)]);
  worker = await startWorker({
    sandboxBase: sandbox.base, clients: null, secrets: { ADMIN_TOKEN, REGISTRY_KEYS },
    vars: { RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0", HEAD_TTL_SECS: "3600", CONNECTSAFELY_DAILY_LIMIT: "1000000" },
  });
  const big = Array.from({ length: BIG }, (_, k) => {
    const { account, loginToken } = bigAccount(k);
    return { id: `big${k}`, label: `Big ${k}`, connectsafelyAccountId: account, linkupLoginToken: loginToken };
  });
  for (const account of [ALEX, ...big]) assert.equal((await admin("/accounts", { method: "POST", body: account })).status, 201);
  const made = await admin("/clients", { method: "POST", body: { name: "many", accounts: [ALEX.id, ...big.map((a) => a.id)] } });
  assert.equal(made.status, 201, made.text);
  token = made.body.token;
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
});

function admin(path, { method = "GET", body } = {}) {
  return checkedCall(worker.base, `/admin/v1${path}`, {
    method, authorization: `Bearer ${ADMIN_TOKEN}`,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), "x-admin-actor": "triage-test" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const call = (path, init = {}) => checkedCall(worker.base, path, { ...init, authorization: `Bearer ${token}` });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(check, what, ms = 60_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const merged = async (query) => {
  const page = await call(`/v1/conversations?account=all&count=100${query}`);
  return page.status === 200 ? page.body.items.map((c) => `${c.account}/${c.id}`) : null;
};

test("21 accounts: a triage change shows in the index's views and once in its change feed", async () => {
  const all = await until(() => merged(""), "the index of 21 accounts");
  const t = all.find((k) => k.startsWith("alex/")).slice("alex/".length);
  assert.deepEqual(await merged("&view=starred"), []);
  const start = (await call("/v1/changes?account=all")).body.token;
  const set = await call(`/v1/conversations/${encodeURIComponent(t)}/triage?account=alex`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ starred: true, labels: { add: ["many"] } }),
  });
  assert.equal(set.status, 200, set.text);
  await until(async () => (await merged("&view=starred"))?.includes(`alex/${t}`), "the index to hold the star", 15_000);
  assert.deepEqual(await merged("&label=many"), [`alex/${t}`]);
  assert.ok((await merged("&view=inbox")).includes(`alex/${t}`), "starred, still in the inbox");
  const fed = await until(async () => {
    const answer = await call(`/v1/changes?account=all&since=${encodeURIComponent(start)}`);
    assert.equal(answer.status, 200, answer.text);
    const mine = answer.body.conversations.filter((c) => c.id === t);
    return mine.length ? mine : null;
  }, "the index's change feed", 15_000);
  assert.equal(fed.length, 1);
  assert.deepEqual([fed[0].account, fed[0].triage.starred, fed[0].triage.labels], ["alex", true, ["many"]]);
});
