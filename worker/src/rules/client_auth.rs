//! Client authentication (token digests compared in constant time) and origin checks.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::rules::registry::{Account, Client};

/// The index of the client whose token digest is `digest_hex` (of `Authorization: Bearer
/// <token>`: [`bearer_digest`], as `directory.rs` takes it). Every registered digest is
/// compared (no early exit), each in constant time.
pub fn client_with_digest(clients: &[Client], digest_hex: &str) -> Option<usize> {
    let presented = decode_hex32(digest_hex)?;
    let mut found = None;
    for (index, client) in clients.iter().enumerate() {
        let Some(stored) = decode_hex32(&client.token_sha256) else {
            continue;
        };
        if bool::from(stored.ct_eq(&presented)) && found.is_none() {
            found = Some(index);
        }
    }
    found
}

/// The shortest `ADMIN_TOKEN` accepted (it unlocks every client and account).
pub const MIN_ADMIN_TOKEN_LEN: usize = 32;

/// The operator's token for the admin API, kept as its SHA-256 (never printed).
#[derive(Clone)]
pub struct AdminToken([u8; 32]);

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken([redacted])")
    }
}

impl AdminToken {
    /// `None` when `token` is too short to be one.
    pub fn new(token: &str) -> Option<Self> {
        let token = token.trim();
        (token.len() >= MIN_ADMIN_TOKEN_LEN).then(|| Self(Sha256::digest(token.as_bytes()).into()))
    }

    /// Whether `Authorization: Bearer <token>` carries this token (digests compared in
    /// constant time; the scheme is case-insensitive).
    pub fn admits(&self, authorization: Option<&str>) -> bool {
        bearer_digest(authorization).is_some_and(|presented| bool::from(self.0.ct_eq(&presented)))
    }
}

/// The SHA-256 of the token of `Authorization: Bearer <token>`, if it is one.
pub fn bearer_digest(authorization: Option<&str>) -> Option<[u8; 32]> {
    // The scheme is case-insensitive (RFC 9110 §11.1): `bearer` works like `Bearer`.
    let (scheme, token) = authorization?.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    if token.is_empty() {
        return None;
    }
    Some(token_digest(token))
}

/// The SHA-256 of a client's bearer token: what the registry keeps instead of the token.
pub fn token_digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// [`token_digest`] as lower-case hex (the registry's `tokenSha256`).
pub fn token_sha256_hex(token: &str) -> String {
    hex::encode(token_digest(token))
}

fn decode_hex32(digest: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(digest.trim(), &mut out).ok()?;
    Some(out)
}

/// Whether `origin` is allowed for `client` (exact match; a request without Origin, such as
/// an extension page with host permissions, is decided by its token alone).
pub fn origin_allowed(client: &Client, origin: Option<&str>) -> bool {
    origin.is_none_or(|o| client.allowed_origins.iter().any(|allowed| allowed == o))
}

/// Whether any client allows `origin` (for preflights, which carry no token).
pub fn any_client_allows(clients: &[Client], origin: &str) -> bool {
    clients
        .iter()
        .any(|c| c.allowed_origins.iter().any(|allowed| allowed == origin))
}

