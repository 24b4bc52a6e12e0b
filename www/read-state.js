// The popup's read states: a conversation opened here is read (its row, the cached inbox, and a
// mark the next refresh and the badge respect: read-here.js); "Mark unread" / "Mark read" change
// LinkedIn's state; a message sent from here moves its row to the top.
import { accountOption } from "./accounts.js";
import { isUnread } from "./changes.js";
import { loadReadHere, markOf, readKey, saveReadHere } from "./read-here.js";
import { markReadInCache, saveCachedInbox } from "./settings.js";

const $ = (id) => document.getElementById(id);
// The icons of "Mark unread" (a closed envelope) and "Mark read" (an open one).
const ENVELOPE = "M20 4H4c-1.1 0-2 .9-2 2v12c0 1.1.9 2 2 2h16c1.1 0 2-.9 2-2V6c0-1.1-.9-2-2-2zm0 4-8 5-8-5V6l8 5 8-5v2z";
const OPEN_ENVELOPE = "M21.99 8c0-.72-.37-1.35-.94-1.7L12 1 2.95 6.3C2.38 6.65 2 7.28 2 8v10c0 1.1.9 2 2 2h16c1.1 0 2-.9 2-2l-.01-10zM12 13 3.74 7.84 12 3l8.26 4.84L12 13z";

export class ReadState {
  /** `row(conversation)`: a fresh row; `clientFor`, `notify`, `poke` (the service worker), `thread`; `state`: the popup's; `onMarks()`: after the marks change. */
  constructor({ row, clientFor, notify, poke, thread, state, onMarks }) {
    Object.assign(this, { row, clientFor, notify, poke, thread, state, onMarks });
    $("thread-mark").addEventListener("click", () => this.toggle());
  }

  /** "Mark unread" / "Mark read": the conversation's read state on LinkedIn. */
  showButton(conversation) {
    const button = $("thread-mark");
    const unread = isUnread(conversation);
    const label = unread ? "Mark read" : "Mark unread";
    button.setAttribute("aria-label", label);
    button.title = label;
    button.querySelector("path").setAttribute("d", unread ? OPEN_ENVELOPE : ENVELOPE);
    button.hidden = false;
    button.disabled = false;
  }

  async toggle() {
    const conversation = this.thread.conversation;
    if (!conversation) return;
    const read = isUnread(conversation);
    const button = $("thread-mark");
    const here = () => this.thread.conversation?.id === conversation.id;
    button.disabled = true;
    try {
      const client = await this.clientFor(conversation);
      await (read ? client.markRead(conversation.id, accountOption(conversation)) : client.markUnread(conversation.id, accountOption(conversation)));
      if (read) await this.markRead(conversation);
      else await this.markUnread(conversation);
      this.poke();
      // Another thread may be open by now: its button keeps its own state.
      if (here()) {
        this.showButton(conversation);
        $("thread-notice").hidden = true;
      }
    } catch (error) {
      if (here()) this.notify($("thread-notice"), error);
    } finally {
      if (here()) button.disabled = false;
    }
  }

  /** Replaces a conversation's row (and its copy in the cached inbox) after a local change. */
  updateRow(conversation) {
    const shown = [...document.querySelectorAll("button.conversation")].find((b) => b.dataset.id === conversation.id);
    if (shown) {
      const fresh = this.row(conversation);
      fresh.firstChild.tabIndex = shown.tabIndex;
      shown.parentElement.replaceWith(fresh);
    }
    const { cached } = this.state;
    const copy = cached?.items?.find((c) => c.id === conversation.id);
    if (copy && copy !== conversation) Object.assign(copy, conversation);
    if (cached) saveCachedInbox(cached);
  }

  /**
   * An opened (or marked read) conversation is read: its row and the cached inbox say so at
   * once, and its mark keeps it read (and off the badge) until a newer message.
   */
  async markRead(conversation) {
    const mark = isUnread(conversation) ? markOf(conversation) : null;
    conversation.isRead = true;
    conversation.unreadCount = 0;
    this.updateRow(conversation);
    markReadInCache(conversation.id);
    const marks = await loadReadHere();
    if (mark) marks[readKey(conversation)] = mark;
    await this.saveMarks(marks);
  }

  async markUnread(conversation) {
    conversation.isRead = false;
    conversation.unreadCount = Math.max(1, conversation.unreadCount ?? 0);
    this.updateRow(conversation);
    const marks = await loadReadHere();
    delete marks[readKey(conversation)];
    await this.saveMarks(marks);
  }

  async saveMarks(marks) {
    this.state.marks = marks;
    this.onMarks();
    await saveReadHere(marks);
  }

  /** A message sent from here: its conversation's latest, at the top of the inbox. */
  sentIn(conversation, message) {
    const { state } = this;
    conversation.latestMessage = { id: message.id, text: message.text, sentAt: message.sentAt, senderName: message.sender?.name ?? null, fromSelf: true, hasAttachment: false };
    conversation.lastActivityAt = message.sentAt;
    conversation.isRead = true;
    conversation.unreadCount = 0;
    this.updateRow(conversation);
    const shown = [...document.querySelectorAll("button.conversation")].find((b) => b.dataset.id === conversation.id)?.parentElement;
    if (shown) $("conversations").prepend(shown);
    state.items = [conversation, ...state.items.filter((c) => c.id !== conversation.id)];
    this.poke();
    if (state.cached?.items) {
      const index = state.cached.items.findIndex((c) => c.id === conversation.id);
      if (index > 0) state.cached.items.unshift(...state.cached.items.splice(index, 1));
      saveCachedInbox(state.cached);
    }
  }
}
