// The account switcher: the proxy's accounts (GET /v1/accounts), each with its unread count
// less what was read here; choosing one reloads the list.
import { accountLook, fetchAccounts, needsReconnect, RECONNECT_TEXT, switcherText } from "./accounts.js";
import { sumTotals } from "./changes.js";
import { abortList, refresh, render, resetWalker } from "./list.js";
import { $, several, state } from "./popup-state.js";
import { lessReadHere } from "./read-here.js";
import { saveCachedAccounts } from "./settings.js";

/** The account switcher: shown for several accounts, each entry with its unread count. */
export function showAccounts() {
  showHealth();
  const shown = several();
  $("account-switch").hidden = !shown;
  // The switcher takes the heading's place: the banner names a view other than the Inbox (triage.js).
  $("view-banner").hidden = state.view === "inbox" || !shown;
  if (!shown) return;
  if (state.account !== "all" && !state.accounts.some((a) => a.id === state.account)) state.account = "all";
  // The proxy's counts, less the conversations read here (read-here.js).
  const unread = (a) => lessReadHere(a.unreadTotal, state.marks, a.id);
  const entries = [["all", "All accounts", sumTotals(Object.fromEntries(state.accounts.map((a) => [a.id, unread(a)])))],
    ...state.accounts.map((a) => [a.id, a.label, unread(a), a.health?.state])];
  const select = $("account");
  const options = entries.map(([id, label, unread, health]) => {
    const option = [...select.options].find((o) => o.value === id) ?? document.createElement("option");
    option.value = id;
    option.textContent = switcherText(label, unread, { reconnect: health === "session_expired" });
    option.dataset.unread = Number.isFinite(unread) ? String(unread) : "";
    if (health) option.dataset.health = health;
    else delete option.dataset.health;
    return option;
  });
  if (options.some((o, i) => select.options[i] !== o) || select.options.length !== options.length) select.replaceChildren(...options);
  select.value = state.account;
  const look = state.account === "all" ? null : accountLook(state.accounts, state.account);
  const marker = $("account-marker");
  marker.hidden = !look;
  if (look) {
    marker.textContent = look.initial;
    marker.style.backgroundColor = look.colour;
  }
}

/**
 * The notice over the inbox for the accounts in view whose LinkedIn session the provider
 * refuses (shown from the proxy's account list; nothing here asks the proxy again).
 */
function showHealth() {
  const notice = $("account-health");
  const inView = state.account === "all" ? state.accounts ?? [] : (state.accounts ?? []).filter((a) => a.id === state.account);
  const expired = inView.filter(needsReconnect);
  notice.hidden = expired.length === 0;
  notice.textContent = expired.length === 0 ? ""
    : state.account === "all" && several() ? expired.map((a) => `${a.label}: ${RECONNECT_TEXT}.`).join(" ")
      : `${RECONNECT_TEXT}.`;
}

export function selectAccount(account) {
  state.account = account;
  showAccounts();
  abortList();
  $("conversations").replaceChildren();
  resetWalker();
  refresh();
}

/** The proxy's accounts: the switcher, and the markers on the rows already shown. */
export async function loadAccounts() {
  try {
    const accounts = await fetchAccounts(state.settings, { signal: AbortSignal.timeout(10_000) });
    const before = several();
    state.accounts = accounts;
    saveCachedAccounts(accounts);
    showAccounts();
    if (before !== several() && !$("conversations").querySelector(".skeleton")) render(state.items, { append: false });
  } catch { /* the list's own request explains what is wrong */ }
}
