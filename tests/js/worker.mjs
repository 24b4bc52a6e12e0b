// Runs the Worker in workerd (`wrangler dev`, local mode) wired to a sandbox, with a client
// registry given by the test; stop() kills the whole process group. `call` and `checkedFetch`
// check every response they get against docs/openapi.yaml (tests/js/openapi.mjs).
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { checkResponse } from "./openapi.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const sha256 = (text) => createHash("sha256").update(text).digest("hex");

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The limits the providers state, switched off (the Worker's defaults are in wrangler.toml). */
export const RATES_OFF = {
  CONNECTSAFELY_KEY_PER_MINUTE: "0",
  CONNECTSAFELY_KEY_BURST: "0",
  LINKUP_KEY_PER_MINUTE: "0",
  CONNECTSAFELY_ACCOUNT_READS_PER_MINUTE: "0",
  CONNECTSAFELY_ACCOUNT_WRITES_PER_MINUTE: "0",
  LINKUP_MONITORING_CREDITS_PER_DAY: "0",
};

/**
 * What the Worker's runtime prints when its Rust panicked (the panic hook's line, the trap,
 * worker-build's reset of the wasm): after a reset, requests in flight in the old instance
 * never answer, so any panic fails the test file, shown with its context.
 */
const PANIC = /panicked at|RuntimeError: unreachable|Reinitializing Wasm application/;

/** The log lines around each panic in `logs`, or "" when there is none. */
export function panicsIn(logs) {
  const lines = logs.split("\n");
  const excerpts = [];
  let shownTo = -1;
  lines.forEach((line, i) => {
    if (!PANIC.test(line) || i < shownTo) return; // within the excerpt already shown
    shownTo = i + 12;
    excerpts.push(lines.slice(Math.max(0, i - 3), shownTo).join("\n"));
  });
  return excerpts.join("\n---\n");
}

/** The Workers running, by base URL: their logs, for a request that failed to say why. */
const running = new Map();

/** How long a test's request may wait for the Worker (its own limits end any call far sooner). */
const CALL_DEADLINE_MS = 60_000;

/** clients: [{ name, token, account, loginToken, origins }] */
export async function startWorker(options) {
  // wrangler restarts its runtime once at start-up (its build watcher reports the source
  // tree); now and then the restarted runtime finds its port still held: start again, on
  // fresh ports, rather than fail a test that never ran.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startWorkerOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test(error.message)) throw error;
    }
  }
}

/** The `CLIENTS` secret's JSON for test clients: [{ name, token, account, loginToken, origins }]. */
export function clientsSecret(clients) {
  // `account: null` / `loginToken: null`: an account without that provider.
  // A client's provider fields, or `accounts: [{ id, label, account, loginToken, ... }]` for a
  // client of several accounts (the registry form).
  const providerFields = (a) => ({
    ...(a.account === null || a.account === undefined ? {} : { connectsafelyAccountId: a.account }),
    ...(a.loginToken === null || a.loginToken === undefined ? {} : { linkupLoginToken: a.loginToken }),
    ...(a.linkupAccountId ? { linkupAccountId: a.linkupAccountId } : {}),
    ...(a.connectsafelyWebhookSecret ? { connectsafelyWebhookSecret: a.connectsafelyWebhookSecret } : {}),
    ...(a.linkupWebhookSecret ? { linkupWebhookSecret: a.linkupWebhookSecret } : {}),
  });
  return clients.map((c) => ({
    name: c.name,
    tokenSha256: sha256(c.token),
    ...(c.accounts
      ? { accounts: c.accounts.map((a) => ({ id: a.id, ...(a.label ? { label: a.label } : {}), ...providerFields(a) })) }
      : providerFields(c)),
    allowedOrigins: c.origins ?? [],
  }));
}

/**
 * `clients: null`: no `CLIENTS` secret (a deployment whose registry is stored).
 * `secrets`: more secrets by name (e.g. ADMIN_TOKEN, REGISTRY_KEYS), given as `wrangler secret
 * put` would (the env file), never on the command line.
 */
