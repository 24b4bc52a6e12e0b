//! Results out as a flat tape for `npm/src/boundary.js`: a serde `Serializer` that writes each
//! value as numbers into one `Vec<f64>` and its strings into two UTF-8 buffers (ASCII and the
//! rest). JS decodes each buffer with one `TextDecoder` call and builds the objects by slicing
//! them, instead of creating every string and object from Rust one boundary call at a time
//! (serde-wasm-bindgen), which cost more than the parse itself (bench/RESULTS.md).
//!
//! Layout: `tape[0]` is where the shape table starts; the root value follows at `tape[1]`.
//! A value is a tag and its payload: `NULL`, `FALSE`, `TRUE`, `NUMBER n`, `ASCII start end` or
//! `UNICODE start end` (UTF-16 offsets into that decoded buffer), `ARRAY len values…`,
//! `OBJECT shape values…` (one value per key of the shape, in order), `MAP len (key value)…`.
//! The shape table is `count`, then per shape `len` and its keys as string values. Like JSON:
//! `None` and unit are `null`, enums are externally tagged. Integers outside ±(2^53 − 1) are
//! refused (a JS number would round them).

use std::fmt;

use serde::ser::{self, Serialize};

/// `Number.MAX_SAFE_INTEGER`: larger integers are not exact JS numbers.
const MAX_SAFE_INTEGER: u128 = (1 << 53) - 1;

mod serializer;

pub const NULL: f64 = 0.0;
pub const FALSE: f64 = 1.0;
pub const TRUE: f64 = 2.0;
pub const NUMBER: f64 = 3.0;
pub const ASCII: f64 = 4.0;
pub const ARRAY: f64 = 5.0;
pub const OBJECT: f64 = 6.0;
pub const MAP: f64 = 7.0;
pub const UNICODE: f64 = 8.0;

/// A value written as a tape and its two string buffers.
#[derive(Default)]
pub struct Tape {
    /// Tags, payloads, lengths and span offsets (all exact in an f64), then the shape table.
    pub numbers: Vec<f64>,
    /// The ASCII strings, back to back (byte offsets are UTF-16 offsets).
    pub ascii: Vec<u8>,
    /// The other strings, back to back (decoded apart: one non-ASCII character makes V8
    /// decode a whole buffer into a two-byte string, several times slower).
    pub unicode: Vec<u8>,
    /// Length of `unicode` in UTF-16 code units (the offsets JS slices with).
    unicode_utf16_len: usize,
    /// The key lists of the objects written so far (a handful per model: found by a scan).
    shapes: Vec<Vec<&'static str>>,
    /// Where each `&'static str` (keys, enum variants) already sits in its buffer.
    static_strings: Vec<(&'static str, [f64; 3])>,
    /// Key lists of finished objects whose shape was known already, reused by the next ones.
    spare_keys: Vec<Vec<&'static str>>,
}

#[derive(Debug)]
pub struct TapeError(String);

impl fmt::Display for TapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TapeError {}

impl ser::Error for TapeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TapeError(msg.to_string())
    }
}

type Result<T = ()> = std::result::Result<T, TapeError>;

impl Tape {
    /// Writes `value`, then the shape table.
    pub fn write<T: Serialize + ?Sized>(value: &T) -> Result<Tape> {
        let mut tape = Tape::default();
        tape.numbers.push(0.0);
        value.serialize(&mut tape)?;
        tape.numbers[0] = tape.numbers.len() as f64;
        let shapes = std::mem::take(&mut tape.shapes);
        tape.numbers.push(shapes.len() as f64);
        for keys in &shapes {
            tape.numbers.push(keys.len() as f64);
            for key in keys {
                tape.static_str(key);
            }
        }
        Ok(tape)
    }

