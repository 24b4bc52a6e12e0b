// Quick CPU-per-request check (the table of `make bench` section 3, alone): node bench/cpu-only.mjs
import { cpuPerRequest } from "./cpu.mjs";
import { startSandbox } from "../tests/js/sandbox.mjs";
import { startWorker } from "../tests/js/worker.mjs";

const sandbox = await startSandbox(["--daily-limit", "1000000"]);
const clients = [{ name: "user1", token: "bench-user-1", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex" }];
const vars = { CONNECTSAFELY_DAILY_LIMIT: "1000000", RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0", LINKUP_DAILY_CREDIT_CAP: "0" };
const worker = await startWorker({ sandboxBase: sandbox.base, clients, vars });
try {
  const cpu = await cpuPerRequest({ worker, token: clients[0].token });
  const f = (s) => `${s.min.toFixed(2)} / ${s.median.toFixed(2)}`;
  const { cpuPerStep } = await import("./cpu.mjs");
  const h = { authorization: `Bearer ${clients[0].token}`, "accept-encoding": "identity" };
  for (const path of ["/v1/usage", "/v1/conversations?count=1", "/v1/conversations?count=100", "/v1/conversations?count=100&unread=true"]) {
    const s = await cpuPerStep(worker.pid, 100, 3, async () => { const r = await fetch(worker.base + path, { headers: h }); await r.arrayBuffer(); });
    console.log(path, f(s));
  }
  console.log(`health ${f(cpu.health)}  hit ${f(cpu.hit)}  miss ${f(cpu.miss)}  hit-health ${(cpu.hit.median - cpu.health.median).toFixed(2)} ms`);
} finally {
  await worker.stop();
  await sandbox.stop();
}
