//! The client registry (the `CLIENTS` secret): who may call the proxy, and which LinkedIn
//! accounts each client reaches. A client lists one or more accounts (`accounts`), or gives one
//! account's provider fields at its top level (the single-account form). Two clients listing
//! the same account id share its Durable Object, store and budget.

use linkedin_inbox::{LoginToken, Provider, WebhookSecret};
use serde::Deserialize;

use crate::rules::settings::ConfigError;

/// The account id `all` names every account of a client; no account may take it.
pub use linkedin_inbox::ALL_ACCOUNTS;

/// A client as the registry gives it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClientSpec {
    name: String,
    token_sha256: String,
    #[serde(default)]
    allowed_origins: Vec<String>,
    #[serde(default)]
    accounts: Option<Vec<AccountSpec>>,
    // The single-account form: one account's provider fields on the client itself.
    #[serde(default)]
    connectsafely_account_id: Option<String>,
    #[serde(default)]
    linkup_login_token: Option<LoginToken>,
    #[serde(default)]
    linkup_account_id: Option<String>,
    #[serde(default)]
    linkup_country: Option<String>,
    #[serde(default)]
    list_via: Option<Provider>,
    #[serde(default)]
    threads_via: Option<Provider>,
    #[serde(default)]
    connectsafely_webhook_secret: Option<WebhookSecret>,
    #[serde(default)]
    linkup_webhook_secret: Option<WebhookSecret>,
}

/// An account as a client's `accounts` lists it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AccountSpec {
    id: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    connectsafely_account_id: Option<String>,
    #[serde(default)]
    linkup_login_token: Option<LoginToken>,
    #[serde(default)]
    linkup_account_id: Option<String>,
    #[serde(default)]
    linkup_country: Option<String>,
    #[serde(default)]
    list_via: Option<Provider>,
    #[serde(default)]
    threads_via: Option<Provider>,
    #[serde(default)]
    connectsafely_webhook_secret: Option<WebhookSecret>,
    #[serde(default)]
    linkup_webhook_secret: Option<WebhookSecret>,
}

/// One LinkedIn account the proxy serves: its opaque id (in answers and webhook paths), a
/// label, and its provider credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub label: String,
    /// ConnectSafely account id, when the account uses ConnectSafely.
    pub connectsafely_account_id: Option<String>,
    /// LinkedIn session for LinkupAPI v1, when the account uses it.
    pub linkup_login_token: Option<LoginToken>,
    /// Account connected on LinkupAPI's side, for LinkupAPI v2 (instead of a login token).
    pub linkup_account_id: Option<String>,
    pub linkup_country: Option<String>,
    /// Which provider lists the inbox; by default ConnectSafely when configured.
    pub list_via: Option<Provider>,
    /// Which provider opens threads; by default LinkupAPI when configured.
    pub threads_via: Option<Provider>,
    /// Signs ConnectSafely's webhooks for this account.
    pub connectsafely_webhook_secret: Option<WebhookSecret>,
    /// Signs LinkupAPI's webhooks for this account.
    pub linkup_webhook_secret: Option<WebhookSecret>,
}

impl Account {
    /// The providers this account has credentials for.
    pub fn providers(&self) -> Vec<Provider> {
        let mut providers = Vec::new();
        if self.connectsafely_account_id.is_some() {
            providers.push(Provider::ConnectSafely);
        }
        if self.linkup_login_token.is_some() || self.linkup_account_id.is_some() {
            providers.push(Provider::Linkup);
        }
        providers
    }

    /// Everything but the label: two entries of one account must agree on it.
    pub(crate) fn same_credentials(&self, other: &Self) -> bool {
        Self {
            label: String::new(),
            ..self.clone()
        } == Self {
            label: String::new(),
            ..other.clone()
        }
    }
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("label", &self.label)
            .field("credentials", &"[redacted]")
            .finish()
    }
}

/// A client of the proxy.
#[derive(Debug, Clone)]
pub struct Client {
    pub name: String,
    /// Hex SHA-256 of the client's token; the token itself is never stored.
    pub token_sha256: String,
    pub allowed_origins: Vec<String>,
    /// The client's accounts, in its order (at least one).
    pub accounts: Vec<Account>,
}

/// The most accounts one client may list in the `CLIENTS` secret (which Cloudflare caps at 5
/// KiB anyway; the stored registry has its own bound).
pub const MAX_ACCOUNTS_PER_CLIENT: usize = 20;
/// The most accounts `?account=all` merges (a merged cursor holds a position for each, and
/// each is asked): a client of more names one account at a time.
#[cfg(target_arch = "wasm32")]
pub const MAX_MERGED_ACCOUNTS: usize = 20;

