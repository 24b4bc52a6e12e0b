// The proxy client (the core's web build) and what its errors mean to a person.
import { InboxClient } from "./pkg/index.js";

export function connect({ proxyUrl, token }) {
  return new InboxClient({ proxy: { url: proxyUrl, token } });
}

/** { kind, text } for an InboxError: offline | auth | origin | limited | other. */
export function explain(error) {
  switch (error?.code) {
    case "NETWORK_ERROR":
    case "UNAVAILABLE":
      return { kind: "offline", text: "Offline: the proxy cannot be reached. Showing what was loaded before." };
    case "UNAUTHORIZED":
      return { kind: "auth", text: "The proxy does not know this client token." };
    case "ORIGIN_NOT_ALLOWED":
      return { kind: "origin", text: "The proxy does not allow this extension. Ask its operator to add this extension's origin." };
    case "RATE_LIMITED":
    case "BUDGET_EXHAUSTED":
    case "INSUFFICIENT_CREDITS": {
      const wait = error.retryAfter ? ` Try again in ${formatWait(error.retryAfter)}.` : " Try again later.";
      const what = error.code === "BUDGET_EXHAUSTED" ? "Today's LinkedIn budget for this account is spent." : "LinkedIn rate limit reached.";
      return { kind: "limited", text: `${what}${wait}` };
    }
    case "INVALID_INPUT":
      if (error.field === "token" || error.field === "baseUrl") return { kind: "auth", text: "The proxy URL or token in the options is not valid." };
      return { kind: "other", text: error.message };
    default:
      return { kind: "other", text: "Something went wrong loading the inbox. Try again." };
  }
}

function formatWait(seconds) {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
