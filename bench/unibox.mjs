// One inbox over several accounts: the merged first page of `?account=all` over 3
// accounts of N conversations each, served from their stores, next to one account's first page
// on the same Worker. Both are timed (p50, p95) and measured in workerd CPU per request,
// interleaved round by round so the machine's noise falls on both alike.
import { createHmac, randomBytes } from "node:crypto";
import { bigAccount, startSandbox } from "../tests/js/sandbox.mjs";
import { startWorker } from "../tests/js/worker.mjs";
import { cpuPerStep } from "./cpu.mjs";


const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

export async function uniboxBench({ conversations = 2000, count = 20, requests = 200, vars }) {
  const sandbox = await startSandbox(["--daily-limit", "1000000", "--big-account", String(conversations), "--big-accounts", "3"]);
  const accounts = [0, 1, 2].map((k) => ({ id: `big${k}`, label: `Big ${k}`, ...bigAccount(k) }));
  const worker = await startWorker({
    sandboxBase: sandbox.base,
    clients: [{ name: "team", token: "bench-team", accounts }],
    // BENCH_ROWS_WRITTEN: each answer says the rows written so far by the objects of the
    // isolate (SQLite's count, as billed), so the rows an incoming message costs are counted.
    vars: { ...vars, BENCH_ROWS_WRITTEN: "1", HEAD_TTL_SECS: "86400", MAX_THREADS: String(conversations), RATE_LIMIT_PER_MINUTE: "0" },
  });
  const headers = { authorization: "Bearer bench-team", "accept-encoding": "identity" };
  const get = async (path) => {
    const response = await fetch(`${worker.base}${path}`, { headers });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  };
  try {
    // Each account's whole inbox into its store (100 per upstream call).
    const started = performance.now();
    let stored = 0;
    for (const { id } of accounts) {
      let cursor = null;
      do {
        const page = await get(`/v1/conversations?account=${id}&count=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        stored += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
    }
    const syncSeconds = (performance.now() - started) / 1000;
    const calls = (await sandbox.stats()).calls.total;
    const paths = { all: `/v1/conversations?account=all&count=${count}`, one: `/v1/conversations?account=big0&count=${count}` };
    const first = await get(paths.all);
    if (first.items.length !== count || new Set(first.items.map((c) => c.account)).size < 2) throw new Error("the merged page is not a mix of accounts");
    const times = { all: [], one: [] };
    for (let i = 0; i < requests; i++) {
      for (const which of i % 2 ? ["one", "all"] : ["all", "one"]) {
        const t = performance.now();
        await get(paths[which]);
        times[which].push(performance.now() - t);
      }
    }
    const cpu = {};
    for (const which of ["one", "all"]) cpu[which] = await cpuPerStep(worker.pid, 100, 5, () => get(paths[which]));
    const upstreamDuring = (await sandbox.stats()).calls.total - calls;
    for (const list of Object.values(times)) list.sort((a, b) => a - b);
    return {
      conversations, stored, count, syncSeconds, requests, upstreamDuring,
      all: { p50: percentile(times.all, 0.5), p95: percentile(times.all, 0.95), cpu: cpu.all },
      one: { p50: percentile(times.one, 0.5), p95: percentile(times.one, 0.95), cpu: cpu.one },
    };
  } finally {
    await worker.stop();
    sandbox.stop();
  }
}

// Then one inbox over hundreds of accounts: the first page of `?account=all` at 1, 10,
// 50 and 200 generated accounts of 300 conversations each, next to one account's first page
// asked by the same client in the same run (timed interleaved, then workerd CPU per request),
// and the merged cursor's length; then the write side, workerd CPU per incoming webhook
// message for an account listed by 1 client and by 20. A size the Worker refuses (today
// `all` merges at most 20 accounts) is skipped with its answer printed, so this runs on any
// version. Clients are made through the admin API (a `CLIENTS` secret lists at most 20
// accounts per client). Alone: `node bench/unibox-only.mjs`.
const stats = (list) => { const s = [...list].sort((a, b) => a - b); return { p50: percentile(s, 0.5), p95: percentile(s, 0.95) }; };

/** Runs `task(i)` for i < count, `width` at a time. */
async function pool(count, width, task) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await task(next++);
  }));
}

export async function uniboxScaleBench({
  sizes = [1, 10, 50, 200], conversations = 300, count = 20, requests = 100, cpuSteps = 50,
  syncBudgetMs = 600_000, listedBy = [1, 20], webhooks = 50, vars = {},
} = {}) {
  const largest = Math.max(...sizes);
  // Accounts 0..largest-1 for the reads; one more per write row, each listed by its own clients.
  const writeAccount = (row) => largest + row;
  const sandbox = await startSandbox(["--daily-limit", "1000000", "--big-account", String(conversations), "--big-accounts", String(largest + listedBy.length)]);
  const adminToken = randomBytes(32).toString("hex");
  const worker = await startWorker({
    sandboxBase: sandbox.base, clients: null,
    secrets: { ADMIN_TOKEN: adminToken, REGISTRY_KEYS: `k1:${randomBytes(32).toString("base64")}` },
    // BENCH_ROWS_WRITTEN: each answer says the rows written so far by the objects of the
    // isolate (SQLite's count, as billed), so the rows an incoming message costs are counted.
    vars: { ...vars, BENCH_ROWS_WRITTEN: "1", HEAD_TTL_SECS: "86400", MAX_THREADS: String(conversations), RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0" },
  });
  const request = async (path, { token, method = "GET", body, headers = {} }) => {
    const response = await fetch(`${worker.base}${path}`, {
      method, body, headers: { authorization: `Bearer ${token}`, "accept-encoding": "identity", ...(body ? { "content-type": "application/json" } : {}), ...headers },
    });
    const text = await response.text();
    return { status: response.status, text, body: text ? JSON.parse(text) : null };
  };
  const ok = async (path, options) => {
    const answer = await request(path, options);
    if (answer.status >= 300) throw new Error(`${options.method ?? "GET"} ${path}: ${answer.status} ${answer.text}`);
    return answer.body;
  };
  const admin = (path, body, method = "POST") => ok(`/admin/v1${path}`, { token: adminToken, method, body: body && JSON.stringify(body) });
  const upstream = async () => (await sandbox.stats()).calls.total;
  try {
    // The registry: every account, one client per size (accounts 0..n-1), and the write rows.
    await pool(largest + listedBy.length, 8, async (k) => {
      const { account, loginToken } = bigAccount(k);
      await admin("/accounts", { id: `big${k}`, label: `Big ${k}`, connectsafelyAccountId: account, linkupLoginToken: loginToken });
    });
    const tokens = {};
    for (const n of sizes) tokens[n] = (await admin("/clients", { name: `scale${n}`, accounts: Array.from({ length: n }, (_, k) => `big${k}`) })).token;
    const writers = [];
    for (const [row, clients] of listedBy.entries()) {
      const id = `big${writeAccount(row)}`;
      const secret = (await admin(`/accounts/${id}/webhook-secret/connectsafely`)).secret;
      const rowTokens = [];
      // Each client lists another account too, so its merged view is its index's, which the
      // account's object then pushes every change to.
      for (let c = 0; c < clients; c++) rowTokens.push((await admin("/clients", { name: `writer${row}-${c}`, accounts: [id, "big0"] })).token);
      writers.push({ id, k: writeAccount(row), clients, secret, token: rowTokens[0], tokens: rowTokens });
    }

    // Each account's whole inbox into its store (100 per upstream call), 4 at a time, bounded.
    const walk = async (id, token) => {
      const threads = [];
      let cursor = null;
      do {
        const page = await ok(`/v1/conversations?account=${id}&count=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token });
        threads.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor);
      return threads;
    };
    const began = performance.now();
    let synced = 0;
    await pool(largest, 4, async (k) => {
      if (performance.now() - began > syncBudgetMs) return;
      await walk(`big${k}`, tokens[largest]);
      synced = Math.max(synced, k + 1);
    });
    const sync = { accounts: synced, seconds: (performance.now() - began) / 1000, budgetSeconds: syncBudgetMs / 1000 };

    async function measureSize(n) {
      const token = tokens[n];
      const paths = { all: `/v1/conversations?account=all&count=${count}`, one: `/v1/conversations?account=big0&count=${count}` };
      if (n > synced) return { n, skipped: `not synced within the ${fmtS(syncBudgetMs)} budget` };
      console.error(`unibox: measuring the merged page at ${n} account(s)`);
      const probe = await request(paths.all, { token });
      if (probe.status !== 200) return { n, skipped: `the Worker answers ${probe.status}: ${probe.body?.error?.message ?? probe.text}` };
      if (probe.body.items.length !== count) throw new Error(`${n} accounts: the merged page has ${probe.body.items.length} items`);
      const calls = await upstream();
      const times = { all: [], one: [] };
      for (let i = 0; i < requests; i++) {
        for (const which of i % 2 ? ["one", "all"] : ["all", "one"]) {
          const t = performance.now();
          await ok(paths[which], { token });
          times[which].push(performance.now() - t);
        }
      }
      const cpu = {};
      for (const which of ["one", "all"]) cpu[which] = await cpuPerStep(worker.pid, cpuSteps, 5, () => ok(paths[which], { token }));
      // The second page is asked with the first page's cursor (a refusal, say of a cursor
      // too long, is printed, not thrown).
      const answer = await request(`${paths.all}&cursor=${encodeURIComponent(probe.body.nextCursor)}`, { token });
      const second = answer.status === 200 ? answer.body : { refused: `${answer.status} ${answer.body?.error?.message ?? answer.text}` };
      return {
        n, all: { ...stats(times.all), cpu: cpu.all }, one: { ...stats(times.one), cpu: cpu.one },
        cursorChars: { first: probe.body.nextCursor.length, second: second.refused ? `page 2 refused: ${second.refused}` : second.nextCursor?.length ?? 0 },
        upstreamDuring: (await upstream()) - calls,
      };
    }

    const rows = [];
    for (const n of sizes) {
      try {
        rows.push(await measureSize(n));
      } catch (error) {
        // A size that breaks the Worker is a finding, printed with the others, not a lost run.
        rows.push({ n, skipped: `failed: ${error.message}${error.cause ? ` (${error.cause.message})` : ""}` });
      }
    }

    // The write side: signed ConnectSafely messages into the stored conversations of an account.
    const writes = [];
    let unique = 0;
    // Rows each message wrote; a count that went down means workerd started a new isolate
    // (its count starts again): that step's round is spoiled and run again.
    let rowsWritten = null;
    let rowSteps = [];
    for (const writer of writers) {
      const threads = await walk(writer.id, writer.token);
      // Every listing client's index is built (and holds the account) before the messages come.
      for (const token of writer.tokens) await ok("/v1/conversations?account=all&count=1", { token });
      const post = async () => {
        unique += 1;
        const urn = `urn:li:msg_message:(urn:li:fsd_profile:ACoAABenchSender,2-bench-${process.pid}-${unique})`;
        const body = JSON.stringify({
          event: "message.received", object: "event",
          data: {
            id: `evt-${urn}`, message_urn: urn, account_id: bigAccount(writer.k).account, provider: "LINKEDIN",
            sender: { id: "ACoAABenchSender", name: "Bench Sender", profile_url: "https://www.linkedin.com/in/ACoAABenchSender", profile_picture: null },
            body: `bench message ${unique}`, timestamp: new Date().toISOString(), conversation_id: `urn:li:messagingThread:${threads[unique % threads.length]}`, attachments: [],
          },
        });
        const t = performance.now();
        const response = await fetch(`${worker.base}/v1/webhooks/connectsafely/${writer.id}`, {
          method: "POST", body, headers: { "content-type": "application/json", "x-webhook-signature": `sha256=${createHmac("sha256", writer.secret).update(body).digest("hex")}` },
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`webhook: ${response.status}`);
        const ms = performance.now() - t;
        const written = Number(response.headers.get("x-rows-written"));
        const clean = rowsWritten !== null && written >= rowsWritten;
        if (clean) rowSteps.push(written - rowsWritten);
        rowsWritten = written;
        return { ms, clean };
      };
      await post();
      const times = [];
      rowSteps = [];
      const cpu = await cpuPerStep(worker.pid, webhooks, 5, async () => {
        const { ms, clean } = await post();
        times.push(ms);
        return clean;
      });
      // Over every clean message of the runs: the account's store and every listing index.
      const rowsPerMessage = rowSteps.reduce((a, b) => a + b, 0) / rowSteps.length;
      writes.push({ clients: writer.clients, cpu, rowsPerMessage, ...stats(times) });
    }
    return { sizes, conversations, count, requests, cpuSteps, webhooks, sync, rows, writes };
  } finally {
    await worker.stop();
    sandbox.stop();
  }
}

