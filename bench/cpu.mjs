// CPU time per request inside workerd, from the kernel's accounting of the workerd process
// that runs the Worker (utime + stime in /proc/<pid>/stat, all threads) around runs of
// identical sequential requests. wrangler runs two workerd processes: its dev proxy, and the
// user runtime (the one started with an inspector) holding the Worker and the Durable Object
// with its SQLite store. Only the latter is counted; it still includes the request plumbing, so
// `/health` (no store, no upstream) is measured as that floor.
import { readFileSync, readdirSync } from "node:fs";

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** CPU ms used so far by the workerd processes in process group `pgid`. */
function workerdCpuMs(pgid) {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try { stat = readFileSync(`/proc/${entry}/stat`, "utf8"); } catch { continue; }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
    if (Number(fields[2]) !== pgid) continue;
    const command = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    if (command.includes("workerd") && command.includes("--inspector-addr")) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * TICK_MS;
}

/** CPU ms per step over `count` sequential steps (min and median over `rounds` runs);
 *  `setUp` runs before each round, outside the measurement. A step that returns `false` spoils
 *  its round (say, a HIT that was not one), which is run again, at most `rounds` more times. */
export async function cpuPerStep(pgid, count, rounds, step, setUp = async () => {}) {
  const runs = [];
  for (let round = 0, spoiled = 0; round < rounds; round++) {
    await setUp();
    const before = workerdCpuMs(pgid);
    let clean = true;
    for (let i = 0; i < count; i++) clean = (await step(i)) !== false && clean;
    if (!clean && spoiled++ < rounds) { round--; continue; }
    if (!clean) throw new Error(`more than ${rounds} rounds spoiled`);
    runs.push((workerdCpuMs(pgid) - before) / count);
  }
  runs.sort((a, b) => a - b);
  return { min: runs[0], median: runs[Math.floor(rounds / 2)] };
}

/** CPU ms of workerd per `/health`, per HIT and per MISS of a `count`-item conversation page.
 *  A MISS is forced by `POST /v1/refresh` before it; refreshes alone are measured too and
 *  subtracted. */
export async function cpuPerRequest({ worker, token, count = 100, steps = 200, rounds = 5 }) {
  if (workerdCpuMs(worker.pid) === 0) throw new Error("no workerd user runtime found in /proc");
  // Identity encoding: locally workerd gzips a JSON answer in this same process; on Cloudflare
  // the edge compresses outside the Worker's CPU time, so gzip is not the Worker's cost.
  const headers = { authorization: `Bearer ${token}`, "accept-encoding": "identity" };
  const call = async (path, init = {}, expectCache) => {
    const response = await fetch(`${worker.base}${path}`, { headers, ...init });
    const body = await response.arrayBuffer();
    if (!response.ok || (expectCache && response.headers.get("x-cache") !== expectCache)) {
      throw new Error(`${path}: ${response.status} ${response.headers.get("x-cache")}`);
    }
    return body.byteLength;
  };
  const page = `/v1/conversations?count=${count}`;
  const refresh = () => call("/v1/refresh", { method: "POST" });
  await call(page);
  const health = await cpuPerStep(worker.pid, steps, rounds, () => call("/health"));
  // Each round starts from a fresh head (a slow machine's rounds can outlast HEAD_TTL_SECS).
  // A HIT round with another answer in it (the head synced again) is run again.
  const isHit = async () => {
    const response = await fetch(`${worker.base}${page}`, { headers });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${page}: ${response.status}`);
    return response.headers.get("x-cache") === "HIT";
  };
  const hit = await cpuPerStep(worker.pid, steps, rounds, isHit, () => call(page));
  const refreshOnly = await cpuPerStep(worker.pid, steps, rounds, refresh);
  const refreshAndMiss = await cpuPerStep(worker.pid, steps, rounds, async () => { await refresh(); await call(page, {}, "MISS"); });
  const miss = { min: refreshAndMiss.min - refreshOnly.median, median: refreshAndMiss.median - refreshOnly.median };
  return { health, hit, miss, pageBytes: await call(page) };
}
