//! What the send and read-state endpoints of both providers change in the demo data: a
//! message appended to a thread (or a new thread), and a conversation's read state.

use crate::media::MediaFile;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::data::{is_profile, profile_slug, token, Account, Conversation, Message, Person};
use crate::rng::Rng;
use crate::route::Route;
use crate::state::{now_ms, Mutable, DAY_MS};

/// The longest message text a send accepts, in characters.
pub const MAX_MESSAGE_CHARS: usize = 8_000;

/// Where a message goes.
#[derive(Clone, Copy)]
pub enum Target<'r> {
    /// An existing thread: a `msg_conversation` or `messagingThread` URN, or a bare `2-...` id.
    Thread(&'r str),
    /// A member's profile URL: the 1:1 thread with them, or a new one.
    Profile(&'r str),
    /// A member by vanity slug (`john-doe-123`) or profile id (`ACoAA…`), case aside: as
    /// [`Target::Profile`].
    Member(&'r str),
}

/// Whether `text` is a LinkedIn profile id (`ACoAA…`, the id inside `urn:li:fsd_profile:…`).
pub fn is_profile_id(text: &str) -> bool {
    text.len() > 10
        && text.starts_with("ACoA")
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
}

/// A committed message and where it landed.
pub struct Sent {
    pub thread_id: String,
    pub conversation_urn: String,
    /// The other member (the first one, in a group).
    pub recipient: Person,
    pub owner: Person,
    pub message: Message,
}

/// Why nothing was sent.
pub enum Refusal {
    NoSuchConversation,
    NotAProfileUrl,
    /// The account opened `limit` new conversations today; the quota resets at `reset_ms`.
    NewConversationLimit {
        limit: u32,
        reset_ms: i64,
    },
}

/// `None` when `text` is a sendable message, else why not.
pub fn message_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("message must not be empty".into());
    }
    (text.chars().count() > MAX_MESSAGE_CHARS)
        .then(|| format!("message must be at most {MAX_MESSAGE_CHARS} characters"))
}

/// Appends `text` from the account's owner to `target`, as `route` does. A new conversation
/// counts against the daily quota when `limit_new` (ConnectSafely's rule); a refused send
/// changes nothing.
pub fn commit(
    m: &mut Mutable,
    route: Route,
    account_id: &str,
    target: Target<'_>,
    text: &str,
    files: Vec<MediaFile>,
    limit_new: bool,
) -> Result<Sent, Refusal> {
    let account = m
        .accounts
        .iter()
        .find(|a| a.account_id == account_id)
        .ok_or(Refusal::NoSuchConversation)?;
    let thread = match target {
        Target::Thread(id) => account.find_thread_index(id),
        Target::Profile(_) | Target::Member(_) => {
            let (slug, profile_id) = match target {
                Target::Profile(url) => (profile_slug(url).ok_or(Refusal::NotAProfileUrl)?, None),
                Target::Member(id) if !id.trim().is_empty() => (
                    id.trim().to_lowercase(),
                    Some(id.trim()).filter(|id| is_profile_id(id)),
                ),
                _ => return Err(Refusal::NotAProfileUrl),
            };
            let one_to_one = account
                .conversations
                .iter()
                .position(|c| c.participants.len() == 1 && is_profile(&c.participants[0], &slug));
            if one_to_one.is_none() {
                let conversation = new_conversation(account, &slug, profile_id);
                return open_and_send(m, route, account_id, conversation, text, files, limit_new);
            }
            one_to_one
        }
    };
    let thread_id = thread
        .map(|i| account.conversations[i].thread_id.clone())
        .ok_or(Refusal::NoSuchConversation)?;
    append(m, route, account_id, &thread_id, text, files)
}

/// An empty thread of `account` with the member `slug` names (a member already met in a
/// group thread keeps their profile; `profile_id` when the slug is one), its id the same for
/// the same account and member.
fn new_conversation(account: &Account, slug: &str, profile_id: Option<&str>) -> Conversation {
    let seed = fnv1a(&[&account.account_id, "\n", slug]);
    let known = account
        .conversations
        .iter()
        .flat_map(|c| &c.participants)
        .find(|p| is_profile(p, slug))
        .cloned();
    Conversation {
        thread_id: new_thread_id(seed),
        owner_profile_id: account.owner.profile_id.clone(),
        participants: vec![known.unwrap_or_else(|| stranger(slug, profile_id, seed))],
        messages: Vec::new(),
        unread_count: 0,
        created_at: now_ms(),
        last_read_at: now_ms(),
        state: None,
        last_seen_at: None,
        last_seen_message: None,
    }
}

/// A send that opens `conversation`, within the daily quota of new conversations.
fn open_and_send(
    m: &mut Mutable,
    route: Route,
    account_id: &str,
    conversation: Conversation,
    text: &str,
    files: Vec<MediaFile>,
    limit_new: bool,
) -> Result<Sent, Refusal> {
    let now = now_ms();
    let day = now / DAY_MS;
    let key = (account_id.to_owned(), day);
    let opened = m.new_conversations.get(&key).copied().unwrap_or(0);
    if limit_new && opened >= m.send_limit {
        return Err(Refusal::NewConversationLimit {
            limit: m.send_limit,
            reset_ms: (day + 1) * DAY_MS,
        });
    }
    if limit_new {
        m.new_conversations.insert(key, opened + 1);
    }
    let thread_id = conversation.thread_id.clone();
    let account = m
        .account_mut(account_id)
        .ok_or(Refusal::NoSuchConversation)?;
    account.conversations.push(conversation);
    append(m, route, account_id, &thread_id, text, files)
}

