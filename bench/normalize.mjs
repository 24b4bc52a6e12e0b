// Normalization in Node on the same payload files: the npm package (wasm) against
// JSON.parse + hand mapping (the unvalidated floor) and JSON.parse + zod + mapping (a
// validated JS SDK), from the response text and from the response bytes; and the same wasm
// with results crossing as objects built by serde-wasm-bindgen or as JSON text (+ JSON.parse)
// instead of the shipped tape, or not crossing at all (the parse alone), when BENCH_SWB_PKG /
// BENCH_JSON_TEXT_PKG / BENCH_NO_OUTPUT_PKG name those builds. Implementations run interleaved, round by round, so
// machine noise hits all alike, each warmed up first, timed in CPU time (see `measure`). Prints
// `<impl> <case> <bytes> <min_ns> <median_ns>` lines.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { z } from "zod";

const RUNS = 21;
const dir = process.argv[2];
const { parseResponse } = await import(new URL("../npm/dist/node.mjs", import.meta.url));
const load = (variable) => (process.env[variable] ? createRequire(import.meta.url)(process.env[variable]) : null);
const swb = load("BENCH_SWB_PKG");
const jsonText = load("BENCH_JSON_TEXT_PKG");
const noOutput = load("BENCH_NO_OUTPUT_PKG");
// Build alternatives (bench/alternatives.sh): BENCH_ALT_PKGS="name=path/node.cjs,…", measured as
// "wasm-<name>" beside the shipped build; BENCH_CASES="connectsafely-100,linkup-1MB" keeps only
// those cases (all by default).
const alternatives = (process.env.BENCH_ALT_PKGS ?? "").split(",").filter(Boolean).map((entry) => {
  const [name, path] = entry.split("=");
  return [`wasm-${name}`, createRequire(import.meta.url)(path)];
});
const only = process.env.BENCH_CASES ? new Set(process.env.BENCH_CASES.split(",")) : null;

const csConfig = { connectsafely: { apiKey: "bench" } };
const lkConfig = { linkup: { apiKey: "bench", loginToken: "bench" } };
const lkQuery = { conversationId: "2-bench" };

const distance = { DISTANCE_1: "first", DISTANCE_2: "second", DISTANCE_3: "third", OUT_OF_NETWORK: "outOfNetwork" };
const expiry = (url) => { const e = /[?&]e=(\d+)/.exec(url ?? ""); return e ? Number(e[1]) * 1000 : null; };
function mapConversations(body) {
  return {
    items: body.conversations.map((c) => ({
      id: c.conversationUrn, provider: "connectsafely", threadId: c.conversationId, backendUrn: c.backendConversationUrn ?? null, url: c.conversationUrl ?? null,
      participants: (c.participants ?? []).map((p) => ({
        profileId: p.profileId ?? "", name: p.name ?? "", headline: p.headline || null, profileUrl: p.profileUrl ?? null, pictureUrl: p.profilePicture ?? null,
        pictureExpiresAt: expiry(p.profilePicture), distance: p.distance ? distance[p.distance] ?? "other" : null, rawDistance: p.distance ?? null,
        memberBadgeType: p.memberBadgeType ?? null, participantUrn: p.participantUrn ?? null, backendUrn: p.backendUrn ?? null, hostIdentityUrn: p.hostIdentityUrn ?? null,
      })),
      unreadCount: c.unreadCount ?? 0, isRead: c.isRead ?? !c.unreadCount, lastActivityAt: c.lastActivityAt ?? null, createdAt: c.createdAt ?? null,
      lastReadAt: c.lastReadAt ?? null, state: c.state ?? null,
      latestMessage: c.latestMessage ? { id: c.latestMessage.messageUrn ?? "", text: c.latestMessage.text ?? "", sentAt: c.latestMessage.sentAt ?? null,
        senderName: c.latestMessage.senderName ?? null, senderUrn: c.latestMessage.senderUrn ?? null, fromSelf: !!c.latestMessage.senderUrn?.endsWith(body.profileUrn),
        hasAttachment: !!c.latestMessage.hasAttachment } : null,
    })),
    nextCursor: body.nextCursor ?? null, total: body.total ?? null,
  };
}
function mapMessages(body) {
  const seen = new Set();
  const items = body.data.messages.filter((m) => !seen.has(m.entity_urn) && seen.add(m.entity_urn)).map((m) => ({
    id: m.entity_urn, conversationId: body.data.conversation_id, text: m.text ?? "", sentAt: m.timestamp,
    kind: m.message_type === "TEXT" ? "text" : m.message_type === "SYSTEM" ? "system" : "other", rawKind: m.message_type ?? "",
    sender: { name: m.sender ?? "", firstName: m.sender_info?.first_name ?? null, lastName: m.sender_info?.last_name ?? null },
  })).sort((a, b) => b.sentAt - a.sentAt);
  return { items, nextCursor: body.data.pagination?.has_next_page ? body.data.pagination.next_cursor : null, thread: { unreadCount: body.data.unread_count ?? 0 } };
}

