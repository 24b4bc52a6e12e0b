// The search's word split (search.js) against the shared vectors (tests/fixtures/search-words.json)
// that the proxy's rule (worker/src/rules/fts_query.rs, Rust's char::is_alphanumeric) produced:
// the cached rows' filter asks what the proxy will. No browser, a few milliseconds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fold, matchesAll, searchWords, splitWords } from "../search.js";

const { vectors } = JSON.parse(readFileSync(new URL("../../tests/fixtures/search-words.json", import.meta.url), "utf8"));

test("the typed text splits into the proxy's words (shared vectors)", () => {
  assert.ok(vectors.length >= 15);
  for (const { typed, words, why } of vectors) {
    assert.deepEqual(splitWords(typed), words, why);
    assert.deepEqual(searchWords(typed), words.map(fold).filter(Boolean), `${why}, folded`);
  }
});

test("split as the proxy splits, the cached filter agrees with it on marks and private-use characters", () => {
  // Typed with a combining accent: the proxy asks for "re"* and "sume"*, which "Résumé" (one word) does not give.
  assert.equal(matchesAll(["Résumé attached"], "re\u0301sume\u0301"), false);
  assert.equal(matchesAll(["Résumé attached"], "resume"), true);
  // A private-use character splits the typed text; a row's word keeps it (as the index's token does).
  assert.equal(matchesAll(["ab\ue000cd"], "ab\ue000cd"), false);
  assert.equal(matchesAll(["ab cd"], "ab\ue000cd"), true);
});
