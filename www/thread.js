// One conversation: oldest at top, grouped by day; own messages as bubbles on the right,
// consecutive messages of one sender grouped; "Load older" keeps the reading position. The
// last seen page is cached, so a thread opened before reads offline.
import { accountOption } from "./accounts.js";
import { attachmentList } from "./attachments.js";
import { dayLabel, fullDate, shortDayLabel, timeOfDay } from "./format.js";
import { loadCachedThread, saveCachedThread } from "./settings.js";

const GROUP_GAP = 5 * 60_000;

/** Whether `message` was sent by the account itself: its sender is none of the other participants. */
export function isOwnMessage(message, participants) {
  const sender = message.sender ?? {};
  const id = sender.urn?.split(":").pop();
  return !participants.some((p) =>
    (id && (p.profileId === id || p.participantUrn?.endsWith(id) || p.backendUrn?.endsWith(id)))
    || (sender.profileUrl && p.profileUrl && sender.profileUrl.replace(/\/$/, "") === p.profileUrl.replace(/\/$/, ""))
    || (sender.name && p.name === sender.name));
}

export class ThreadView {
  constructor({ list, scroll, loadOlder, title, link, onError, onLoaded = () => {} }) {
    Object.assign(this, { list, scroll, loadOlderButton: loadOlder, title, link, onError, onLoaded });
    /** Called after every render (the reply box shows its unsent messages). */
    this.onRendered = () => {};
    this.loadOlderButton.addEventListener("click", () => this.loadOlder());
  }

  /** Opens `conversation`; `client` is a promise of the proxy client (it may still connect). */
  async open(client, conversation) {
    this.client = client;
    // An attachment's bytes, from the proxy (the ref names its account).
    this.download = (ref) => client.then((c) => c.download(ref));
    this.generation = (this.generation ?? 0) + 1;
    this.conversation = conversation;
    this.participants = conversation.participants ?? [];
    this.messages = [];
    this.cursor = null;
    // The URN when the provider sent one (the form the provider documents), else the thread id.
    const id = conversation.urn ?? conversation.id;
    this.query = {
      ...(id ? { conversationId: id } : { profileUrl: this.participants[0]?.profileUrl }),
      ...accountOption(conversation),
    };
    // The name isolated in <bdi>: its own direction, while the heading starts by the back arrow.
    const name = document.createElement("bdi");
    name.textContent = this.participants.map((p) => p?.name).filter(Boolean).join(", ") || "Conversation";
    this.title.replaceChildren(name);
    if (conversation.url?.startsWith("https://www.linkedin.com/")) {
      this.link.href = conversation.url;
      this.link.hidden = false;
    } else {
      this.link.hidden = true;
    }
    const cached = loadCachedThread(conversation.id);
    this.fromCache = !!cached?.messages?.length;
    if (this.fromCache) {
      this.messages = cached.messages;
      this.render();
      this.scroll.scrollTop = this.scroll.scrollHeight;
    } else {
      this.list.replaceChildren();
      this.onRendered();
    }
    this.list.setAttribute("aria-busy", "true");
    this.loadOlderButton.hidden = true;
    await this.fetchPage(true);
  }

  /**
   * A message the account just sent: newest, shown at once (unless a change already brought it)
   * and in the thread's cache; the thread ends scrolled to it either way.
   */
  addSent(message) {
    const shown = this.messages.findIndex((m) => m.id === message.id);
    // A form of it without its files (a page read while it was sent) gives way to the answer's.
    const moreFiles = shown >= 0 && (message.attachments?.length ?? 0) > (this.messages[shown].attachments?.length ?? 0);
    if (shown < 0 || moreFiles) {
      this.messages = shown < 0 ? [message, ...this.messages] : this.messages.with(shown, message);
      this.render();
      saveCachedThread(this.conversation.id, this.messages.slice(0, 20));
    }
    this.toNewest();
  }

  /** Scrolls to the newest message (and the unsent ones after it). */
  toNewest() {
    this.scroll.scrollTop = this.scroll.scrollHeight;
  }

  /**
   * The conversation's newest message as a change reported it (`latestMessage` of a changes
   * item): shown at once, in its place by time, unless already shown (same id, or same time
   * and text). The proxy may serve its cached head page of the thread for a while yet.
   */
  addLatest(conversation) {
    const latest = conversation?.latestMessage;
    if (!latest?.id || !Number.isFinite(latest.sentAt) || conversation.id !== this.conversation?.id) return false;
    if (this.messages.some((m) => m.id === latest.id || (m.sentAt === latest.sentAt && m.text === latest.text))) return false;
    const message = {
      id: latest.id, conversationId: conversation.id, text: latest.text ?? "", sentAt: latest.sentAt, kind: "text", rawKind: "latest",
      sender: { name: latest.senderName ?? "", firstName: null, lastName: null, profileUrl: latest.senderProfileUrl ?? null, urn: latest.senderUrn ?? null },
    };
    const { scrollHeight, scrollTop, clientHeight } = this.scroll;
    const index = this.messages.findIndex((m) => m.sentAt <= latest.sentAt);
    this.messages = index < 0 ? [...this.messages, message] : [...this.messages.slice(0, index), message, ...this.messages.slice(index)];
    this.render();
    if (scrollHeight - scrollTop - clientHeight < 40) this.scroll.scrollTop = this.scroll.scrollHeight;
    return true;
  }

