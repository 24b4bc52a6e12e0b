// Deterministic provider payloads for the benchmarks: a 100-conversation ConnectSafely page
// and a 100-message LinkupAPI page, shaped like the documented examples.
import { mkdirSync, writeFileSync } from "node:fs";

let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (items) => items[Math.floor(random() * items.length)];
const id = (n) => Array.from({ length: n }, () => pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")).join("");
const NAMES = ["Maria García", "James Smith", "Aiko Tanaka", "Мария Иванова", "张 伟", "Chloé Dubois", "Omar Haddad"];
const TEXTS = ["Would you be open to a quick call next week?", "Thanks for connecting! 🙏", "こんにちは、よろしくお願いします。", "Sounds interesting — what's the salary range?", ""];
const OWNER = "ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio";

export function connectsafelyPage(count = 100) {
  let at = 1_771_950_346_603;
  const conversations = Array.from({ length: count }, () => {
    const thread = `2-${id(40)}==`;
    const person = id(33);
    at -= Math.floor(random() * 86_400_000);
    return {
      conversationId: thread,
      conversationUrn: `urn:li:msg_conversation:(urn:li:fsd_profile:${OWNER},${thread})`,
      backendConversationUrn: `urn:li:messagingThread:${thread}`,
      conversationUrl: `https://www.linkedin.com/messaging/thread/${thread}/`,
      participants: [{
        profileId: `ACoAA${person}`, name: pick(NAMES), headline: random() < 0.9 ? "Head of Talent Acquisition at Northwind" : null,
        profileUrl: `https://www.linkedin.com/in/ACoAA${person}`,
        profilePicture: `https://media.licdn.com/dms/image/v2/D4E03AQ${id(14)}/profile-displayphoto-shrink_100_100/0/1700000000000?e=1893456000&v=beta&t=${id(43)}`,
        distance: pick(["DISTANCE_1", "DISTANCE_2", "DISTANCE_3", "OUT_OF_NETWORK"]), memberBadgeType: null,
        participantUrn: `urn:li:msg_messagingParticipant:urn:li:fsd_profile:ACoAA${person}`,
        backendUrn: `urn:li:member:${Math.floor(random() * 1e9)}`, hostIdentityUrn: `urn:li:fsd_profile:ACoAA${person}`,
      }],
      unreadCount: random() < 0.3 ? 1 : 0, lastActivityAt: at, createdAt: at - 9_000_000_000, lastReadAt: at + 1000, isRead: random() < 0.7, state: null,
      latestMessage: {
        messageUrn: `urn:li:msg_message:(urn:li:fsd_profile:${OWNER},2-${id(40)}=)`, backendMessageUrn: `urn:li:messagingMessage:2-${id(40)}=`,
        text: pick(TEXTS), sentAt: at, senderName: pick(NAMES), senderProfileUrl: `https://www.linkedin.com/in/ACoAA${person}`,
        senderUrn: `urn:li:msg_messagingParticipant:urn:li:fsd_profile:ACoAA${person}`, hasAttachment: false,
      },
    };
  });
  return { success: true, accountId: "696ce9e780e0483585e4e553", profileUrn: `urn:li:fsd_profile:${OWNER}`, conversations, total: 640, nextCursor: "MTc3MTk1MDM0NjYwMzoyLWFiYw==" };
}

export function linkupPage(count = 100) {
  let at = 1_745_270_025_236;
  const messages = Array.from({ length: count }, () => {
    at -= Math.floor(random() * 3_600_000) + 1;
    const [first, last] = pick(NAMES).split(" ");
    const text = pick(TEXTS);
    return { text, timestamp: at, sender: `${first} ${last}`, sender_info: { first_name: first, last_name: last },
      message_type: text ? "TEXT" : "SYSTEM", entity_urn: `urn:li:msg_message:(urn:li:fsd_profile:${OWNER},2-${id(60)}==)` };
  });
  return { status: "success", data: {
    conversation_id: `urn:li:msg_conversation:(urn:li:fsd_profile:${OWNER},2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==)`,
    total_results: count, total_other_member_message_count: 320, unread_count: 0, last_seen_message: true, last_seen_at: 1_749_403_535_456,
    messages, pagination: { count, has_next_page: true, next_cursor: String(at) } } };
}

/** Writes the payloads into `dir`; returns their paths. */
export function writePayloads(dir) {
  mkdirSync(dir, { recursive: true });
  const files = { "connectsafely-100": connectsafelyPage(), "linkup-100": linkupPage() };
  for (const [name, body] of Object.entries(files)) writeFileSync(`${dir}/${name}.json`, JSON.stringify(body));
  return Object.keys(files).map((name) => `${dir}/${name}.json`);
}
