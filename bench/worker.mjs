// Worker latency in workerd against the sandbox (150 ms provider latency): HIT, MISS,
// COALESCED next to calling the sandbox directly; and a replay of a day of 20 users.
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

export function summary(latencies, wallMs) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { n: sorted.length, p50: pct(sorted, 50), p99: pct(sorted, 99), rps: (sorted.length * 1000) / wallMs };
}

async function timed(fetcher) {
  const started = performance.now();
  const response = await fetcher();
  await response.arrayBuffer();
  return { ms: performance.now() - started, response };
}

async function pool(count, concurrency, task) {
  let next = 0;
  const out = [];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) out.push(await task(next++));
  }));
  return out;
}

export async function latencies({ worker, sandbox, token }) {
  const headers = { authorization: `Bearer ${token}` };
  const get = (path) => fetch(`${worker.base}${path}`, { headers });
  const phase = async (count, concurrency, task) => {
    const started = performance.now();
    const results = await pool(count, concurrency, task);
    return { results, wall: performance.now() - started };
  };
  const direct = await phase(100, 10, () => timed(() => fetch(`${sandbox.base}/linkedin/messaging/recent-messages?count=20`, { headers: { authorization: "Bearer demo-connectsafely-key" } })));
  const miss = await phase(100, 10, (i) => timed(() => get(`/v1/conversations?count=${i + 1}`)));
  await get("/v1/conversations?count=20");
  const hit = await phase(500, 10, () => timed(() => get("/v1/conversations?count=20")));
  const coalesced = [];
  const started = performance.now();
  for (let round = 0; round < 20; round++) {
    const burst = await Promise.all(Array.from({ length: 10 }, () => timed(() => get(`/v1/conversations?count=20&unread=${round % 2 === 0}&keywords=burst${round}`))));
    coalesced.push(...burst.filter((b) => b.response.headers.get("x-cache") === "COALESCED"));
  }
  const coalescedWall = performance.now() - started;
  const check = (name, results, cache) => {
    const bad = results.filter((r) => r.response.status !== 200 || (cache && r.response.headers.get("x-cache") !== cache));
    if (bad.length) throw new Error(`${name}: ${bad.length} unexpected answers`);
    return results.map((r) => r.ms);
  };
  return {
    "sandbox direct": summary(check("direct", direct.results), direct.wall),
    "Worker MISS": summary(check("miss", miss.results, "MISS"), miss.wall),
    "Worker HIT": summary(check("hit", hit.results, "HIT"), hit.wall),
    "Worker COALESCED": summary(check("coalesced", coalesced, "COALESCED"), coalescedWall),
  };
}

/** A day of 20 users on 3 shared LinkedIn accounts, compressed: each opens the popup several
 *  times, pages, opens threads and loads older messages. Returns upstream calls and credits
 *  with the proxy (sandbox counters) and what the same requests cost without it. */
export async function replay({ worker, sandbox, tokens, sessionsPerUser = 6, spreadMs = 30_000 }) {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const before = await sandbox.stats();
  let directCalls = 0, directCredits = 0, errors = 0;
  const get = async (token, path) => {
    const response = await fetch(`${worker.base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) { errors += 1; return null; }
    return response.json();
  };
  const session = async (token) => {
    directCalls += 1;
    const inbox = await get(token, "/v1/conversations?count=20");
    if (!inbox) return;
    if (random() < 0.5 && inbox.nextCursor) {
      directCalls += 1;
      await get(token, `/v1/conversations?count=20&cursor=${encodeURIComponent(inbox.nextCursor)}`);
    }
    const threads = 1 + Math.floor(random() * 3);
    for (let t = 0; t < threads; t++) {
      const conversation = inbox.items[Math.floor(random() ** 2 * inbox.items.length)];
      directCalls += 1; directCredits += 2;
      const page = await get(token, `/v1/conversations/${encodeURIComponent(conversation.id)}/messages?count=20`);
      if (page?.nextCursor && random() < 0.3) {
        directCalls += 1; directCredits += 2;
        await get(token, `/v1/conversations/${encodeURIComponent(conversation.id)}/messages?count=20&cursor=${encodeURIComponent(page.nextCursor)}`);
      }
    }
  };
  const schedule = tokens.flatMap((token) => Array.from({ length: sessionsPerUser }, () => ({ token, at: random() * spreadMs }))).sort((a, b) => a.at - b.at);
  const started = performance.now();
  await Promise.all(schedule.map(async ({ token, at }) => {
    await new Promise((r) => setTimeout(r, at));
    await session(token);
  }));
  const after = await sandbox.stats();
  return {
    sessions: schedule.length, seconds: (performance.now() - started) / 1000, errors,
    withoutProxy: { calls: directCalls, credits: directCredits },
    withProxy: { calls: after.calls.total - before.calls.total, credits: after.creditsSpent - before.creditsSpent },
  };
}
