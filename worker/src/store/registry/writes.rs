//! The registry's writes: accounts (credentials sealed on the way in), clients and their
//! origins' index, links, reseals, and the audit (which marks the registry active).

use linkedin_inbox::{LoginToken, Provider, WebhookSecret};

use super::super::sql::{int, text, text_or_null, uint, Result, Sql, Value};
use super::records::{
    nonce, seal_context, session_digest, ClientRow, CLIENT_COLUMNS, SEALED_FIELDS,
};
use super::Registry;
use crate::rules::client_auth::account_digest;
use crate::rules::credential_seal::CredentialKeys;
use crate::rules::registry::Account;

impl<S: Sql> Registry<S> {
    /// Writes `account` (new or replacing its row), its credentials sealed.
    pub(super) fn put_account(
        &self,
        keys: &CredentialKeys,
        account: &Account,
        disabled: bool,
        created_at: u64,
        now_ms: u64,
        random: &mut dyn FnMut(&mut [u8]),
    ) -> Result<()> {
        let mut seal = |field: &str, plaintext: Option<&str>| -> Value {
            plaintext.map_or(Value::Null, |plaintext| {
                text(&keys.seal(
                    &seal_context(&account.id, field),
                    plaintext,
                    nonce(&mut *random),
                ))
            })
        };
        let login = seal(
            "linkupLoginToken",
            account.linkup_login_token.as_ref().map(LoginToken::expose),
        );
        let connectsafely_secret = seal(
            "connectsafelyWebhookSecret",
            account
                .connectsafely_webhook_secret
                .as_ref()
                .map(WebhookSecret::expose),
        );
        let linkup_secret = seal(
            "linkupWebhookSecret",
            account
                .linkup_webhook_secret
                .as_ref()
                .map(WebhookSecret::expose),
        );
        self.sql.run(
            "INSERT OR REPLACE INTO accounts (id, label, connectsafely_account_id,
                linkup_account_id, linkup_country, list_via, threads_via, linkup_login_token,
                connectsafely_webhook_secret, linkup_webhook_secret, identity, session_digest,
                disabled, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                text(&account.id),
                text(&account.label),
                text_or_null(account.connectsafely_account_id.as_deref()),
                text_or_null(account.linkup_account_id.as_deref()),
                text_or_null(account.linkup_country.as_deref()),
                text_or_null(account.list_via.map(Provider::as_str)),
                text_or_null(account.threads_via.map(Provider::as_str)),
                login,
                connectsafely_secret,
                linkup_secret,
                text(&account_digest(account)),
                text_or_null(
                    account
                        .linkup_login_token
                        .as_ref()
                        .map(session_digest)
                        .as_deref(),
                ),
                int(i64::from(disabled)),
                uint(created_at),
                uint(now_ms),
            ],
        )
    }

    /// Writes a client (new or replacing its row) and its origins' index.
    pub(super) fn put_client(&self, row: &ClientRow) -> Result<()> {
        self.sql.run(
            "DELETE FROM client_origins WHERE client = ?",
            vec![text(&row.name)],
        )?;
        self.sql.run(
            &format!(
                // Never OR REPLACE: a token digest equal to another client's must fail, not
                // delete that client.
                "INSERT INTO clients ({CLIENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (name) DO UPDATE SET token_sha256 = excluded.token_sha256,
                 allowed_origins = excluded.allowed_origins, role = excluded.role,
                 disabled = excluded.disabled, created_at = excluded.created_at,
                 updated_at = excluded.updated_at"
            ),
            vec![
                text(&row.name),
                text(&row.token_sha256),
                text(&row.allowed_origins),
                text(&row.role),
                int(i64::from(row.disabled())),
                uint(row.created_at as u64),
                uint(row.updated_at as u64),
            ],
        )?;
        for origin in row.origins() {
            self.sql.run(
                "INSERT OR IGNORE INTO client_origins (origin, client) VALUES (?, ?)",
                vec![text(&origin), text(&row.name)],
            )?;
        }
        Ok(())
    }

    /// Removes a client, its links and its origins.
    pub(super) fn delete_client(&self, name: &str) -> Result<()> {
        for statement in [
            "DELETE FROM links WHERE client = ?",
            "DELETE FROM client_origins WHERE client = ?",
            "DELETE FROM clients WHERE name = ?",
        ] {
            self.sql.run(statement, vec![text(name)])?;
        }
        Ok(())
    }

    /// Removes an account and its links.
    pub(super) fn delete_account(&self, id: &str) -> Result<()> {
        self.sql
            .run("DELETE FROM links WHERE account = ?", vec![text(id)])?;
        self.sql
            .run("DELETE FROM accounts WHERE id = ?", vec![text(id)])
    }

    /// Links `account` to `client` after its other accounts.
    pub(super) fn link(&self, client: &str, account: &str) -> Result<()> {
        self.sql.run(
            "INSERT INTO links (client, account, position)
             SELECT ?, ?, COALESCE(MAX(position) + 1, 0) FROM links WHERE client = ?",
            vec![text(client), text(account), text(client)],
        )
    }

    pub(super) fn unlink(&self, client: &str, account: &str) -> Result<()> {
        self.sql.run(
            "DELETE FROM links WHERE client = ? AND account = ?",
            vec![text(client), text(account)],
        )
    }

    /// Replaces one sealed column of an account (a reseal).
    pub(super) fn set_sealed(&self, id: &str, column: &str, sealed: &str) -> Result<()> {
        // `column` is one of `SEALED_FIELDS`' names, never input.
        debug_assert!(SEALED_FIELDS.iter().any(|(c, _)| *c == column));
        self.sql.run(
            &format!("UPDATE accounts SET {column} = ? WHERE id = ?"),
            vec![text(sealed), text(id)],
        )
    }

    /// Records one admin write, and marks the registry active.
    pub(super) fn audit(
        &self,
        now_ms: u64,
        actor: &str,
        action: &str,
        target: &str,
        detail: Option<serde_json::Value>,
    ) -> Result<()> {
        self.sql.run(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('active', 1)",
            vec![],
        )?;
        self.sql.run(
            "INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
            vec![
                uint(now_ms),
                text(actor),
                text(action),
                text(target),
                text_or_null(detail.map(|d| d.to_string()).as_deref()),
            ],
        )
    }
}
