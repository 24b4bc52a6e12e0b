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
// and `unicodeBytes` still view its memory, so it reads them before returning.
export function hydrate(tape, asciiBytes, unicodeBytes) {
  const ascii = decoder.decode(asciiBytes);
  const unicode = decoder.decode(unicodeBytes);
  let at = 0;
  const value = () => {
    switch (tape[at++]) {
      case 0: return null;
      case 1: return false;
      case 2: return true;
      case 3: return tape[at++];
      case 4: at += 2; return ascii.slice(tape[at - 2], tape[at - 1]);
      case 8: at += 2; return unicode.slice(tape[at - 2], tape[at - 1]);
      case 5: {
        const length = tape[at++];
        const array = [];
        for (let i = 0; i < length; i++) array.push(value());
        return array;
      }
      case 6: {
        const keys = shapes[tape[at++]];
        const object = {};
        for (let k = 0; k < keys.length; k++) object[keys[k]] = value();
        return object;
      }
      case 7: {
        const length = tape[at++];
        const object = {};
        for (let i = 0; i < length; i++) {
          const key = value();
          // An own property, as JSON.parse makes it, even for "__proto__".
          Object.defineProperty(object, key, { value: value(), writable: true, enumerable: true, configurable: true });
        }
        return object;
      }
      default: throw new Error(`linkedin-inbox: corrupt result tape at ${at - 1}`);
    }
  };
  at = tape[0];
  const shapes = new Array(tape[at++]);
  for (let s = 0; s < shapes.length; s++) {
    const keys = new Array(tape[at++]);
    for (let k = 0; k < keys.length; k++) keys[k] = value();
    shapes[s] = keys;
  }
  at = 1;
  return value();
}
