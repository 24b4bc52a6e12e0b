//! What the Worker asks the registry on the request path. Each answer is one or two indexed
//! queries whatever the registry's size; the comment on each says which index.

use serde::Deserialize;

use super::super::sql::{int, text, Result, Sql};
use super::records::ClientRow;
use super::Registry;
use crate::rules::credential_seal::CredentialKeys;
use crate::rules::registry::{Account, Client};

#[derive(Deserialize)]
struct Flag {
    value: f64,
}

impl<S: Sql> Registry<S> {
    /// Whether the registry is in use: set by the first admin write or import. Until then the
    /// Worker keeps reading `CLIENTS`. (`meta` primary key.)
    pub fn is_active(&self) -> Result<bool> {
        Ok(self
            .sql
            .first_row::<Flag>("SELECT value FROM meta WHERE key = 'active'", vec![])?
            .is_some_and(|flag| flag.value != 0.0))
    }

    /// The enabled client whose token's SHA-256 is `sha256_hex`, its enabled accounts in link
    /// order, credentials opened. (The UNIQUE index of `clients.token_sha256`, then
    /// `links_by_position` joined to the accounts' primary key.) The digest is looked up by
    /// index, not compared in constant time: it is the hash of a 32-byte random token, and
    /// timing over it tells nothing of any token.
    pub fn client_by_token_digest(
        &self,
        keys: &CredentialKeys,
        sha256_hex: &str,
    ) -> Result<Option<Client>> {
        let digest = sha256_hex.trim().to_ascii_lowercase();
        match self.client_row_by_digest(&digest)? {
            Some(row) if !row.disabled() => self.client_of(keys, row).map(Some),
            _ => Ok(None),
        }
    }

    /// The enabled client named `name`, as [`Registry::client_by_token_digest`] gives it.
    /// (`clients` primary key, then `links_by_position`.)
    pub fn client_by_name(&self, keys: &CredentialKeys, name: &str) -> Result<Option<Client>> {
        match self.client_row(name)? {
            Some(row) if !row.disabled() => self.client_of(keys, row).map(Some),
            _ => Ok(None),
        }
    }

    fn client_of(&self, keys: &CredentialKeys, row: ClientRow) -> Result<Client> {
        let accounts = self
            .linked_account_rows(&row.name)?
            .iter()
            .filter(|account| !account.disabled())
            .map(|account| account.open(keys))
            .collect::<Result<Vec<_>>>()?;
        Ok(Client {
            allowed_origins: row.origins(),
            name: row.name,
            token_sha256: row.token_sha256,
            accounts,
        })
    }

    /// The enabled account `id`, credentials opened (for its webhooks). (`accounts` primary
    /// key.)
    pub fn account(&self, keys: &CredentialKeys, id: &str) -> Result<Option<Account>> {
        match self.account_row(id)? {
            Some(row) if !row.disabled() => row.open(keys).map(Some),
            _ => Ok(None),
        }
    }

    /// Whether an enabled client lists `origin` (for preflights, which carry no token).
    /// (`client_origins` primary key prefix, then `clients` primary key.)
    pub fn any_client_allows(&self, origin: &str) -> Result<bool> {
        Ok(self
            .sql
            .first_row::<Flag>(
                "SELECT 1 AS value FROM client_origins o JOIN clients c ON c.name = o.client
                 WHERE o.origin = ? AND c.disabled = 0 LIMIT 1",
                vec![text(origin)],
            )?
            .is_some())
    }

    /// The objects a write to the client `name` or the account `id` may touch, as `(account
    /// id, object name)`, at most `limit`, read without opening a credential (the account's
    /// `identity` is its object's name). (`links_by_position` / the accounts' primary key.)
    pub fn gates_of(
        &self,
        client: Option<&str>,
        account: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, String)>> {
        #[derive(serde::Deserialize)]
        struct Gate {
            id: String,
            identity: String,
        }
        let gates: Vec<Gate> = match (client, account) {
            (Some(client), _) => self.sql.rows(
                "SELECT a.id AS id, a.identity AS identity FROM links l
                 JOIN accounts a ON a.id = l.account WHERE l.client = ?
                 ORDER BY l.position LIMIT ?",
                vec![text(client), int(limit as i64)],
            )?,
            (None, Some(account)) => self.sql.rows(
                "SELECT id, identity FROM accounts WHERE id = ?",
                vec![text(account)],
            )?,
            (None, None) => Vec::new(),
        };
        Ok(gates.into_iter().map(|g| (g.id, g.identity)).collect())
    }
}
