// The LinkedIn accounts the proxy serves this client (GET /v1/accounts): the popup's switcher,
// the per-account marker on each row of the "All accounts" view, and the options' list.
// Fetched by the package's client (`listAccounts`, api.js); it costs no LinkedIn call.

// Marker colours, picked by a hash of the account's id (the same colour whatever the list of
// accounts): dark hues apart from the avatars' (format.js), each holding 4.5:1 with white text.
export const ACCOUNT_COLOURS = ["#212121", "#455a64", "#c40000", "#0d47a1", "#3d5a00", "#4a148c", "#6a0036", "#004d40"];

/** The colour of the account `id`: FNV-1a of the id into ACCOUNT_COLOURS. */
export function accountColour(id) {
  let hash = 2166136261;
  for (const char of `account:${id ?? ""}`) hash = Math.imul(hash ^ char.codePointAt(0), 16777619) >>> 0;
  return ACCOUNT_COLOURS[hash % ACCOUNT_COLOURS.length];
}

/**
 * The client's accounts, or null when the proxy has no accounts route (an older proxy: one
 * account, no switcher). Other failures throw an error with the proxy's `code`.
 */
export async function fetchAccounts({ proxyUrl, token }, { signal } = {}) {
  const { connect } = await import("./api.js");
  const client = connect({ proxyUrl, token, fetch: (url, init) => fetch(url, { ...init, cache: "no-store", signal }) });
  try {
    return accountsFrom({ accounts: await client.listAccounts() });
  } catch (error) {
    if (error?.code === "NOT_FOUND") return null;
    // A request that ran out of time: the proxy is as good as unavailable.
    if (error?.code === "NETWORK_ERROR" && signal?.aborted) error.code = "UNAVAILABLE";
    throw error;
  } finally {
    client.free();
  }
}

/** The accounts of a `GET /v1/accounts` answer, each field present (null when unknown). */
export function accountsFrom(body) {
  return body.accounts.map(({ id, label, providers, unreadTotal, budgetLeftToday, health }) => ({
    id, label: label || id, providers: providers ?? [], unreadTotal: unreadTotal ?? null, budgetLeftToday: budgetLeftToday ?? null,
    // A proxy from before account health: every account ok.
    health: typeof health?.state === "string" ? health : { state: "ok", since: 0 },
  }));
}

/** What the inbox says of an account whose LinkedIn session the provider refuses. */
export const RECONNECT_TEXT = "This LinkedIn account needs to be reconnected; ask your admin";

/** Whether the provider refuses the account's LinkedIn session (the proxy's `session_expired`). */
export const needsReconnect = (account) => account?.health?.state === "session_expired";

/** The `account` option of the proxy calls about `conversation`: `{ account }`, or none without one. */
export const accountOption = (conversation) => (conversation?.account ? { account: conversation.account } : {});

/** Whether there is anything to switch between. */
export const severalAccounts = (accounts) => Array.isArray(accounts) && accounts.length > 1;

/** The marker's look of the account `id` among `accounts`: its colour (from its id) and initial. */
export function accountLook(accounts, id) {
  const account = (accounts ?? []).find((a) => a.id === id);
  if (!account) return null;
  const { label } = account;
  return { id, label, colour: accountColour(id), initial: ([...label.trim()][0] ?? "?").toUpperCase() };
}

/** A small round marker (the account label's initial on its colour); hidden from screen readers. */
export function accountMarker(look) {
  const marker = document.createElement("span");
  marker.className = "account-marker";
  marker.setAttribute("aria-hidden", "true");
  marker.dataset.account = look.id;
  marker.title = look.label;
  marker.textContent = look.initial;
  marker.style.backgroundColor = look.colour;
  return marker;
}

/**
 * "Alex Morgan (3 unread)", "All accounts (7 unread)"; no count when none or unknown; an account
 * to reconnect says so: "Alex Morgan (3 unread, needs reconnecting)".
 */
export function switcherText(label, unread, { reconnect = false } = {}) {
  const notes = [...(Number.isFinite(unread) && unread > 0 ? [`${unread} unread`] : []), ...(reconnect ? ["needs reconnecting"] : [])];
  return notes.length ? `${label} (${notes.join(", ")})` : label;
}

/** Each account's budget left today, in words ("140 ConnectSafely calls, 290 LinkupAPI credits"). */
export function budgetText(budget) {
  if (!budget) return "";
  const parts = [
    [budget.connectsafelyCalls, "ConnectSafely call", "ConnectSafely calls"],
    [budget.linkupCredits, "LinkupAPI credit", "LinkupAPI credits"],
    [budget.sends, "send", "sends"],
  ].filter(([n]) => Number.isFinite(n)).map(([n, one, many]) => `${n} ${n === 1 ? one : many}`);
  return parts.length ? `Left today: ${parts.join(", ")}` : "";
}
