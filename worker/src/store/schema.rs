//! The account object's own SQLite schema, versioned: migration `n` takes a database at
//! version `n - 1` (0: a new object, or one from before the store, which kept only the
//! key-value ledger) to version `n`. Applied in order when the object starts; each is one
//! batch of statements, run by `Store::open` (`store/mod.rs`).

/// `(version, statements)`, in order.
pub const MIGRATIONS: &[(u32, &str)] = &[
    (
        1,
        "CREATE TABLE IF NOT EXISTS pages (
        key TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        stored_at INTEGER NOT NULL,
        ttl_secs INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS pages_expiry ON pages (expires_at);",
    ),
    (
        2,
        "CREATE TABLE IF NOT EXISTS conversations (
        thread_id TEXT PRIMARY KEY,
        last_activity_at INTEGER NOT NULL,
        unread INTEGER NOT NULL,
        json TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS conversations_order ON conversations (last_activity_at DESC, thread_id);
    CREATE VIRTUAL TABLE IF NOT EXISTS conversation_text USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
    CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, sent_at INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS messages_age ON messages (sent_at);
    CREATE INDEX IF NOT EXISTS messages_thread ON messages (thread_id);
    CREATE VIRTUAL TABLE IF NOT EXISTS message_text USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
    CREATE TABLE IF NOT EXISTS list_sync (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        head_at INTEGER NOT NULL,
        generation INTEGER NOT NULL,
        tail TEXT,
        complete INTEGER NOT NULL,
        account_id TEXT,
        owner TEXT
    )",
    ),
    (
        3,
        // The search tables point at conversations and messages by rowid: implicit rowids may
        // be renumbered by VACUUM, so both tables get an explicit integer key (`seq`, the rowid
        // itself), each row keeping the rowid the index knows.
        "CREATE TABLE conversations_v3 (
        seq INTEGER PRIMARY KEY,
        thread_id TEXT NOT NULL UNIQUE,
        last_activity_at INTEGER NOT NULL,
        unread INTEGER NOT NULL,
        json TEXT NOT NULL
    );
    INSERT INTO conversations_v3 (seq, thread_id, last_activity_at, unread, json)
        SELECT rowid, thread_id, last_activity_at, unread, json FROM conversations;
    DROP TABLE conversations;
    ALTER TABLE conversations_v3 RENAME TO conversations;
    CREATE INDEX IF NOT EXISTS conversations_order ON conversations (last_activity_at DESC, thread_id);
    CREATE TABLE messages_v3 (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        thread_id TEXT NOT NULL,
        sent_at INTEGER NOT NULL
    );
    INSERT INTO messages_v3 (seq, id, thread_id, sent_at)
        SELECT rowid, id, thread_id, sent_at FROM messages;
    DROP TABLE messages;
    ALTER TABLE messages_v3 RENAME TO messages;
    CREATE INDEX IF NOT EXISTS messages_age ON messages (sent_at);
    CREATE INDEX IF NOT EXISTS messages_thread ON messages (thread_id)",
    ),
    (
        4,
        // Sends by idempotency key: at most one upstream send per key (see `store/sends.rs`).
        "CREATE TABLE IF NOT EXISTS sends (
        key TEXT PRIMARY KEY,
        digest TEXT NOT NULL,
        state TEXT NOT NULL,
        answer TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS sends_age ON sends (created_at)",
    ),
    (
        5,
        // The change feed: each write to a conversation takes the next number of the account's
        // change counter (`ledger` key `change_seq`, which survives wipes); provider events
        // already handled, for de-duplication; the account the object serves (its alarm has
        // no request to name it).
        "ALTER TABLE conversations ADD COLUMN changed_seq INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX IF NOT EXISTS conversations_changed ON conversations (changed_seq);
    CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS events_age ON events (received_at);
    CREATE TABLE IF NOT EXISTS identity (id INTEGER PRIMARY KEY CHECK (id = 1), account TEXT NOT NULL)",
    ),
    (
        6,
        // Drift from the providers' documented answers, counted by endpoint, JSON path and
        // kind (never a value), and when each endpoint's answers were last checked.
        "CREATE TABLE IF NOT EXISTS contract_drift (
        endpoint TEXT NOT NULL,
        path TEXT NOT NULL,
        difference TEXT NOT NULL,
        breaks TEXT,
        count INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        PRIMARY KEY (endpoint, path, difference)
    );
    CREATE TABLE IF NOT EXISTS contract_checks (endpoint TEXT PRIMARY KEY, checked_at INTEGER NOT NULL)",
    ),
    (
        MESSAGE_IDS_VERSION,
        // Message ids are one identity, the LinkedIn message id inside whatever URN form
        // carries it (`linkedin_inbox::message_id`): rows stored before keep their old forms.
        // The rewrite runs in Rust after this statement (`Store::normalize_message_ids`), so
        // the one definition of the identity is the core's.
        "CREATE INDEX IF NOT EXISTS events_age ON events (received_at)",
    ),
    (
        super::account_health::HEALTH_VERSION,
        // The account's health (`rules/account_health.rs`): one row, its last change numbered
        // in the change feed.
        "CREATE TABLE IF NOT EXISTS account_health (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        state TEXT NOT NULL,
        provider TEXT,
        since INTEGER NOT NULL,
        until INTEGER,
        credential TEXT,
        probe_at INTEGER NOT NULL,
        changed_seq INTEGER NOT NULL
    )",
    ),
    (
        super::index_feed::INDEX_FEED_VERSION,
        // The client indexes that hold this account (`store/index_feed.rs`), each with the
        // marks of the feed it was last handed. Rows stored before changes were numbered get
        // numbers after this statement (`Store::number_unnumbered`).
        "CREATE TABLE IF NOT EXISTS index_subscribers (
        client TEXT PRIMARY KEY,
        epoch INTEGER NOT NULL,
        prunes INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        message_seq INTEGER NOT NULL
    )",
    ),
    (
        super::triage::TRIAGE_VERSION,
        // Triage (`store/triage.rs`): each conversation's state as items show it (NULL when
        // nothing is set), and the account's labels with the client that created each.
        "ALTER TABLE conversations ADD COLUMN triage TEXT;
    CREATE TABLE IF NOT EXISTS labels (
        name TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL
    )",
    ),
];

