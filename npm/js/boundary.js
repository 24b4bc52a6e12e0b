// The JS half of the wasm boundary (src/wasm/convert.rs imports it): bulk text in and
// results out, each in one pass instead of one boundary call per character or value.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Writes `text` as UTF-8 into `bytes` (a view of the wasm memory, 3 bytes per UTF-16 unit);
// returns the bytes written. Lone surrogates become U+FFFD, as in `TextEncoder.encode`.
export function encodeInto(text, bytes) {
  return encoder.encodeInto(text, bytes).written;
}

// Builds the JS value of a result tape written by src/wasm/tape (its layout is documented
// there): each string buffer is decoded with one TextDecoder call and sliced; objects take
// their keys, in order, from the shape table. The wasm calls it while `tape`, `asciiBytes`
// and `unicodeBytes` still view its memory, so it reads them before returning. The reader's
// state lives in module variables (no closure per call) and the tags are tested in the order
// of their frequency (strings, null, objects, numbers): 10–15% less time than a `switch` in a
// closure (docs/npm.md, "Build alternatives").
let tape, ascii, unicode, shapes, at;

function value() {
  const tag = tape[at++];
  if (tag === 4) {
    at += 2;
    return ascii.slice(tape[at - 2], tape[at - 1]);
  }
  if (tag === 0) return null;
  if (tag === 6) {
    const keys = shapes[tape[at++]];
    const object = {};
    for (let k = 0; k < keys.length; k++) object[keys[k]] = value();
    return object;
  }
  if (tag === 3) return tape[at++];
  if (tag === 8) {
    at += 2;
    return unicode.slice(tape[at - 2], tape[at - 1]);
  }
  if (tag === 5) {
    const length = tape[at++];
    const array = new Array(length);
    for (let i = 0; i < length; i++) array[i] = value();
    return array;
  }
  if (tag === 1) return false;
  if (tag === 2) return true;
  if (tag === 7) {
    const length = tape[at++];
    const object = {};
    for (let i = 0; i < length; i++) {
      const key = value();
      // An own property, as JSON.parse makes it, even for "__proto__".
      Object.defineProperty(object, key, { value: value(), writable: true, enumerable: true, configurable: true });
    }
    return object;
  }
  throw new Error(`linkedin-inbox: corrupt result tape at ${at - 1}`);
}

export function hydrate(numbers, asciiBytes, unicodeBytes) {
  tape = numbers;
  ascii = decoder.decode(asciiBytes);
  unicode = decoder.decode(unicodeBytes);
  try {
    at = tape[0];
    shapes = new Array(tape[at++]);
    for (let s = 0; s < shapes.length; s++) {
      const keys = new Array(tape[at++]);
      for (let k = 0; k < keys.length; k++) keys[k] = value();
      shapes[s] = keys;
    }
    at = 1;
    return value();
  } finally {
    // The views of the wasm memory and the decoded buffers are not kept past the call.
    tape = ascii = unicode = shapes = undefined;
  }
}
