// Normalization in Node on the same payload files: the npm package (wasm, response text → JS
// objects) against JSON.parse + hand mapping (the unvalidated floor) and JSON.parse + zod +
// mapping (a validated JS SDK). Prints `<impl> <case> <bytes> <min_ns> <median_ns>` lines.
import { readFileSync } from "node:fs";
import { z } from "zod";

const RUNS = 15;
const dir = process.argv[2];
const { parseResponse } = await import(new URL("../npm/dist/node/index.mjs", import.meta.url));

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

const impls = {
  wasm: { cs: (text) => parseResponse(csConfig, "listConversations", undefined, { status: 200, body: text }),
          lk: (text) => parseResponse(lkConfig, "listMessages", lkQuery, { status: 200, body: text }) },
  "js-floor": { cs: (text) => mapConversations(JSON.parse(text)), lk: (text) => mapMessages(JSON.parse(text)) },
  "js-zod": { cs: (text) => mapConversations(csSchema.parse(JSON.parse(text))), lk: (text) => mapMessages(lkSchema.parse(JSON.parse(text))) },
};

function measure(run) {
  run();
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - started));
  }
  times.sort((a, b) => a - b);
  return [times[0], times[Math.floor(RUNS / 2)]];
}

const texts = { cs: readFileSync(`${dir}/connectsafely-100.json`, "utf8"), lk: readFileSync(`${dir}/linkup-100.json`, "utf8") };
const names = { cs: "connectsafely", lk: "linkup" };
for (const [impl, fns] of Object.entries(impls)) {
  for (const kind of ["cs", "lk"]) {
    const text = texts[kind];
    const check = fns[kind](text);
    if (check.items.length !== 100) throw new Error(`${impl} ${kind}: ${check.items.length} items`);
    const [min, median] = measure(() => fns[kind](text));
    console.log(`${impl} ${names[kind]}-100 ${text.length} ${min} ${median}`);
    for (const [label, target] of [["1MB", 1 << 20], ["10MB", 10 << 20]]) {
      const pages = Math.ceil(target / text.length);
      const [bmin, bmedian] = measure(() => { for (let i = 0; i < pages; i++) fns[kind](text); });
      console.log(`${impl} ${names[kind]}-${label} ${pages * text.length} ${bmin} ${bmedian}`);
    }
  }
}
