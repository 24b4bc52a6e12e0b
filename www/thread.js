// One conversation: oldest at top, grouped by day; "Load older" keeps the reading position.
import { dayLabel, timeOfDay } from "./format.js";

export class ThreadView {
  constructor({ list, scroll, loadOlder, title, link, onError }) {
    Object.assign(this, { list, scroll, loadOlderButton: loadOlder, title, link, onError });
    this.loadOlderButton.addEventListener("click", () => this.loadOlder());
  }

  async open(client, conversation) {
    this.client = client;
    this.generation = (this.generation ?? 0) + 1;
    this.messages = [];
    this.cursor = null;
    // The URN when the provider sent one (the form the provider documents), else the thread id.
    const id = conversation.urn ?? conversation.id;
    this.query = id
      ? { conversationId: id }
      : { profileUrl: conversation.participants[0]?.profileUrl };
    this.title.textContent = conversation.participants.map((p) => p.name).join(", ") || "Conversation";
    if (conversation.url?.startsWith("https://www.linkedin.com/")) {
      this.link.href = conversation.url;
      this.link.hidden = false;
    } else {
      this.link.hidden = true;
    }
    this.list.replaceChildren();
    this.list.setAttribute("aria-busy", "true");
    this.loadOlderButton.hidden = true;
    await this.fetchPage(true);
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
      const { mergeMessages } = await import("./api.js");
      const page = await this.client.listMessages({ ...this.query, count: 20, cursor: this.cursor ?? undefined });
      if (generation !== this.generation) return;
      this.messages = mergeMessages(this.messages, page.items);
      this.cursor = page.nextCursor;
      this.render();
      if (first) this.scroll.scrollTop = this.scroll.scrollHeight;
    } catch (error) {
      if (generation === this.generation) this.onError(error);
    } finally {
      this.loading = false;
      this.list.setAttribute("aria-busy", "false");
    }
  }

  render(now = Date.now()) {
    const items = [];
    let lastDay = null;
    for (const message of [...this.messages].reverse()) {
      const day = new Date(message.sentAt).toDateString();
      if (day !== lastDay) {
        const header = document.createElement("li");
        header.className = "day";
        header.textContent = dayLabel(message.sentAt, now);
        items.push(header);
        lastDay = day;
      }
      items.push(messageItem(message));
    }
    this.list.replaceChildren(...items);
    this.loadOlderButton.hidden = !this.cursor;
  }
}

function messageItem(message) {
  const item = document.createElement("li");
  item.dataset.id = message.id;
  if (message.kind === "system") {
    item.className = "message system";
    item.textContent = message.text || "LinkedIn system message";
    return item;
  }
  item.className = "message";
  const meta = document.createElement("div");
  meta.className = "meta";
  const name = document.createElement("span");
  name.className = "sender";
  name.textContent = message.sender.name;
  const time = document.createElement("time");
  time.textContent = timeOfDay(message.sentAt);
  time.dateTime = new Date(message.sentAt).toISOString();
  meta.append(name, time);
  const body = document.createElement("p");
  body.className = "text";
  body.textContent = message.text;
  item.append(meta, body);
  return item;
}
