//! The store on an in-memory SQLite (rusqlite's bundled build, FTS5 included), for the
//! store's tests: the same statements as in the object, numbers read back as floats as the
//! Workers runtime hands them over.

use rusqlite::types::ValueRef;
use serde::de::DeserializeOwned;

use super::sql::{Result, Sql, StoreError, Value};

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self(error.to_string())
    }
}

fn bound(values: Vec<Value>) -> impl Iterator<Item = rusqlite::types::Value> {
    values.into_iter().map(|value| match value {
        Value::Null => rusqlite::types::Value::Null,
        Value::Integer(n) => rusqlite::types::Value::Integer(n),
        Value::Text(s) => rusqlite::types::Value::Text(s),
    })
}

fn json(value: ValueRef<'_>) -> serde_json::Value {
    match value {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(n) => serde_json::json!(n as f64),
        ValueRef::Real(x) => serde_json::json!(x),
        ValueRef::Text(t) => serde_json::Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => serde_json::json!(b),
    }
}

impl Sql for rusqlite::Connection {
    fn run(&self, statement: &str, values: Vec<Value>) -> Result<()> {
        let mut prepared = self.prepare(statement)?;
        let mut rows = prepared.query(rusqlite::params_from_iter(bound(values)))?;
        while rows.next()?.is_some() {}
        Ok(())
    }

    fn rows<T: DeserializeOwned>(&self, statement: &str, values: Vec<Value>) -> Result<Vec<T>> {
        let mut prepared = self.prepare(statement)?;
        let names: Vec<String> = prepared
            .column_names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut rows = prepared.query(rusqlite::params_from_iter(bound(values)))?;
        let mut read = Vec::new();
        while let Some(row) = rows.next()? {
            let mut object = serde_json::Map::new();
            for (index, name) in names.iter().enumerate() {
                object.insert(name.clone(), json(row.get_ref(index)?));
            }
            read.push(serde_json::from_value(serde_json::Value::Object(object))?);
        }
        Ok(read)
    }
}

/// A new in-memory store at the latest schema.
pub fn memory_store() -> super::Store<rusqlite::Connection> {
    memory_store_at(super::schema::LATEST)
}

/// A new in-memory store migrated up to `version`.
pub fn memory_store_at(version: u32) -> super::Store<rusqlite::Connection> {
    let connection = rusqlite::Connection::open_in_memory().expect("an in-memory SQLite");
    super::Store::open(connection, version).expect("the schema migrates")
}
