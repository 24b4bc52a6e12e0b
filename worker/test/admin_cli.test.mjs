// The operator command line against the real Worker in workerd: every
// command, as text and as --json, its exit status, and the client token it prints working on
// the inbox API. The Worker starts with no CLIENTS secret; everything is made through the CLI.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call, sha256, freePort } from "../../tests/js/worker.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = process.env.ADMIN_BIN ?? join(repo, "target/debug/linkedin-inbox-admin");
const ADMIN_TOKEN = `admin-${randomBytes(16).toString("hex")}`;
const REGISTRY_KEYS = `k1:${randomBytes(32).toString("base64")}`;
const ALEX = { id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", session: "demo-login-token-alex" };
const TITOUAN = { id: "titouan", account: "5f1b2c3d4e5f60718293a4b5" };
const PRIYA = { id: "priya", label: "Priya Iyer", account: "6a7b8c9d0e1f2a3b4c5d6e7f", session: "demo-login-token-priya" };

let sandbox, worker, dir;
before(async () => {
  assert.ok(existsSync(BIN), `${BIN}: build it first (cargo build -p linkedin-inbox-admin)`);
  dir = mkdtempSync(join(tmpdir(), "admin-cli-"));
  sandbox = await startSandbox(["--daily-limit", "100000"]);
  worker = await startWorker({
    sandboxBase: sandbox.base,
    clients: null,
    vars: { RATE_LIMIT_PER_MINUTE: "0" },
    secrets: { ADMIN_TOKEN, REGISTRY_KEYS },
  });
});
after(async () => {
  await worker?.stop();
  sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI; `{ status, stdout, stderr }`. No output ever holds the admin token. */
function cli(args, { stdin, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      env: { PATH: process.env.PATH, USER: "test-operator", LINKEDIN_INBOX_URL: worker.base, LINKEDIN_INBOX_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
      stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    child.once("error", reject);
    child.once("close", (status, signal) => {
      assert.equal(signal, null, `killed by ${signal}: ${stderr}`);
      assert.ok(!stdout.includes(ADMIN_TOKEN) && !stderr.includes(ADMIN_TOKEN), "the admin token was printed");
      assert.ok(!/panicked/.test(stderr), stderr);
      resolve({ status, stdout, stderr });
    });
    if (stdin !== undefined) {
      child.stdin.on("error", () => { /* refused before reading stdin: its status tells */ });
      child.stdin.end(stdin);
    }
  });
}
const ok = async (args, options) => {
  const run = await cli(args, options);
  assert.equal(run.status, 0, `${args.join(" ")}: ${run.stderr}`);
  return run;
};
const json = async (args, options) => JSON.parse((await ok(["--json", ...args], options)).stdout);
const refused = async (args, status, code, options) => {
  const run = await cli(args, options);
  assert.equal(run.status, status, `${args.join(" ")} exited ${run.status}: ${run.stdout}${run.stderr}`);
  if (code) assert.match(run.stderr, new RegExp(code), run.stderr);
  return run;
};
const inbox = (token) => call(worker.base, "/v1/accounts", { authorization: `Bearer ${token}` });

test("help, settings and reachability", async () => {
  assert.match((await ok(["--help"])).stdout, /^usage: linkedin-inbox-admin/);
  for (const topic of ["client", "account", "audit"]) assert.match((await ok([topic, "--help"])).stdout, /^usage:/);
  await refused(["client", "list"], 2, "LINKEDIN_INBOX_ADMIN_TOKEN", { env: { LINKEDIN_INBOX_ADMIN_TOKEN: "" } });
  await refused(["client", "list", "--url", "http://inbox.example"], 2, "https://");
  await refused(["client", "list", "--url", `http://127.0.0.1:${await freePort()}`], 2, "could not reach");
  await refused(["client", "add", "x", "--token", "lic_nope"], 2, "never command-line arguments");
  await refused(["client", "frob"], 2, "unknown command");
  await refused(["client", "list"], 1, "UNAUTHORIZED", { env: { LINKEDIN_INBOX_ADMIN_TOKEN: "not-the-admin-token" } });
});

test("accounts and clients made through the CLI serve the inbox", async () => {
  const added = await ok(["account", "add", ALEX.id, "--label", ALEX.label, "--connectsafely-account-id", ALEX.account, "--linkup-session-stdin"], { stdin: `${ALEX.session}\n` });
  assert.match(added.stdout, /^account alex added\n/);
  assert.match(added.stdout, /linkup session: +set/);
  assert.ok(!added.stdout.includes(ALEX.session));
  const titouan = await json(["account", "add", TITOUAN.id, "--connectsafely-account-id", TITOUAN.account]);
  assert.equal(titouan.id, "titouan");
  assert.deepEqual(titouan.providers, ["connectsafely"]);
  const noProvider = await refused(["account", "add", "empty"], 1, "INVALID_INPUT");
  assert.equal(noProvider.stdout, "");
  await refused(["--json", "account", "add", "empty"], 1).then((run) => assert.equal(JSON.parse(run.stdout).error.code, "INVALID_INPUT"));

  const team = await ok(["client", "add", "team", "--account", "alex", "--account", "titouan", "--origin", "chrome-extension://abcdefghijklmnopabcdefghijklmnop"]);
  const token = team.stdout.match(/^token: (lic_[A-Za-z0-9_-]+)$/m)?.[1];
  assert.ok(token, team.stdout);
  assert.match(team.stdout, /will not be shown again/);
  const accounts = await inbox(token);
  assert.equal(accounts.status, 200, JSON.stringify(accounts.body));
  assert.deepEqual(accounts.body.accounts.map((a) => a.id), ["alex", "titouan"]);
  await refused(["client", "add", "team"], 1, "CONFLICT");
  await refused(["client", "add", "ghost", "--account", "nobody"], 1, "NOT_FOUND");

  const solo = await json(["client", "add", "solo", "--role", "operator", "--account", "alex"]);
  assert.match(solo.token, /^lic_/);
  assert.equal(solo.client.role, "operator");

  const list = (await ok(["client", "list"])).stdout.split("\n");
  assert.match(list[0], /^NAME +ROLE +STATE +ACCOUNTS +ORIGINS$/);
  assert.match(list[1], /^solo +operator +enabled +alex/);
  assert.match(list[2], /^team +member +enabled +alex, titouan +chrome-extension:\/\//);
  assert.deepEqual((await json(["client", "list"])).items.map((c) => c.name), ["solo", "team"]);
  assert.match((await ok(["client", "show", "team"])).stdout, /^client: +team\n/);
  assert.deepEqual((await json(["client", "show", "team"])).accounts, ["alex", "titouan"]);

  assert.equal((await ok(["client", "disable", "team"])).stdout, "client team disabled\n");
  assert.notEqual((await inbox(token)).status, 200);
  assert.equal((await json(["client", "enable", "team"])).disabled, false);
  assert.equal((await inbox(token)).status, 200);

  assert.equal((await ok(["client", "origins", "team", "https://app.example"])).stdout, "client team origins: https://app.example\n");
  assert.deepEqual((await json(["client", "origins", "team"])).allowedOrigins, []);

  const rotated = await ok(["client", "rotate-token", "team"]);
  const newToken = rotated.stdout.match(/^token: (lic_[A-Za-z0-9_-]+)$/m)?.[1];
  assert.ok(newToken && newToken !== token, rotated.stdout);
  assert.equal((await inbox(token)).status, 401);
  assert.equal((await inbox(newToken)).status, 200);
  const rotatedJson = await json(["client", "rotate-token", "solo"]);
  assert.equal((await inbox(rotatedJson.token)).status, 200);
  assert.equal((await inbox(solo.token)).status, 401);
  // The merged index: emptied, then built again from the stores.
  assert.match((await ok(["client", "rebuild-index", "team"])).stdout, /^client team: merged index rebuilding/);
  assert.deepEqual(await json(["client", "rebuild-index", "team"]), { client: "team", index: "rebuilding" });
});

test("accounts: list, show, sessions, webhook secrets, links, delete", async () => {
  const list = (await ok(["account", "list"])).stdout.split("\n");
  assert.match(list[0], /^ID +LABEL +PROVIDERS +STATE +CLIENTS/);
  assert.match(list[1], /^alex +Alex Morgan +connectsafely, linkup +enabled +(solo, team|team, solo)/);
  const items = (await json(["account", "list"])).items;
  assert.deepEqual(items.map((a) => a.id), ["alex", "titouan"]);
  if (items.some((a) => a.health)) assert.match(list[0], /HEALTH$/);

  assert.match((await ok(["account", "show", "alex"])).stdout, /webhook secrets: +connectsafely not set, linkup not set/);
  const shown = await cli(["--json", "account", "show", "alex"]);
  assert.equal(JSON.parse(shown.stdout).hasLinkupLoginToken, true);
  assert.ok(!shown.stdout.includes(ALEX.session));

  assert.equal((await ok(["account", "rotate-session", "alex"], { stdin: `${ALEX.session}\n` })).stdout, "account alex: LinkedIn session replaced\n");
  await refused(["account", "rotate-session", "alex"], 1, "no LinkedIn session");

  const secret = await ok(["account", "webhook-secret", "alex", "connectsafely"]);
  assert.match(secret.stdout, /^secret: [0-9a-f]{64}$/m);
  assert.match(secret.stdout, /^webhook URL: http:\/\/127\.0\.0\.1:\d+\/v1\/webhooks\/connectsafely\/alex$/m);
  assert.match(secret.stdout, /will not be shown again/);
  const linkupSecret = await json(["account", "webhook-secret", "alex", "linkup"]);
  assert.match(linkupSecret.secret, /^[0-9a-f]{64}$/);
  assert.ok(linkupSecret.url.endsWith("/v1/webhooks/linkup/alex"));
  assert.deepEqual(linkupSecret.account.webhooks, { connectsafely: true, linkup: true });

  assert.equal((await ok(["account", "disable", "titouan"])).stdout, "account titouan disabled\n");
  assert.equal((await json(["account", "enable", "titouan"])).disabled, false);

  assert.equal((await ok(["unlink", "team", "titouan"])).stdout, "client team unlinked from account titouan\n");
  assert.deepEqual((await json(["client", "show", "team"])).accounts, ["alex"]);
  await refused(["unlink", "team", "titouan"], 1, "NOT_FOUND");
  assert.equal((await ok(["link", "team", "titouan"])).stdout, "client team linked to account titouan\n");
  assert.deepEqual((await json(["link", "team", "titouan"])).accounts, ["alex", "titouan"]);

  assert.match((await refused(["account", "delete", "titouan"], 1, "CONFLICT")).stderr, /hint: add --unlink/);
  assert.equal((await ok(["account", "delete", "titouan", "--unlink"])).stdout, "account titouan deleted\n");
  await refused(["account", "show", "titouan"], 1, "NOT_FOUND");
  assert.equal((await json(["client", "delete", "solo"])).deleted, "solo");
  await refused(["client", "show", "solo"], 1, "NOT_FOUND");
  await refused(["client", "show", ".."], 1, "not \\. or \\.\\.");
});

test("import, audit, reseal", async () => {
  const registry = [{
    name: "imported",
    tokenSha256: sha256("imported-token"),
    accounts: [{ id: PRIYA.id, label: PRIYA.label, connectsafelyAccountId: PRIYA.account, linkupLoginToken: PRIYA.session }],
    allowedOrigins: [],
  }];
  const file = join(dir, "clients.json");
  writeFileSync(file, JSON.stringify(registry));
  const imported = await ok(["import", file]);
  assert.equal(imported.stdout, "imported 1 clients and 1 accounts\n");
  assert.deepEqual((await inbox("imported-token")).body.accounts.map((a) => a.id), ["priya"]);
  const again = await refused(["--json", "import", "-"], 1, "CONFLICT", { stdin: JSON.stringify(registry) });
  assert.equal(JSON.parse(again.stdout).error.code, "CONFLICT");
  assert.ok(!again.stdout.includes(PRIYA.session) && !again.stderr.includes(PRIYA.session));
  const notJson = await refused(["import", "-"], 1, "not JSON", { stdin: `{"linkupLoginToken": ${PRIYA.session}` });
  assert.ok(!notJson.stderr.includes(PRIYA.session));

  const all = (await json(["audit", "--limit", "1000"])).items;
  assert.ok(all.length >= 20, `${all.length} entries`);
  assert.deepEqual(all.map((e) => e.seq), [...all.map((e) => e.seq)].sort((a, b) => a - b));
  assert.equal(all.at(-1).action, "registry.import");
  assert.ok(all.every((e) => e.actor === "test-operator"), JSON.stringify(all.map((e) => e.actor)));
  assert.ok(!JSON.stringify(all).includes(PRIYA.session) && !JSON.stringify(all).includes(ALEX.session));
  assert.deepEqual((await json(["audit"])).items, all.slice(-20), "the newest 20 by default");
  const audit = (await ok(["audit", "--limit", "3"])).stdout.trimEnd().split("\n");
  assert.equal(audit.length, 4, audit.join("\n"));
  assert.match(audit[0], /^SEQ +AT +ACTOR +ACTION +TARGET +DETAIL$/);
  assert.match(audit[3], new RegExp(`^${all.at(-1).seq} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC +test-operator +registry\\.import `));

  assert.match((await ok(["reseal"])).stdout, /^re-sealed \d+ credentials under the current key\n$/);
  assert.equal(typeof (await json(["reseal", "--actor", "key-rotation"])).resealed, "number");
  const [last] = (await json(["audit", "--limit", "1"])).items;
  assert.equal(last.actor, "key-rotation");
});
