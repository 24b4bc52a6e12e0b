// A pass-through in front of the Worker (HTTP and the push channel's WebSocket) that can hold
// answers: search requests (`keywords=`) for `searchMs` or while `holdSearches()` holds them,
// recording their keywords (and those the browser aborted before their answer), and the answers
// to sends (POST …/messages) while `holdSends()` holds them. It can change the proxy's own JSON
// answers on their way: `rewrite` maps a path to a function of the body (GET, 200 only);
// `emptyLists` empties the inbox's pages and the change feed. It records every request. What the
// popup shows before or beside the proxy's answers, in any browser (the Chromium tests hold
// requests with Playwright's routing; Firefox's extension pages have none). Listens on
// 127.0.0.1, a free port; `stop()` closes it.
import { createServer, request } from "node:http";
import { connect } from "node:net";

// What `emptyLists` empties: the inbox's pages, and the conversations the change feed brings.
const EMPTIED = {
  "/v1/conversations": (body) => ({ ...body, items: [], nextCursor: null, total: 0 }),
  "/v1/changes": (body) => ({ ...body, conversations: [] }),
};

export async function startSlowProxy(target, { searchMs = 0, emptyLists = false, rewrite = {} } = {}) {
  const rewrites = { ...(emptyLists ? EMPTIED : {}), ...rewrite };
  const asked = [], aborted = [], requests = [];
  let sendsHeld = null, searchesHeld = null;
  const server = createServer((incoming, outgoing) => {
    const url = new URL(incoming.url, target);
    const keywords = url.searchParams.get("keywords");
    // A search's CORS preflight (OPTIONS, same URL) is delayed by `searchMs` like its GET but
    // never held: held, its GET would never come.
    const search = keywords !== null && incoming.method === "GET";
    requests.push(`${incoming.method} ${url.pathname}`);
    const rewritten = incoming.method === "GET" ? rewrites[url.pathname] ?? null : null;
    if (search) {
      asked.push(keywords);
      // The browser gave up on the search before its answer (an aborted fetch closes its connection).
      outgoing.on("close", () => { if (!outgoing.writableFinished) aborted.push(keywords); });
    }
    const held = incoming.method === "POST" && url.pathname.endsWith("/messages") ? sendsHeld : search ? searchesHeld : null;
    setTimeout(() => {
      // A rewritten answer is read as JSON: asked for uncompressed.
      const { "accept-encoding": encoding, ...rest } = incoming.headers;
      const headers = { ...rest, ...(rewritten || encoding === undefined ? {} : { "accept-encoding": encoding }), host: url.host };
      const upstream = request(url, { method: incoming.method, headers }, (answer) => {
        Promise.resolve(held).then(() => {
          if (outgoing.destroyed) return answer.resume();
          if (!rewritten || answer.statusCode !== 200) {
            outgoing.writeHead(answer.statusCode, answer.headers);
            return answer.pipe(outgoing);
          }
          const chunks = [];
          answer.on("data", (chunk) => chunks.push(chunk));
          answer.on("end", () => {
            const body = JSON.stringify(rewritten(JSON.parse(Buffer.concat(chunks))));
            const { "content-length": _, ...headers } = answer.headers;
            outgoing.writeHead(200, { ...headers, "content-length": Buffer.byteLength(body) }).end(body);
          });
        });
      });
      upstream.on("error", () => outgoing.destroy());
      incoming.pipe(upstream);
    }, keywords === null ? 0 : searchMs);
  });
  // The push channel: the upgrade request passed on as it came, then bytes both ways.
  server.on("upgrade", (incoming, socket, head) => {
    const { hostname, port, host } = new URL(target);
    const upstream = connect(Number(port), hostname, () => {
      const headers = [];
      for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
        headers.push(`${incoming.rawHeaders[i]}: ${/^host$/i.test(incoming.rawHeaders[i]) ? host : incoming.rawHeaders[i + 1]}`);
      }
      upstream.write(`${incoming.method} ${incoming.url} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    asked,
    aborted,
    /** Every request, as "METHOD /path". */
    requests,
    /** Holds the answers to searches until the function it returns is called. */
    holdSearches() {
      let release;
      searchesHeld = new Promise((resolve) => { release = resolve; });
      return () => { searchesHeld = null; release(); };
    },
    /** Holds the answers to sends until the function it returns is called. */
    holdSends() {
      let release;
      sendsHeld = new Promise((resolve) => { release = resolve; });
      return () => { sendsHeld = null; release(); };
    },
    stop: () => { server.closeAllConnections(); server.close(); },
  };
}
