// The popup's copies of two core rules (changes.js: `isUnread`, `messageId`, which the popup
// reads before the wasm loads) against the core's own (`isUnread` and `messageId` of www/pkg:
// `Conversation::is_unread`, src/ids.rs `message_id`), over the providers' recorded and
// documented answers as the core parses them, and the edge cases of each rule. No browser:
// the wasm runs in Node.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { initSync, isUnread as coreIsUnread, messageId as coreMessageId, parseResponse } from "../pkg/api.js";
import { isUnread, messageId } from "../changes.js";

initSync({ module: readFileSync(new URL("../pkg/linkedin_inbox_bg.wasm", import.meta.url)) });

const fixture = (name) => readFileSync(new URL(`../../tests/fixtures/${name}`, import.meta.url), "utf8");
const BASE = "http://127.0.0.1:9";
const CONNECTSAFELY = { connectsafely: { apiKey: "cs-key", baseUrl: `${BASE}/linkedin` } };
const LINKUP = { linkup: { apiKey: "lk-key", loginToken: "li-at", baseUrl: BASE } };
const PROFILE = { profileUrl: "https://www.linkedin.com/in/john-doe/" };

/** The items of each answer the core parses, from these recorded and documented answers. */
function parsed(operation, answers) {
  const items = [];
  for (const [config, query, name] of answers) {
    const page = parseResponse(config, operation, query, { status: 200, body: fixture(name) });
    assert.ok(page.items.length > 0, name);
    items.push(...page.items);
  }
  return items;
}

test("unread: the popup's isUnread is the core's on every parsed conversation, read or not, with any count", () => {
  const conversations = parsed("listConversations", [
    [CONNECTSAFELY, {}, "connectsafely_200.json"],
    [CONNECTSAFELY, {}, "connectsafely_edge.json"],
    [LINKUP, {}, "linkup_inbox_200.json"],
    [LINKUP, {}, "documented/linkup_v1_inbox_200.json"],
    [LINKUP, {}, "documented/linkup_v1_inbox_200_older.json"],
  ]);
  assert.ok(conversations.length >= 5, `${conversations.length} conversations`);
  let compared = 0;
  const seen = new Set();
  for (const parsedOne of conversations) {
    for (const isRead of [parsedOne.isRead, true, false]) {
      for (const unreadCount of [parsedOne.unreadCount, 0, 1, 7]) {
        const conversation = { ...parsedOne, isRead, unreadCount };
        const core = coreIsUnread(conversation);
        assert.equal(isUnread(conversation), core, JSON.stringify({ id: conversation.id, isRead, unreadCount }));
        seen.add(core);
        compared++;
      }
    }
  }
  assert.deepEqual([...seen].sort(), [false, true], "both answers compared");
  assert.ok(compared >= 60, `${compared} compared`);
});

test("message ids: the popup's messageId is the core's on every parsed message id and every form", () => {
  const messages = parsed("listMessages", [
    [CONNECTSAFELY, { conversationId: "2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==" }, "connectsafely_thread_200.json"],
    [LINKUP, PROFILE, "linkup_200.json"],
    [LINKUP, PROFILE, "documented/linkup_v1_conversation_200.json"],
  ]);
  const bare = "2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=";
  const forms = [
    ...messages.map((m) => m.id),
    `urn:li:msg_message:(urn:li:fsd_profile:ACoAA_x-1,${bare})`,
    `urn:li:msg_message:(urn:li:fsd_profile:ACoAA_x-1, ${bare} )`,
    `urn:li:msg_message:(${bare})`,
    `urn:li:msg_message:(a,b,${bare}`,
    "urn:li:msg_message:(",
    "urn:li:msg_message:()",
    `urn:li:messagingMessage:${bare}`,
    "urn:li:messagingMessage:",
    "urn:li:messagingMessage: ",
    `  ${bare}  `,
    bare,
    "msg-1",
    "",
    " ",
    "urn:li:msg_conversation:(urn:li:fsd_profile:X,2-T)",
    "é 👋 text",
  ];
  assert.ok(messages.length >= 3, `${messages.length} messages`);
  for (const form of forms) assert.equal(messageId(form), coreMessageId(form), JSON.stringify(form));
  // Both sides find the one message of the synced and the pushed forms.
  assert.equal(coreMessageId(`urn:li:messagingMessage:${bare}`), bare);
  assert.equal(coreMessageId(`urn:li:msg_message:(urn:li:fsd_profile:OWNER,${bare})`), bare);
});
