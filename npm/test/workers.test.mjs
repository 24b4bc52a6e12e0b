// The installed package in someone else's Cloudflare Worker: a fresh wrangler project whose
// Worker imports "linkedin-inbox" with no package-specific config, bundled by wrangler (the
// repository's pinned wrangler, `deploy --dry-run`) and run by `wrangler dev` in workerd on a
// free 127.0.0.1 port, stopped by its PID. The Worker answers the same report as every
// toolchain's app (a request built, a provider page parsed, an unreachable proxy's
// NETWORK_ERROR); `import wasm from "linkedin-inbox/linkedin_inbox_bg.wasm"` bundles too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./toolchains/serve.mjs";

const run = promisify(execFile);
const wrangler = `${process.env.REPO}/node_modules/wrangler/bin/wrangler.js`;
const expected = { request: "POST https://api.linkupapi.com/v1/messages/inbox", conversation: "John Doe: Hello 👋", error: "NETWORK_ERROR" };
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" };

const worker = `import * as inbox from "linkedin-inbox";
import { inboxReport } from "./app.js";
export default { async fetch() { return Response.json(await inboxReport(inbox)); } };
`;
const explicitWasm = `import wasm from "linkedin-inbox/linkedin_inbox_bg.wasm";
import { initSync, errorFromResponse } from "linkedin-inbox/init";
initSync({ module: wasm });
export default { async fetch() { return Response.json({ code: errorFromResponse({ status: 401, body: "{}" }).code }); } };
`;

/** A fresh wrangler project with the installed package copied in and `main` as its Worker. */
function project(main) {
  const dir = mkdtempSync(join(tmpdir(), "inbox-worker-"));
  cpSync("toolchains/app.js", join(dir, "app.js"));
  cpSync("node_modules/linkedin-inbox", join(dir, "node_modules/linkedin-inbox"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "someone-elses-worker", private: true, type: "module" }));
  writeFileSync(join(dir, "worker.js"), main);
  writeFileSync(join(dir, "wrangler.toml"), 'name = "someone-elses-worker"\nmain = "worker.js"\ncompatibility_date = "2025-09-01"\n');
  return dir;
}

async function dryRun(dir) {
  const out = join(dir, "out");
  await run(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", out], { cwd: dir, env, timeout: 120000 });
  return readdirSync(out).reduce((sum, file) => sum + statSync(join(out, file)).size, 0);
}

/** `wrangler dev` on a free port until `fetch("/")` answers; stopped (by PID) afterwards. */
async function answerOf(dir) {
  const port = await freePort();
  const dev = spawn(process.execPath, [wrangler, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", join(dir, "state")], {
    cwd: dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  dev.stdout.on("data", (d) => (log += d));
  dev.stderr.on("data", (d) => (log += d));
  try {
    const deadline = Date.now() + 90000;
    while (Date.now() < deadline) {
      if (dev.exitCode !== null) throw new Error(`wrangler dev exited:\n${log}`);
      try {
        const answer = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
        return { status: answer.status, body: await answer.text(), log };
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    throw new Error(`wrangler dev did not answer within 90 s:\n${log}`);
  } finally {
    try { process.kill(-dev.pid, "SIGTERM"); } catch { /* already gone */ }
    await new Promise((resolve) => (dev.exitCode !== null ? resolve() : dev.once("exit", resolve)));
  }
}

test("the default import runs in a Cloudflare Worker with no config (workerd condition)", { timeout: 240000 }, async () => {
  const dir = project(worker);
  try {
    const bundled = await dryRun(dir);
    assert.ok(bundled > 100000 && bundled < 3_000_000, `bundle of ${bundled} bytes`);
    const { status, body, log } = await answerOf(dir);
    assert.equal(status, 200, `${body}\n${log}`);
    assert.deepEqual(JSON.parse(body), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the .wasm imports by its file name in a Worker, for initSync through linkedin-inbox/init", { timeout: 240000 }, async () => {
  const dir = project(explicitWasm);
  try {
    await dryRun(dir);
    const { status, body, log } = await answerOf(dir);
    assert.equal(status, 200, `${body}\n${log}`);
    assert.deepEqual(JSON.parse(body), { code: "UNAUTHORIZED" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
