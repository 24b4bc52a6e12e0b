// The popup's notices: what an error means (explain.js), with a link to the options when they
// can fix it.
import { explain } from "./explain.js";
import { $, hasRows } from "./popup-state.js";

let notifying = false;

/** Shows what `error` means, with a link to the options when they can fix it. Never throws. */
export function notify(element, error, { cached = hasRows(), fallback = null } = {}) {
  if (notifying) return;
  notifying = true;
  try {
    const explained = explain(error, { cached });
    const { kind } = explained;
    const text = kind === "other" && fallback && !["NOT_SUPPORTED", "IDEMPOTENCY_KEY_REUSED", "INVALID_INPUT"].includes(error?.code) ? fallback : explained.text;
    element.replaceChildren(text);
    element.dataset.kind = kind;
    if (kind === "auth" || kind === "origin" || kind === "setup" || error?.url) {
      const link = document.createElement("a");
      link.href = "options.html";
      link.target = "_blank";
      link.textContent = kind === "setup" ? "Open the options to set up" : "Open the options";
      element.append(" ", link);
    }
    element.hidden = false;
    document.body.dataset.state = kind;
  } finally {
    notifying = false;
  }
}

export function clearNotice() {
  $("notice").hidden = true;
  $("notice").replaceChildren();
}
