// The popup's first paint needs every module popup.js imports (not the wasm core, loaded after
// it): each is listed as a modulepreload in popup.html, so the browser fetches them at once
// instead of one import level at a time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WWW } from "./harness.mjs";

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

test("popup.html preloads every module popup.js imports, and nothing else", () => {
  const html = readFileSync(join(WWW, "popup.html"), "utf8");
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual([...preloaded].sort(), [...staticImports("popup.js")].sort());
});
