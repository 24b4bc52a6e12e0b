// The core's web build (www/pkg, the npm package's web target): the proxy client, and the
// core helpers the popup uses instead of copies (merge, page walker, error explanation).
import { InboxClient } from "./pkg/index.js";

export { PageWalker, errorFromResponse, explainError as explain, mergeMessages } from "./pkg/index.js";

export function connect({ proxyUrl, token }) {
  return new InboxClient({ proxy: { url: proxyUrl, token } });
}
