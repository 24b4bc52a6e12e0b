
/** An instance of the global `Name` when the program's types declare it (DOM lib or @types/node), else nothing. */
type GlobalInstance<Name extends string> = typeof globalThis extends Record<Name, { prototype: infer T }> ? T : never;

/** A compiled wasm module, when the program's types declare `WebAssembly`. */
type WasmModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : never;

/** What `init` loads the .wasm from: its URL, a fetch `Response`, its bytes or a compiled module. */
export type WasmSource = string | ArrayBuffer | ArrayBufferView | GlobalInstance<"URL"> | GlobalInstance<"Response"> | WasmModule;

/**
 * Loads the .wasm: the package's own by default (`linkedin-inbox/init` only needs it; the other
 * entries have already called it, and a second call does nothing). Call before anything else.
 */
export function init(input?: { module_or_path: WasmSource | Promise<WasmSource> }): Promise<unknown>;

/** `init` from bytes you already have (`linkedin-inbox/wasm`), synchronously. */
export function initSync(input: { module: ArrayBuffer | ArrayBufferView | WasmModule }): unknown;
