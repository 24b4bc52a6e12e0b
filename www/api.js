// The core's web build (www/pkg, the npm package's web target): the proxy client, and the
// core helpers the popup uses instead of copies (merge, page walker). Loaded after the first
// paint; when it cannot load, the popup still explains why (explain.js).
import { InboxClient } from "./pkg/index.js";

export { PageWalker, errorFromResponse, mergeMessages } from "./pkg/index.js";

/** A client of the proxy; `fetch` (optional) sends its requests (the popup's adds an AbortSignal). */
export function connect({ proxyUrl, token, fetch }) {
  return new InboxClient({ proxy: { url: proxyUrl, token }, ...(fetch ? { fetch } : {}) });
}
