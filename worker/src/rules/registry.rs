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
    linkup_login_token: Option<String>,
    #[serde(default)]
    linkup_account_id: Option<String>,
    #[serde(default)]
    linkup_country: Option<String>,
    #[serde(default)]
    list_via: Option<Provider>,
    #[serde(default)]
    threads_via: Option<Provider>,
    #[serde(default)]
    connectsafely_webhook_secret: Option<String>,
    #[serde(default)]
    linkup_webhook_secret: Option<String>,
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
    linkup_login_token: Option<String>,
    #[serde(default)]
    linkup_account_id: Option<String>,
    #[serde(default)]
    linkup_country: Option<String>,
    #[serde(default)]
    list_via: Option<Provider>,
    #[serde(default)]
    threads_via: Option<Provider>,
    #[serde(default)]
    connectsafely_webhook_secret: Option<String>,
    #[serde(default)]
    linkup_webhook_secret: Option<String>,
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
    fn same_credentials(&self, other: &Self) -> bool {
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
        check_client(&clients, &spec).map_err(|what| problem(&what))?;
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
            check_account(account).map_err(|what| problem(&what))?;
            check_distinct(&accounts[..position], account).map_err(|what| problem(&what))?;
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
                .map_err(|what| problem(&what))?;
            let sessions = clients.iter().flat_map(|c| &c.accounts);
            check_sessions(sessions, account).map_err(|what| problem(&what))?;
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
        linkup_login_token: spec.linkup_login_token.clone().map(LoginToken::new),
        linkup_account_id: spec.linkup_account_id.clone(),
        linkup_country: spec.linkup_country.clone(),
        list_via: spec.list_via,
        threads_via: spec.threads_via,
        connectsafely_webhook_secret: spec
            .connectsafely_webhook_secret
            .clone()
            .map(WebhookSecret::new),
        linkup_webhook_secret: spec.linkup_webhook_secret.clone().map(WebhookSecret::new),
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
        linkup_login_token: spec.linkup_login_token.clone().map(LoginToken::new),
        linkup_account_id: spec.linkup_account_id.clone(),
        linkup_country: spec.linkup_country.clone(),
        list_via: spec.list_via,
        threads_via: spec.threads_via,
        connectsafely_webhook_secret: spec
            .connectsafely_webhook_secret
            .clone()
            .map(WebhookSecret::new),
        linkup_webhook_secret: spec.linkup_webhook_secret.clone().map(WebhookSecret::new),
    }
}

/// Names, ids and the like travel in headers and paths and appear in logs.
pub fn is_safe_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The registry must name each client once, by a well-formed digest of its own, with exact
/// origins: a duplicate name or digest would let one client act as another.
fn check_client(earlier: &[Client], spec: &ClientSpec) -> Result<(), String> {
    if !is_safe_name(&spec.name) {
        return Err("name must be 1 to 64 of A-Z a-z 0-9 . _ -".into());
    }
    if earlier.iter().any(|c| c.name == spec.name) {
        return Err("name is used by an earlier entry".into());
    }
    let digest = spec.token_sha256.trim();
    if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("tokenSha256 must be 64 hex characters".into());
    }
    if earlier
        .iter()
        .any(|c| c.token_sha256.trim().eq_ignore_ascii_case(digest))
    {
        return Err("tokenSha256 is used by an earlier entry".into());
    }
    if let Some(position) = spec
        .allowed_origins
        .iter()
        .position(|o| !crate::rules::settings::is_exact_origin(o))
    {
        // The entry's position only: a value pasted by mistake could be a secret.
        return Err(format!(
            "allowedOrigins[{position}] must be scheme://host[:port] with no path"
        ));
    }
    Ok(())
}

fn check_account(account: &Account) -> Result<(), String> {
    if !is_safe_name(&account.id) || account.id == ALL_ACCOUNTS {
        return Err("id must be 1 to 64 of A-Z a-z 0-9 . _ - and not \"all\"".into());
    }
    if account.label.trim().is_empty() || account.label.chars().count() > 80 {
        return Err("label must be 1 to 80 characters".into());
    }
    let blank = |v: Option<&str>| v.is_some_and(|v| v.trim().is_empty());
    if blank(account.connectsafely_account_id.as_deref())
        || blank(account.linkup_login_token.as_ref().map(LoginToken::expose))
        || blank(account.linkup_account_id.as_deref())
        || blank(
            account
                .connectsafely_webhook_secret
                .as_ref()
                .map(WebhookSecret::expose),
        )
        || blank(
            account
                .linkup_webhook_secret
                .as_ref()
                .map(WebhookSecret::expose),
        )
    {
        return Err("an account field is empty".into());
    }
    if account.providers().is_empty() {
        return Err(
            "give connectsafelyAccountId and/or linkupLoginToken (or linkupAccountId)".into(),
        );
    }
    // An event is checked against the account it names: without an id there is nothing to
    // check it against.
    if account.connectsafely_webhook_secret.is_some() && account.connectsafely_account_id.is_none()
    {
        return Err("connectsafelyWebhookSecret needs connectsafelyAccountId".into());
    }
    Ok(())
}

/// One LinkedIn account must be one entry of a client: under two ids it would appear twice in
/// its merged lists.
fn check_distinct(earlier: &[Account], account: &Account) -> Result<(), String> {
    let digest = crate::rules::client_auth::account_digest(account);
    match earlier.iter().find(|other| {
        other.id == account.id || crate::rules::client_auth::account_digest(other) == digest
    }) {
        Some(other) if other.id == account.id => Err("the client lists this id twice".into()),
        Some(other) => Err(format!(
            "this LinkedIn account is already listed as account {}",
            other.id
        )),
        None => Ok(()),
    }
}

/// One id names one LinkedIn account (one Durable Object) everywhere, and one LinkedIn account
/// has at most one chosen id; the single-account form's digest id may stand beside it (clients
/// still on that form keep working while others list the account by its chosen id).
fn check_one_id<'a>(
    earlier: impl Iterator<Item = &'a Account>,
    account: &Account,
) -> Result<(), String> {
    let digest = crate::rules::client_auth::account_digest(account);
    let chosen = |a: &Account, digest: &str| a.id != digest;
    for other in earlier {
        let other_digest = crate::rules::client_auth::account_digest(other);
        let same_account = other_digest == digest;
        if other.id == account.id && !same_account {
            return Err("this id is listed elsewhere for another LinkedIn account".into());
        }
        if same_account
            && other.id != account.id
            && chosen(other, &other_digest)
            && chosen(account, &digest)
        {
            return Err(format!(
                "this LinkedIn account is listed elsewhere as account {}: use that id",
                other.id
            ));
        }
    }
    Ok(())
}

/// A LinkedIn session belongs to one account: the same session under two account ids would
/// get two ledgers (twice the limits) for one LinkedIn account.
fn check_sessions<'a>(
    earlier: impl Iterator<Item = &'a Account>,
    account: &Account,
) -> Result<(), String> {
    let digest = crate::rules::client_auth::account_digest(account);
    for other in earlier {
        let same_session = (other.linkup_login_token.is_some()
            && other.linkup_login_token == account.linkup_login_token)
            || (other.linkup_account_id.is_some()
                && other.linkup_account_id == account.linkup_account_id);
        if same_session && crate::rules::client_auth::account_digest(other) != digest {
            return Err("linkupLoginToken (or linkupAccountId) is used by an earlier entry of another connectsafelyAccountId".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
