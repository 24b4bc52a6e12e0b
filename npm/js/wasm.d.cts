// The .wasm file: a path (`require.resolve("linkedin-inbox/wasm")`), or where a tool compiles
// `.wasm` imports (wrangler), a WebAssembly.Module for `initSync({ module })`.
declare const wasm: typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : never;
export = wasm;
