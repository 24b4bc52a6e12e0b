//! The registry's rules, one home for each: the `CLIENTS` parser (`registry::parse`) and the
//! stored registry's admin API (`store/registry/`) both call these. A refusal names the field
//! it is about and says what is wrong, never with the value (it could be a secret).

use linkedin_inbox::{LoginToken, Provider, WebhookSecret};

use super::{Account, Client, ClientSpec, ALL_ACCOUNTS};
use crate::rules::client_auth::account_digest;

/// A rule broken: the field it is about (as the JSON names it) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub field: &'static str,
    pub message: String,
}

impl Refusal {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Names, ids and the like travel in headers and paths and appear in logs.
pub fn is_safe_name(name: &str) -> bool {
    // `.` and `..` fit the characters but a URL path reads them as "here" and "up".
    (1..=64).contains(&name.len())
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A client's name: `[A-Za-z0-9._-]{1,64}`.
pub(crate) fn check_name(name: &str) -> Result<(), Refusal> {
    if is_safe_name(name) {
        Ok(())
    } else {
        Err(Refusal::new(
            "name",
            "name must be 1 to 64 of A-Z a-z 0-9 . _ -",
        ))
    }
}

/// Exact origins only (`scheme://host[:port]`, as a browser sends `Origin`).
pub(crate) fn check_origins(origins: &[String]) -> Result<(), Refusal> {
    match origins
        .iter()
        .position(|o| !crate::rules::settings::is_exact_origin(o))
    {
        // The entry's position only: a value pasted by mistake could be a secret.
        Some(position) => Err(Refusal::new(
            "allowedOrigins",
            format!("allowedOrigins[{position}] must be scheme://host[:port] with no path"),
        )),
        None => Ok(()),
    }
}

/// The registry must name each client once, by a well-formed digest of its own, with exact
/// origins: a duplicate name or digest would let one client act as another.
pub(super) fn check_client(earlier: &[Client], spec: &ClientSpec) -> Result<(), Refusal> {
    check_name(&spec.name)?;
    if earlier.iter().any(|c| c.name == spec.name) {
        return Err(Refusal::new("name", "name is used by an earlier entry"));
    }
    let digest = spec.token_sha256.trim();
    if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refusal::new(
            "tokenSha256",
            "tokenSha256 must be 64 hex characters",
        ));
    }
    if earlier
        .iter()
        .any(|c| c.token_sha256.trim().eq_ignore_ascii_case(digest))
    {
        return Err(Refusal::new(
            "tokenSha256",
            "tokenSha256 is used by an earlier entry",
        ));
    }
    check_origins(&spec.allowed_origins)
}

/// An account on its own: a well-formed id that is not `all`, a label, no empty field, at
/// least one provider, and an id for the events its ConnectSafely webhook secret checks.
pub(crate) fn check_account(account: &Account) -> Result<(), Refusal> {
    if !is_safe_name(&account.id) || account.id == ALL_ACCOUNTS {
        return Err(Refusal::new(
            "id",
            "id must be 1 to 64 of A-Z a-z 0-9 . _ - and not \"all\"",
        ));
    }
    if account.label.trim().is_empty() || account.label.chars().count() > 80 {
        return Err(Refusal::new("label", "label must be 1 to 80 characters"));
    }
    let blank = |v: Option<&str>| v.is_some_and(|v| v.trim().is_empty());
    let fields = [
        (
            "connectsafelyAccountId",
            account.connectsafely_account_id.as_deref(),
        ),
        (
            "linkupLoginToken",
            account.linkup_login_token.as_ref().map(LoginToken::expose),
        ),
        ("linkupAccountId", account.linkup_account_id.as_deref()),
        (
            "connectsafelyWebhookSecret",
            account
                .connectsafely_webhook_secret
                .as_ref()
                .map(WebhookSecret::expose),
        ),
        (
            "linkupWebhookSecret",
            account
                .linkup_webhook_secret
                .as_ref()
                .map(WebhookSecret::expose),
        ),
    ];
    if let Some((field, _)) = fields.iter().find(|(_, value)| blank(*value)) {
        return Err(Refusal::new(field, "an account field is empty"));
    }
    if account.providers().is_empty() {
        return Err(Refusal::new(
            "connectsafelyAccountId",
            "give connectsafelyAccountId and/or linkupLoginToken (or linkupAccountId)",
        ));
    }
    // An event is checked against the account it names: without an id there is nothing to
    // check it against.
    if account.connectsafely_webhook_secret.is_some() && account.connectsafely_account_id.is_none()
    {
        return Err(Refusal::new(
            "connectsafelyWebhookSecret",
            "connectsafelyWebhookSecret needs connectsafelyAccountId",
        ));
    }
    Ok(())
}

