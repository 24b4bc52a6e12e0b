// A ConnectSafely 429 that states its wait only as `X-RateLimit-Reset` (ISO-8601 per its
// cookbook, epoch seconds as the sandbox's own quota sends) pauses the provider for that long,
// in workerd against the sandbox.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

const CLIENTS = [
  { name: "epoch", token: "r-epoch", account: "5f1b2c3d4e5f60718293a4b5", loginToken: null },
  { name: "iso", token: "r-iso", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: null },
];

let sandbox, worker;
before(async () => {
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({ sandboxBase: sandbox.base, clients: CLIENTS, vars: { RATE_LIMIT_PER_MINUTE: "0" } });
});
after(async () => { await worker?.stop(); sandbox?.stop(); });

const upstreamCalls = async () => (await sandbox.stats()).calls.total;

for (const form of ["epoch", "iso"]) {
  test(`a 429 with only X-RateLimit-Reset (${form}) pauses ConnectSafely until that time`, async () => {
    await sandbox.fault({ mode: "status", status: 429, retryAfter: 120, rateLimitReset: form, endpoint: "connectsafely", count: 1 });
    const headers = { authorization: `Bearer r-${form}` };
    const limited = await checkedCall(worker.base, "/v1/conversations?count=5", headers);
    assert.deepEqual([limited.status, limited.body.error?.code], [429, "RATE_LIMITED"], limited.text);
    const first = Number(limited.headers.get("retry-after"));
    assert.ok(first >= 115 && first <= 121, `Retry-After ${first}: the reset's wait, not the default pause`);
    const before = await upstreamCalls();
    const paused = await checkedCall(worker.base, "/v1/conversations?count=5", headers);
    assert.deepEqual([paused.status, paused.body.error?.code], [429, "RATE_LIMITED"], paused.text);
    assert.equal(await upstreamCalls(), before, "paused: no upstream call");
    const left = Number(paused.headers.get("retry-after"));
    assert.ok(left > 60 && left <= first, `Retry-After ${left} while paused`);
  });
}
