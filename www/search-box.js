// The search box: each keystroke filters the cached inbox at once (search.js's rule); after a
// pause the proxy is asked (from 2 characters, or 1 CJK one), "Searching…" meanwhile. What was
// found, and "no match", are announced in a status region (WCAG 4.1.3).
import { asksProxy } from "./search.js";

const PAUSE_MS = 300;

/** What the status says of `count` conversations matching `typed` (`more`: further pages). */
export function matchText(count, typed, { more = false } = {}) {
  if (count === 0) return `No conversations match “${typed}”.`;
  const n = `${count}${more ? " or more" : ""}`;
  return `${n} ${count === 1 && !more ? "conversation matches" : "conversations match"} “${typed}”.`;
}

export class SearchBox {
  /**
   * `input` and `status` elements; `state` (the popup's: typed, keywords, searching);
   * `filterCached()`: the cached rows that match, shown; `ask()`: the proxy asked for
   * `state.keywords`; `cancel()`: any request in flight dropped.
   */
  constructor({ input, status, state, filterCached, ask, cancel }) {
    Object.assign(this, { input, status, state, filterCached, ask, cancel });
    input.addEventListener("input", () => this.typed());
  }

  /** Says `text` in the status region (set anew: the same words twice are announced twice). */
  say(text) {
    clearTimeout(this.saying);
    this.status.textContent = "";
    if (text) this.saying = setTimeout(() => { this.status.textContent = text; }, 50);
  }

  typed() {
    const { state } = this;
    const typed = this.input.value.trim();
    if (typed === state.typed) return;
    clearTimeout(this.pause);
    state.typed = typed;
    const keywords = asksProxy(typed) ? typed : "";
    state.searching = !!keywords;
    const shown = this.filterCached();
    if (!typed) {
      // Cleared: the whole list again.
      this.say("");
      this.pause = setTimeout(() => { state.keywords = ""; this.ask(); }, 0);
    } else if (!keywords) {
      // One character filters the cached inbox only.
      this.cancel();
      state.keywords = "";
      this.say(matchText(shown, typed));
    } else {
      this.say("Searching…");
      this.pause = setTimeout(() => { state.keywords = keywords; this.ask(); }, PAUSE_MS);
    }
  }

  /** The proxy answered the search: `count` rows shown, `more` to come on scrolling. */
  answered(count, { more = false, total = null } = {}) {
    this.state.searching = false;
    this.say(matchText(Number.isFinite(total) ? total : count, this.state.typed, { more: more && !Number.isFinite(total) }));
  }
}
