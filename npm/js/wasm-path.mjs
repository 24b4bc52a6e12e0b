// Where the .wasm is for the Node entries: next to this file (Node; webpack emits it there from
// `new URL(…, import.meta.url)`), else the installed package's `linkedin-inbox/wasm`, found
// from the running script or the working directory (server bundles that copy no asset).
import { existsSync } from "node:fs";
import * as nodeModule from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// A runtime lookup: bundlers must not resolve it at build time (webpack would bundle the
// .wasm as a module), so `createRequire` is read by a computed name, from the module's default
// export: a bundle's namespace of a CommonJS function (webpack's of `node:module`, as in a
// Next.js server bundle) holds only `default`.
const createRequire = (nodeModule.default ?? nodeModule)[["create", "Require"].join("")];

export function wasmPath(besideThisFile) {
  if (besideThisFile && existsSync(besideThisFile)) return besideThisFile;
  for (const from of [process.argv[1], join(process.cwd(), "noop.js")]) {
    try {
      if (from) return createRequire(from).resolve("linkedin-inbox/wasm");
    } catch {}
  }
  throw new Error("linkedin-inbox: linkedin_inbox_bg.wasm not found: copy linkedin-inbox/wasm next to your bundle");
}

/** `new URL(name, base)` as a path, or undefined when `base` is not a URL (a CommonJS bundle). */
export function beside(make) {
  try {
    return fileURLToPath(make());
  } catch {
    return undefined;
  }
}
