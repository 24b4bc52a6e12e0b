// The reply box under a thread. Enter adds a line, Ctrl/Cmd+Enter sends. Each message the user
// sends is one intent with its own idempotency key, made when they send it and kept (in the
// pages' localStorage, so a closed popup keeps it too) until it is sent: a double click, the
// client's own retries and "Retry" reuse it, so the proxy never sends it twice. The message
// shows at once as "Sending…", then as sent, as "Not sent" (the provider refused it) or as
// "May not have been sent" (no answer: Retry looks on LinkedIn first), with "Retry".
// What is typed and not sent is a draft of its conversation, kept in localStorage across Back,
// Esc and closing the popup until it is sent or cleared.
import { accountOption } from "./accounts.js";
import { messageItem } from "./thread.js";

const INTENTS_KEY = "pending-sends-v1";
const DRAFTS_KEY = "reply-drafts-v1";
/** Intents older than the proxy keeps their keys are dropped (their Retry could send twice). */
const INTENT_DAYS = 6;
/** Errors after which the message may have reached LinkedIn. */
const UNKNOWN = new Set(["NETWORK_ERROR", "UNAVAILABLE", "UPSTREAM_ERROR", "MALFORMED_RESPONSE"]);
/** Errors no retry can fix: the text goes back into the box. */
const INVALID = new Set(["INVALID_INPUT", "IDEMPOTENCY_KEY_REUSED"]);

function loadIntents() {
  try {
    const all = JSON.parse(localStorage.getItem(INTENTS_KEY)) ?? [];
    const oldest = Date.now() - INTENT_DAYS * 86_400_000;
    return all.filter((i) => i && i.key && i.at > oldest);
  } catch {
    return [];
  }
}

function saveIntents(intents) {
  try { localStorage.setItem(INTENTS_KEY, JSON.stringify(intents)); } catch { /* full: kept in memory */ }
}

function putIntent(intent) {
  saveIntents([...loadIntents().filter((i) => i.key !== intent.key), intent]);
}

function dropIntent(key) {
  saveIntents(loadIntents().filter((i) => i.key !== key));
}

function loadDrafts() {
  try { return JSON.parse(localStorage.getItem(DRAFTS_KEY)) ?? {}; } catch { return {}; }
}

/** A conversation's draft: by account and id (two accounts may share a thread id). */
const draftKey = (conversation) => `${conversation.account ?? ""} ${conversation.id}`;

export class ReplyBox {
  /**
   * `thread`: the ThreadView it writes into (it calls `showIntents` after each render);
   * `onSent(conversation, message)`: the inbox learns of it; `onError(error)`: the thread's
   * notice explains a failure.
   */
  constructor({ form, text, send, thread, onSent, onError }) {
    Object.assign(this, { form, text, sendButton: send, thread, onSent, onError });
    this.sending = false;
    this.inFlight = new Set();
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendTyped();
    });
    text.addEventListener("input", () => this.keepDraft());
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.sendTyped();
      }
    });
  }

  /** Another conversation: the box holds its draft, if any. */
  reset(conversation) {
    this.text.value = loadDrafts()[draftKey(conversation)] ?? "";
    this.sending = false;
    this.sendButton.disabled = false;
  }

  /** Stores what the box holds as the open conversation's draft (none when empty). */
  keepDraft() {
    const conversation = this.thread.conversation;
    if (!conversation) return;
    const drafts = loadDrafts();
    if (this.text.value.trim()) drafts[draftKey(conversation)] = this.text.value;
    else delete drafts[draftKey(conversation)];
    try { localStorage.setItem(DRAFTS_KEY, JSON.stringify(drafts)); } catch { /* full: kept in the box only */ }
  }

  sendTyped() {
    const text = this.text.value.trim();
    // A second click while the first is on its way is the same intent: nothing more is sent.
    if (!text || this.sending) return;
    const conversation = this.thread.conversation;
    if (!conversation) return;
    this.text.value = "";
    this.keepDraft();
    const intent = { key: crypto.randomUUID(), conversationId: conversation.id, text, state: "sending", at: Date.now() };
    putIntent(intent);
    this.deliver(intent, conversation);
    // Sent while scrolled up: it shows at the bottom ("Sending…"), so the thread goes there.
    this.thread.toNewest();
  }

  /** Sends one intent and shows where it stands; "Retry" calls it again with the same key. */
  async deliver(intent, conversation = this.thread.conversation) {
    if (this.inFlight.has(intent.key)) return;
    this.inFlight.add(intent.key);
    putIntent({ ...intent, state: "sending" });
    this.showIntents();
    const here = () => this.thread.conversation?.id === intent.conversationId;
    if (here()) {
      this.sending = true;
      this.sendButton.disabled = true;
    }
    try {
      const client = await this.thread.client;
      const sent = await client.sendMessage({ conversationId: intent.conversationId, text: intent.text, idempotencyKey: intent.key, ...accountOption(this.thread.conversation) });
      dropIntent(intent.key);
      this.inFlight.delete(intent.key);
      if (here()) this.thread.addSent(sent.message);
      this.onSent(conversation, sent.message);
    } catch (error) {
      this.inFlight.delete(intent.key);
      if (INVALID.has(error?.code)) {
        dropIntent(intent.key);
        if (here() && !this.text.value) {
          this.text.value = intent.text;
          this.keepDraft();
        }
      } else {
        putIntent({ ...intent, state: UNKNOWN.has(error?.code) ? "unknown" : "failed" });
      }
      if (here()) {
        this.showIntents();
        this.onError(error);
        this.thread.list.querySelector(`[data-pending="${intent.key}"] .retry`)?.focus();
      }
    } finally {
      if (here()) {
        this.sending = false;
        this.sendButton.disabled = false;
      }
    }
  }

  /** Shows the open thread's unsent intents after its messages (after every render). */
  showIntents() {
    const id = this.thread.conversation?.id;
    for (const item of this.thread.list.querySelectorAll("[data-pending]")) item.remove();
    if (!id) return;
    for (const intent of loadIntents().filter((i) => i.conversationId === id)) {
      // One marked "sending" that no request of this popup carries was cut off (the popup closed).
      const state = intent.state === "sending" && !this.inFlight.has(intent.key) ? "unknown" : intent.state;
      this.thread.list.append(this.intentItem({ ...intent, state }));
    }
  }

  intentItem(intent) {
    const item = messageItem({ id: `pending-${intent.key}`, text: intent.text, sentAt: intent.at, kind: "text", sender: {} }, { own: true });
    item.dataset.pending = intent.key;
    item.classList.add(intent.state === "sending" ? "pending" : "failed");
    const status = document.createElement("p");
    status.className = "status";
    status.setAttribute("role", "status");
    status.textContent = {
      sending: "Sending…",
      failed: "Not sent. ",
      unknown: "May not have been sent. ",
    }[intent.state];
    if (intent.state !== "sending") {
      const retry = document.createElement("button");
      retry.type = "button";
      retry.className = "link-button retry";
      retry.textContent = "Retry";
      if (intent.state === "unknown") retry.title = "Looks on LinkedIn first: it is never sent twice";
      retry.addEventListener("click", () => this.deliver(intent));
      status.append(retry);
    }
    item.append(status);
    return item;
  }
}