  /** The newest page again (a change reported one), merged in; the reading position kept. */
  async refreshNewest() {
    if (!this.conversation || this.loading) return;
    const generation = this.generation;
    try {
      const client = await this.client;
      const { mergeMessages } = await import("./api.js");
      const page = await client.listMessages({ ...this.query, count: 20 });
      if (generation !== this.generation || this.loading) return;
      const { scrollHeight, scrollTop, clientHeight } = this.scroll;
      this.messages = mergeMessages(this.messages, page.items);
      this.render();
      if (scrollHeight - scrollTop - clientHeight < 40) this.scroll.scrollTop = this.scroll.scrollHeight;
      saveCachedThread(this.conversation.id, page.items);
    } catch { /* the next change, or opening it again, tries again */ }
  }

  async loadOlder() {
    if (!this.cursor || this.loading) return;
    const { scrollHeight, scrollTop } = this.scroll;
    await this.fetchPage(false);
    this.scroll.scrollTop = this.scroll.scrollHeight - scrollHeight + scrollTop;
  }

  async fetchPage(first) {
    const generation = this.generation;
    this.loading = true;
    try {
      const client = await this.client;
      const { mergeMessages } = await import("./api.js");
      const page = await client.listMessages({ ...this.query, count: 20, cursor: first ? undefined : this.cursor ?? undefined });
      if (generation !== this.generation) return;
      this.messages = mergeMessages(first ? [] : this.messages, page.items);
      this.cursor = page.nextCursor;
      this.fromCache = false;
      this.render();
      if (first) {
        this.scroll.scrollTop = this.scroll.scrollHeight;
        saveCachedThread(this.conversation.id, page.items);
      }
      this.onLoaded(this.conversation);
    } catch (error) {
      if (generation === this.generation) this.onError(error, { cached: this.fromCache });
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.list.setAttribute("aria-busy", "false");
      }
    }
  }

  render(now = Date.now()) {
    const items = [];
    let lastDay = null, previous = null;
    // A system message without text says nothing the reader can use: it is left out.
    for (const message of [...this.messages].reverse().filter((m) => m.kind !== "system" || m.text)) {
      const day = new Date(message.sentAt).toDateString();
      if (day !== lastDay) {
        const header = document.createElement("li");
        header.className = "day";
        // Short on screen ("Mon", "12 Feb"); the whole day for screen readers.
        const short = shortDayLabel(message.sentAt, now), full = dayLabel(message.sentAt, now);
        const shown = document.createElement("span");
        shown.textContent = short;
        if (short !== full) {
          shown.setAttribute("aria-hidden", "true");
          const spoken = document.createElement("span");
          spoken.className = "visually-hidden";
          spoken.textContent = full;
          header.append(shown, spoken);
        } else {
          header.append(shown);
        }
        items.push(header);
        lastDay = day;
        previous = null;
      }
      const own = message.kind !== "system" && isOwnMessage(message, this.participants);
      const continued = previous && previous.kind !== "system" && message.kind !== "system"
        && previous.own === own && (previous.sender?.name ?? "") === (message.sender?.name ?? "")
        && message.sentAt - previous.sentAt < GROUP_GAP;
      // Thread pages do not say which message has an attachment; the conversation's newest
      // message does (`latestMessage.hasAttachment`).
      const latest = this.conversation?.latestMessage;
      const attached = message.hasAttachment || (latest?.hasAttachment && latest.id === message.id);
      items.push(messageItem(attached ? { ...message, hasAttachment: true } : message, { own, continued, download: this.download }));
      previous = { ...message, own };
    }
    this.list.replaceChildren(...items);
    this.onRendered();
    const hide = !this.cursor;
    if (hide && document.activeElement === this.loadOlderButton) this.title.focus();
    this.loadOlderButton.hidden = hide;
  }
}

export function messageItem(message, { own = false, continued = false, download = null } = {}) {
  const item = document.createElement("li");
  item.dataset.id = message.id;
  if (message.kind === "system") {
    item.className = "message system";
    item.dir = "auto";
    item.textContent = message.text;
    return item;
  }
  item.className = `message${own ? " own" : ""}${continued ? " continued" : ""}`;
  const senderName = own ? "You" : message.sender?.name || "LinkedIn member";
  const meta = document.createElement("div");
  meta.className = continued ? "meta visually-hidden" : "meta";
  const name = document.createElement("span");
  name.className = "sender";
  name.dir = "auto";
  name.textContent = senderName;
  const time = document.createElement("time");
  time.textContent = timeOfDay(message.sentAt);
  time.dateTime = new Date(message.sentAt).toISOString();
  time.title = fullDate(message.sentAt);
  meta.append(name, time);
  const body = document.createElement("p");
  body.className = "text";
  body.dir = "auto";
  // Attachments the proxy serves (attachments.js): shown, with the text if any.
  const media = download && attachmentList(message, download);
  if (media) {
    if (message.text) {
      body.textContent = message.text;
      item.append(meta, body, media);
    } else {
      item.append(meta, media);
    }
    return item;
  }
  if (message.text) {
    body.textContent = message.text;
    // The proxy does not serve an attachment's content: the message says it has one.
    if (message.hasAttachment) {
      const note = document.createElement("span");
      note.className = "attachment-note";
      note.textContent = "📎 With an attachment: open the conversation on LinkedIn to see it.";
      body.append(note);
    }
  } else {
    // A message without text carries an attachment: the proxy does not serve its content.
    body.classList.add("attachment");
    body.textContent = "📎 Attachment: open the conversation on LinkedIn to see it.";
  }
  item.append(meta, body);
  return item;
}
