//! The large generated accounts (`--big-account N --big-accounts K`), for benchmarks and the
//! tests of one inbox over many accounts: their ids, login tokens, conversations, and the
//! members they share.

use super::generate::{account, person, DEMO_THREAD_LENGTHS};
use super::{Account, Person, ANCHOR_MS};
use crate::rng::Rng;

/// Large account 0: its ConnectSafely id and LinkupAPI login token.
pub const BIG_ACCOUNT_ID: &str = "b16b16b16b16b16b16b16b16";
pub const BIG_ACCOUNT_TOKEN: &str = "demo-login-token-big";
/// At most this many large accounts (`--big-accounts`).
pub const MAX_BIG_ACCOUNTS: usize = 256;
/// Members who have a conversation with every large account (when it has enough of them).
pub const SHARED_MEMBERS: usize = 12;

/// The ConnectSafely id of large account `k`: `BIG_ACCOUNT_ID` for 0, else
/// `b16b16b16b16b16b` and `k` in 8 hex digits (`b16b16b16b16b16b00000001`…): 24 lowercase hex
/// digits like every ConnectSafely account id, distinct for every `k` up to `MAX_BIG_ACCOUNTS`.
pub fn big_account_id(k: usize) -> String {
    match k {
        0 => BIG_ACCOUNT_ID.into(),
        k => format!("{}{:08x}", &BIG_ACCOUNT_ID[..16], k as u32),
    }
}

/// The LinkupAPI login token of large account `k` (0: `BIG_ACCOUNT_TOKEN`, then `…-big-1`…).
pub fn big_account_token(k: usize) -> String {
    match k {
        0 => BIG_ACCOUNT_TOKEN.into(),
        k => format!("{BIG_ACCOUNT_TOKEN}-{k}"),
    }
}

/// The members every large account talks with, the same for every account (same profile id,
/// URN, name and picture): member `j` is the first participant of the conversation at
/// position `10·j + 5` (newest first) of each large account with more than `10·j + 5`.
pub fn shared_members(seed: u64) -> Vec<Person> {
    let mut rng = Rng::new(seed ^ 0x5_4A2E_D000);
    (0..SHARED_MEMBERS).map(|_| person(&mut rng)).collect()
}

/// Large account `k`: `count` generated conversations, newest at the demo data's anchor.
/// Account 0 has threads of 10 to 300 messages like the demo accounts (the search benchmark
/// reads 50 of each); the others 4 to 8, so that 200 accounts of 300 conversations stay
/// small in memory and quick to generate.
pub fn big_account(seed: u64, count: usize, k: usize, shared: &[Person]) -> Account {
    let mut rng = Rng::new(seed.wrapping_add(0xb16).wrapping_add(k as u64 * 7919));
    let thread_lengths = if k == 0 { DEMO_THREAD_LENGTHS } else { (4, 8) };
    let mut account = account(
        &mut rng,
        &big_account_id(k),
        &format!("ACoAABigAccountOwner{k:016}"),
        ("Sam", "Large"),
        count,
        ANCHOR_MS,
        thread_lengths,
    );
    for (j, member) in shared.iter().enumerate() {
        if let Some(conversation) = account.conversations.get_mut(10 * j + 5) {
            conversation.participants[0] = member.clone();
        }
    }
    account
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_24_hex_digits_for_every_account() {
        let ids: std::collections::HashSet<String> =
            (0..MAX_BIG_ACCOUNTS).map(big_account_id).collect();
        assert_eq!(ids.len(), MAX_BIG_ACCOUNTS);
        for id in &ids {
            assert!(
                id.len() == 24
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                "{id}"
            );
        }
        assert_eq!(big_account_id(1), "b16b16b16b16b16b00000001");
        assert_eq!(big_account_id(255), "b16b16b16b16b16b000000ff");
        let tokens: std::collections::HashSet<String> =
            (0..MAX_BIG_ACCOUNTS).map(big_account_token).collect();
        assert_eq!(tokens.len(), MAX_BIG_ACCOUNTS);
    }
}
