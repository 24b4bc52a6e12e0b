//! Generating the demo data: the documented examples' accounts, seeded people, pictures,
//! tokens and conversations.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::*;
use crate::data::phrases::{
    COMPANIES, FIRST_NAMES, HEADLINES, LAST_NAMES, MESSAGES, NON_LATIN_NAMES,
};
use crate::rng::Rng;

/// Messages in a demo conversation (at least 4: up to 3 may be unread, and the oldest is a
/// system message).
pub const DEMO_THREAD_LENGTHS: (u64, u64) = (10, 300);

/// The demo accounts: (account id, owner profile id, owner name, conversations).
pub fn demo_accounts(seed: u64) -> Vec<Account> {
    let mut rng = Rng::new(seed);
    let mut docs = account(
        &mut rng,
        "696ce9e780e0483585e4e553",
        "ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio",
        ("Alex", "Morgan"),
        64,
        ANCHOR_MS - 3_600_000,
        DEMO_THREAD_LENGTHS,
    );
    docs.conversations
        .push(crate::data::doc_examples::connectsafely_conversation());
    docs.sort();
    let mut linkup = account(
        &mut rng,
        "5f1b2c3d4e5f60718293a4b5",
        "ACoAADxnv0oB_dN-NfpvEBlsVPU_W1omM-Xu24o",
        ("Titouan", "Prioux"),
        62,
        ANCHOR_MS - 7 * DAY_MS,
        DEMO_THREAD_LENGTHS,
    );
    linkup
        .conversations
        .push(crate::data::doc_examples::linkup_conversation(
            &linkup.owner,
        ));
    linkup.sort();
    let mut third = account(
        &mut rng,
        "6a7b8c9d0e1f2a3b4c5d6e7f",
        "ACoAAB3xPriyaIyerDemo0000000000000000",
        ("Priya", "Iyer"),
        70,
        ANCHOR_MS - 2 * DAY_MS,
        DEMO_THREAD_LENGTHS,
    );
    // Hostile text, as anyone can send on LinkedIn: clients must render it as text.
    let newest = &mut third.conversations[0].messages[0];
    newest.text = XSS_BAIT.into();
    newest.kind = "TEXT";
    vec![docs, linkup, third]
}

/// An account of `count` generated conversations, the newest at `newest`, each of
/// `thread_lengths` (low, high) messages.
pub(super) fn account(
    rng: &mut Rng,
    account_id: &str,
    owner_id: &str,
    owner_name: (&str, &str),
    count: usize,
    newest: i64,
    thread_lengths: (u64, u64),
) -> Account {
    let owner = Person {
        profile_id: owner_id.into(),
        first_name: owner_name.0.into(),
        last_name: owner_name.1.into(),
        headline: Some("Talent Partner at Northwind".into()),
        vanity_url: format!(
            "https://www.linkedin.com/in/{}-{}/",
            owner_name.0.to_lowercase(),
            owner_name.1.to_lowercase()
        ),
        picture: None,
        distance: None,
        member_id: rng.range(100_000_000, 999_999_999),
    };
    let mut latest = newest;
    let conversations = (0..count)
        .map(|_| {
            let conversation = conversation(rng, &owner, latest, thread_lengths);
            latest = conversation.last_activity_at() - rng.range(60_000, 4 * DAY_MS as u64) as i64;
            conversation
        })
        .collect();
    let mut account = Account {
        account_id: account_id.into(),
        owner,
        conversations,
    };
    account.sort();
    account
}

/// A generated member: name, profile id, URLs, picture (or none), distance, headline.
pub fn person(rng: &mut Rng) -> Person {
    let (first, last) = if rng.chance(15) {
        let (f, l) = rng.pick(NON_LATIN_NAMES);
        ((*f).to_owned(), (*l).to_owned())
    } else {
        (
            (*rng.pick(FIRST_NAMES)).to_owned(),
            (*rng.pick(LAST_NAMES)).to_owned(),
        )
    };
    person_named(rng, first, last)
}

