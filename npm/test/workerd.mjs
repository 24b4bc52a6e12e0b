// The Worker in workerd (the repository's tests/js/worker.mjs) with a team client of the three
// sandbox demo accounts, for the tests of the installed package through the proxy (the live
// inbox, several accounts). REPO is the repository: the Worker is started from there.
import { startSandbox } from "./sandbox.mjs";

const { startWorker } = await import(`${process.env.REPO}/tests/js/worker.mjs`);

export const ALEX = { id: "alex", label: "Alex Morgan", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex", connectsafelyWebhookSecret: "whsec-npm-alex" };
export const TITOUAN = { id: "titouan", label: "Titouan Prioux", account: "5f1b2c3d4e5f60718293a4b5", loginToken: null, connectsafelyWebhookSecret: "whsec-npm-titouan" };
export const PRIYA = { id: "priya", label: "Priya Iyer", account: "6a7b8c9d0e1f2a3b4c5d6e7f", loginToken: "demo-login-token-priya", connectsafelyWebhookSecret: "whsec-npm-priya" };
/** A sandbox account of BIG_SIZE generated conversations (`--big-account`), for long feeds. */
export const BIG = { id: "big", label: "Big", account: "b16b16b16b16b16b16b16b16", loginToken: null };
export const BIG_SIZE = 150;
export const BIG_TOKEN = "npm-big-token";
export const TEAM_TOKEN = "npm-team-token";
export const ALEX_TOKEN = "npm-alex-token";

/**
 * The sandbox and a Worker whose `team` client lists alex, titouan and priya; `solo` lists alex;
 * `big` lists BIG. `origins`: the browser origins `team` may be called from; `vars`: more
 * Worker settings.
 * The sandbox delivers each account's ConnectSafely webhooks to the Worker (`simulate`).
 */
export async function startProxy({ origins = [], vars = {} } = {}) {
  const sandbox = await startSandbox(["--daily-limit", "100000", "--big-account", String(BIG_SIZE)]);
  let worker;
  try {
    worker = await startWorker({
      sandboxBase: sandbox.base,
      clients: [
        { name: "team", token: TEAM_TOKEN, accounts: [ALEX, TITOUAN, PRIYA], origins },
        { name: "solo", token: ALEX_TOKEN, accounts: [ALEX] },
        { name: "big", token: BIG_TOKEN, accounts: [BIG] },
      ],
      vars: { RATE_LIMIT_PER_MINUTE: "0", ...vars },
    });
    for (const account of [ALEX, TITOUAN, PRIYA]) {
      const answer = await sandbox.control("POST", "webhooks", {
        provider: "connectsafely", account: account.account,
        url: `${worker.base}/v1/webhooks/connectsafely/${account.id}`, secret: account.connectsafelyWebhookSecret,
      });
      if (!answer.webhooks) throw new Error(`the sandbox refused the webhook target: ${JSON.stringify(answer)}`);
    }
  } catch (error) {
    await worker?.stop();
    sandbox.stop();
    throw error;
  }
  return {
    sandbox,
    base: worker.base,
    logs: worker.logs,
    config: (token = TEAM_TOKEN, extra = {}) => ({ proxy: { url: worker.base, token }, ...extra }),
    /**
     * A message from the other participant of `conversation` (a thread id of `account`, or a
     * new conversation when absent) arrives in the sandbox, which delivers its ConnectSafely
     * webhook to the Worker; resolves once the Worker answered it (200 checked).
     */
    simulate: async (account, text, conversation) => {
      const answer = await sandbox.control("POST", "simulate", { account: account.account, text, ...(conversation && { conversation }) });
      const statuses = (answer.deliveries ?? []).map((d) => d.status);
      if (statuses.length !== 1 || statuses[0] !== 200) throw new Error(`simulate: ${JSON.stringify(answer)}`);
      return answer;
    },
    /**
     * `DELETE /v1/data` of the client of `token` (every account without `account`). A wipe is
     * idempotent, so one 503 is retried, after printing its body and the last 4,000
     * characters of the Worker's log (a 503 was seen once in CI under load and never
     * reproduced; the log says why next time); a second fails the test.
     */
    wipe: async (token, account) => {
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(`${worker.base}/v1/data${account ? `?account=${account}` : ""}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
        const text = await response.text();
        if (response.status === 204) return;
        const why = `DELETE /v1/data: ${response.status} ${text}\nthe Worker's last log lines:\n${worker.logs().slice(-4000)}`;
        if (response.status !== 503 || attempt === 2) throw new Error(why);
        console.error(`retrying once: ${why}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    stop: async () => { await worker.stop(); sandbox.stop(); },
  };
}
