// Node (ESM) and server bundles: reads the .wasm synchronously, then every export is ready.
import { readFileSync } from "node:fs";
import { initSync } from "./api.js";
import { beside, wasmPath } from "./wasm-path.mjs";

export * from "./api.js";

initSync({ module: readFileSync(wasmPath(beside(() => new URL("./linkedin_inbox_bg.wasm", import.meta.url)))) });
