// Explicit initialisation, for code without top-level await: `await init()` (the .wasm next
// to this file) or `initSync({ module: bytes })` before any other call.
import { init as initGlue } from "./api.js";
import { wasmResponse } from "./locate.js";

export * from "./api.js";

/**
 * Loads the .wasm (by default the one next to this file, or next to the page in a classic script
 * bundle, where `import.meta` is empty); resolves when every export is ready.
 */
export function init(input) {
  return initGlue(input ?? { module_or_path: wasmResponse(defaultUrl()) });
}

function defaultUrl() {
  try {
    return new URL("./linkedin_inbox_bg.wasm", import.meta.url);
  } catch {
    return new URL("linkedin_inbox_bg.wasm", document.baseURI);
  }
}
