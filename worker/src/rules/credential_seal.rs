//! Credentials at rest in the registry: sealed with AES-256-GCM under the `REGISTRY_KEYS`
//! secret, each bound to its place by the associated data (`account:<id>:<field>`), so a value
//! copied to another account or field does not open. A sealed value is
//! `v1.<kid>.<base64url nonce, 12 bytes>.<base64url ciphertext and tag>`; the kid names the key
//! that sealed it, so keys rotate: the first key of the secret seals, every listed key opens.
//! The nonce comes from the caller (the Worker has its runtime's random source, the tests a
//! fixed one); nothing here reads a clock or a random source.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

use crate::rules::settings::ConfigError;

/// The version prefix of a sealed value.
const VERSION: &str = "v1";

/// The most characters a key id may have.
const MAX_KID_LEN: usize = 32;

/// The size of an AES-GCM tag: no sealed value is shorter.
const TAG_LEN: usize = 16;

/// The keys of `REGISTRY_KEYS`: the first is current (it seals), all of them open. Its
/// `Debug` names the key ids only.
pub struct CredentialKeys {
    keys: Vec<(String, Aes256Gcm)>,
}

impl std::fmt::Debug for CredentialKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialKeys")
            .field(
                "kids",
                &self.keys.iter().map(|(kid, _)| kid).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Why a sealed value did not open. None says anything of the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealError {
    /// Not of the form `v1.<kid>.<nonce>.<ciphertext>`.
    Malformed,
    /// Sealed under a key `REGISTRY_KEYS` does not list (any more).
    UnknownKey,
    /// The tag does not check: altered, or sealed for another place.
    Rejected,
}

impl std::fmt::Display for SealError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Malformed => "the sealed value is malformed",
            Self::UnknownKey => "the sealed value's key is not in REGISTRY_KEYS",
            Self::Rejected => "the sealed value does not open here (altered or moved)",
        })
    }
}

impl std::error::Error for SealError {}

fn is_kid(kid: &str) -> bool {
    (1..=MAX_KID_LEN).contains(&kid.len())
        && kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
}

impl CredentialKeys {
    /// Reads `REGISTRY_KEYS`: `kid:base64(32 bytes)[,kid:base64(32 bytes)...]`, the first
    /// current. Errors name the entry by position and kid, never a key.
    pub fn parse(secret: &str) -> Result<Self, ConfigError> {
        let mut keys: Vec<(String, Aes256Gcm)> = Vec::new();
        for (index, entry) in secret.split(',').enumerate() {
            let problem = |what: &str| ConfigError(format!("REGISTRY_KEYS entry {index}: {what}"));
            let Some((kid, key)) = entry.trim().split_once(':') else {
                return Err(problem("must be kid:base64 of 32 bytes"));
            };
            let kid = kid.trim();
            if !is_kid(kid) {
                return Err(problem(&format!(
                    "the kid must be 1 to {MAX_KID_LEN} of A-Z a-z 0-9 _ -"
                )));
            }
            if keys.iter().any(|(known, _)| known == kid) {
                return Err(problem(&format!("kid {kid} is listed twice")));
            }
            let bytes = STANDARD
                .decode(key.trim())
                .ok()
                .filter(|bytes| bytes.len() == 32)
                .ok_or_else(|| {
                    problem(&format!("the key of kid {kid} must be base64 of 32 bytes"))
                })?;
            let cipher = Aes256Gcm::new_from_slice(&bytes)
                .map_err(|_| problem(&format!("the key of kid {kid} must be 32 bytes")))?;
            keys.push((kid.to_owned(), cipher));
        }
        Ok(Self { keys })
    }

    /// The kid of the current key (the one [`CredentialKeys::seal`] uses).
    pub fn current_kid(&self) -> &str {
        &self.keys[0].0
    }

    /// `plaintext` sealed under the current key for `context` (its place), with `nonce`
    /// (12 random bytes, never reused under one key).
    pub fn seal(&self, context: &str, plaintext: &str, nonce: [u8; 12]) -> String {
        let (kid, cipher) = &self.keys[0];
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            // AES-GCM refuses only messages of more than 64 GiB.
            .unwrap_or_default();
        format!(
            "{VERSION}.{kid}.{}.{}",
            URL_SAFE_NO_PAD.encode(nonce),
            URL_SAFE_NO_PAD.encode(sealed)
        )
    }

    /// The plaintext of `sealed`, if it was sealed for `context` under a listed key and is
    /// unaltered.
    pub fn open(&self, context: &str, sealed: &str) -> Result<String, SealError> {
        let (kid, nonce, ciphertext) = split(sealed)?;
        let (_, cipher) = self
            .keys
            .iter()
            .find(|(known, _)| known == kid)
            .ok_or(SealError::UnknownKey)?;
        let plaintext = cipher
            .decrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SealError::Rejected)?;
        String::from_utf8(plaintext).map_err(|_| SealError::Rejected)
    }

    /// Whether `sealed` is sealed under the current key (else a reseal would rewrite it).
    pub fn is_current(&self, sealed: &str) -> bool {
        split(sealed).is_ok_and(|(kid, _, _)| kid == self.current_kid())
    }
}

/// A sealed value's kid, nonce and ciphertext.
fn split(sealed: &str) -> Result<(&str, [u8; 12], Vec<u8>), SealError> {
    let mut parts = sealed.split('.');
    let (Some(VERSION), Some(kid), Some(nonce), Some(ciphertext), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(SealError::Malformed);
    };
    if !is_kid(kid) {
        return Err(SealError::Malformed);
    }
    let nonce: [u8; 12] = URL_SAFE_NO_PAD
        .decode(nonce)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(SealError::Malformed)?;
    let ciphertext = URL_SAFE_NO_PAD
        .decode(ciphertext)
        .ok()
        .filter(|bytes| bytes.len() >= TAG_LEN)
        .ok_or(SealError::Malformed)?;
    Ok((kid, nonce, ciphertext))
}

#[cfg(test)]
mod tests;