/// A short, stable, secret-free id of the client's LinkedIn account (the provider's account
/// id, never a session token): the key of its account gate, ledger and cache. Rotating the
/// login token, or a second client on the same account, keeps the same ledger and limits.
pub fn account_digest(client: &Account) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"account\0");
    // The provider's identity of the account: ConnectSafely's id, else LinkupAPI's v2 account,
    // else (LinkupAPI v1 only) the session itself, hashed: such an account's ledger restarts
    // when its session is rotated.
    match (
        &client.connectsafely_account_id,
        &client.linkup_account_id,
        &client.linkup_login_token,
    ) {
        (Some(id), _, _) => hasher.update(id.as_bytes()),
        (None, Some(id), _) => {
            hasher.update(b"linkup-v2\0");
            hasher.update(id.as_bytes());
        }
        (None, None, token) => {
            hasher.update(b"linkup-v1\0");
            hasher.update(token.as_ref().map_or("", |t| t.expose()).as_bytes());
        }
    }
    hex::encode(&hasher.finalize()[..12])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::settings::tests::config;
    use linkedin_inbox::LoginToken;

    /// A client whose digest is that of `token`.
    fn entry(name: &str, token: &str, origins: &[&str]) -> Client {
        let digest = hex::encode(Sha256::digest(token.as_bytes()));
        Client {
            name: name.into(),
            token_sha256: digest,
            allowed_origins: origins.iter().map(|o| (*o).to_owned()).collect(),
            accounts: Vec::new(),
        }
    }

    /// An account of both providers.
    fn account(name: &str) -> Account {
        Account {
            id: name.into(),
            label: name.into(),
            connectsafely_account_id: Some(format!("acct-{name}")),
            linkup_login_token: Some(LoginToken::new(format!("li-{name}"))),
            linkup_account_id: None,
            linkup_country: None,
            list_via: None,
            threads_via: None,
            connectsafely_webhook_secret: None,
            linkup_webhook_secret: None,
        }
    }

    /// The client of `Authorization`, in the Worker's two steps.
    fn authenticate(clients: &[Client], authorization: Option<&str>) -> Option<usize> {
        client_with_digest(clients, &hex::encode(bearer_digest(authorization)?))
    }

    #[test]
    fn the_admin_token_admits_itself_only_and_is_never_printed() {
        let secret = "admin-token-of-the-tests-0123456789";
        assert!(AdminToken::new(&secret[..MIN_ADMIN_TOKEN_LEN - 1]).is_none());
        let admin = AdminToken::new(secret).unwrap();
        assert!(admin.admits(Some(&format!("Bearer {secret}"))));
        assert!(admin.admits(Some(&format!("bearer  {secret} "))));
        assert!(!admin.admits(Some(&format!("Bearer {secret}x"))));
        assert!(!admin.admits(Some(secret)));
        assert!(!admin.admits(None));
        assert!(!format!("{admin:?}").contains(secret));
    }

    #[test]
    fn a_token_finds_its_own_client_only() {
        let clients = [entry("a", "tok-a", &[]), entry("b", "tok-b", &[])];
        assert_eq!(authenticate(&clients, Some("Bearer tok-b")), Some(1));
        assert_eq!(authenticate(&clients, Some("Bearer tok-c")), None);
        assert_eq!(authenticate(&clients, Some("Bearer ")), None);
        assert_eq!(authenticate(&clients, Some("tok-a")), None);
        assert_eq!(authenticate(&clients, Some("bearer tok-a")), Some(0));
        assert_eq!(authenticate(&clients, Some("BEARER  tok-a ")), Some(0));
        assert_eq!(authenticate(&clients, Some("Basic tok-a")), None);
        assert_eq!(authenticate(&clients, None), None);
        assert_eq!(authenticate(&config().env_clients, Some("Bearer x")), None);
        assert_eq!(client_with_digest(&clients, "not hex"), None);
    }

    #[test]
    fn origins_match_exactly() {
        let client = entry("a", "t", &["https://app.example"]);
        assert!(origin_allowed(&client, Some("https://app.example")));
        assert!(!origin_allowed(&client, Some("https://app.example.evil")));
        assert!(origin_allowed(&client, None));
        assert!(any_client_allows(&[client], "https://app.example"));
    }

    #[test]
    fn account_digests_are_stable_secret_free_and_per_account() {
        let (a, b) = (account("a"), account("b"));
        assert_eq!(account_digest(&a), account_digest(&a));
        assert_ne!(account_digest(&a), account_digest(&b));
        assert!(!account_digest(&a).contains("li-a") && account_digest(&a).len() == 24);
        let rotated = Account {
            linkup_login_token: Some(LoginToken::new("li-rotated")),
            ..account("a")
        };
        assert_eq!(
            account_digest(&a),
            account_digest(&rotated),
            "same account, same ledger"
        );
        let linkup_only = |token: &str, v2: Option<&str>| Account {
            connectsafely_account_id: None,
            linkup_login_token: v2.is_none().then(|| LoginToken::new(token)),
            linkup_account_id: v2.map(str::to_owned),
            ..account("c")
        };
        let v1 = account_digest(&linkup_only("li-secret", None));
        assert!(!v1.contains("li-secret"));
        assert_ne!(v1, account_digest(&linkup_only("li-other", None)));
        assert_eq!(
            account_digest(&linkup_only("x", Some("lk_acc_1"))),
            account_digest(&linkup_only("y", Some("lk_acc_1"))),
            "a v2 account is its own identity"
        );
    }
}
