// The Worker in workerd (the repository's tests/js/worker.mjs) with a team client of the three
// sandbox demo accounts, for the tests of the installed package through the proxy (issues 18
// and 20). REPO is the repository: the Worker is started from there.
import { createHmac, randomUUID } from "node:crypto";
import { startSandbox } from "./sandbox.mjs";

const { startWorker } = await import(`${process.env.REPO}/tests/js/worker.mjs`);

export const ALEX = { id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex", connectsafelyWebhookSecret: "whsec-npm-alex" };
export const TITOUAN = { id: "titouan", label: "Titouan Prioux", account: "5f1b2c3d4e5f60718293a4b5", loginToken: null, connectsafelyWebhookSecret: "whsec-npm-titouan" };
export const PRIYA = { id: "priya", label: "Priya Iyer", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya", connectsafelyWebhookSecret: "whsec-npm-priya" };
export const TEAM_TOKEN = "npm-team-token";
export const ALEX_TOKEN = "npm-alex-token";

/** The sandbox and a Worker whose `team` client lists alex, titouan and priya; `solo` lists alex. */
export async function startProxy() {
  const sandbox = await startSandbox(["--daily-limit", "100000"]);
  let worker;
  try {
    worker = await startWorker({
      sandboxBase: sandbox.base,
      clients: [
        { name: "team", token: TEAM_TOKEN, accounts: [ALEX, TITOUAN, PRIYA] },
        { name: "solo", token: ALEX_TOKEN, accounts: [ALEX] },
      ],
      vars: { RATE_LIMIT_PER_MINUTE: "0" },
    });
  } catch (error) {
    sandbox.stop();
    throw error;
  }
  return {
    sandbox,
    base: worker.base,
    logs: worker.logs,
    config: (token = TEAM_TOKEN, extra = {}) => ({ proxy: { url: worker.base, token }, ...extra }),
    stop: async () => { await worker.stop(); sandbox.stop(); },
  };
}

/**
 * Delivers a ConnectSafely `message.received` webhook, signed as the contract says, to the
 * Worker: `text` from the other participant of `conversation` (an item of a list, with its
 * `account`). Returns the HTTP status.
 */
export async function deliverWebhook(base, account, conversation, text) {
  const other = conversation.participants[0];
  const thread = conversation.backendUrn ?? `urn:li:messagingThread:${conversation.id}`;
  const body = JSON.stringify({
    event: "message.received",
    object: "event",
    data: {
      id: `evt_${randomUUID()}`,
      message_urn: `urn:li:msg_message:(urn:li:fsd_profile:${other.profileId},${randomUUID()})`,
      account_id: account.account,
      provider: "LINKEDIN",
      sender: { id: other.profileId, name: other.name, profile_url: other.profileUrl, profile_picture: null },
      body: text,
      timestamp: new Date().toISOString(),
      conversation_id: thread,
      attachments: [],
    },
  });
  const signature = `sha256=${createHmac("sha256", account.connectsafelyWebhookSecret).update(body).digest("hex")}`;
  const response = await fetch(`${base}/v1/webhooks/connectsafely/${account.id}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-signature": signature },
    body,
  });
  await response.text();
  return response.status;
}
