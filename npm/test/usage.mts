// Type-checked with `tsc --strict --noEmit` (types.test.mjs: node16, nodenext and bundler
// resolution; ES2022 alone, or with @types/node, or the DOM lib): every export, typed;
// misspellings must fail. No global beyond ES2022 is used here (see usage-fetch.mts).
import {
  InboxClient, type Sent, buildRequest, parseResponse, creditCost, mergeMessages, explainError, errorFromResponse, PageWalker,
  InboxError, isInboxError, errorCodes, init, initSync,
  type InboxErrorCode, type Explanation,
  type Conversation, type ConversationPage, type ConversationQuery, type InboxConfig,
  type Message, type MessagePage, type MessageQuery, type OutgoingRequest, type ReceivedResponse, type Operation,
  type SendAttachment, type AttachmentMediaType, type SendFileLimits,
  type Account, type AccountHealth, type AccountHealthState, type BudgetLeftToday, type ChangeEvent, type ChangesOptions, type ChangesPage, type LiveSocket, type MarkOptions, type WatchOptions, type WatchSignal, type WebSocketClass,
} from "linkedin-inbox";

const config: InboxConfig = { proxy: { url: "https://proxy.example", token: "t" } };
const direct: InboxConfig = {
  connectsafely: { apiKey: "k", accountId: "a", baseUrl: "http://127.0.0.1:1/linkedin" },
  linkup: { apiKey: "k", loginToken: "t", country: "US" },
};
const client = new InboxClient(config);
const query: ConversationQuery = { count: 10, keywords: "sales", unread: true };
const messageQuery: MessageQuery = { conversationId: "urn:li:msg_conversation:(urn:li:fsd_profile:A,2-x)", count: 5 };

async function use(): Promise<number> {
  const page: ConversationPage = await client.listConversations(query);
  const first: Conversation | undefined = page.items[0];
  const unread: number = first?.unreadCount ?? 0;
  const next: string | null | undefined = page.nextCursor;
  const messages: MessagePage = await client.listMessages(messageQuery);
  const text: string = messages.items[0]?.text ?? "";
  for await (const c of client.conversations({ count: 20 })) { const name: string = c.participants[0]?.name ?? ""; void name; }
  for await (const m of client.messages(messageQuery)) { const sent: number = m.sentAt; void sent; }
  const operation: Operation = "listMessages";
  const request: OutgoingRequest = buildRequest(direct, operation, messageQuery);
  const body: string | null = request.body; // null for a GET
  // One overload per operation: no narrowing by hand.
  const parsed: ConversationPage = parseResponse(direct, "listConversations", query, { status: 200, body: "{}" });
  const thread: MessagePage = parseResponse(direct, "listMessages", messageQuery, { status: 200, body: new Uint8Array() });
  const either: ConversationPage | MessagePage = parseResponse(direct, operation, messageQuery, { status: 200, body: "{}" });
  const pairs: ReceivedResponse = { status: 200, headers: [["retry-after", "5"]], body: new Uint8Array() };
  const plain: ReceivedResponse = { status: 200, headers: { "retry-after": "5" }, body: "{}" };
  void pairs; void plain; void body; void thread; void either;
  const merged: Message[] = mergeMessages(messages.items, messages.items);
  const explained: Explanation = explainError(errorFromResponse({ status: 401, body: "{}" }));
  const kind: "offline" | "auth" | "origin" | "limited" | "other" = explained.kind;
  const walker = new PageWalker();
  const fresh = walker.accept(page);
  const more: string | undefined = walker.done ? undefined : walker.cursor;
  void merged; void kind; void fresh; void more;
  void parsed; void next; void text; void request;
  try { await client.listConversations(); } catch (e) { if (e instanceof InboxError && e.code === "RATE_LIMITED") return e.retryAfter ?? 0; }
  try { buildRequest(config, "listMessages", messageQuery); } catch (e) { if (isInboxError(e)) { const code: InboxErrorCode = e.code; void code; } }
  const codes: readonly InboxErrorCode[] = errorCodes;
  await init(); await init({ module_or_path: new Uint8Array() }); initSync({ module: new ArrayBuffer(8) }); void codes;
  const m: Message | undefined = messages.items[0];
  return unread + creditCost(20) + (m?.sentAt ?? 0);
}
void use;

// @ts-expect-error: misspelled field in a query
const typo: ConversationQuery = { cuont: 10 };
// @ts-expect-error: unknown backend in the config
const wrongConfig: InboxConfig = { proxi: { url: "x", token: "y" } };
// @ts-expect-error: a conversation has no `unread` field (it is `unreadCount`)
const wrongField = (c: Conversation) => c.unread;
// @ts-expect-error: not an error code of this package
const wrongCode: InboxErrorCode = "TEAPOT";
// @ts-expect-error: listMessages needs a query
const noQuery = buildRequest(config, "listMessages");
// @ts-expect-error: a conversation page is not a message page
const wrongPage: MessagePage = parseResponse(config, "listConversations", undefined, { status: 200, body: "{}" });
// @ts-expect-error: the body of a request may be null
const notNull: string = buildRequest(config, "listConversations").body;
// @ts-expect-error: errors come from the package, not from `new`
const made = new InboxError("x");
void typo; void wrongConfig; void wrongField; void wrongCode; void noQuery; void wrongPage; void notNull; void made;

