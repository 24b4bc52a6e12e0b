// Every documented provider response example (tests/fixtures/documented/, sources in its
// SOURCES.md) through the installed package's sans-IO parser, with the values the core's native
// tests read from them (tests/documented.rs, tests/documented_connectsafely.rs): the same ids,
// unread states, totals, cursors and times, and the same refusals with the same codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseResponse } from "linkedin-inbox";

const FIXTURES = join(process.env.REPO ?? join(import.meta.dirname, "..", ".."), "tests", "fixtures", "documented");
const body = (name) => readFileSync(join(FIXTURES, name), "utf8");
const BASE = "http://127.0.0.1:9";
const CS = { connectsafely: { apiKey: "cs-key", accountId: "acc", baseUrl: BASE } };
const V1 = { linkup: { apiKey: "lk-key", loginToken: "li-at", baseUrl: BASE } };
const V2 = { linkup: { apiKey: "lk-key", accountId: "lk_acc_1", baseUrl: BASE } };
const V1_THREAD = "2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==";
const V1_URN = `urn:li:msg_conversation:(urn:li:fsd_profile:ACoAADxnv0oB_dN-NfpvEBlsVPU_W1omM-Xu24o,${V1_THREAD})`;
/** The provider's own cursor inside the package's signed-free page cursor (its last field). */
const upstream = (cursor) => (cursor ? Buffer.from(cursor, "base64url").toString("utf8").split("|").at(-1) : null);
const parse = (config, operation, query, name, status = 200) => parseResponse(config, operation, query, { status, body: body(name) });
const refusal = (run) => { try { run(); } catch (error) { return [error.code, error.message]; } assert.fail("parsed, expected a refusal"); };

test("LinkupAPI v1 and v2 inboxes: unread read as the documented integer, ids, totals and cursors", () => {
  const current = parse(V1, "listConversations", {}, "linkup_v1_inbox_200.json");
  const row = current.items[0];
  assert.deepEqual([row.id, row.unreadCount, row.isRead, row.lastActivityAt], ["2-M2ZkODhkZjYtZDI1ZC00NzE4LWFiYjgtZDY4YmUxMGMwM2NkXzEwMA==", 0, true, 1_748_629_426_457]);
  assert.equal(current.total, 1);
  assert.equal(upstream(current.nextCursor), "REVTQ0VORElORyYxNzQ4NjI5NDI2NDU3JjItTTJaa09EaGtaall0WkRJMVpDMBOekU0TFdGaVlqZ3RaRFk0WW1VeE1HTXdNMk5rWHpFd01BPT0=");
  const older = parse(V1, "listConversations", {}, "linkup_v1_inbox_200_older.json");
  assert.deepEqual([older.items[0].id, older.items[0].unreadCount, older.items[0].isRead], ["urn:li:conversation:123456789", 1, false]);
  assert.equal(older.nextCursor, null);
  const v2 = parse(V2, "listConversations", {}, "linkup_v2_list_inbox_200.json");
  assert.deepEqual([v2.items[0].id, v2.items[0].unreadCount, v2.items[0].isRead, v2.total, v2.creditCost], ["2-MDZiY2ExOTgtM2NjNy00OTU4LTgyNjUtZWFlMmIwZjM1NTlmXzEwMA==", 0, true, 1, 1]);
  assert.ok(v2.nextCursor);
  assert.equal(v2.items[0].latestMessage.fromSelf, false);
});

test("LinkupAPI threads: v1 pages with has_next_page and its cursor; v2 on next_cursor alone, its total total_message_count", () => {
  const v1 = parse(V1, "listMessages", { conversationId: V1_URN }, "linkup_v1_conversation_200.json");
  assert.deepEqual([v1.thread.conversationId, v1.thread.urn, v1.total, v1.items.length], [V1_THREAD, V1_URN, 5, 3]);
  assert.ok(v1.items.every((m) => m.conversationId === V1_THREAD));
  assert.equal(upstream(v1.nextCursor), "1745266498889");
  const v2 = parse(V2, "listMessages", { conversationId: V1_URN }, "linkup_v2_get_conversation_200.json");
  assert.equal(upstream(v2.nextCursor), "1777146285823");
  assert.deepEqual([v2.total, v2.creditCost, v2.thread.unreadCount, v2.thread.lastMessageSeen, v2.thread.lastSeenAt], [55, 1, 0, true, 1_777_147_641_366]);
});

test("ConnectSafely: the recent-messages page parses; the thread example parses placeholders and all; the conversations example's date placeholder is refused at its field", () => {
  const recent = parse(CS, "listConversations", {}, "connectsafely_recent_messages_200.json");
  assert.equal(recent.items[0].id, "2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==");
  const thread = parse(CS, "listMessages", { conversationId: "2-abc" }, "connectsafely_conversation_messages_200.json");
  const [first] = thread.items;
  assert.deepEqual([first.id, first.sentAt, first.sender.profileUrl], ["Hello! I would like to connect with you.", 0, "https://www.linkedin.com/in/john-doe-123"]);
  assert.equal(upstream(thread.nextCursor), "example_value");
  const [code, message] = refusal(() => parse(CS, "listConversations", { unread: true }, "connectsafely_conversations_200.json"));
  assert.equal(code, "MALFORMED_RESPONSE");
  assert.match(message, /lastActivityAt/);
});

test("documented error bodies: each refused with its code and the provider's own message", () => {
  for (const [config, name, status, code, text] of [
    [CS, "connectsafely_401.json", 401, "UNAUTHORIZED", "Unauthorized - Invalid credentials"],
    [CS, "connectsafely_400_zod.json", 400, "UPSTREAM_ERROR", "ZodError: profileId: Required"],
    [CS, "connectsafely_403_no_subscription.json", 403, "UNAUTHORIZED", "Trial expired or no active subscription"],
    [V2, "linkup_v2_error_403_invalid_api_key.json", 403, "UNAUTHORIZED", "The provided API key is invalid or missing"],
  ]) {
    const [got, message] = refusal(() => parse(config, "listConversations", {}, name, status));
    assert.equal(got, code, name);
    assert.ok(message.includes(text), `${name}: ${message}`);
  }
});
