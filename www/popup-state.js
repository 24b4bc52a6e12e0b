// What the popup's modules share: the element lookup, the core's lazy loader, the popup's state
// and the proxy client promise, and two questions about what is on screen.
import { severalAccounts } from "./accounts.js";
import { CORE_MISSING } from "./explain.js";
import { IN_EXTENSION } from "./settings.js";

export const $ = (id) => document.getElementById(id);
/** The core's web build (api.js), loaded on first use; a failure is `CORE_MISSING`. */
export const api = () => import("./api.js").catch((cause) => {
  throw Object.assign(new Error(`the core did not load: ${cause?.message ?? cause}`), { code: CORE_MISSING });
});
// `walker` (the core's PageWalker) follows the list's cursors and lets each conversation through once.
// `accounts`: the proxy's (GET /v1/accounts; null: one account, no switcher); `account`: the
// one shown, or "all"; `items`: the conversations on screen; `accountOf`: conversation id →
// its account, as the proxy's list said (the core's model does not carry it).
export const state = {
  filter: "all", keywords: "", typed: "", walker: null, loading: false, generation: 0,
  client: null, clientSettled: null, inboxScroll: 0, cached: null, updatedAt: null, listAbort: new AbortController(),
  accounts: null, account: "all", items: [], accountOf: new Map(), accountsClient: null, settings: null, marks: {},
  // The triage view (triage-rules.js VIEWS, or a label's) and the labels the views menu offers.
  view: "inbox", labels: [],
};

// The proxy client, as a promise from the start: a cached row clicked before the settings are
// read or the wasm has loaded waits for it instead of failing.
state.client = new Promise((resolve, reject) => { state.clientSettled = { resolve, reject }; });
state.client.catch(() => {});

/** Whether the list shows any conversation (cached or loaded). */
export function hasRows() {
  return !!$("conversations").querySelector(".conversation");
}

/** Whether the client has several accounts (a switcher, markers on rows). */
export function several() {
  return severalAccounts(state.accounts);
}

/** Asks the service worker to check now: the badge follows a change made here at once. */
export function pokeBackground() {
  if (IN_EXTENSION) chrome.runtime.sendMessage({ type: "check" }).catch(() => { /* no worker */ });
}
