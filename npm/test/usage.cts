// The package from CommonJS (`require`): the same API, types from index.d.cts.
import inbox = require("linkedin-inbox");

const request: inbox.OutgoingRequest = inbox.buildRequest({ proxy: { url: "https://proxy.example", token: "t" } }, "listConversations");
const page: inbox.ConversationPage = inbox.parseResponse({ proxy: { url: "https://p.example", token: "t" } }, "listConversations", undefined, { status: 200, body: "{}" });
const isError: boolean = inbox.isInboxError(new Error("x"));
// Accounts and the live inbox, typed the same from require.
const client = new inbox.InboxClient({ proxy: { url: "https://proxy.example", token: "t" } });
const accounts: Promise<inbox.Account[]> = client.listAccounts();
const changes: AsyncIterableIterator<inbox.ChangeEvent> = client.watch({ account: "all", webSocket: null });
export = { request, page, isError, accounts, changes };
