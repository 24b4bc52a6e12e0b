// The tiny app every toolchain builds: a request built, a provider page parsed, and the
// NETWORK_ERROR of an unreachable proxy, through whichever entry of the package (`inbox`).
const config = { linkup: { apiKey: "demo-linkup-key", loginToken: "demo-login-token" } };
const inboxPage = {
  status: "success",
  data: {
    conversations: [{
      conversation_id: "urn:li:msg_conversation:(urn:li:fsd_profile:ACoA,2-ODFk)",
      participant: { name: "John Doe", headline: "Engineer", profile_url: "https://www.linkedin.com/in/john-doe/" },
      last_message: { text: "Hello 👋", time: 1771950346603, sender: "John Doe" },
      unread: true,
    }],
    total_results: 64,
    next_cursor: "MTc3MTk1MDM0NjYwMzoyLU9ERms=",
  },
};

export async function inboxReport(inbox) {
  const request = inbox.buildRequest(config, "listConversations", { count: 1 });
  const page = inbox.parseResponse(config, "listConversations", { count: 1 }, { status: 200, body: JSON.stringify(inboxPage) });
  const offline = new inbox.InboxClient({ proxy: { url: "http://127.0.0.1:9", token: "t" } });
  const error = await offline.listConversations().then(
    () => "no error",
    (e) => (e instanceof inbox.InboxError ? e.code : `not an InboxError: ${e}`),
  );
  const c = page.items[0];
  return { request: `${request.method} ${request.url}`, conversation: `${c.participants[0].name}: ${c.latestMessage.text}`, error };
}