/// Parses and checks the registry: its errors name the entry and the field, never a value
/// (a value pasted in the wrong field could be a secret).
pub fn parse(json: &str) -> Result<Vec<Client>, ConfigError> {
    let specs: Vec<ClientSpec> = serde_json::from_str(json).map_err(|e| {
        ConfigError(format!(
            "CLIENTS is not a valid client list: {}",
            crate::rules::settings::classify(&e)
        ))
    })?;
    let mut clients: Vec<Client> = Vec::new();
    for (index, spec) in specs.into_iter().enumerate() {
        let problem = |what: &str| ConfigError(format!("CLIENTS entry {index}: {what}"));
        checks::check_client(&clients, &spec).map_err(|what| problem(&what.message))?;
        let (accounts, explicit) = match spec.accounts {
            Some(ref listed) => {
                if has_own_account(&spec) {
                    return Err(problem(
                        "give accounts or the single-account fields, not both",
                    ));
                }
                if listed.is_empty() || listed.len() > MAX_ACCOUNTS_PER_CLIENT {
                    return Err(problem(&format!(
                        "accounts must list 1 to {MAX_ACCOUNTS_PER_CLIENT} accounts"
                    )));
                }
                (listed.iter().map(account_of_spec).collect::<Vec<_>>(), true)
            }
            None => (vec![single_account(&spec)], false),
        };
        for (position, account) in accounts.iter().enumerate() {
            let problem = |what: &str| {
                ConfigError(format!("CLIENTS entry {index}, account {position}: {what}"))
            };
            check_account(account).map_err(|what| problem(&what.message))?;
            check_distinct(&accounts[..position], account)
                .map_err(|what| problem(&what.message))?;
            // One id is one account everywhere (its webhooks name it). The single-account
            // form's ids are digests of the LinkedIn account: two such clients may use it with
            // other credentials, as before accounts had ids.
            let elsewhere = clients
                .iter()
                .flat_map(|c| &c.accounts)
                .find(|a| a.id == account.id);
            if explicit && elsewhere.is_some_and(|other| !other.same_credentials(account)) {
                return Err(problem(
                    "this id is listed elsewhere with other provider fields",
                ));
            }
            // And one LinkedIn account has one id everywhere (whatever the order of the
            // entries): its Durable Object names it in what it pushes.
            check_one_id(clients.iter().flat_map(|c| &c.accounts), account)
                .map_err(|what| problem(&what.message))?;
            let sessions = clients.iter().flat_map(|c| &c.accounts);
            check_sessions(sessions, account).map_err(|what| problem(&what.message))?;
        }
        clients.push(Client {
            name: spec.name,
            token_sha256: spec.token_sha256,
            allowed_origins: spec.allowed_origins,
            accounts,
        });
    }
    Ok(clients)
}

fn has_own_account(spec: &ClientSpec) -> bool {
    spec.connectsafely_account_id.is_some()
        || spec.linkup_login_token.is_some()
        || spec.linkup_account_id.is_some()
        || spec.linkup_country.is_some()
        || spec.list_via.is_some()
        || spec.threads_via.is_some()
        || spec.connectsafely_webhook_secret.is_some()
        || spec.linkup_webhook_secret.is_some()
}

fn single_account(spec: &ClientSpec) -> Account {
    let mut account = Account {
        id: String::new(),
        label: spec.name.clone(),
        connectsafely_account_id: spec.connectsafely_account_id.clone(),
        linkup_login_token: spec.linkup_login_token.clone(),
        linkup_account_id: spec.linkup_account_id.clone(),
        linkup_country: spec.linkup_country.clone(),
        list_via: spec.list_via,
        threads_via: spec.threads_via,
        connectsafely_webhook_secret: spec.connectsafely_webhook_secret.clone(),
        linkup_webhook_secret: spec.linkup_webhook_secret.clone(),
    };
    // Opaque and stable: the account's digest (secret-free), the same for every client of it.
    account.id = crate::rules::client_auth::account_digest(&account);
    account
}

fn account_of_spec(spec: &AccountSpec) -> Account {
    Account {
        id: spec.id.clone(),
        label: spec.label.clone().unwrap_or_else(|| spec.id.clone()),
        connectsafely_account_id: spec.connectsafely_account_id.clone(),
        linkup_login_token: spec.linkup_login_token.clone(),
        linkup_account_id: spec.linkup_account_id.clone(),
        linkup_country: spec.linkup_country.clone(),
        list_via: spec.list_via,
        threads_via: spec.threads_via,
        connectsafely_webhook_secret: spec.connectsafely_webhook_secret.clone(),
        linkup_webhook_secret: spec.linkup_webhook_secret.clone(),
    }
}

mod checks;

pub use checks::is_safe_name;
pub(crate) use checks::{
    check_account, check_distinct, check_name, check_one_id, check_origins, check_routes,
    check_sessions, Refusal,
};

#[cfg(test)]
mod tests;
