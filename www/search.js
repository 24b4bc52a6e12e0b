// The search's one matching rule, the proxy's (worker/src/rules/fts_query.rs, an FTS5
// `unicode61 remove_diacritics 2` index): the typed text is split into words as the proxy
// splits it (at every character that is not alphanumeric to Rust's char::is_alphanumeric:
// neither Alphabetic nor a number; the shared vectors in tests/fixtures/search-words.json),
// every word must begin a word of the conversation's text (runs of letters, digits, marks and
// private-use characters, as the index's tokens), case and the accents of Latin letters ignored
// ("garc" finds "García", "zoe" finds "Zoë"). The cached rows' filter, the highlights and the
// "ask the proxy yet?" minimum all come from here.

const WORD_CHAR = /[\p{L}\p{N}\p{M}\p{Co}]/u;
const LATIN = /\p{Script=Latin}/u;
// Scripts written without spaces, where one character may be a whole name (a surname).
const ONE_CHAR_NAME = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** The proxy is asked once the text has 2 characters (code points), or 1 of a CJK script. */
export const SEARCH_MIN_CHARS = 2;
export function asksProxy(typed) {
  const text = (typed ?? "").trim();
  return [...text].length >= SEARCH_MIN_CHARS || ONE_CHAR_NAME.test(text);
}

/** One character folded: lower case, a Latin letter without its accents (may be ""). */
function foldChar(char) {
  const lower = char.toLowerCase();
  return LATIN.test(char) || /^\p{M}+$/u.test(char) ? lower.normalize("NFD").replace(/\p{M}/gu, "") : lower;
}

/** `text` folded as a whole (for the typed words). */
export const fold = (text) => [...(text ?? "")].map(foldChar).join("");

/** The typed text's words as the proxy takes them: split at what is not Alphabetic or a number, at most 16. */
export function splitWords(typed) {
  return (typed ?? "").split(/[^\p{Alphabetic}\p{N}]+/u).filter(Boolean).slice(0, 16);
}

/** The typed text's words, folded. */
export const searchWords = (typed) => splitWords(typed).map(fold).filter(Boolean);

/** The words of `text`: each its start and end (UTF-16 offsets) and its characters folded one by one. */
function words(text) {
  const found = [];
  let current = null, at = 0;
  for (const char of text ?? "") {
    if (WORD_CHAR.test(char)) {
      current ??= { start: at, chars: [] };
      current.chars.push({ at, end: at + char.length, folded: foldChar(char) });
    } else if (current) {
      found.push(current);
      current = null;
    }
    at += char.length;
  }
  if (current) found.push(current);
  return found.map((w) => ({ ...w, folded: w.chars.map((c) => c.folded).join("") }));
}

/** Whether every typed word begins some word of `texts` (the fields a row shows). */
export function matchesAll(texts, typed) {
  const wanted = searchWords(typed);
  if (!wanted.length) return !(typed ?? "").trim();
  const have = texts.flatMap((t) => words(t).map((w) => w.folded));
  return wanted.every((q) => have.some((w) => w.startsWith(q)));
}

/**
 * The parts of `text` a typed word begins, as [start, end) UTF-16 ranges in order: the original
 * characters (accents and all) whose folded form is the typed word.
 */
export function matchRanges(text, typed) {
  const wanted = searchWords(typed);
  const ranges = [];
  if (!wanted.length) return ranges;
  for (const word of words(text)) {
    const longest = wanted.filter((q) => word.folded.startsWith(q)).sort((a, b) => b.length - a.length)[0];
    if (!longest) continue;
    let length = 0, end = word.start;
    for (const char of word.chars) {
      if (length >= longest.length && char.folded) break;
      length += char.folded.length;
      end = char.end;
    }
    ranges.push([word.start, end]);
  }
  return ranges;
}
