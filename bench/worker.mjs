// Worker latency in workerd against the sandbox (150 ms provider latency), driven by
// autocannon: HIT, MISS, COALESCED next to calling the sandbox directly; and a replay of a
// day of 20 users.
import autocannon from "autocannon";

/** `amount` requests over `connections` connections; `path(i)` gives the i-th path. Returns
 *  latency percentiles, throughput and the X-Cache values seen. */
async function load({ base, headers, amount, connections = 10, path }) {
  let sent = 0;
  const seen = {};
  const result = await autocannon({
    url: base, connections, amount, headers,
    requests: [{
      setupRequest: (request) => ({ ...request, path: path(sent++) }),
      onResponse: (status, _body, _context, responseHeaders) => {
        const cache = Object.entries(responseHeaders).find(([k]) => k.toLowerCase() === "x-cache")?.[1];
        const label = status === 200 ? (cache ?? "200") : String(status);
        seen[label] = (seen[label] ?? 0) + 1;
      },
    }],
  });
  return {
    n: result.requests.total, p50: result.latency.p50, p99: result.latency.p99,
    rps: result.requests.total / result.duration, seen, failed: result.errors + result.timeouts + result.non2xx,
  };
}

export async function latencies({ worker, sandbox, token }) {
  const headers = { authorization: `Bearer ${token}` };
  const direct = await load({ base: sandbox.base, headers: { authorization: "Bearer demo-connectsafely-key" }, amount: 200,
    path: () => "/linkedin/messaging/recent-messages?count=20" });
  const inbox = await fetch(`${worker.base}/v1/conversations?count=100`, { headers }).then((r) => r.json());
  const threads = inbox.items.length;
  const thread = (n) => `/v1/conversations/${encodeURIComponent(inbox.items[n % threads].urn ?? inbox.items[n % threads].id)}/messages`;
  // Each thread's newest message first, then its newest two, ...: a page no stored page answers
  // (a stored page answers a larger request only when it holds the whole thread), so each is
  // an upstream call (lists come from the store).
  const miss = await load({ base: worker.base, headers, amount: 100, path: (i) => `${thread(i)}?count=${Math.floor(i / threads) + 1}` });
  const hit = await load({ base: worker.base, headers, amount: 1000, path: () => "/v1/conversations?count=20" });
  // Bursts of 10 identical cold pages: 20 threads' newest 20 messages (larger than any page of
  // them asked for above).
  const coalesced = await load({ base: worker.base, headers, amount: 200, path: (i) => `${thread(threads - 1 - Math.floor(i / 10))}?count=20` });
  return {
    "sandbox direct": direct,
    "Worker MISS (a thread page fetched upstream)": miss,
    "Worker HIT (a list page from the store)": hit,
    "Worker COALESCED (bursts of 10 identical cold thread pages)": coalesced,
  };
}

/** A day of 20 users on 3 shared LinkedIn accounts, compressed: each opens the popup several
 *  times, pages, switches to Unread, searches, opens threads and loads older messages. Returns
 *  upstream calls and credits with the proxy (sandbox counters) and what the same requests
 *  cost without it (one provider call per page, unread view and search; 2 credits per thread
 *  page of 20). */
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
    if (random() < 0.5) {
      directCalls += 1;
      await get(token, "/v1/conversations?count=20&unread=true");
    }
    if (random() < 0.3 && inbox.items.length) {
      const name = inbox.items[Math.floor(random() * inbox.items.length)].participants[0]?.name ?? "a";
      directCalls += 1;
      await get(token, `/v1/conversations?count=20&keywords=${encodeURIComponent(name.split(" ")[0])}`);
    }
    const threads = 1 + Math.floor(random() * 3);
    for (let t = 0; t < threads; t++) {
      const conversation = inbox.items[Math.floor(random() ** 2 * inbox.items.length)];
      directCalls += 1; directCredits += 2;
      const id = encodeURIComponent(conversation.urn ?? conversation.id);
      const page = await get(token, `/v1/conversations/${id}/messages?count=20`);
      if (page?.nextCursor && random() < 0.3) {
        directCalls += 1; directCredits += 2;
        await get(token, `/v1/conversations/${id}/messages?count=20&cursor=${encodeURIComponent(page.nextCursor)}`);
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
