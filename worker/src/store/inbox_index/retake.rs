//! An account's inbox taken again in place: when the store's retention deleted conversations
//! (or the newest message), its feed starts again from nothing, and the index replaces the
//! account's rows without moving its own epoch. Rows the new take hands unchanged keep their
//! change number (clients are not handed them again); rows it no longer holds are swept once
//! its last answer is in. So a daily retention pass of a busy account costs the index one
//! read of that account, never a reset of every client's stream and change feed. (A wipe, or
//! another store of the account, still replaces the rows and moves the epoch: `drop_rows`.)

use serde::Deserialize;

use super::InboxIndex;
use crate::store::sql::{int, text, Result, Sql};
use crate::store::RowId;

/// Columns added after the first release of the index (its `meta` key `schema`).
const SCHEMA: i64 = 2;
const ADDED_COLUMNS: &[&str] = &[
    // The lane's current take, and whether its rows of an older take wait to be swept.
    "ALTER TABLE lanes ADD COLUMN take INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE lanes ADD COLUMN sweeping INTEGER NOT NULL DEFAULT 0",
    // The take that last handed the row.
    "ALTER TABLE entries ADD COLUMN taken INTEGER NOT NULL DEFAULT 0",
];

#[derive(Deserialize)]
struct Take {
    take: f64,
    sweeping: f64,
}

/// Adds the columns an index made before them lacks (once: its `schema` says so).
pub(super) fn upgrade<S: Sql>(sql: &S) -> Result<()> {
    let schema = sql
        .first_row::<super::Meta>("SELECT value FROM meta WHERE key = 'schema'", vec![])?
        .and_then(|m| m.value.parse::<i64>().ok())
        .unwrap_or(1);
    if schema >= SCHEMA {
        return Ok(());
    }
    for statement in ADDED_COLUMNS {
        sql.run(statement, vec![])?;
    }
    sql.run(
        "INSERT INTO meta (key, value) VALUES ('schema', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        vec![text(&SCHEMA.to_string())],
    )
}

impl<S: Sql> InboxIndex<S> {
    /// The lane's current take, and whether it is sweeping.
    pub(super) fn take_of(&self, account: &str) -> Result<(i64, bool)> {
        Ok(self
            .sql
            .first_row::<Take>(
                "SELECT take, sweeping FROM lanes WHERE account = ?",
                vec![text(account)],
            )?
            .map_or((0, false), |t| (t.take as i64, t.sweeping != 0.0)))
    }

    /// A new take of the account begins: its rows stay until it ends (then those it did not
    /// hand again go); its message texts are handed again whole.
    pub(super) fn begin_retake(&self, account: &str) -> Result<()> {
        self.sql.run(
            "UPDATE lanes SET take = take + 1, sweeping = 1 WHERE account = ?",
            vec![text(account)],
        )?;
        self.drop_messages(account)
    }

    /// During a take: a conversation handed again exactly as the index holds it is only marked
    /// as taken (its change number stays). Whether it was.
    pub(super) fn kept_as_is(
        &self,
        account: &str,
        thread: &str,
        at: i64,
        unread: bool,
        json: &str,
        take: i64,
    ) -> Result<bool> {
        Ok(self
            .sql
            .first_row::<RowId>(
                "UPDATE entries SET taken = ? WHERE account = ? AND thread_id = ?
                   AND last_activity_at = ? AND unread = ? AND json = ? RETURNING rowid AS rowid",
                vec![
                    int(take),
                    text(account),
                    text(thread),
                    int(at),
                    int(i64::from(unread)),
                    text(json),
                ],
            )?
            .is_some())
    }

    /// The take's last answer is in: the rows it did not hand again (what retention deleted in
    /// the store) go.
    pub(super) fn finish_retake(&self, account: &str, take: i64) -> Result<()> {
        let stale = "SELECT rowid FROM entries WHERE account = ?1 AND taken <> ?2";
        for statement in [
            format!("DELETE FROM entry_members WHERE entry IN ({stale})"),
            format!("DELETE FROM entry_text WHERE rowid IN ({stale})"),
            "DELETE FROM entries WHERE account = ?1 AND taken <> ?2".to_owned(),
        ] {
            self.sql.run(&statement, vec![text(account), int(take)])?;
        }
        self.sql.run(
            "UPDATE lanes SET sweeping = 0 WHERE account = ?",
            vec![text(account)],
        )
    }
}