    /// Appends `text` to its buffer: its tag and UTF-16 span there.
    fn span(&mut self, text: &str) -> [f64; 3] {
        if text.is_ascii() {
            let start = self.ascii.len();
            self.ascii.extend_from_slice(text.as_bytes());
            [ASCII, start as f64, self.ascii.len() as f64]
        } else {
            let start = self.unicode_utf16_len;
            self.unicode.extend_from_slice(text.as_bytes());
            self.unicode_utf16_len += utf16_len(text);
            [UNICODE, start as f64, self.unicode_utf16_len as f64]
        }
    }

    fn str(&mut self, text: &str) {
        let span = self.span(text);
        self.numbers.extend_from_slice(&span);
    }

    fn static_str(&mut self, text: &'static str) {
        let known = self.static_strings.iter().find(|(s, _)| same(s, text));
        let span = match known {
            Some((_, span)) => *span,
            None => {
                let span = self.span(text);
                self.static_strings.push((text, span));
                span
            }
        };
        self.numbers.extend_from_slice(&span);
    }

    fn int(&mut self, value: i128) -> Result {
        if value.unsigned_abs() > MAX_SAFE_INTEGER {
            // Printed as the i64 or u64 it came from: `i128`'s own `Display` is 1.4 KB of wasm.
            let text = if value < 0 {
                (value as i64).to_string()
            } else {
                (value as u64).to_string()
            };
            return Err(TapeError(format!(
                "{text} is not exactly representable as a JS number"
            )));
        }
        self.numbers.extend_from_slice(&[NUMBER, value as f64]);
        Ok(())
    }

    /// Opens a container: its tag and a placeholder patched when it ends.
    fn open(&mut self, tag: f64) -> usize {
        self.numbers.extend_from_slice(&[tag, 0.0]);
        self.numbers.len() - 1
    }

    /// Opens an array or map, whose length is patched when it ends.
    fn counted(&mut self, tag: f64) -> Compound<'_> {
        let slot = self.open(tag);
        Compound {
            tape: self,
            slot,
            len: 0,
            keys: Vec::new(),
        }
    }

    /// Opens an object, whose shape is patched when it ends.
    fn object(&mut self) -> Compound<'_> {
        let slot = self.open(OBJECT);
        let keys = self.spare_keys.pop().unwrap_or_default();
        Compound {
            tape: self,
            slot,
            len: 0,
            keys,
        }
    }

    /// Patches the object opened at `slot` with the shape of `keys`.
    fn close_object(&mut self, slot: usize, keys: Vec<&'static str>) {
        let id = self.shape_id(keys);
        self.numbers[slot] = id as f64;
    }

    fn shape_id(&mut self, mut keys: Vec<&'static str>) -> usize {
        let known = self.shapes.iter().position(|shape| {
            shape.len() == keys.len() && shape.iter().zip(&keys).all(|(a, b)| same(a, b))
        });
        match known {
            Some(id) => {
                keys.clear();
                self.spare_keys.push(keys);
                id
            }
            None => {
                self.shapes.push(keys);
                self.shapes.len() - 1
            }
        }
    }
}

/// The length of `text` in UTF-16 code units, from its bytes: one per character (every byte
/// but continuation bytes starts one), two for a character of four bytes (a surrogate pair).
fn utf16_len(text: &str) -> usize {
    text.bytes()
        .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}

/// Equal static strings: usually the same literal, so the pointer check answers first.
fn same(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// An array, map or object being written; `end` patches its length or shape.
pub struct Compound<'a> {
    tape: &'a mut Tape,
    slot: usize,
    len: usize,
    keys: Vec<&'static str>,
}

impl<'a> Compound<'a> {
    fn end_counted(self) -> &'a mut Tape {
        self.tape.numbers[self.slot] = self.len as f64;
        self.tape
    }

    fn end_object(self) -> &'a mut Tape {
        self.tape.close_object(self.slot, self.keys);
        self.tape
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.len += 1;
        value.serialize(&mut *self.tape)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.keys.push(key);
        value.serialize(&mut *self.tape)
    }
}

#[cfg(test)]
mod tests;
