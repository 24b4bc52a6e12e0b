// Serves www/ on 127.0.0.1 (the popup and options as plain pages, for the demo and tests),
// plus /demo-config.json with the proxy URL and client token to use.
//   node scripts/serve-www.mjs <port> <proxyUrl> <token>
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const WWW = join(dirname(fileURLToPath(import.meta.url)), "..", "www");
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json", ".png": "image/png" };

// `hide`: a path prefix answered 404 (tests: a copy of the popup whose wasm `pkg` is missing).
export function serveWww({ port = 0, proxyUrl, token, hide = null }) {
  // `proxyUrl` may be a function: the page server can listen (and its port go into the proxy's
  // allowed origins) before the proxy is up.
  const config = () => JSON.stringify({ proxyUrl: typeof proxyUrl === "function" ? proxyUrl() : proxyUrl, token });
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    if (path === "/demo-config.json") return response.writeHead(200, { "content-type": TYPES[".json"] }).end(config());
    if (path.includes("..")) return response.writeHead(400).end();
    if (hide && path.startsWith(hide)) return response.writeHead(404).end("not found");
    try {
      const body = await readFile(join(WWW, path === "/" ? "popup.html" : path));
      response.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
    } catch {
      response.writeHead(404).end("not found");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve({ server, base: `http://127.0.0.1:${server.address().port}` }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, proxyUrl, token] = process.argv.slice(2);
  serveWww({ port: Number(port), proxyUrl, token }).then(({ base }) => console.log(`www listening on ${base}`),
    (error) => { console.error(`www: cannot listen on 127.0.0.1:${port}: ${error.message}`); process.exit(1); });
}
