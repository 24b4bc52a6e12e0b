// Next.js edge runtime (`edge-light` condition): webpack and Turbopack compile a `.wasm?module`
// import into a WebAssembly.Module (no file system, no fetchable package file there).
import wasm from "./linkedin_inbox_bg.wasm?module";
import { initSync } from "./api.js";

export * from "./api.js";

// Next's edge sandbox compiles it in another realm: not `instanceof` this one's
// WebAssembly.Module (the glue's check), though WebAssembly.Instance takes it.
if (!(wasm instanceof WebAssembly.Module)) Object.setPrototypeOf(wasm, WebAssembly.Module.prototype);
initSync({ module: wasm });