/// Appends the owner's message to the thread `thread_id` (which exists): newest first, the
/// thread read (sending reads it, as on LinkedIn), the account re-sorted, the send counted.
fn append(
    m: &mut Mutable,
    route: Route,
    account_id: &str,
    thread_id: &str,
    text: &str,
    files: Vec<MediaFile>,
) -> Result<Sent, Refusal> {
    let sequence: u64 = m.sends.values().sum::<u64>() + 1;
    let account = m
        .account_mut(account_id)
        .ok_or(Refusal::NoSuchConversation)?;
    let owner = account.owner.clone();
    let conversation = account
        .conversations
        .iter_mut()
        .find(|c| c.thread_id == thread_id)
        .ok_or(Refusal::NoSuchConversation)?;
    // Strictly newer than the thread's newest message, even within one millisecond.
    let timestamp = conversation
        .messages
        .first()
        .map_or(now_ms(), |newest| now_ms().max(newest.timestamp + 1));
    let id = message_id_in(thread_id, &format!("{timestamp}{sequence:x}-100"));
    let message = Message {
        urn: format!(
            "urn:li:msg_message:(urn:li:fsd_profile:{},2-{id})",
            owner.profile_id
        ),
        backend_urn: format!("urn:li:messagingMessage:2-{id}"),
        text: text.to_owned(),
        timestamp,
        sender: None,
        kind: "TEXT",
        has_attachment: !files.is_empty(),
        files,
    };
    conversation.messages.insert(0, message.clone());
    mark_read(conversation, timestamp);
    let sent = Sent {
        thread_id: conversation.thread_id.clone(),
        conversation_urn: conversation.urn(),
        recipient: conversation.participants[0].clone(),
        owner,
        message,
    };
    account.sort();
    *m.sends.entry(route).or_default() += 1;
    Ok(sent)
}

/// A new message's id, as LinkedIn's (LinkupAPI's documented thread and send examples show
/// them): `2-<base64 of "<time and sequence>&<thread part>">`, where the thread id is
/// `2-<base64 of "<thread part>">`. A send answer without a thread id names its thread so.
fn message_id_in(thread_id: &str, time_and_sequence: &str) -> String {
    let mut raw = format!("{time_and_sequence}&").into_bytes();
    let thread_part = thread_id
        .strip_prefix("2-")
        .and_then(|b| STANDARD.decode(b).ok());
    raw.extend(thread_part.unwrap_or_else(|| thread_id.as_bytes().to_vec()));
    STANDARD.encode(raw)
}

/// Marks the conversation `id` (any thread id form) of the account read; `false` if unknown.
pub fn mark_seen(m: &mut Mutable, account_id: &str, id: &str) -> bool {
    edit_conversation(m, account_id, id, |c| mark_read(c, now_ms()))
}

/// Marks the conversation `id` (any thread id form) of the account unread (at least one
/// unread message); `false` if unknown.
pub fn mark_unread(m: &mut Mutable, account_id: &str, id: &str) -> bool {
    edit_conversation(m, account_id, id, |c| {
        c.unread_count = c.unread_count.max(1);
        c.last_read_at = c.last_activity_at() - 1;
        c.last_seen_at = None;
        c.last_seen_message = None;
    })
}

pub(crate) fn mark_read(c: &mut Conversation, at: i64) {
    c.unread_count = 0;
    c.last_read_at = at.max(c.last_activity_at());
    c.last_seen_at = None;
    c.last_seen_message = None;
}

fn edit_conversation(
    m: &mut Mutable,
    account_id: &str,
    id: &str,
    edit: impl FnOnce(&mut Conversation),
) -> bool {
    let found = m
        .accounts
        .iter()
        .find(|a| a.account_id == account_id)
        .and_then(|a| a.find_thread_index(id));
    let (Some(index), Some(account)) = (found, m.account_mut(account_id)) else {
        return false;
    };
    edit(&mut account.conversations[index]);
    true
}

/// A member the demo data does not know, named after their profile URL's slug
/// (`jane-doe-4b2a1` is Jane Doe; a profile id names no one: "LinkedIn Member").
fn stranger(slug: &str, profile_id: Option<&str>, seed: u64) -> Person {
    let mut rng = Rng::new(seed);
    let generated_id = format!("ACoAA{}", token(&mut rng, 33));
    let mut words = slug
        .split('-')
        .filter(|w| !w.is_empty() && !w.chars().any(|c| c.is_ascii_digit()))
        .map(capitalized);
    let first_name = match profile_id {
        Some(_) => "LinkedIn".into(),
        None => words.next().unwrap_or_else(|| "LinkedIn".into()),
    };
    let last_name = words.collect::<Vec<_>>().join(" ");
    let slug = profile_id.unwrap_or(slug);
    let encoded = percent_encoding::utf8_percent_encode(slug, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2D", "-");
    Person {
        profile_id: profile_id.map_or(generated_id, str::to_owned),
        last_name: if first_name == "LinkedIn" && (last_name.is_empty() || profile_id.is_some()) {
            "Member".into()
        } else {
            last_name
        },
        first_name,
        headline: None,
        vanity_url: format!("https://www.linkedin.com/in/{encoded}/"),
        picture: None,
        distance: Some("DISTANCE_1".into()),
        member_id: rng.range(100_000_000, 999_999_999),
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A new thread's id, as LinkedIn's look, the same for the same account and member.
pub fn new_thread_id(seed: u64) -> String {
    let mut rng = Rng::new(seed ^ 0x7e4d);
    let body = format!("{}_{}", token(&mut rng, 24), rng.range(100, 999));
    format!("2-{}", STANDARD.encode(body))
}

/// FNV-1a over the parts: a stable seed from text.
pub fn fnv1a(parts: &[&str]) -> u64 {
    parts
        .iter()
        .flat_map(|p| p.bytes())
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
}
