//! The one way the store talks to SQLite: a statement with its bound values, run, or its rows
//! read back through serde. The object runs it on its Durable Object's SQLite
//! (`sql_storage.rs`); the store's tests run the same SQL on an in-memory SQLite
//! (`native_sql.rs`). Values bound into statements are converted here and nowhere else.

use serde::de::DeserializeOwned;

/// A value bound into a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Integer(i64),
    Text(String),
}

/// A text value.
pub fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

/// A text value, or NULL.
pub fn text_or_null(value: Option<&str>) -> Value {
    value.map_or(Value::Null, text)
}

/// A signed integer value.
pub fn int(value: i64) -> Value {
    Value::Integer(value)
}

/// An unsigned counter or time, saturated at SQLite's largest integer.
pub fn uint(value: u64) -> Value {
    Value::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}

/// Why a statement failed, in SQLite's (or the runtime's) words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        Self(format!("stored JSON: {error}"))
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A SQLite connection the store runs its statements on. Calls are synchronous: nothing
/// interleaves with them.
pub trait Sql {
    /// Runs one statement (its rows, if any, are dropped).
    fn run(&self, statement: &str, values: Vec<Value>) -> Result<()>;

    /// Runs one statement and reads its rows, each into a `T` by column name. Every number
    /// comes back as a float (the Workers runtime hands them over as JavaScript numbers), so
    /// numeric fields are read as `f64`.
    fn rows<T: DeserializeOwned>(&self, statement: &str, values: Vec<Value>) -> Result<Vec<T>>;

    /// The first row of a statement, if any.
    fn first_row<T: DeserializeOwned>(
        &self,
        statement: &str,
        values: Vec<Value>,
    ) -> Result<Option<T>> {
        Ok(self.rows(statement, values)?.into_iter().next())
    }
}
