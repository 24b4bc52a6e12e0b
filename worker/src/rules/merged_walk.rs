//! **The merged cursor** of `GET /v1/conversations?account=all`: one position in the client's
//! merged index (`store/inbox_index/`), whatever the number of accounts, bound to the
//! filters' fingerprint and sealed for the client (`seal.rs`). It also holds the index's change
//! number, so a cursor whose position did not move (the walk waits for an account's older
//! pages) still differs from the one presented once they came in.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// A place in the merged order (newest activity first, then the client's account order
/// `rank`, then thread id): after (or, as a bound, up to) this conversation. The index's
/// pages (`store/inbox_index/page.rs`) are read from one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPosition {
    pub at: i64,
    pub rank: i64,
    pub thread_id: String,
}

impl IndexPosition {
    /// Whether `self` comes before `other` in the merged order.
    pub fn before(&self, other: &Self) -> bool {
        (other.at, self.rank, &self.thread_id) < (self.at, other.rank, &other.thread_id)
    }
}

/// The longest merged cursor or change token (sealed) a client may present.
#[cfg(target_arch = "wasm32")]
pub const MAX_MERGED_LEN: usize = 8192;

/// The seal scope of a client's merged cursors (never an account digest: 24 hex characters).
pub fn scope(client: &str) -> String {
    format!("client:{client}")
}

/// The merged cursor's text (sealed by the caller): the filters' fingerprint, the index's
/// change number, and the position after the last conversation handed out.
pub fn encode(fingerprint: &str, stored: u64, position: &IndexPosition) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "m2|{fingerprint}|{stored}|{}|{}|{}",
        position.at, position.rank, position.thread_id
    ))
}

/// The position of a merged cursor made for these filters.
pub fn decode(text: &str, fingerprint: &str) -> Option<IndexPosition> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
    let mut parts = text.strip_prefix("m2|")?.splitn(5, '|');
    let (presented, _stored) = (parts.next()?, parts.next()?.parse::<u64>().ok()?);
    if presented != fingerprint {
        return None;
    }
    Some(IndexPosition {
        at: parts.next()?.parse().ok()?,
        rank: parts.next()?.parse().ok()?,
        thread_id: parts.next()?.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_other_filters_or_forms() {
        let position = IndexPosition {
            at: 1_795_514_400_000,
            rank: 199,
            thread_id: "2-ab|c==".into(),
        };
        let text = encode("fp", 42, &position);
        assert_eq!(decode(&text, "fp"), Some(position.clone()));
        assert!(decode(&text, "other").is_none());
        assert!(decode("!!", "fp").is_none());
        // Sealed for the client, in a scope no account's (24 hex characters) can be.
        assert_eq!(scope("team"), "client:team");
        assert!(!scope("0123456789abcdef01234567")
            .chars()
            .all(|c| c.is_ascii_hexdigit()));
        // A cursor of the earlier per-account form is not a position.
        assert!(decode(&URL_SAFE_NO_PAD.encode("m1|fp|a=*;b=-"), "fp").is_none());
        // The length does not grow with the accounts: a long thread id and a 64-character
        // fingerprint stay far under the cap once sealed (a key id and a tag, under 100).
        let long = IndexPosition {
            thread_id: format!("2-{}==", "Q".repeat(56)),
            ..position
        };
        assert!(encode(&"f".repeat(64), u64::MAX, &long).len() + 100 < 400);
    }
}
