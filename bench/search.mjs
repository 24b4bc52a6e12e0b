// Search in an account's store: a sandbox account of N conversations is synced through the
// Worker, every thread opened (50 messages each), then keyword searches are timed.
import { startSandbox } from "../tests/js/sandbox.mjs";
import { startWorker } from "../tests/js/worker.mjs";

const BIG_ACCOUNT = "b16b16b16b16b16b16b16b16";

async function pool(items, concurrency, task) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await task(items[next++]);
  }));
}

export async function searchBench({ conversations = 2000, messagesPerThread = 50, searches = 100, vars }) {
  const sandbox = await startSandbox(["--daily-limit", "1000000", "--big-account", String(conversations)]);
  const worker = await startWorker({
    sandboxBase: sandbox.base,
    clients: [{ name: "big", token: "bench-big", account: BIG_ACCOUNT, loginToken: "demo-login-token-big" }],
    vars: { ...vars, HEAD_TTL_SECS: "86400", MAX_THREADS: String(conversations) },
  });
  const get = async (path) => {
    const response = await fetch(`${worker.base}${path}`, { headers: { authorization: "Bearer bench-big" } });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  try {
    const started = performance.now();
    const inbox = [];
    let cursor = null;
    do {
      const page = await get(`/v1/conversations?count=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      inbox.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const listed = performance.now();
    let messages = 0;
    await pool(inbox, 4, async (c) => {
      const thread = await get(`/v1/conversations/${encodeURIComponent(c.urn ?? c.id)}/messages?count=${messagesPerThread}`);
      messages += thread.items.length;
    });
    const opened = performance.now();
    // Keywords: participant first names and words of messages, in a fixed order.
    const words = [];
    for (const c of inbox.slice(0, searches / 2)) words.push(c.participants[0]?.name.split(" ")[0] ?? "a");
    for (const c of inbox.slice(0, searches)) {
      const word = (c.latestMessage?.text ?? "").split(/[^\p{L}\p{N}]+/u).find((w) => w.length >= 4);
      if (word && words.length < searches) words.push(word);
    }
    const times = [];
    let hits = 0;
    for (const word of words) {
      const t = performance.now();
      const page = await get(`/v1/conversations?count=20&keywords=${encodeURIComponent(word)}`);
      times.push(performance.now() - t);
      hits += page.items.length;
    }
    times.sort((a, b) => a - b);
    const health = [];
    for (let i = 0; i < 50; i += 1) {
      const t = performance.now();
      await fetch(`${worker.base}/health`);
      health.push(performance.now() - t);
    }
    health.sort((a, b) => a - b);
    return {
      conversations: inbox.length, messages, searches: times.length, hitsPerSearch: hits / times.length,
      syncSeconds: (listed - started) / 1000, openSeconds: (opened - listed) / 1000,
      p50: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)],
      healthP50: health[Math.floor(health.length / 2)],
    };
  } finally {
    await worker.stop();
    sandbox.stop();
  }
}
