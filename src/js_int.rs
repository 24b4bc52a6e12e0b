//! Integers from providers must be exact JavaScript numbers (|n| ≤ 2^53 − 1): every page
//! crosses into JS, where a larger value would silently round (or fail to convert). Serde
//! `deserialize_with` helpers that reject larger values as malformed, like a wrong type.

use serde::de::{Deserialize, Deserializer, Error};

/// `Number.MAX_SAFE_INTEGER`.
pub(crate) const MAX_SAFE: i64 = (1 << 53) - 1;

/// Whether `value` is exact as a JavaScript number.
pub(crate) fn is_safe(value: i64) -> bool {
    (-MAX_SAFE..=MAX_SAFE).contains(&value)
}

fn checked<E: Error>(value: i64) -> Result<i64, E> {
    if is_safe(value) {
        Ok(value)
    } else {
        Err(E::custom(
            "integer outside ±(2^53 − 1), the exact range of a JavaScript number",
        ))
    }
}

/// A required integer.
pub(crate) fn int<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    checked(i64::deserialize(deserializer)?)
}

/// An optional integer (`null` or missing is `None`; use with `#[serde(default)]`).
pub(crate) fn opt_int<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    Option::<i64>::deserialize(deserializer)?
        .map(checked)
        .transpose()
}

/// An optional non-negative integer.
pub(crate) fn opt_uint<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    let value = Option::<u64>::deserialize(deserializer)?;
    value
        .map(|v| checked(i64::try_from(v).unwrap_or(i64::MAX)).map(|v| v as u64))
        .transpose()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Sample {
        #[serde(deserialize_with = "super::int")]
        at: i64,
        #[serde(default, deserialize_with = "super::opt_int")]
        maybe: Option<i64>,
        #[serde(default, deserialize_with = "super::opt_uint")]
        total: Option<u64>,
    }

    fn parse(json: &str) -> Result<Sample, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn the_safe_range_passes_and_beyond_it_fails() {
        let edge =
            parse(r#"{"at":9007199254740991,"maybe":-9007199254740991,"total":9007199254740991}"#)
                .unwrap();
        assert_eq!(
            (edge.at, edge.maybe, edge.total),
            (
                super::MAX_SAFE,
                Some(-super::MAX_SAFE),
                Some(super::MAX_SAFE as u64)
            )
        );
        let missing = parse(r#"{"at":1,"maybe":null}"#).unwrap();
        assert_eq!((missing.maybe, missing.total), (None, None));
        for bad in [
            r#"{"at":9007199254740992}"#,
            r#"{"at":1,"maybe":-9007199254740992}"#,
            r#"{"at":1,"total":9007199254740992}"#,
            r#"{"at":1,"total":18446744073709551615}"#,
        ] {
            let error = parse(bad).err().expect(bad);
            assert!(error.to_string().contains("2^53"), "{bad}: {error}");
        }
    }
}
