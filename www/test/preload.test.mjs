// The popup's first paint needs popup.js and every module it imports (not the wasm core, loaded
// after it): popup.html loads them as one bundled file (scripts/bundle-popup.mjs), one fetch
// from the extension instead of one per module, and render-blocking, so that the first frame
// has the cached rows in it (bench/RESULTS.md, section 5; calm.test.mjs checks the frame).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WWW } from "./harness.mjs";
import { BUNDLE, LAZY, popupBundle, writePopupBundle } from "../../scripts/bundle-popup.mjs";

/** The modules `entry` imports statically, transitively (its own file left out). */
function staticImports(entry, seen = new Set()) {
  const source = readFileSync(join(WWW, entry), "utf8");
  for (const [, file] of source.matchAll(/^import\s[^;]*?from\s+"\.\/([^"]+)"/gms)) {
    if (seen.has(file)) continue;
    seen.add(file);
    staticImports(file, seen);
  }
  return seen;
}

test("popup.html loads one script, the bundle, render-blocking, and preloads no module", () => {
  const html = readFileSync(join(WWW, "popup.html"), "utf8");
  assert.deepEqual([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]), [`<script type="module" src="${BUNDLE}" blocking="render">`]);
  assert.doesNotMatch(html, /modulepreload/);
});

test("the bundle holds popup.js and every module it imports, not the core, and is what the sources give now", () => {
  const { code, inputs } = popupBundle();
  assert.deepEqual([...inputs].sort(), ["popup.js", ...staticImports("popup.js")].sort());
  for (const lazy of LAZY) assert.ok(code.includes(`import("${lazy}")`), `${lazy} stays a separate file, loaded on demand`);
  // The package's send limits (pkg/send-limits.js: generated constants, no code of the core) are
  // the one piece of the package the first paint holds; the core itself is loaded on demand.
  assert.deepEqual([...inputs].filter((input) => input.startsWith("pkg/")), ["pkg/send-limits.js"]);
  assert.doesNotMatch(code.replaceAll("// pkg/send-limits.js", ""), /pkg\//, "the wasm core is not in the first paint's file");
  writePopupBundle();
  assert.equal(readFileSync(join(WWW, BUNDLE), "utf8"), code);
});
