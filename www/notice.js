// The popup's notices: what an error means (explain.js), with a link to the options when they
// can fix it; over an empty list, a whole-window screen with one action.
import { explain } from "./explain.js";
import { $, hasRows } from "./popup-state.js";

let notifying = false;

// The heading of a whole-window notice, by kind (explain.js).
const TITLES = {
  setup: "Connect your proxy", broken: "The extension is incomplete", offline: "The proxy cannot be reached",
  auth: "The token is not accepted", origin: "The proxy does not allow this extension",
  limited: "A limit is reached", other: "Something went wrong",
};

/**
 * With nothing to show under it, the inbox's notice is the whole window (`data-screen` on the
 * inbox: popup.css hides the tabs, the search and the empty list), with a heading and one action:
 * the options when they can fix it, else "Try again" (none for a broken copy).
 */
function asScreen(element, kind, hasLink) {
  const inbox = $("inbox-view");
  if (element !== $("notice") || hasRows()) {
    if (element === $("notice")) delete inbox.dataset.screen;
    return;
  }
  inbox.dataset.screen = kind === "setup" ? "setup" : "error";
  const title = document.createElement("h2");
  title.textContent = TITLES[kind] ?? TITLES.other;
  const text = document.createElement("p");
  text.append(...element.childNodes);
  if (!hasLink && kind !== "broken") {
    const retry = document.createElement("button");
    retry.type = "button";
    retry.textContent = "Try again";
    retry.addEventListener("click", () => $("refresh").click());
    element.append(title, text, retry);
  } else {
    const link = text.querySelector("a");
    element.append(title, text, ...(link ? [link] : []));
  }
}

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
    const hasLink = kind === "auth" || kind === "origin" || kind === "setup" || !!error?.url;
    if (hasLink) {
      const link = document.createElement("a");
      link.href = "options.html";
      link.target = "_blank";
      link.textContent = kind === "setup" ? "Open the options to set up" : "Open the options";
      element.append(" ", link);
    }
    asScreen(element, kind, hasLink);
    element.hidden = false;
    document.body.dataset.state = kind;
  } finally {
    notifying = false;
  }
}

export function clearNotice() {
  $("notice").hidden = true;
  $("notice").replaceChildren();
  if ($("inbox-view").dataset.screen !== "empty") delete $("inbox-view").dataset.screen;
}
