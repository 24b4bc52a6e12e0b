// `linkedin-inbox/init` in Node (ESM): `init()` reads the .wasm from the installed package.
import { readFileSync } from "node:fs";
import { init as initGlue } from "./api.js";
import { beside, wasmPath } from "./wasm-path.mjs";

export * from "./api.js";

/** Loads the .wasm (the package's by default); resolves when every export is ready. */
export function init(input) {
  return initGlue(input ?? { module_or_path: readFileSync(wasmPath(beside(() => new URL("./linkedin_inbox_bg.wasm", import.meta.url)))) });
}
