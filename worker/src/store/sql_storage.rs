//! The store on the Durable Object's own SQLite (`worker::SqlStorage`).

use serde::de::DeserializeOwned;

use worker::{SqlCursor, SqlStorage, SqlStorageValue};

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

/// Counts the rows a statement wrote (`rows_meter`, what the benchmark reads).
fn count_written(cursor: &SqlCursor) {
    crate::rows_meter::add(cursor.rows_written() as u64);
}

impl Sql for SqlStorage {
    fn run(&self, statement: &str, values: Vec<Value>) -> Result<()> {
        count_written(&self.exec(statement, bindings(values))?);
        Ok(())
    }

    fn rows<T: DeserializeOwned>(&self, statement: &str, values: Vec<Value>) -> Result<Vec<T>> {
        let cursor = self.exec(statement, bindings(values))?;
        let rows = cursor.to_array::<T>()?;
        count_written(&cursor);
        Ok(rows)
    }
}
