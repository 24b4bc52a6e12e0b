//! The ledger of objects from before the `ledger` table, kept in the key-value API, copied
//! into the table once per object. It stays while deployments from before the table (schema
//! version 1) may still hold such objects: an object that was never called since keeps its old
//! ledger until its first request, whenever that comes.

use worker::Storage;

use super::ledger::Value;
use crate::store::schema::legacy_rows;
use crate::store::sql_storage::{text, uint};

thread_local! {
    /// Objects (by id) of this isolate whose legacy ledger is known to be imported.
    static IMPORTED: std::cell::RefCell<std::collections::HashSet<String>> =
        std::cell::RefCell::new(std::collections::HashSet::new());
}

/// Copies a ledger kept in the key-value API (objects from before the `ledger` table) into
/// the table, once per object: rows already in the table win, so a concurrent import changes
/// nothing. Called before the object serves a request.
pub async fn import_legacy(storage: &Storage, object: &str) -> worker::Result<()> {
    if IMPORTED.with(|done| done.borrow().contains(object)) {
        return Ok(());
    }
    // The store is open: the request opened it before this runs.
    let sql = storage.sql();
    let done = sql
        .exec("SELECT value FROM meta WHERE key = 'ledger_imported'", None)?
        .to_array::<Value>()?;
    if done.is_empty() {
        let entries = storage.list().await?;
        let mut keys: Vec<String> = Vec::new();
        let mut failed = None;
        entries.for_each(&mut |value, key| {
            let json = worker::js_sys::JSON::stringify(&value)
                .ok()
                .and_then(|j| serde_json::from_str::<serde_json::Value>(&String::from(j)).ok());
            let (Some(key), Some(value)) = (key.as_string(), json) else {
                return;
            };
            for (row, amount) in legacy_rows(&key, &value) {
                if let Err(e) = sql.exec(
                    "INSERT OR IGNORE INTO ledger (key, value) VALUES (?, ?)",
                    vec![text(&row), uint(amount)],
                ) {
                    failed = Some(e);
                }
            }
            keys.push(key);
        });
        if let Some(e) = failed {
            return Err(e);
        }
        sql.exec(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('ledger_imported', 1)",
            None,
        )?;
        if !keys.is_empty() {
            storage.delete_multiple(keys).await?;
        }
    }
    IMPORTED.with(|imported| imported.borrow_mut().insert(object.to_owned()));
    Ok(())
}
