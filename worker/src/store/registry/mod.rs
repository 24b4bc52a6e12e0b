//! The client/account registry on its own Durable Object's SQLite (not an account's store):
//! who may call the proxy, which accounts each client reaches, the accounts' credentials
//! sealed (`rules/credential_seal.rs`), and an audit of every admin write. Generic over
//! [`Sql`] like the account store: the object runs it on its storage, the tests on an
//! in-memory SQLite. Times come in as arguments; random bytes come from the caller.
//! - `schema.rs`: its tables and indexes;
//! - `records.rs`: rows read, credentials opened; `writes.rs`: rows written, credentials sealed;
//! - `lookup.rs`: what the Worker asks on the request path (a client by token digest or name,
//!   an account for a webhook, whether any client allows an origin);
//! - `admin.rs` (and `admin/`): the admin API (`/admin/v1/...`) as one pure function.

mod admin;
mod health;
mod lookup;
mod records;
mod schema;
mod writes;

#[cfg(all(test, not(target_arch = "wasm32")))]
pub use admin::AdminReply;
pub use admin::{handle, AdminRequest};

use super::sql::{Result, Sql};

/// The most accounts one client may have linked (`PUT /clients/{name}/accounts/{id}` beyond it
/// is a 409, a create listing more a 400).
pub const MAX_LINKED_ACCOUNTS_PER_CLIENT: usize = 500;

/// The most clients one account may be linked to (a link beyond it is a 409).
pub const MAX_CLIENTS_PER_ACCOUNT: usize = 100;

/// What a client may do: `member` (the proxy API) or `operator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Member,
    Operator,
}

impl Role {
    /// The stored and answered name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Operator => "operator",
        }
    }

    fn from_name(name: &str) -> Self {
        if name == "operator" {
            Self::Operator
        } else {
            Self::Member
        }
    }
}

/// The registry, on its object's SQLite.
pub struct Registry<S: Sql> {
    sql: S,
}

impl<S: Sql> Registry<S> {
    /// The registry on `sql`, its tables and indexes created if new. Run once per object.
    pub fn open(sql: S) -> Result<Self> {
        for statement in schema::STATEMENTS {
            sql.run(statement, vec![])?;
        }
        Ok(Self { sql })
    }

    /// The SQLite underneath (the tests read the tables raw).
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn sql(&self) -> &S {
        &self.sql
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
