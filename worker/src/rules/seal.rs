//! Signed cursors. The proxy's provider keys serve every account, so a cursor a client hands
//! back must be one this proxy issued to that client's account: each cursor leaving the Worker
//! carries an HMAC-SHA256 tag over the account and the core's cursor (which already binds the
//! query's filters). A forged, altered or foreign cursor is `INVALID_CURSOR` before any call.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use linkedin_inbox::Error;
use sha2::Sha256;

/// Bytes of the tag kept (128 bits, as HMAC-SHA256-128).
const TAG_BYTES: usize = 16;
/// Domain separation: a tag made for anything else never verifies here.
const CONTEXT: &[u8] = b"linkedin-inbox cursor v1\n";
/// The shortest `CURSOR_SECRET` accepted.
pub const MIN_SECRET_LEN: usize = 32;

/// The key cursors are signed with (`CURSOR_SECRET`); never printed.
#[derive(Clone)]
pub struct CursorKey(Vec<u8>);

impl CursorKey {
    /// `None` when the secret is too short to be a key.
    pub fn new(secret: &str) -> Option<Self> {
        let secret = secret.trim();
        (secret.len() >= MIN_SECRET_LEN).then(|| Self(secret.as_bytes().to_vec()))
    }

    fn mac(&self, account: &str, cursor: &str) -> Hmac<Sha256> {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(CONTEXT);
        mac.update(account.as_bytes());
        mac.update(b"\n");
        mac.update(cursor.as_bytes());
        mac
    }

    /// A short public id of the key (8 hex characters): part of cache keys, so pages holding
    /// cursors of a rotated key are never served again.
    pub fn key_id(&self) -> String {
        let tag = self.mac("", "key id").finalize().into_bytes();
        hex::encode(&tag[..4])
    }

    /// The cursor as handed to a client of `account`.
    pub fn seal(&self, account: &str, cursor: &str) -> String {
        let tag = self.mac(account, cursor).finalize().into_bytes();
        format!("{cursor}.{}", URL_SAFE_NO_PAD.encode(&tag[..TAG_BYTES]))
    }

    /// The core cursor inside `presented`, if this proxy sealed it for `account`.
    pub fn open(&self, account: &str, presented: &str) -> Result<String, Error> {
        let refused = || Error::InvalidCursor {
            reason: "not a cursor this proxy issued to this client".into(),
        };
        let (cursor, tag) = presented.rsplit_once('.').ok_or_else(refused)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| refused())?;
        if tag.len() != TAG_BYTES {
            return Err(refused());
        }
        // Constant-time comparison of the truncated tag.
        self.mac(account, cursor)
            .verify_truncated_left(&tag)
            .map_err(|_| refused())?;
        Ok(cursor.to_owned())
    }
}

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkedin_inbox::ErrorCode;

    fn key(secret: &str) -> CursorKey {
        CursorKey::new(secret).unwrap()
    }

    const SECRET: &str = "a-cursor-secret-of-at-least-32-bytes!";

    #[test]
    fn a_sealed_cursor_opens_for_its_account_only() {
        let key = key(SECRET);
        let sealed = key.seal("acct-a", "djF8Y3N8Znw0MA");
        assert_eq!(key.open("acct-a", &sealed).unwrap(), "djF8Y3N8Znw0MA");
        let foreign = key.open("acct-b", &sealed).unwrap_err();
        assert_eq!(foreign.code(), ErrorCode::InvalidCursor);
    }

    #[test]
    fn forged_altered_or_unsigned_cursors_are_refused() {
        let key = key(SECRET);
        let sealed = key.seal("acct-a", "djF8Y3N8Znw0MA");
        let altered = sealed.replacen("Znw0", "Znw1", 1);
        let other_key = CursorKey::new("another-secret-that-is-32-bytes-long").unwrap();
        for presented in [
            "djF8Y3N8Znw0MA".to_owned(),
            altered,
            other_key.seal("acct-a", "djF8Y3N8Znw0MA"),
            format!("{sealed}x"),
            format!("{}.", sealed.rsplit_once('.').unwrap().0),
            String::new(),
            ".".into(),
        ] {
            let error = key.open("acct-a", &presented).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidCursor, "{presented}");
        }
    }

    #[test]
    fn short_secrets_are_not_keys_and_keys_never_print() {
        let other = CursorKey::new("another-secret-that-is-32-bytes-long").unwrap();
        assert_eq!(key(SECRET).key_id().len(), 8);
        assert_ne!(key(SECRET).key_id(), other.key_id());
        assert!(CursorKey::new("short").is_none());
        assert!(CursorKey::new(&" ".repeat(40)).is_none());
        assert_eq!(format!("{:?}", key(SECRET)), "CursorKey([redacted])");
    }
}
