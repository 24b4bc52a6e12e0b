//! The store on the Durable Object's own SQLite (`worker::SqlStorage`), and the store's values
//! for the statements the object still runs on that storage directly (the ledger's, the
//! sends').

use serde::de::DeserializeOwned;
use worker::{SqlStorage, SqlStorageValue};

use super::sql::{self, Result, Sql, StoreError, Value};

/// The object's store.
pub type ObjectStore = super::Store<SqlStorage>;

impl From<Value> for SqlStorageValue {
    fn from(value: Value) -> Self {
        match value {
            Value::Null => SqlStorageValue::Null,
            Value::Integer(n) => SqlStorageValue::Integer(n),
            Value::Text(s) => SqlStorageValue::String(s),
        }
    }
}

impl From<worker::Error> for StoreError {
    fn from(error: worker::Error) -> Self {
        Self(error.to_string())
    }
}

impl From<StoreError> for worker::Error {
    fn from(error: StoreError) -> Self {
        worker::Error::RustError(format!("store: {error}"))
    }
}

fn bindings(values: Vec<Value>) -> Vec<SqlStorageValue> {
    values.into_iter().map(SqlStorageValue::from).collect()
}

impl Sql for SqlStorage {
    fn run(&self, statement: &str, values: Vec<Value>) -> Result<()> {
        self.exec(statement, bindings(values))?;
        Ok(())
    }

    fn rows<T: DeserializeOwned>(&self, statement: &str, values: Vec<Value>) -> Result<Vec<T>> {
        Ok(self.exec(statement, bindings(values))?.to_array::<T>()?)
    }
}

/// A text value for `SqlStorage::exec`.
pub fn text(value: &str) -> SqlStorageValue {
    sql::text(value).into()
}

/// An unsigned counter or time for `SqlStorage::exec`, saturated at SQLite's largest integer.
pub fn uint(value: u64) -> SqlStorageValue {
    sql::uint(value).into()
}
