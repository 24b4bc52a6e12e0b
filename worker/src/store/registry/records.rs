//! The registry's rows read into the registry's types, credentials opened (`writes.rs` writes
//! them). The comment on each query names the index it uses.

use linkedin_inbox::{LoginToken, Provider, WebhookSecret};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::super::sql::{int, text, text_or_null, uint, Result, Sql, StoreError};
use super::{Registry, Role};
use crate::rules::client_auth::account_digest;
use crate::rules::credential_seal::CredentialKeys;
use crate::rules::registry::Account;

/// The sealed columns of `accounts`, each with its field name (the end of its seal context).
pub(super) const SEALED_FIELDS: [(&str, &str); 3] = [
    ("linkup_login_token", "linkupLoginToken"),
    ("connectsafely_webhook_secret", "connectsafelyWebhookSecret"),
    ("linkup_webhook_secret", "linkupWebhookSecret"),
];

/// Where a credential of account `id` is sealed for: a value moved elsewhere does not open.
pub(super) fn seal_context(id: &str, field: &str) -> String {
    format!("account:{id}:{field}")
}

/// The columns an [`AccountRow`] reads.
pub(super) const ACCOUNT_COLUMNS: &str = "a.id, a.label, a.connectsafely_account_id, \
    a.linkup_account_id, a.linkup_country, a.list_via, a.threads_via, a.linkup_login_token, \
    a.connectsafely_webhook_secret, a.linkup_webhook_secret, a.disabled, a.created_at, \
    a.updated_at";

/// An account as stored: its credentials sealed.
#[derive(Deserialize, Clone)]
pub(super) struct AccountRow {
    pub id: String,
    pub label: String,
    pub connectsafely_account_id: Option<String>,
    pub linkup_account_id: Option<String>,
    pub linkup_country: Option<String>,
    pub list_via: Option<String>,
    pub threads_via: Option<String>,
    pub linkup_login_token: Option<String>,
    pub connectsafely_webhook_secret: Option<String>,
    pub linkup_webhook_secret: Option<String>,
    pub disabled: f64,
    pub created_at: f64,
    pub updated_at: f64,
}

impl AccountRow {
    /// The account with its credentials opened; a credential that does not open (its key left
    /// `REGISTRY_KEYS`, or the row was altered) is an error, never a silent gap.
    pub fn open(&self, keys: &CredentialKeys) -> Result<Account> {
        let open = |field: &str, sealed: &Option<String>| -> Result<Option<String>> {
            sealed
                .as_deref()
                .map(|sealed| {
                    keys.open(&seal_context(&self.id, field), sealed)
                        .map_err(|e| StoreError(format!("account {} {field}: {e}", self.id)))
                })
                .transpose()
        };
        Ok(Account {
            id: self.id.clone(),
            label: self.label.clone(),
            connectsafely_account_id: self.connectsafely_account_id.clone(),
            linkup_login_token: open("linkupLoginToken", &self.linkup_login_token)?
                .map(LoginToken::new),
            linkup_account_id: self.linkup_account_id.clone(),
            linkup_country: self.linkup_country.clone(),
            list_via: self.list_via.as_deref().and_then(Provider::from_name),
            threads_via: self.threads_via.as_deref().and_then(Provider::from_name),
            connectsafely_webhook_secret: open(
                "connectsafelyWebhookSecret",
                &self.connectsafely_webhook_secret,
            )?
            .map(WebhookSecret::new),
            linkup_webhook_secret: open("linkupWebhookSecret", &self.linkup_webhook_secret)?
                .map(WebhookSecret::new),
        })
    }

    pub fn disabled(&self) -> bool {
        self.disabled != 0.0
    }

    /// The sealed values of the row with their column and field names.
    pub fn sealed(&self) -> [(&'static str, &'static str, Option<&str>); 3] {
        let [(c0, f0), (c1, f1), (c2, f2)] = SEALED_FIELDS;
        [
            (c0, f0, self.linkup_login_token.as_deref()),
            (c1, f1, self.connectsafely_webhook_secret.as_deref()),
            (c2, f2, self.linkup_webhook_secret.as_deref()),
        ]
    }
}

/// A client as stored.
#[derive(Deserialize, Clone)]
pub(super) struct ClientRow {
    pub name: String,
    pub token_sha256: String,
    pub allowed_origins: String,
    pub role: String,
    pub disabled: f64,
    pub created_at: f64,
    pub updated_at: f64,
}

impl ClientRow {
    pub fn origins(&self) -> Vec<String> {
        serde_json::from_str(&self.allowed_origins).unwrap_or_default()
    }

    pub fn role(&self) -> Role {
        Role::from_name(&self.role)
    }

    pub fn disabled(&self) -> bool {
        self.disabled != 0.0
    }
}

pub(super) const CLIENT_COLUMNS: &str =
    "name, token_sha256, allowed_origins, role, disabled, created_at, updated_at";

#[derive(Deserialize)]
struct Name {
    name: String,
}

#[derive(Deserialize)]
struct Count {
    n: f64,
}

/// The SHA-256 of a LinkupAPI session (the `session_digest` column).
pub(super) fn session_digest(token: &LoginToken) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"session\0");
    hasher.update(token.expose().as_bytes());
    hex::encode(hasher.finalize())
}

/// A random 12-byte nonce.
pub(super) fn nonce(random: &mut dyn FnMut(&mut [u8])) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    random(&mut nonce);
    nonce
}

