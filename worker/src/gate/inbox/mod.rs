//! The account's inbox in its Durable Object's SQLite database: every conversation the
//! provider listed (keyed by thread id, ordered by last activity), the text of every message
//! of every thread opened, and where the list sync stands. Lists, their `unread` and
//! `keywords` filters and search are answered from here, whatever the provider can filter.
//! SQL calls are synchronous: no request interleaves with them. One file per table group.

mod change_feed;
mod conversations;
mod list_query;
mod retention;
mod sync_state;

use worker::{SqlStorage, Storage};

use super::pages::{migrated, migrated_once};
pub use list_query::{Filters, Position};

#[derive(serde::Deserialize)]
pub(super) struct RowId {
    rowid: f64,
}

/// One account's inbox.
pub struct Inbox(SqlStorage);

impl Inbox {
    pub fn open(storage: &Storage) -> worker::Result<Self> {
        Ok(Self(migrated(storage)?))
    }

    /// The store of this object, its schema checked once per isolate.
    pub fn of(state: &worker::State) -> worker::Result<Self> {
        Ok(Self(migrated_once(
            &state.storage(),
            &state.id().to_string(),
        )?))
    }
}
