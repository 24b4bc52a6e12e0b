// Explicit initialisation, for code without top-level await: `await init()` (the .wasm next
// to this file) or `initSync({ module: bytes })` before any other call.
import { init as initGlue } from "./api.js";
import { wasmResponse } from "./locate.js";

export * from "./api.js";

/** Loads the .wasm (next to this file by default); resolves when every export is ready. */
export function init(input) {
  return initGlue(input ?? { module_or_path: wasmResponse(new URL("./linkedin_inbox_bg.wasm", import.meta.url)) });
}
