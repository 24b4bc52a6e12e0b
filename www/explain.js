// What an error means to a person, without the wasm: the popup explains failures (first run,
// a missing or broken `pkg`, offline) even when the core cannot load. For the core's error
// codes the kinds and texts are the core's `explain` (src/inbox/explain.rs), checked equal by
// test/explain.test.mjs; the popup's own codes (setup, a missing core, what diagnose.js finds
// at the proxy URL) are only here. The offline text depends on whether a cached inbox is on screen.

/** Codes the popup itself raises (not the core's). */
export const SETUP_NEEDED = "SETUP_NEEDED";
export const CORE_MISSING = "CORE_MISSING";

function waitText(seconds) {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.floor((seconds + 30) / 60)} min`;
  return `${Math.floor((seconds + 1800) / 3600)} h`;
}

/** For an https:// URL to this computer: a proxy here speaks plain http. */
function httpsHint(url) {
  return /^https:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/i.test(url ?? "") ? ` (a proxy on this computer speaks http://, not https://)` : "";
}

/**
 * `{ kind, text }` for an `InboxError`-like value (`code`, `field`, `retryAfter`, `message`).
 * `kind` is one of setup, broken, offline, auth, origin, limited, other. What diagnose.js
 * finds at the proxy URL (NOT_ANSWERING, NO_ANSWER, NOT_READABLE) carries the `url`.
 */
export function explain(error, { cached = false } = {}) {
  const code = typeof error?.code === "string" ? error.code : "";
  const retryAfter = Number.isFinite(error?.retryAfter) && error.retryAfter >= 0 ? Math.floor(error.retryAfter) : null;
  switch (code) {
    case SETUP_NEEDED:
      return { kind: "setup", text: "Welcome! Set the proxy URL and client token first." };
    case CORE_MISSING:
      return { kind: "broken", text: "This copy of the extension is incomplete (its core did not load). Reinstall or rebuild it." };
    case "NETWORK_ERROR":
    case "UNAVAILABLE":
      return { kind: "offline", text: cached ? "Offline: the proxy cannot be reached. Showing what was loaded before." : "Offline: the proxy cannot be reached. Check your connection and try again." };
    case "NOT_ANSWERING":
      return { kind: "offline", text: `Nothing answers at ${error.url}: check your connection, and the proxy URL in the options${httpsHint(error.url)}.${cached ? " Showing what was loaded before." : ""}` };
    case "NO_ANSWER":
      return { kind: "offline", text: `No answer from ${error.url} within ${error.seconds} s: check the proxy URL in the options${httpsHint(error.url)}.${cached ? " Showing what was loaded before." : ""}` };
    case "NOT_READABLE":
      return { kind: "origin", text: `Something answers at ${error.url}, but not as a linkedin-inbox proxy that allows this extension: check the proxy URL in the options, or ask the proxy's operator to add this extension's origin.` };
    case "UNAUTHORIZED":
      return { kind: "auth", text: "Bad token: the proxy does not know this client token." };
    case "ORIGIN_NOT_ALLOWED":
      return { kind: "origin", text: "The proxy does not allow this extension. Ask its operator to add this extension's origin." };
    case "RATE_LIMITED":
    case "BUDGET_EXHAUSTED":
    case "INSUFFICIENT_CREDITS": {
      const what = { BUDGET_EXHAUSTED: "Today's LinkedIn budget for this account is spent.", INSUFFICIENT_CREDITS: "The LinkupAPI credit balance is spent." }[code] ?? "LinkedIn rate limit reached.";
      return { kind: "limited", text: `${what}${retryAfter === null ? " Try again later." : ` Try again in ${waitText(retryAfter)}.`}` };
    }
    case "INVALID_INPUT":
      if (["token", "baseUrl", "url"].includes(error.field)) return { kind: "auth", text: "The proxy URL or token in the options is not valid." };
      return { kind: "other", text: error.message || "Something went wrong. Try again." };
    case "NOT_SUPPORTED":
      return { kind: "other", text: "This account's provider cannot do that: LinkupAPI has no read state." };
    case "IDEMPOTENCY_KEY_REUSED":
      return { kind: "other", text: "That message was already sent differently. Write it again." };
    case "PROXY_MISCONFIGURED":
      return { kind: "other", text: "The proxy is misconfigured. Ask its operator to check its settings." };
    default:
      return { kind: "other", text: "Something went wrong loading the inbox. Try again." };
  }
}