function fmtS(ms) {
  return `${Math.round(ms / 1000)} s`;
}

/** Section 7's table of sizes (`make bench`, or alone: `node bench/unibox-only.mjs`). */
export function uniboxScaleSection(r, { say, table, fmt }) {
  say("### One inbox over hundreds of accounts");
  say();
  say(`Generated sandbox accounts of ${r.conversations} conversations each; ${r.sync.accounts} of them synced through the Worker (their whole inboxes, 100 per upstream call, 4 accounts at a time) in ${fmt(r.sync.seconds)} s (budget ${fmt(r.sync.budgetSeconds, 0)} s). For each size, a client of that many accounts asks the first ${r.count}-item page of \`?account=all\` and of one of its accounts (\`?account=big0\`), ${r.requests} of each, interleaved; then workerd CPU per request (5 runs of ${r.cpuSteps}, median (min)). Merged cursor: the \`nextCursor\` of the first page (to page 2) and of the second page, in characters. Target: the merged page at 200 accounts costs about what it costs at one.`);
  say();
  const pair = (a, b) => `${fmt(a)} / ${fmt(b)}`;
  table(["accounts", "`all` p50 / p95 ms", "one account p50 / p95 ms", "workerd CPU ms/request: `all` / one", "ratio `all` / one (p50, CPU)", "merged cursor chars (page 1, page 2)", "upstream calls during"],
    r.rows.map((row) => row.skipped
      ? [row.n, "—", "—", "—", "—", "—", "skipped (note below)"]
      : [row.n, pair(row.all.p50, row.all.p95), pair(row.one.p50, row.one.p95),
        `${fmt(row.all.cpu.median)} (${fmt(row.all.cpu.min)}) / ${fmt(row.one.cpu.median)} (${fmt(row.one.cpu.min)})`,
        `${fmt(row.all.p50 / row.one.p50, 2)}×, ${fmt(row.all.cpu.median / row.one.cpu.median, 2)}×`,
        `${row.cursorChars.first}, ${row.cursorChars.second}`, row.upstreamDuring]));
  for (const row of r.rows.filter((row) => row.skipped)) say(`Note: ${row.n} accounts skipped: ${row.skipped}.`);
  say();
  say(`Write side: a signed ConnectSafely \`message.received\` webhook into a stored conversation of an account listed by ${r.writes.map((w) => w.clients).join(" or ")} clients (each of two accounts, each client's merged view opened first, so each client's index holds the account and is pushed every change), ${r.webhooks} one after another, 5 runs: workerd CPU per message (median (min)), all objects of the one workerd process (the account's and the indexes'); SQLite rows written per message, as Cloudflare bills them (the cursors' \`rowsWritten\`, index entries included), by the account's object and every index it pushes to; and the webhook's answer time.`);
  say();
  table(["account listed by", "workerd CPU ms/message", "rows written/message", "p50 / p95 ms"],
    r.writes.map((w) => [`${w.clients} client${w.clients === 1 ? "" : "s"}`, `${fmt(w.cpu.median)} (${fmt(w.cpu.min)})`, fmt(w.rowsPerMessage), pair(w.p50, w.p95)]));
}

// `node bench/unibox.mjs`: this benchmark alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await uniboxBench({ vars: {} }), null, 2));
}
