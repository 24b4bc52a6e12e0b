// The installed package through CommonJS require.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const inbox = require("linkedin-inbox");

test("require() exposes the same API", () => {
  assert.equal(typeof inbox.InboxClient, "function");
  assert.equal(inbox.creditCost(300), 30);
  const request = inbox.buildRequest({ proxy: { url: "https://proxy.example", token: "t" } }, "listConversations", { unread: true });
  assert.equal(request.url, "https://proxy.example/v1/conversations?unread=true");
});