/// The version whose upgrade rewrites stored message ids to their one identity.
pub const MESSAGE_IDS_VERSION: u32 = 7;

/// The version a database reaches after every migration.
pub const LATEST: u32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// The migrations a database at `version` still needs.
pub fn pending(version: u32) -> impl Iterator<Item = &'static (u32, &'static str)> {
    MIGRATIONS.iter().filter(move |(v, _)| *v > version)
}

/// The ledger rows a legacy key-value entry becomes (`key`, `value`); a bucket is two rows.
/// Entries of no known form are left behind.
pub fn legacy_rows(key: &str, value: &serde_json::Value) -> Vec<(String, u64)> {
    if key.starts_with("bucket:") {
        let Ok(bucket) =
            serde_json::from_value::<crate::rules::request_limits::Bucket>(value.clone())
        else {
            return Vec::new();
        };
        return vec![
            (format!("{key}:tokens"), bucket.milli_tokens),
            (format!("{key}:at"), bucket.at_ms),
        ];
    }
    value
        .as_u64()
        .or_else(|| value.as_f64().filter(|v| *v >= 0.0).map(|v| v as u64))
        .map(|v| vec![(key.to_owned(), v)])
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn legacy_ledger_entries_become_rows() {
        assert_eq!(legacy_rows("hits", &json!(7)), vec![("hits".to_owned(), 7)]);
        assert_eq!(
            legacy_rows("cs:20000", &json!(149.0)),
            vec![("cs:20000".to_owned(), 149)]
        );
        assert_eq!(
            legacy_rows(
                "bucket:alex",
                &json!({"milli_tokens": 59000, "at_ms": 1_700_000_000_000u64})
            ),
            vec![
                ("bucket:alex:tokens".to_owned(), 59_000),
                ("bucket:alex:at".to_owned(), 1_700_000_000_000)
            ]
        );
        assert!(legacy_rows("bucket:alex", &json!(3)).is_empty());
        assert!(legacy_rows("hits", &json!(-1)).is_empty());
        assert!(legacy_rows("hits", &json!("seven")).is_empty());
    }

    #[test]
    fn versions_follow_each_other_from_one() {
        for (index, (version, statements)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*version as usize, index + 1);
            assert!(!statements.trim().is_empty());
        }
        assert_eq!(pending(0).count(), MIGRATIONS.len());
        assert_eq!(pending(LATEST).count(), 0);
    }
}
