// A star mirror cut short (issue 35): the Worker stops while ConnectSafely's star call hangs,
// leaving the star pending in the account's store; after a restart on the same state the
// object's first request (any request: here a list) asks LinkedIn again and settles it, with no
// one asking for the star again. Black-box in workerd against the sandbox (`hang` fault). Runs with node --experimental-websocket (Node 20).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const ALEX = { id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", loginToken: null };
const CLIENTS = [{ name: "desk", token: "restart-desk", accounts: [ALEX] }];
const VARS = { RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0", HEAD_TTL_SECS: "3600", UPSTREAM_TIMEOUT_MS: "60000" };

let sandbox, worker, state;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  state = mkdtempSync(join(tmpdir(), "star-restart-"));
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
  rmSync(state, { recursive: true, force: true });
});

const start = () => startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, persistTo: state, vars: VARS });
const call = (path, init = {}) => checkedCall(worker.base, path, { ...init, authorization: "Bearer restart-desk" });
const star = (id) => call(`/v1/conversations/${encodeURIComponent(id)}/triage?account=alex`, {
  method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ starred: true }),
});
const starCalls = async () => (await sandbox.stats()).callsByEndpoint["cs.star"];
const itemOf = async (id) => (await call("/v1/conversations?account=alex&count=100")).body.items.find((c) => c.id === id);

test("a star left pending by a stopped Worker settles by itself when the object starts again", async () => {
  worker = await start();
  const [t] = (await call("/v1/conversations?account=alex&count=5")).body.items.map((c) => c.id);
  await sandbox.fault({ mode: "hang", count: 1, route: "cs.star" });
  star(t).catch(() => {}); // its answer never comes: the Worker stops first
  for (let i = 0; (await starCalls()) < 1; i++) {
    assert.ok(i < 100, "the star call reached ConnectSafely");
    await new Promise((r) => setTimeout(r, 100));
  }
  await worker.stop();
  worker = await start();
  // Any request of the account: the object settles what was left pending before answering.
  const settled = await itemOf(t);
  assert.deepEqual([settled.triage.starred, settled.triage.starredOn, settled.triage.starMirror], [true, "linkedin", undefined]);
  assert.equal(await starCalls(), 2, "asked once more, by itself");
  assert.ok((await sandbox.stats()).starred[ALEX.account].includes(t));
  const again = await star(t);
  assert.deepEqual([again.body.triage.starredOn, again.body.triage.starMirror], ["linkedin", undefined]);
  assert.equal(await starCalls(), 2, "the same request then asks nothing");
});
