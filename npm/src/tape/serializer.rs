//! `&mut Tape` as a serde `Serializer`: every serde data model type onto the tape's tags.

use serde::ser::{self, Serialize};

use super::{Compound, Result, Tape, TapeError, ARRAY, FALSE, MAP, NULL, NUMBER, TRUE};

impl<'a> ser::Serializer for &'a mut Tape {
    type Ok = ();
    type Error = TapeError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Variant<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Variant<'a>;

    fn serialize_bool(self, v: bool) -> Result {
        self.numbers.push(if v { TRUE } else { FALSE });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.int(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.int(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.int(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.int(v.into())
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.int(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.int(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.int(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.int(v.into())
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result {
        // Like JSON: NaN and infinities become null.
        if v.is_finite() {
            self.numbers.extend_from_slice(&[NUMBER, v]);
        } else {
            self.numbers.push(NULL);
        }
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result {
        self.str(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        self.str(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        let mut seq = ser::Serializer::serialize_seq(self, Some(v.len()))?;
        for byte in v {
            ser::SerializeSeq::serialize_element(&mut seq, byte)?;
        }
        ser::SerializeSeq::end(seq)
    }
    fn serialize_none(self) -> Result {
        self.numbers.push(NULL);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.numbers.push(NULL);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result {
        self.static_str(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        let mut object = self.object();
        object.field(variant, value)?;
        object.end_object();
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>> {
        Ok(self.counted(ARRAY))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Variant<'a>> {
        Ok(Variant::open(self, variant, |tape| tape.counted(ARRAY)))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>> {
        Ok(self.counted(MAP))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>> {
        Ok(self.object())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Variant<'a>> {
        Ok(Variant::open(self, variant, Tape::object))
    }
}

/// A tuple or struct variant: `{ variant: [..] }` or `{ variant: {..} }`, as JSON has it.
pub struct Variant<'a> {
    inner: Compound<'a>,
    /// The outer object's shape slot and its one key.
    outer: (usize, Vec<&'static str>),
}

impl<'a> Variant<'a> {
    /// Opens `{ variant: ` and the inner array or object.
    fn open(
        tape: &'a mut Tape,
        variant: &'static str,
        inner: fn(&'a mut Tape) -> Compound<'a>,
    ) -> Self {
        let mut outer = tape.object();
        outer.keys.push(variant);
        let Compound {
            tape, slot, keys, ..
        } = outer;
        Variant {
            inner: inner(tape),
            outer: (slot, keys),
        }
    }

    fn end_with(self, inner_end: fn(Compound<'a>) -> &'a mut Tape) -> Result {
        let (slot, keys) = self.outer;
        inner_end(self.inner).close_object(slot, keys);
        Ok(())
    }
}

/// Arrays, tuples and tuple structs: elements one after the other, then the length.
macro_rules! counted_serializer {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = TapeError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
                self.element(value)
            }
            fn end(self) -> Result {
                self.end_counted();
                Ok(())
            }
        }
    )*};
}

counted_serializer!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = TapeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.len += 1;
        key.serialize(&mut *self.tape)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(&mut *self.tape)
    }
    fn end(self) -> Result {
        self.end_counted();
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = TapeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.field(key, value)
    }
    fn end(self) -> Result {
        self.end_object();
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Variant<'_> {
    type Ok = ();
    type Error = TapeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.inner.element(value)
    }
    fn end(self) -> Result {
        self.end_with(Compound::end_counted)
    }
}

impl ser::SerializeStructVariant for Variant<'_> {
    type Ok = ();
    type Error = TapeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.inner.field(key, value)
    }
    fn end(self) -> Result {
        self.end_with(Compound::end_object)
    }
}
