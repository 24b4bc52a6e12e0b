//! The store on the Durable Object's own SQLite (`worker::SqlStorage`).

use serde::de::DeserializeOwned;
use worker::{SqlStorage, SqlStorageValue};

use super::sql::{Result, Sql, StoreError, Value};

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
