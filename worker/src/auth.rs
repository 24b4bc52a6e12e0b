//! Client authentication (token digests compared in constant time) and origin checks.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::ClientEntry;

/// The index of the client whose token digest matches `Authorization: Bearer <token>`.
/// Every registered digest is compared (no early exit), each in constant time.
pub fn authenticate(clients: &[ClientEntry], authorization: Option<&str>) -> Option<usize> {
    let token = authorization?.strip_prefix("Bearer ")?.trim();
    if token.is_empty() {
        return None;
    }
    let presented: [u8; 32] = Sha256::digest(token.as_bytes()).into();
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

fn decode_hex32(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim().as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in hex.chunks(2).enumerate() {
        let text = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

/// Whether `origin` is allowed for `client` (exact match; a request without Origin, such as
/// an extension page with host permissions, is decided by its token alone).
pub fn origin_allowed(client: &ClientEntry, origin: Option<&str>) -> bool {
    origin.is_none_or(|o| client.allowed_origins.iter().any(|allowed| allowed == o))
}

/// Whether any client allows `origin` (for preflights, which carry no token).
pub fn any_client_allows(clients: &[ClientEntry], origin: &str) -> bool {
    clients
        .iter()
        .any(|c| c.allowed_origins.iter().any(|allowed| allowed == origin))
}

/// A short, stable, secret-free id of the client's accounts, for cache keys and usage.
pub fn account_digest(client: &ClientEntry) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"account\0");
    hasher.update(client.connectsafely_account_id.as_bytes());
    hasher.update(b"\0");
    hasher.update(Sha256::digest(client.linkup_login_token.as_bytes()));
    hasher.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
