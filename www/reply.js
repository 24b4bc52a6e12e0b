// The reply box under a thread. Enter adds a line, Ctrl/Cmd+Enter sends. Each message the user
// sends is one intent with its own idempotency key, made when they send it and kept (in the
// pages' localStorage, so a closed popup keeps it too) until it is sent: a double click, the
// client's own retries and "Retry" reuse it, so the proxy never sends it twice. The message
// shows at once as "Sending…", then as sent, as "Not sent" (the provider refused it) or as
// "May not have been sent" (no answer: Retry looks on LinkedIn first), with "Retry".
// What is typed and not sent is a draft of its conversation, kept in localStorage across Back,
// Esc and closing the popup until it is sent or cleared.
// Files attached (attach.js) go with the text as one send (the client's `sendMessage` with
// `attachments`: one multipart request) under the same key; their bytes are kept until it is sent (held-files.js: IndexedDB, so a closed popup
// keeps them too), so a Retry resends the same bytes (the proxy answers it from the key: no
// second upload or send). Drafts keep text only; an unsent message whose files could not be
// kept says so, with "Dismiss" instead of "Retry".
import { accountOption } from "./accounts.js";
import { LOCAL_REF, keepSentFile } from "./attachments.js";
import { heldFilesOf, holdFiles, keepOnly, releaseFiles } from "./held-files.js";
import { messageItem } from "./thread.js";

const INTENTS_KEY = "pending-sends-v1";
const DRAFTS_KEY = "reply-drafts-v1";
/** Intents older than the proxy keeps their keys are dropped (their Retry could send twice). */
const INTENT_DAYS = 6;
/** Errors after which the message may have reached LinkedIn. */
const UNKNOWN = new Set(["NETWORK_ERROR", "UNAVAILABLE", "UPSTREAM_ERROR", "MALFORMED_RESPONSE"]);
/** Errors no retry can fix: the text goes back into the box. */
const INVALID = new Set(["INVALID_INPUT", "IDEMPOTENCY_KEY_REUSED"]);
/** The files of each unsent intent, by key, while this page lives (and in held-files.js). */
const heldFiles = new Map();

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

function forgetFiles(key) {
  heldFiles.delete(key);
  releaseFiles(key);
}

function loadDrafts() {
  try { return JSON.parse(localStorage.getItem(DRAFTS_KEY)) ?? {}; } catch { return {}; }
}

/** A conversation's draft: by account and id (two accounts may share a thread id). */
const draftKey = (conversation) => `${conversation.account ?? ""} ${conversation.id}`;

/**
 * The message just sent with `files`, shown with them: the proxy's attachments when each has
 * its download reference, else the bytes this page holds (the send's answer carries none
 * today; LinkedIn's thread, read fresh, has them).
 */
function withSentFiles(message, key, files) {
  const given = message.attachments ?? [];
  if (given.length === files.length && given.every((a) => a?.ref)) return message;
  const attachments = files.map((file, index) => {
    const ref = `${LOCAL_REF}${key}.${index}`;
    keepSentFile(ref, file);
    return { kind: file.type.startsWith("image/") ? "image" : "file", name: file.name, mediaType: file.type, size: file.size, ref };
  });
  return { ...message, attachments };
}

