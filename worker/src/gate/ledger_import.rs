//! The ledger of objects from before the `ledger` table, kept in the key-value API, copied
//! into the table once per object. It stays while deployments from before the table (schema
//! version 1) may still hold such objects: an object that was never called since keeps its old
//! ledger until its first request, whenever that comes. The store keeps a mark once it is
//! copied; the object reads it once (`AccountGate::legacy_ledger_checked`).

use worker::Storage;

use crate::store::schema::legacy_rows;
use crate::store::sql_storage::ObjectStore;

/// Copies a ledger kept in the key-value API into the table, unless the store marks it done:
/// rows already in the table win, so a concurrent import changes nothing. Called before the
/// object serves its first request.
pub async fn import_legacy(storage: &Storage, store: &ObjectStore) -> worker::Result<()> {
    if store.legacy_ledger_imported()? {
        return Ok(());
    }
    let entries = storage.list().await?;
    let mut keys: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    entries.for_each(&mut |value, key| {
        let json = worker::js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(&String::from(j)).ok());
        let (Some(key), Some(value)) = (key.as_string(), json) else {
            return;
        };
        rows.extend(legacy_rows(&key, &value));
        keys.push(key);
    });
    store.import_legacy_ledger(&rows)?;
    if !keys.is_empty() {
        storage.delete_multiple(keys).await?;
    }
    Ok(())
}
