//! Values bound into the account object's SQL statements: the one home of the conversions.

use worker::SqlStorageValue;

/// A text value.
pub fn text(value: &str) -> SqlStorageValue {
    SqlStorageValue::String(value.to_owned())
}

/// A signed integer value.
pub fn int(value: i64) -> SqlStorageValue {
    SqlStorageValue::Integer(value)
}

/// An unsigned counter or time, saturated at SQLite's largest integer.
pub fn uint(value: u64) -> SqlStorageValue {
    SqlStorageValue::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}