async function startWorkerOnce({ sandboxBase, clients, vars = {}, secrets = {}, persistTo, cursorSecret: cursorSecretOption }) {
  const dir = mkdtempSync(join(tmpdir(), "inbox-worker-"));
  const registry = clientsSecret(clients ?? []);
  // A deployment keeps its secret across restarts: one per persisted state, else a fresh one.
  const cursorSecret = cursorSecretOption ?? (persistTo ? sha256(`cursor-secret:${persistTo}`) : randomBytes(32).toString("hex"));
  const envFile = join(dir, "test.vars");
  writeFileSync(envFile, [
    "CONNECTSAFELY_API_KEY=demo-connectsafely-key",
    "LINKUP_API_KEY=demo-linkup-key",
    `CURSOR_SECRET=${cursorSecret}`,
    ...(clients === null ? [] : [`CLIENTS=${JSON.stringify(registry)}`]),
    ...Object.entries(secrets).map(([name, value]) => `${name}=${value}`),
  ].join("\n") + "\n");
  // Every test account shares the sandbox's one key per provider: the providers' per-key and
  // per-account rates and the webhook monitoring credits are off unless a test sets them
  // (worker/test/key_limits.test.mjs does), so suites that make many calls in seconds test
  // what they are about.
  const allVars = {
    CONNECTSAFELY_BASE_URL: `${sandboxBase}/linkedin`,
    LINKUP_BASE_URL: sandboxBase,
    ...RATES_OFF,
    ...vars,
  };
  const port = await freePort();
  const args = [
    "dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistTo ?? join(dir, "state"),
    "--env-file", envFile, "--show-interactive-dev-session=false", "--inspector-port", String(await freePort()),
    ...Object.entries(allVars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child = spawn(join(repo, "node_modules/.bin/wrangler"), args, {
    cwd: join(repo, "worker"),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WORKER_SKIP_BUILD: "1", NO_COLOR: "1" },
  });
  let logs = "";
  child.stdout.on("data", (d) => { logs += d; });
  child.stderr.on("data", (d) => { logs += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      if (!persistTo) rmSync(dir, { recursive: true, force: true });
      throw new Error(`wrangler exited early:\n${logs}`);
    }
    let health, text, config;
    try {
      health = await fetch(`${base}/health`);
      text = await health.text();
      ({ config } = JSON.parse(text));
    } catch { /* not up yet */ }
    // Up: healthy, or up and reporting a broken registry (tests of that start it on purpose).
    if (config === "ok" || config === "invalid") {
      try {
        checkResponse({ method: "GET", path: "/health", status: health.status, headers: health.headers, text });
      } catch (e) {
        process.kill(-child.pid, "SIGKILL");
        throw e;
      }
      break;
    }
    if (Date.now() > deadline) { process.kill(-child.pid, "SIGKILL"); throw new Error(`worker did not start:\n${logs}`); }
    await new Promise((r) => setTimeout(r, 250));
  }
  running.set(base, () => logs);
  let panicReported = false;
  return {
    base,
    cursorSecret,
    pid: child.pid,
    logs: () => logs,
    /**
     * Stops the Worker. If its Rust panicked at any time in the run, the panic is printed and
     * the test file fails (its exit code), without throwing: the caller's other clean-up runs.
     */
    stop: async () => {
      running.delete(base);
      try { process.kill(-child.pid, "SIGTERM"); } catch { /* gone */ }
      await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
      if (!persistTo) rmSync(dir, { recursive: true, force: true });
      const panics = panicsIn(logs);
      if (panics && !panicReported) {
        panicReported = true;
        console.error(`the Worker panicked:\n${panics}`);
        process.exitCode = 1;
      }
    },
  };
}

/**
 * One request to the Worker at `base`, its response checked against docs/openapi.yaml.
 * `authorization` is the whole header value (`Bearer <token>`); `origin` sets Origin.
 * Returns `{ status, headers, text, body }`: `body` is the parsed JSON, or the text.
 */
export async function call(base, path, { method = "GET", headers = {}, authorization, origin, body: sentBody } = {}) {
  const sent = { ...headers };
  if (authorization) sent.authorization = authorization;
  if (origin) sent.origin = origin;
  let response, text;
  try {
    response = await fetch(`${base}${path}`, { method, headers: sent, body: sentBody, signal: AbortSignal.timeout(CALL_DEADLINE_MS) });
    text = await response.text();
  } catch (error) {
    const logs = running.get(base)?.() ?? "";
    const panics = panicsIn(logs);
    throw new Error(`${method} ${path}: ${error.message}\n${panics ? `the Worker panicked:\n${panics}` : `the Worker's log ends:\n${logs.slice(-4000)}`}`, { cause: error });
  }
  checkResponse({ method, path, status: response.status, headers: response.headers, text });
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: response.status, headers: response.headers, text, body };
}

/** A `fetch` (for `new InboxClient({ fetch })`) that checks each response like `call`. */
export async function checkedFetch(input, init = {}) {
  const response = await fetch(input, init);
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  const method = init.method ?? (typeof input === "object" && "method" in input ? input.method : "GET");
  checkResponse({ method, path: url.pathname + url.search, status: response.status, headers: response.headers, text: await response.clone().text() });
  return response;
}
