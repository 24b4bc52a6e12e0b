// The package from CommonJS (`require`): the same API, types from index.d.cts.
import inbox = require("linkedin-inbox");

const request: inbox.OutgoingRequest = inbox.buildRequest({ proxy: { url: "https://proxy.example", token: "t" } }, "listConversations");
const page: inbox.ConversationPage = inbox.parseResponse({ proxy: { url: "https://p.example", token: "t" } }, "listConversations", undefined, { status: 200, body: "{}" });
const isError: boolean = inbox.isInboxError(new Error("x"));
export = { request, page, isError };