export class ReplyBox {
  /**
   * `thread`: the ThreadView it writes into (it calls `showIntents` after each render);
   * `onSent(conversation, message)`: the inbox learns of it; `onError(error)`: the thread's
   * notice explains a failure; `attached`: the box's files (AttachedFiles), sent with the text
   * by the client's `sendMessage({ attachments })`.
   */
  constructor({ form, text, send, thread, onSent, onError, attached }) {
    Object.assign(this, { form, text, sendButton: send, thread, onSent, onError, attached });
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
    this.attached.clear();
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
    const files = this.attached.files;
    if (!text && files.length && !this.sending) {
      this.attached.showError("Write a message to go with the files: LinkedIn sends files with a message.");
      this.text.focus();
      return;
    }
    // A second click while the first is on its way is the same intent: nothing more is sent.
    if (!text || this.sending) return;
    const conversation = this.thread.conversation;
    if (!conversation) return;
    this.text.value = "";
    this.keepDraft();
    const intent = { key: crypto.randomUUID(), conversationId: conversation.id, text, state: "sending", at: Date.now() };
    if (files.length) {
      intent.files = files.map((f) => ({ name: f.name, type: f.type, size: f.size }));
      heldFiles.set(intent.key, files);
      this.attached.clear();
    }
    putIntent(intent);
    // The storage of files is opened only for sends with files (never on a popup's start): it
    // keeps the files of this intent and drops those of intents gone (sent, or too old).
    if (intent.files) holdFiles(intent.key, files).then(() => keepOnly(loadIntents().filter((i) => i.files?.length).map((i) => i.key)));
    this.deliver(intent, conversation);
    // Sent while scrolled up: it shows at the bottom ("Sending…"), so the thread goes there.
    this.thread.toNewest();
  }

  /** Sends one intent and shows where it stands; "Retry" calls it again with the same key. */
  async deliver(intent, conversation = this.thread.conversation) {
    if (this.inFlight.has(intent.key)) return;
    this.inFlight.add(intent.key);
    let files = null;
    if (intent.files?.length) {
      files = heldFiles.get(intent.key) ?? (await heldFilesOf(intent.key)) ?? null;
      // Files not kept cannot be sent again as they were (intentItem says so).
      if (!files?.length) {
        this.inFlight.delete(intent.key);
        putIntent({ ...intent, filesLost: true });
        this.showIntents();
        return;
      }
      heldFiles.set(intent.key, files);
    }
    putIntent({ ...intent, state: "sending" });
    this.showIntents();
    const here = () => this.thread.conversation?.id === intent.conversationId;
    if (here()) {
      this.sending = true;
      this.sendButton.disabled = true;
    }
    try {
      const client = await this.thread.client;
      const input = { conversationId: intent.conversationId, text: intent.text, idempotencyKey: intent.key, ...accountOption(this.thread.conversation) };
      const sent = await client.sendMessage(files ? { ...input, attachments: files } : input);
      dropIntent(intent.key);
      forgetFiles(intent.key);
      this.inFlight.delete(intent.key);
      if (here()) this.thread.addSent(files ? withSentFiles(sent.message, intent.key, files) : sent.message);
      this.onSent(conversation, sent.message);
    } catch (error) {
      this.inFlight.delete(intent.key);
      if (INVALID.has(error?.code)) {
        dropIntent(intent.key);
        forgetFiles(intent.key);
        if (here() && !this.text.value) {
          this.text.value = intent.text;
          this.keepDraft();
          if (files && !this.attached.files.length) this.attached.add(files);
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
    const forgotten = intent.filesLost && !heldFiles.has(intent.key);
    if (intent.files?.length) {
      const names = document.createElement("p");
      names.className = "pending-files";
      names.dir = "auto";
      names.textContent = intent.files.map((f) => `📎 ${f.name}`).join("  ");
      item.append(names);
    }
    const status = document.createElement("p");
    status.className = "status";
    status.setAttribute("role", "status");
    status.textContent = {
      sending: "Sending…",
      failed: "Not sent. ",
      unknown: "May not have been sent. ",
    }[intent.state];
    if (intent.state !== "sending" && forgotten) {
      // The files are gone (the browser kept no storage for them): no Retry can resend them.
      status.append("Its files were not kept: attach them again. ");
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "link-button retry";
      dismiss.textContent = "Dismiss";
      dismiss.addEventListener("click", () => {
        dropIntent(intent.key);
        forgetFiles(intent.key);
        if (!this.text.value) {
          this.text.value = intent.text;
          this.keepDraft();
        }
        this.showIntents();
        this.text.focus();
      });
      status.append(dismiss);
    } else if (intent.state !== "sending") {
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