/// `listVia` and `threadsVia` name a provider the account has credentials for. (The admin API
/// checks it; `CLIENTS` has never been held to it, and the core refuses such a route when
/// it is used.)
pub(crate) fn check_routes(account: &Account) -> Result<(), Refusal> {
    let providers = account.providers();
    for (field, route) in [
        ("listVia", account.list_via),
        ("threadsVia", account.threads_via),
    ] {
        if route.is_some_and(|p: Provider| !providers.contains(&p)) {
            return Err(Refusal::new(
                field,
                format!("{field} names a provider the account has no credentials for"),
            ));
        }
    }
    Ok(())
}

/// The field that makes an account the LinkedIn account it is (see `account_digest`).
fn identity_field(account: &Account) -> &'static str {
    if account.connectsafely_account_id.is_some() {
        "connectsafelyAccountId"
    } else if account.linkup_account_id.is_some() {
        "linkupAccountId"
    } else {
        "linkupLoginToken"
    }
}

/// One LinkedIn account must be one entry of a client: under two ids it would appear twice in
/// its merged lists.
pub(crate) fn check_distinct(earlier: &[Account], account: &Account) -> Result<(), Refusal> {
    let digest = account_digest(account);
    match earlier
        .iter()
        .find(|other| other.id == account.id || account_digest(other) == digest)
    {
        Some(other) if other.id == account.id => {
            Err(Refusal::new("accounts", "the client lists this id twice"))
        }
        Some(other) => Err(Refusal::new(
            "accounts",
            format!(
                "this LinkedIn account is already listed as account {}",
                other.id
            ),
        )),
        None => Ok(()),
    }
}

/// One id names one LinkedIn account (one Durable Object) everywhere, and one LinkedIn account
/// has at most one chosen id; the single-account form's digest id may stand beside it (clients
/// still on that form keep working while others list the account by its chosen id).
pub(crate) fn check_one_id<'a>(
    earlier: impl Iterator<Item = &'a Account>,
    account: &Account,
) -> Result<(), Refusal> {
    let digest = account_digest(account);
    let chosen = |a: &Account, digest: &str| a.id != digest;
    for other in earlier {
        let other_digest = account_digest(other);
        let same_account = other_digest == digest;
        if other.id == account.id && !same_account {
            return Err(Refusal::new(
                "id",
                "this id is listed elsewhere for another LinkedIn account",
            ));
        }
        if same_account
            && other.id != account.id
            && chosen(other, &other_digest)
            && chosen(account, &digest)
        {
            return Err(Refusal::new(
                identity_field(account),
                format!(
                    "this LinkedIn account is listed elsewhere as account {}: use that id",
                    other.id
                ),
            ));
        }
    }
    Ok(())
}

/// A LinkedIn session belongs to one account: the same session under two account ids would
/// get two ledgers (twice the limits) for one LinkedIn account.
pub(crate) fn check_sessions<'a>(
    earlier: impl Iterator<Item = &'a Account>,
    account: &Account,
) -> Result<(), Refusal> {
    let digest = account_digest(account);
    for other in earlier {
        let same_token = other.linkup_login_token.is_some()
            && other.linkup_login_token == account.linkup_login_token;
        let same_v2 = other.linkup_account_id.is_some()
            && other.linkup_account_id == account.linkup_account_id;
        if (same_token || same_v2) && account_digest(other) != digest {
            return Err(Refusal::new(
                if same_token { "linkupLoginToken" } else { "linkupAccountId" },
                "linkupLoginToken (or linkupAccountId) is used by an earlier entry of another connectsafelyAccountId",
            ));
        }
    }
    Ok(())
}