const str = z.string().nullish();
const num = z.number().int().nullish();
const csSchema = z.object({
  success: z.boolean().nullish(), accountId: str, profileUrn: str, total: num, nextCursor: str,
  conversations: z.array(z.object({
    conversationId: str, conversationUrn: z.string(), backendConversationUrn: str, conversationUrl: str,
    participants: z.array(z.object({ profileId: str, name: str, headline: str, profileUrl: str, profilePicture: str, distance: str,
      memberBadgeType: z.unknown(), participantUrn: str, backendUrn: str, hostIdentityUrn: str })).nullish(),
    unreadCount: num, lastActivityAt: num, createdAt: num, lastReadAt: num, isRead: z.boolean().nullish(), state: z.unknown(),
    latestMessage: z.object({ messageUrn: str, backendMessageUrn: str, text: str, sentAt: num, senderName: str, senderProfileUrl: str, senderUrn: str,
      hasAttachment: z.boolean().nullish() }).nullish(),
  })),
});
const lkSchema = z.object({ status: str, data: z.object({
  conversation_id: str, profile_url: str, total_results: num, total_other_member_message_count: num, unread_count: num,
  last_seen_message: z.boolean().nullish(), last_seen_at: num,
  messages: z.array(z.object({ text: str, timestamp: z.number().int(), sender: str,
    sender_info: z.object({ first_name: str, last_name: str }).nullish(), message_type: str, entity_urn: z.string() })),
  pagination: z.object({ count: num, has_next_page: z.boolean().nullish(), next_cursor: z.union([z.string(), z.number()]).nullish() }).nullish(),
}) });

const decoder = new TextDecoder();
const wasmImpl = (parse) => ({
  cs: (body) => parse(csConfig, "listConversations", undefined, { status: 200, body }),
  lk: (body) => parse(lkConfig, "listMessages", lkQuery, { status: 200, body }),
});
const floor = { cs: (text) => mapConversations(JSON.parse(text)), lk: (text) => mapMessages(JSON.parse(text)) };
const zod = { cs: (text) => mapConversations(csSchema.parse(JSON.parse(text))), lk: (text) => mapMessages(lkSchema.parse(JSON.parse(text))) };
const fromBytes = (impl) => ({ cs: (bytes) => impl.cs(decoder.decode(bytes)), lk: (bytes) => impl.lk(decoder.decode(bytes)) });
// [name, functions, input kind]
const impls = [
  ["wasm", wasmImpl(parseResponse), "text"],
  ...(swb ? [["wasm-swb", wasmImpl(swb.parseResponse), "text"]] : []),
  ...(jsonText ? [["wasm-json-text", wasmImpl(jsonText.parseResponse), "text"]] : []),
  ...(noOutput ? [["wasm-no-output", wasmImpl(noOutput.parseResponse), "text"]] : []),
  ...alternatives.map(([name, pkg]) => [name, wasmImpl(pkg.parseResponse), "text"]),
  ["js-floor", floor, "text"],
  ["js-zod", zod, "text"],
  ["wasm-bytes", wasmImpl(parseResponse), "bytes"],
  ["js-floor-bytes", fromBytes(floor), "bytes"],
  ["js-zod-bytes", fromBytes(zod), "bytes"],
];

