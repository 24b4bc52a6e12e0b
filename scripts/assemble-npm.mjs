// Assembles npm/dist from wasm-bindgen's web build (WEB_DIR: glue, snippet, optimized .wasm) and
// the entries in npm/js (the glue and the API minified): one .wasm for every entry; a CommonJS copy of the glue (esbuild, the
// snippet inlined: server bundlers can follow it); index.d.cts from the glue's types
// (index.d.mts re-exports it), without wasm-bindgen's init types (they need the DOM lib) or `[Symbol.dispose]` (it
// needs ESNext.Disposable); error-codes.js from the generated `InboxErrorCode` union, send-limits.js from the
// generated `AttachmentMediaType` union and `SendFileLimits` (npm/build.rs).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync, transformSync } from "esbuild";

const [webDir, dist] = process.argv.slice(2);
const js = new URL("../npm/js/", import.meta.url).pathname;
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
for (const file of ["linkedin_inbox.js", "linkedin_inbox_bg.wasm", "snippets"]) cpSync(join(webDir, file), join(dist, file), { recursive: true });
for (const file of ["api.js", "send-files.js", "index.js", "locate.js", "init.js", "wasm-path.mjs", "node.mjs", "init.node.mjs", "node.cjs", "init.cjs", "workerd.mjs", "edge-light.mjs", "wasm.d.cts"]) cpSync(join(js, file), join(dist, file));

const glueTypes = readFileSync(join(webDir, "linkedin_inbox.d.ts"), "utf8");
const union = /export type InboxErrorCode = ([^;]+);/.exec(glueTypes);
if (!union) throw new Error("assemble-npm: no InboxErrorCode union in the glue's types");
const codes = [...union[1].matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]);
writeFileSync(join(dist, "error-codes.js"), `// Generated from the core's ErrorCode::ALL (npm/build.rs).\nexport const errorCodes = Object.freeze(${JSON.stringify(codes)});\n`);
const mediaUnion = /export type AttachmentMediaType = ([^;]+);/.exec(glueTypes);
const limits = /export interface SendFileLimits \{ files: (\d+); bytes: (\d+); fileBytes: (\d+) \}/.exec(glueTypes);
if (!mediaUnion || !limits) throw new Error("assemble-npm: no AttachmentMediaType or SendFileLimits in the glue's types");
const mediaTypes = [...mediaUnion[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
const [files, bytes, fileBytes] = limits.slice(1).map(Number);
writeFileSync(join(dist, "send-limits.js"), `// Generated from the core's ALLOWED_MEDIA_TYPES and send limits (npm/build.rs).\nexport const mediaTypes = Object.freeze(${JSON.stringify(mediaTypes)});\nexport const sendFileLimits = Object.freeze(${JSON.stringify({ files, bytes, fileBytes })});\n`);

const cut = glueTypes.indexOf("export type InitInput");
if (cut < 0) throw new Error("assemble-npm: no InitInput in the glue's types");
const types = glueTypes.slice(0, cut).replace(/\n\s*\[Symbol\.dispose\]\(\): void;/g, "") + readFileSync(join(js, "init.d.ts"), "utf8");
if (/Symbol\.dispose|WebAssembly\.|RequestInfo|BufferSource/.test(types)) throw new Error("assemble-npm: a DOM or ESNext type is left in the types");
// The types once: in index.d.cts (CommonJS declarations, also what `types` names for node10),
// re-exported by index.d.mts (an ES module may re-export a CommonJS one under node16, nodenext
// and bundler resolution; the reverse is error TS1479 under node16).
writeFileSync(join(dist, "index.d.cts"), types);
writeFileSync(join(dist, "index.d.mts"), `export * from "./index.cjs";\n`);

// Shipped JS is minified for size: whitespace, syntax and local names (keepNames: functions and
// classes keep their names, so stacks and `constructor.name` stay readable; exports never change).
const minify = { minifyWhitespace: true, minifySyntax: true };
for (const file of ["linkedin_inbox.js", "api.js", "send-files.js"]) {
  const path = join(dist, file);
  writeFileSync(path, transformSync(readFileSync(path, "utf8"), { ...minify, minifyIdentifiers: true, keepNames: true, format: "esm", loader: "js" }).code);
}

const common = { ...minify, bundle: true, format: "cjs", logLevel: "warning", logOverride: { "empty-import-meta": "silent" } };
// The CommonJS bundle also shortens local names (keepNames: classes and functions keep theirs).
buildSync({ ...common, minifyIdentifiers: true, keepNames: true, entryPoints: [join(dist, "api.js")], outfile: join(dist, "api.cjs"), platform: "neutral" });
buildSync({ ...common, entryPoints: [join(dist, "wasm-path.mjs")], outfile: join(dist, "wasm-path.cjs"), platform: "node" });
console.log(`npm/dist assembled: ${codes.length} error codes`);
