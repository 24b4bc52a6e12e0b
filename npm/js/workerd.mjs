// Cloudflare Workers (workerd): wrangler bundles a `.wasm` import as a compiled
// `WebAssembly.Module`, so the module is ready at start-up with no fetch, no file system and
// no `document` (none of which a Worker has). Chosen by the `workerd` export condition.
import wasm from "./linkedin_inbox_bg.wasm";
import { initSync } from "./api.js";

export * from "./api.js";

initSync({ module: wasm });
