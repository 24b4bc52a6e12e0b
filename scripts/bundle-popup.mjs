// The popup's script as one file, www/popup.bundle.js (built, never committed): popup.js and
// every module it imports, bundled by esbuild. An extension page fetches each module through
// the browser process; the popup's ~20 modules took about as long as the rest of its first
// paint (bench/RESULTS.md, section 5). The wasm core (api.js) and the demo config stay
// separate files, loaded after the first paint. The sources stay the modules in www/ (the
// options page and the service worker import them as they are).
//   node scripts/bundle-popup.mjs        (scripts/lib.sh build_www runs it; so do the popup tests)
import { buildSync } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const WWW = join(dirname(fileURLToPath(import.meta.url)), "..", "www");
export const BUNDLE = "popup.bundle.js";
/** Loaded on demand, after the first paint: imported by path at run time, never bundled. */
export const LAZY = ["./api.js", "./demo-config.js"];

/** Builds the bundle in memory: `{ code, inputs }` (inputs: the www/ files it holds). */
export function popupBundle(www = WWW) {
  const result = buildSync({
    entryPoints: [join(www, "popup.js")], absWorkingDir: www, bundle: true, format: "esm", target: "es2022",
    external: LAZY, write: false, metafile: true, legalComments: "none", logLevel: "warning",
    banner: { js: `// Built by scripts/bundle-popup.mjs from popup.js and its imports: edit those, not this file.` },
  });
  return { code: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
}

/** Writes www/popup.bundle.js when it differs from what the sources give now. */
export function writePopupBundle(www = WWW) {
  const { code } = popupBundle(www);
  const file = join(www, BUNDLE);
  let current = null;
  try { current = readFileSync(file, "utf8"); } catch { /* not built yet */ }
  if (current !== code) writeFileSync(file, code);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writePopupBundle();
