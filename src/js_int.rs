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
        #[serde(default, deserialize_with = "super::opt_uint")]
        total: Option<u64>,
    }

    fn parse(json: &str) -> Result<Sample, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn the_safe_range_passes_and_beyond_it_fails() {
        let edge = parse(r#"{"total":9007199254740991}"#).unwrap();
        assert_eq!(edge.total, Some(super::MAX_SAFE as u64));
        assert_eq!(parse(r#"{"total":null}"#).unwrap().total, None);
        assert!(super::is_safe(-super::MAX_SAFE) && !super::is_safe(super::MAX_SAFE + 1));
        for bad in [
            r#"{"total":9007199254740992}"#,
            r#"{"total":18446744073709551615}"#,
        ] {
            let error = parse(bad).err().expect(bad);
            assert!(error.to_string().contains("2^53"), "{bad}: {error}");
        }
    }
}
