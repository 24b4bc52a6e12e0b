// The reply box under a thread. Enter adds a line, Ctrl/Cmd+Enter sends. Each message the user
// sends gets its own idempotency key, made when they send it and kept for every retry of it: a
// double click, the client's own retries and the "Retry" button never send it twice. The
// message shows at once as "Sending…", then as sent, or as not sent with "Retry".
import { messageItem } from "./thread.js";

const newKey = () => crypto.randomUUID();

export class ReplyBox {
  /**
   * `thread`: the ThreadView it writes into; `onSent(message)`: the inbox learns of it;
   * `onError(error)`: the thread's notice explains a failure.
   */
  constructor({ form, text, send, thread, onSent, onError }) {
    Object.assign(this, { form, text, sendButton: send, thread, onSent, onError });
    this.sending = false;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendTyped();
    });
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.sendTyped();
      }
    });
  }

  /** A new conversation: an empty box. */
  reset() {
    this.text.value = "";
    this.sending = false;
    this.sendButton.disabled = false;
  }

  sendTyped() {
    const text = this.text.value.trim();
    // A second click while the first is on its way is the same intent: nothing more is sent.
    if (!text || this.sending) return;
    const conversation = this.thread.conversation;
    if (!conversation) return;
    this.text.value = "";
    this.deliver({ key: newKey(), text, conversation });
  }

  /** Sends one intent (`key`, `text`) and shows where it stands; "Retry" calls it again. */
  async deliver(intent) {
    const { key, text, conversation } = intent;
    const item = this.pendingItem(intent);
    this.sending = true;
    this.sendButton.disabled = true;
    try {
      const client = await this.thread.client;
      const sent = await client.sendMessage({ conversationId: conversation.id, text, idempotencyKey: key });
      if (this.thread.conversation?.id === conversation.id) {
        item.remove();
        this.thread.addSent(sent.message);
      }
      this.onSent(conversation, sent.message);
    } catch (error) {
      this.showFailed(item, intent);
      this.onError(error);
    } finally {
      this.sending = false;
      this.sendButton.disabled = false;
    }
  }

  pendingItem({ key, text }) {
    const existing = this.thread.list.querySelector(`[data-pending="${key}"]`);
    const item = messageItem({ id: `pending-${key}`, text, sentAt: Date.now(), kind: "text", sender: {} }, { own: true });
    item.dataset.pending = key;
    item.classList.add("pending");
    const status = document.createElement("p");
    status.className = "status";
    status.setAttribute("role", "status");
    status.textContent = "Sending…";
    item.append(status);
    if (existing) existing.replaceWith(item);
    else this.thread.list.append(item);
    this.thread.scroll.scrollTop = this.thread.scroll.scrollHeight;
    return item;
  }

  showFailed(item, intent) {
    item.classList.add("failed");
    const status = item.querySelector(".status");
    status.textContent = "Not sent. ";
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "link-button retry";
    retry.textContent = "Retry";
    retry.addEventListener("click", () => {
      if (!this.sending) this.deliver(intent);
    });
    status.append(retry);
    retry.focus();
  }
}