// Writes through the proxy: a sent message comes back in the model; read state resolves to nothing.
async function writes(inbox: InboxClient): Promise<string> {
  const sent: Sent = await inbox.sendMessage({ conversationId: "2-abc", text: "Hello", idempotencyKey: "k-1" });
  const fresh = await inbox.sendMessage({ profileUrl: "https://www.linkedin.com/in/ana/", text: "Hi" });
  const nothing: void = await inbox.markRead(sent.message.conversationId);
  await inbox.markUnread(fresh.message.conversationId);
  void nothing;
  // @ts-expect-error: a send needs its text
  await inbox.sendMessage({ conversationId: "2-abc" });
  // Files: bytes with a name and an allowed type, or anything Blob-like (a File, a Blob).
  const pdf: SendAttachment = { name: "cv.pdf", type: "application/pdf", data: new Uint8Array([37, 80, 68, 70]) };
  const blobLike = { type: "image/png", size: 4, arrayBuffer: async () => new ArrayBuffer(4) };
  const withFiles: Sent = await inbox.sendMessage({ conversationId: "2-abc", text: "Files", attachments: [pdf, blobLike] });
  const mediaType: AttachmentMediaType = "image/webp";
  const limits: SendFileLimits["files"] = 5;
  void withFiles; void mediaType; void limits;
  // @ts-expect-error: bytes need an allowed media type
  await inbox.sendMessage({ conversationId: "2-abc", text: "x", attachments: [{ name: "a.exe", type: "application/x-msdownload", data: new Uint8Array(1) }] });
  // @ts-expect-error: bytes are a Uint8Array
  await inbox.sendMessage({ conversationId: "2-abc", text: "x", attachments: [{ name: "a.pdf", type: "application/pdf", data: [1, 2] }] });
  return sent.message.text + String(sent.creditCost);
}
void writes;

// Several accounts and the live inbox (through the proxy).
async function accounts(inbox: InboxClient, signal: WatchSignal): Promise<number> {
  const list: Account[] = await inbox.listAccounts();
  const first: Account | undefined = list[0];
  const unread: number | null = first?.unreadTotal ?? null;
  const sends: number | null = first?.budgetLeftToday.sends ?? null;
  const page = await inbox.listConversations({ account: "all", unread: true });
  const owner: string | undefined = page.items[0]?.account;
  for await (const c of inbox.conversations({ account: first?.id ?? "all", count: 50 })) void c.account;
  await inbox.listMessages({ conversationId: "2-abc", account: "alex" });
  await inbox.sendMessage({ profileUrl: "https://www.linkedin.com/in/ana/", text: "Hi", account: "alex" });
  const mark: MarkOptions = { account: "alex" };
  await inbox.markRead("2-abc", mark);
  await inbox.markUnread("2-abc");
  // A WebSocket class of one's own (the `ws` package's has this shape).
  const Socket: WebSocketClass = class {
    constructor(readonly url: string) {}
    addEventListener(type: string, listener: (event: { data?: unknown }) => void): void { void type; void listener; }
    send(data: string): void { void data; }
    close(code?: number): void { void code; }
  };
  inbox.watch({ webSocket: Socket });
  const options: WatchOptions = { signal, account: "alex", interval: 10_000, webSocket: null };
  for await (const event of inbox.watch(options)) {
    const change: ChangeEvent = event;
    const total: number | null = change.unreadTotal;
    const items: Conversation[] = change.conversations;
    if (change.reset) break;
    void total; void items;
  }
  // The two calls watch is made of, for code that keeps the token itself.
  const start: ChangesPage = await inbox.changes();
  const since: ChangesOptions = { since: start.token, account: "all", signal };
  const later: ChangesPage = await inbox.changes(since);
  const sockets: LiveSocket[] = await inbox.liveSockets({ account: "alex" });
  void later.conversations[0]?.account; void later.more; void later.reset; void sockets[0]?.url;
  // @ts-expect-error: since is the token of an earlier page, a string
  await inbox.changes({ since: 5 });
  const events: AsyncIterableIterator<ChangeEvent> = inbox.watch();
  void events; void owner; void sends;
  // @ts-expect-error: the account is a string
  await inbox.listConversations({ account: 3 });
  // @ts-expect-error: watch has no `intervalMs` option
  inbox.watch({ intervalMs: 5 });
  // @ts-expect-error: markRead's second argument is options
  await inbox.markRead("2-abc", "alex");
  // @ts-expect-error: webSocket is a class (or null)
  inbox.watch({ webSocket: "wss://proxy.example" });
  // @ts-expect-error: interval is milliseconds, a number
  inbox.watch({ interval: "30s" });
  const budget: BudgetLeftToday | undefined = list[0]?.budgetLeftToday;
  const health: AccountHealth | undefined = list[0]?.health;
  const state: AccountHealthState | undefined = health?.state;
  const until: number | undefined = health?.until;
  // @ts-expect-error: a health state is one of the documented names
  const wrong: AccountHealthState = "expired";
  void [state, until, wrong];
  const credits: number | null | undefined = budget?.linkupCredits;
  const providers: string[] = list.flatMap((a) => a.providers);
  const iterator = inbox.watch({ account: "all" });
  const step = await iterator.next();
  if (!step.done) {
    const event: ChangeEvent = step.value;
    const whose: string = event.account;
    const firstOwner: string | undefined = event.conversations[0]?.account;
    void whose; void firstOwner;
  }
  await iterator.return?.();
  void credits; void providers;
  // The star: where it holds, and why a mirror on LinkedIn failed.
  const star = await inbox.star("2-abc", true, { account: "alex" });
  const where: string | undefined = star.starredOn;
  const why: string | undefined = star.starMirror?.error?.code;
  const asked: boolean | undefined = star.starMirror?.starred;
  void [where, why, asked];
  return unread ?? 0;
}
void accounts;
