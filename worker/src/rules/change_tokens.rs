//! The texts inside the change feed's tokens and the push channel's tickets (the caller seals
//! them with `CURSOR_SECRET`, for the client): pure, tested natively.
//!
//! A change token holds, per account of the request, the store's wipe epoch and the last change
//! number handed out. A ticket names the client, the account and when it expires.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// Where a client stands in one account's change feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub epoch: u64,
    pub seq: i64,
}

/// The text of a change token for `(account id, mark)` pairs, in the client's order.
pub fn encode_changes(marks: &[(&str, Mark)]) -> String {
    let lanes: Vec<String> = marks
        .iter()
        .map(|(id, m)| format!("{id}={}.{}", m.epoch, m.seq))
        .collect();
    URL_SAFE_NO_PAD.encode(format!("c1|{}", lanes.join(";")))
}

/// The per-account values of `lanes` (`id=value;id=value…`), if they name exactly `accounts`
/// in order (a merged cursor's and a change token's shared layout).
pub fn account_lanes<'a>(lanes: &'a str, accounts: &[&str]) -> Option<Vec<&'a str>> {
    let lanes: Vec<&str> = lanes.split(';').collect();
    if lanes.len() != accounts.len() {
        return None;
    }
    lanes
        .iter()
        .zip(accounts)
        .map(|(lane, account)| {
            let (id, value) = lane.split_once('=')?;
            (id == *account).then_some(value)
        })
        .collect()
}

/// The marks of a change token made for exactly `accounts` (ids in order).
pub fn decode_changes(text: &str, accounts: &[&str]) -> Option<Vec<Mark>> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
    account_lanes(text.strip_prefix("c1|")?, accounts)?
        .into_iter()
        .map(|mark| {
            let (epoch, seq) = mark.split_once('.')?;
            Some(Mark {
                epoch: epoch.parse().ok()?,
                seq: seq.parse().ok().filter(|s: &i64| *s >= 0)?,
            })
        })
        .collect()
}

/// A push ticket: the client, the account, when it expires, and a tag of the client's token
/// (the first 16 hex characters of its SHA-256), so a ticket of a rotated token opens nothing.
pub fn encode_ticket(client: &str, token_tag: &str, account: &str, expires_ms: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("t2|{client}|{account}|{expires_ms}|{token_tag}"))
}

/// The first 16 hex characters of a client's token digest: what tickets and sockets carry.
pub fn token_tag(token_sha256: &str) -> &str {
    token_sha256.get(..16).unwrap_or(token_sha256)
}

/// `(client, account, token tag)` of a ticket that has not expired at `now_ms`.
pub fn decode_ticket(text: &str, now_ms: u64) -> Option<(String, String, String)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
    let mut parts = text.strip_prefix("t2|")?.split('|');
    let (client, account, expires, tag) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || expires.parse::<u64>().ok()? < now_ms {
        return None;
    }
    Some((client.to_owned(), account.to_owned(), tag.to_owned()))
}

/// Where a client stood in its merged index's own change feed (`store/inbox_index/changes.rs`):
/// the index's epoch (moved when an account's rows were replaced) and change number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangesMark {
    pub epoch: u64,
    pub seq: i64,
}

/// The change token's text for a client whose index answers `/v1/changes` (more accounts
/// than a token holds a mark of each): the index's epoch and change number.
pub fn encode_index_mark(mark: &ChangesMark) -> String {
    format!("x1|{}|{}", mark.epoch, mark.seq)
}

/// The index mark of a change token of [`encode_index_mark`]'s form.
pub fn decode_index_mark(text: &str) -> Option<ChangesMark> {
    let mut parts = text.strip_prefix("x1|")?.split('|');
    let mark = ChangesMark {
        epoch: parts.next()?.parse().ok()?,
        seq: parts.next()?.parse().ok()?,
    };
    parts.next().is_none().then_some(mark)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_tokens_round_trip_for_their_accounts_only() {
        let marks = [
            ("a", Mark { epoch: 0, seq: 7 }),
            ("b", Mark { epoch: 2, seq: 0 }),
        ];
        let text = encode_changes(&marks);
        assert_eq!(
            decode_changes(&text, &["a", "b"]).unwrap(),
            vec![marks[0].1, marks[1].1]
        );
        assert!(decode_changes(&text, &["b", "a"]).is_none());
        assert!(decode_changes(&text, &["a"]).is_none());
        assert!(decode_changes("nonsense", &["a"]).is_none());
        let negative = URL_SAFE_NO_PAD.encode("c1|a=0.-1");
        assert!(decode_changes(&negative, &["a"]).is_none());
    }

    #[test]
    fn tickets_expire() {
        let ticket = encode_ticket("team", "0123456789abcdef", "alex", 1_000);
        assert_eq!(
            decode_ticket(&ticket, 999),
            Some(("team".into(), "alex".into(), "0123456789abcdef".into()))
        );
        assert_eq!(decode_ticket(&ticket, 1_001), None);
        assert_eq!(
            decode_ticket(&URL_SAFE_NO_PAD.encode("t2|a|b|5|x|y"), 0),
            None
        );
        assert_eq!(decode_ticket(&URL_SAFE_NO_PAD.encode("t1|a|b|5"), 0), None);
        assert_eq!(token_tag(&"ab".repeat(32)), "abababababababab");
    }

    #[test]
    fn index_marks_round_trip_and_refuse_other_forms() {
        let mark = ChangesMark { epoch: 3, seq: 42 };
        assert_eq!(decode_index_mark(&encode_index_mark(&mark)), Some(mark));
        assert_eq!(decode_index_mark("c1|alex=1.2"), None);
        assert_eq!(decode_index_mark("x1|3|42|9"), None);
        assert_eq!(decode_index_mark("x1|a|b"), None);
    }
}