/// A generated member with the given name (everything else drawn from `rng`).
pub fn person_named(rng: &mut Rng, first: String, last: String) -> Person {
    let profile_id = format!("ACoAA{}", token(rng, 33));
    let slug: String = format!("{first} {last}")
        .trim()
        .to_lowercase()
        .replace(' ', "-");
    let vanity_url = format!(
        "https://www.linkedin.com/in/{}-{:x}/",
        percent_encoding::utf8_percent_encode(&slug, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .replace("%2D", "-"),
        rng.next_u64() % 0xff_ffff
    );
    let picture = match rng.range(0, 9) {
        0 => None,
        1 => Some(picture_url(rng, PICTURE_EXPIRED_AT_S)),
        _ => Some(picture_url(rng, PICTURE_VALID_UNTIL_S)),
    };
    let distance = match rng.range(0, 19) {
        0..=11 => Some("DISTANCE_1"),
        12..=15 => Some("DISTANCE_2"),
        16..=17 => Some("DISTANCE_3"),
        18 => Some("OUT_OF_NETWORK"),
        _ => None,
    };
    Person {
        profile_id,
        first_name: first,
        last_name: last,
        headline: (!rng.chance(10)).then(|| (*rng.pick(HEADLINES)).to_owned()),
        vanity_url,
        picture,
        distance: distance.map(str::to_owned),
        member_id: rng.range(100_000_000, 999_999_999),
    }
}

fn picture_url(rng: &mut Rng, expires_s: i64) -> String {
    format!(
        "https://media.licdn.com/dms/image/v2/D4E03AQ{}/profile-displayphoto-shrink_100_100/0/{}?e={expires_s}&v=beta&t={}",
        token(rng, 14),
        rng.range(1_600_000_000_000, 1_760_000_000_000),
        token(rng, 43)
    )
}

/// Random URL-safe characters, as LinkedIn ids look.
pub fn token(rng: &mut Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..len)
        .map(|_| ALPHABET[(rng.next_u64() % 64) as usize] as char)
        .collect()
}

pub fn message_urns(owner_id: &str, timestamp: i64, rng: &mut Rng) -> (String, String) {
    let id = STANDARD.encode(format!("{timestamp}{:x}-100", rng.next_u64() % 0xf_ffff));
    (
        format!("urn:li:msg_message:(urn:li:fsd_profile:{owner_id},2-{id})"),
        format!("urn:li:messagingMessage:2-{id}"),
    )
}

fn conversation(
    rng: &mut Rng,
    owner: &Person,
    newest: i64,
    (shortest, longest): (u64, u64),
) -> Conversation {
    let group = rng.chance(7);
    let participants: Vec<Person> = (0..if group { 2 } else { 1 })
        .map(|_| person(rng))
        .collect();
    let thread_id = format!(
        "2-{}",
        STANDARD.encode(format!("{}_{}", token(rng, 24), rng.range(100, 999)))
    );
    let message_count = rng.range(shortest, longest) as usize;
    let mut timestamp = newest;
    let mut messages = Vec::with_capacity(message_count);
    for i in 0..message_count {
        let sender = if rng.chance(45) {
            None
        } else {
            Some(rng.range(0, participants.len() as u64 - 1) as usize)
        };
        let system = i + 1 == message_count || rng.chance(4);
        let text = if system {
            String::new()
        } else {
            let text = *rng.pick(MESSAGES);
            if rng.chance(10) {
                format!("{text} ({})", rng.pick(COMPANIES))
            } else {
                text.to_owned()
            }
        };
        let (urn, backend_urn) = message_urns(&owner.profile_id, timestamp, rng);
        let has_attachment = !system && rng.chance(3);
        let files = match has_attachment {
            true => vec![crate::media::MediaFile::generated(&urn)],
            false => Vec::new(),
        };
        messages.push(Message {
            urn,
            backend_urn,
            text,
            timestamp,
            sender: if system { Some(0) } else { sender },
            kind: if system { "SYSTEM" } else { "TEXT" },
            has_attachment,
            files,
        });
        timestamp -= rng.range(30_000, 3 * DAY_MS as u64) as i64;
    }
    let created_at = timestamp;
    let newest_from_other = messages[0].sender.is_some();
    let unread_count = if newest_from_other && rng.chance(30) {
        rng.range(1, 3) as u32
    } else {
        0
    };
    let last_read_at = if unread_count == 0 {
        messages[0].timestamp + rng.range(1_000, 600_000) as i64
    } else {
        messages[unread_count as usize].timestamp
    };
    Conversation {
        thread_id,
        owner_profile_id: owner.profile_id.clone(),
        participants,
        messages,
        unread_count,
        created_at,
        last_read_at,
        state: None,
        last_seen_at: None,
        last_seen_message: None,
    }
}
