// The live inbox's tests' Worker and sandbox (worker/test/live.test.mjs: webhooks in;
// live-push.test.mjs: the change feed and the push channel out): the clients and accounts,
// signed provider events, and reads of Alex's store.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { startSandbox } from "../../tests/js/sandbox.mjs";
import { startWorker, call as checkedCall } from "../../tests/js/worker.mjs";

export const CS_SECRET = "cs-webhook-secret-alex-0123456789";
export const LK_SECRET = "lk-webhook-secret-alex-0123456789";
export const ALEX = {
  id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex",
  connectsafelyWebhookSecret: CS_SECRET, linkupWebhookSecret: LK_SECRET,
};
export const PRIYA = {
  id: "priya", label: "Priya Iyer", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya",
  connectsafelyWebhookSecret: "cs-webhook-secret-priya-0123456789", linkupWebhookSecret: "lk-webhook-secret-priya-0123456789",
};
export const TITOUAN = { id: "titouan", label: "Titouan Prioux", account: "5f1b2c3d4e5f60718293a4b5", loginToken: null };
export const CLIENTS = [
  { name: "team", token: "live-team", accounts: [ALEX, TITOUAN] },
  // Shares alex with the team.
  { name: "alex-desk", token: "live-alex", accounts: [ALEX] },
  { name: "priya-desk", token: "live-priya", accounts: [PRIYA] },
  // Alex's LinkedIn account in the single-account form (its id is a digest): the same object.
  { name: "alex-legacy", token: "live-legacy", account: ALEX.account, loginToken: ALEX.loginToken },
];

export let sandbox, worker, threads;

/**
 * Starts the sandbox and the Worker before this file's tests, and stops them after.
 * `vars`: more settings for this file's Worker.
 */
export function startLiveWorker(vars = {}) {
  before(async () => {
    sandbox = await startSandbox(["--daily-limit", "100000"]);
    worker = await startWorker({
      sandboxBase: sandbox.base, clients: CLIENTS,
      // Long TTLs: reads in these tests are served from the stores, never a new head sync.
      // Short-lived sockets: their expiry is tested (and every socket test finishes well within it).
      vars: { RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0", HEAD_TTL_SECS: "3600", LIVE_SOCKET_LIFETIME_SECS: "6", ...vars },
    });
    threads = (await alexList()).map((c) => c.id);
    assert.ok(threads.length >= 6, "the demo account has conversations to push into");
  });
  after(async () => {
    await worker?.stop();
    sandbox?.stop();
  });
}

export const call = (path, token = "live-team", method = "GET", headers = {}) =>
  checkedCall(worker.base, path, { method, headers, authorization: `Bearer ${token}` });
export const upstream = async () => (await sandbox.stats()).calls.total;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const hmac = (secret, text) => createHmac("sha256", secret).update(text).digest("hex");

/** A ConnectSafely `message.received` event body. */
export function csEvent({ urn, thread, text, at, senderId = "ACoAAWebhookSender", name = "Webhook Sender", account = ALEX.account }) {
  return JSON.stringify({
    event: "message.received", object: "event",
    data: {
      id: `evt-${urn}`, message_urn: urn, account_id: account, provider: "LINKEDIN",
      sender: { id: senderId, name, profile_url: `https://www.linkedin.com/in/${senderId}`, profile_picture: null },
      body: text, timestamp: new Date(at).toISOString(), conversation_id: `urn:li:messagingThread:${thread}`, attachments: [],
    },
  });
}

/** Posts a ConnectSafely event signed with `secret` (or the given signature header). */
export function postCs(body, { account = "alex", secret = CS_SECRET, signature } = {}) {
  const sig = signature === undefined ? `sha256=${hmac(secret, body)}` : signature;
  return checkedCall(worker.base, `/v1/webhooks/connectsafely/${account}`, {
    method: "POST", body, headers: { "content-type": "application/json", ...(sig === null ? {} : { "x-webhook-signature": sig }) },
  });
}

export function lkEvent(eventId) {
  return JSON.stringify({ event_id: eventId, event: "message_received", account_id: "lk_acc_alex", created_at: new Date().toISOString() });
}

export function postLk(body, { account = "alex", secret = LK_SECRET, timestamp = Math.floor(Date.now() / 1000), signature } = {}) {
  const sig = signature === undefined ? `v1=${hmac(secret, `${timestamp}.${body}`)}` : signature;
  return checkedCall(worker.base, `/v1/webhooks/linkup/${account}`, {
    method: "POST", body,
    headers: { "content-type": "application/json", "x-linkup-timestamp": String(timestamp), ...(sig === null ? {} : { "x-linkup-signature": sig }) },
  });
}

/** The texts of a thread's newest messages (the first read stores the head page). */
export async function threadTexts(thread) {
  const page = await call(`/v1/conversations/${encodeURIComponent(thread)}/messages?account=alex&count=100`);
  assert.equal(page.status, 200, page.text);
  return page.body.items.map((m) => m.text);
}

/** Alex's conversations as the store has them (the first call syncs the head once). */
export async function alexList(extra = "") {
  const page = await call(`/v1/conversations?account=alex&count=50${extra}`);
  assert.equal(page.status, 200, page.text);
  return page.body.items;
}

let unique = 0;
export const urn = () => `urn:li:msg_message:(urn:li:fsd_profile:ACoAAWebhook,2-live-${process.pid}-${++unique})`;
