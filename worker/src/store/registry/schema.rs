//! The registry's schema: its own object's SQLite, apart from the account store's
//! (`store/schema.rs`). Every credential column holds only a sealed value
//! (`rules/credential_seal.rs`, context `account:<id>:<field>`).

/// Run in order when the registry opens; each is idempotent.
pub(super) const STATEMENTS: &[&str] = &[
    // `active`: set by the first admin write or import; until then the Worker reads `CLIENTS`.
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    // `allowed_origins` is the JSON list as given; `client_origins` indexes it.
    "CREATE TABLE IF NOT EXISTS clients (
        name TEXT PRIMARY KEY,
        token_sha256 TEXT NOT NULL UNIQUE,
        allowed_origins TEXT NOT NULL,
        role TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS client_origins (
        origin TEXT NOT NULL,
        client TEXT NOT NULL,
        PRIMARY KEY (origin, client)) WITHOUT ROWID",
    // `identity` is the account's secret-free digest (`client_auth::account_digest`: which
    // LinkedIn account it is); `session_digest` the SHA-256 of its LinkupAPI session, so that
    // "one session, one account" is checked by index without opening every session.
    "CREATE TABLE IF NOT EXISTS accounts (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        connectsafely_account_id TEXT,
        linkup_account_id TEXT,
        linkup_country TEXT,
        list_via TEXT,
        threads_via TEXT,
        linkup_login_token TEXT,
        connectsafely_webhook_secret TEXT,
        linkup_webhook_secret TEXT,
        identity TEXT NOT NULL,
        session_digest TEXT,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS accounts_by_identity ON accounts (identity)",
    "CREATE INDEX IF NOT EXISTS accounts_by_linkup_account ON accounts (linkup_account_id)",
    "CREATE INDEX IF NOT EXISTS accounts_by_session ON accounts (session_digest)",
    "CREATE TABLE IF NOT EXISTS links (
        client TEXT NOT NULL,
        account TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (client, account)) WITHOUT ROWID",
    // A client's accounts in link order; an account's clients.
    "CREATE INDEX IF NOT EXISTS links_by_position ON links (client, position)",
    "CREATE INDEX IF NOT EXISTS links_by_account ON links (account, client)",
    "CREATE TABLE IF NOT EXISTS audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT)",
    // Each account's health as its object last reported it (a copy; never a credential).
    "CREATE TABLE IF NOT EXISTS account_health (
        id TEXT PRIMARY KEY,
        health TEXT NOT NULL,
        reported_at INTEGER NOT NULL)",
];
