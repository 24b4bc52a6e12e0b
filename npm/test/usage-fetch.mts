// The package with a real `fetch` (types from the DOM lib or @types/node): `res.headers`, the
// bytes of a response and a custom `fetch` are accepted as they are.
import { InboxClient, buildRequest, parseResponse, type InboxConfig, type ReceivedResponse } from "linkedin-inbox";

const config: InboxConfig = { proxy: { url: "https://proxy.example", token: "t" }, fetch: globalThis.fetch };
export async function load(): Promise<number> {
  const request = buildRequest(config, "listConversations", { count: 5 });
  const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
  const received: ReceivedResponse = { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
  const page = parseResponse(config, "listConversations", { count: 5 }, received);
  const client = new InboxClient({ ...config, fetch: (url, init) => fetch(url, init) });
  return page.items.length + (await client.listConversations()).items.length;
}

// watch() takes an AbortSignal and the runtime's WebSocket as they are typed (DOM or @types/node).
export async function live(): Promise<number> {
  const controller = new AbortController();
  const inbox = new InboxClient(config);
  let seen = 0;
  for await (const event of inbox.watch({ signal: controller.signal, webSocket: WebSocket })) {
    seen += event.conversations.length;
    controller.abort();
  }
  return seen;
}
