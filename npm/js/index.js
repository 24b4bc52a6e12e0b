// Browsers, extension pages and bundlers: loads the .wasm next to this file once (top-level
// await), then every export is ready. Bundlers see `new URL("./…wasm", import.meta.url)` and
// emit the file (Vite, webpack, Rollup with an asset plugin); esbuild users copy
// `linkedin-inbox/wasm` next to their bundle. Without top-level await: `linkedin-inbox/init`.
import { init } from "./api.js";
import { wasmResponse } from "./locate.js";

export * from "./api.js";

await init({ module_or_path: wasmResponse(new URL("./linkedin_inbox_bg.wasm", import.meta.url)) });