impl<S: Sql> Registry<S> {
    /// A client by name (primary key).
    pub(super) fn client_row(&self, name: &str) -> Result<Option<ClientRow>> {
        self.sql.first_row(
            &format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE name = ?"),
            vec![text(name)],
        )
    }

    /// A client by token digest (the UNIQUE index of `token_sha256`).
    pub(super) fn client_row_by_digest(&self, digest: &str) -> Result<Option<ClientRow>> {
        self.sql.first_row(
            &format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE token_sha256 = ?"),
            vec![text(digest)],
        )
    }

    /// A page of clients after `after` (primary key order).
    pub(super) fn client_rows_after(&self, after: &str, limit: usize) -> Result<Vec<ClientRow>> {
        self.sql.rows(
            &format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE name > ? ORDER BY name LIMIT ?"),
            vec![text(after), uint(limit as u64)],
        )
    }

    /// An account by id (primary key).
    pub(super) fn account_row(&self, id: &str) -> Result<Option<AccountRow>> {
        self.sql.first_row(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = ?"),
            vec![text(id)],
        )
    }

    /// A page of accounts after `after` (primary key order); `limit` 0 reads them all.
    pub(super) fn account_rows_after(&self, after: &str, limit: usize) -> Result<Vec<AccountRow>> {
        let limit = if limit == 0 { -1 } else { limit as i64 };
        self.sql.rows(
            &format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id > ? ORDER BY a.id LIMIT ?"
            ),
            vec![text(after), int(limit)],
        )
    }

    /// A client's accounts in link order (`links_by_position`, then the accounts' primary key).
    pub(super) fn linked_account_rows(&self, client: &str) -> Result<Vec<AccountRow>> {
        self.sql.rows(
            &format!(
                "SELECT {ACCOUNT_COLUMNS} FROM links l JOIN accounts a ON a.id = l.account
                 WHERE l.client = ? ORDER BY l.position"
            ),
            vec![text(client)],
        )
    }

    /// A client's account ids in link order (`links_by_position`).
    pub(super) fn linked_ids(&self, client: &str) -> Result<Vec<String>> {
        Ok(self
            .sql
            .rows::<Name>(
                "SELECT account AS name FROM links WHERE client = ? ORDER BY position",
                vec![text(client)],
            )?
            .into_iter()
            .map(|n| n.name)
            .collect())
    }

    /// The clients an account is linked to, by name (`links_by_account`).
    pub(super) fn clients_of(&self, account: &str) -> Result<Vec<String>> {
        Ok(self
            .sql
            .rows::<Name>(
                "SELECT client AS name FROM links WHERE account = ? ORDER BY client",
                vec![text(account)],
            )?
            .into_iter()
            .map(|n| n.name)
            .collect())
    }

    /// How many accounts a client has linked (`links` primary key prefix).
    pub(super) fn link_count(&self, client: &str) -> Result<usize> {
        self.count("SELECT COUNT(*) AS n FROM links WHERE client = ?", client)
    }

    /// How many clients an account is linked to (`links_by_account`).
    pub(super) fn client_count(&self, account: &str) -> Result<usize> {
        self.count("SELECT COUNT(*) AS n FROM links WHERE account = ?", account)
    }

    fn count(&self, statement: &str, key: &str) -> Result<usize> {
        Ok(self
            .sql
            .first_row::<Count>(statement, vec![text(key)])?
            .map_or(0, |c| c.n as usize))
    }

    /// Whether `client` links `account` (`links` primary key).
    pub(super) fn is_linked(&self, client: &str, account: &str) -> Result<bool> {
        Ok(self
            .sql
            .first_row::<Count>(
                "SELECT 1 AS n FROM links WHERE client = ? AND account = ?",
                vec![text(client), text(account)],
            )?
            .is_some())
    }

    /// Stored accounts that could be the same LinkedIn account or share its session as
    /// `account` (`accounts_by_identity`, `accounts_by_linkup_account`, `accounts_by_session`),
    /// opened, `except` left out: what `check_one_id` and `check_sessions` compare it with.
    pub(super) fn lookalikes(
        &self,
        keys: &CredentialKeys,
        account: &Account,
        except: &str,
    ) -> Result<Vec<Account>> {
        let rows: Vec<AccountRow> = self.sql.rows(
            &format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.identity = ?
                 OR a.linkup_account_id = ? OR a.session_digest = ?"
            ),
            vec![
                text(&account_digest(account)),
                text_or_null(account.linkup_account_id.as_deref()),
                text_or_null(
                    account
                        .linkup_login_token
                        .as_ref()
                        .map(session_digest)
                        .as_deref(),
                ),
            ],
        )?;
        rows.iter()
            .filter(|row| row.id != except)
            .map(|row| row.open(keys))
            .collect()
    }

    /// The accounts a client links that are the LinkedIn account `identity` is the digest of
    /// (`links` primary key prefix, then the accounts' primary key), opened.
    pub(super) fn linked_with_identity(
        &self,
        keys: &CredentialKeys,
        client: &str,
        identity: &str,
    ) -> Result<Vec<Account>> {
        let rows: Vec<AccountRow> = self.sql.rows(
            &format!(
                "SELECT {ACCOUNT_COLUMNS} FROM links l JOIN accounts a ON a.id = l.account
                 WHERE l.client = ? AND a.identity = ?"
            ),
            vec![text(client), text(identity)],
        )?;
        rows.iter().map(|row| row.open(keys)).collect()
    }
}
