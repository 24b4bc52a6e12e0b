// ES module entry for browsers, extension pages and bundlers: the wasm is loaded once here.
import init from "./linkedin_inbox.js";

await init({ module_or_path: new URL("./linkedin_inbox_bg.wasm", import.meta.url) });

export * from "./linkedin_inbox.js";