// What one run costs: the CPU time of this process (user + system, µs, as ns), not the wall
// clock. On the shared 2-core machine the wall clock also counts the time other processes hold
// the cores (a loaded run of 400 parses of connectsafely-100 took 3.0 ms of wall clock and
// 1.8 ms of CPU per parse), which moved medians 2-5x below the best runs. It counts V8's
// GC helper threads too: garbage is charged to the implementation that makes it.
const cpuNs = () => { const { user, system } = process.cpuUsage(); return (user + system) * 1000; };
// V8 compiles in tiers (wasm: Liftoff first, TurboFan in the background once a function is hot;
// JS likewise): each runner is warmed up for WARM_UP_MS and at least 20 calls before timing, so
// runs time the optimized code a long-lived process runs, not the compilation.
const WARM_UP_MS = 300;

/** min and median ns of each runner, interleaved round by round after its warm-up. */
function measure(runners) {
  const times = runners.map((run) => {
    const until = performance.now() + WARM_UP_MS;
    for (let calls = 0; calls < 20 || performance.now() < until; calls++) run();
    return [];
  });
  for (let round = 0; round < RUNS; round++) {
    runners.forEach((run, i) => {
      const started = cpuNs();
      run();
      times[i].push(cpuNs() - started);
    });
  }
  return times.map((list) => { list.sort((a, b) => a - b); return [list[0], list[Math.floor(RUNS / 2)]]; });
}

// The generated pages mix scripts (names, emoji); an English inbox is often plain ASCII, which
// takes other fast paths in V8 (one-byte strings) and in the package: measured as a 100 page.
const asciiOnly = (text) => text.normalize("NFD").replace(/[^\x00-\x7f]/g, "");
const cases = [
  ["cs", "connectsafely", (text) => text, ["100", "1MB", "10MB"]],
  ["cs", "connectsafely-ascii", asciiOnly, ["100"]],
  ["lk", "linkup", (text) => text, ["100", "1MB", "10MB"]],
];
for (const [kind, name, transform, labels] of cases) {
  const text = transform(readFileSync(`${dir}/${kind === "cs" ? "connectsafely" : "linkup"}-100.json`, "utf8"));
  const bytes = new TextEncoder().encode(text);
  const input = { text, bytes };
  const shipped = JSON.stringify(impls[0][1][kind](text));
  for (const [impl, fns, from] of impls) {
    const page = fns[kind](input[from]);
    if (impl === "wasm-no-output") {
      if (page !== null) throw new Error(`${impl} ${name}: returned a value`);
      continue;
    }
    if (page.items.length !== 100) throw new Error(`${impl} ${name}: ${page.items.length} items`);
    if (impl.startsWith("wasm") && JSON.stringify(page) !== shipped) throw new Error(`${impl} ${name}: not the shipped result`);
  }
  const targets = { 100: 0, "1MB": 1 << 20, "10MB": 10 << 20 };
  for (const label of labels) {
    if (only && !only.has(`${name}-${label}`)) continue;
    const target = targets[label];
    const pages = Math.max(1, Math.ceil(target / bytes.length));
    const results = measure(impls.map(([, fns, from]) => () => { for (let i = 0; i < pages; i++) fns[kind](input[from]); }));
    impls.forEach(([impl], i) => console.log(`${impl} ${name}-${label} ${pages * bytes.length} ${results[i][0]} ${results[i][1]}`));
  }
}
