//! The demo inbox: deterministic accounts, conversations and messages, with the seed docs'
//! example objects present verbatim.

mod big;
mod doc_examples;
mod generate;
mod phrases;
mod profiles;

pub use big::*;
pub use generate::*;
pub use profiles::{find_by_profile, is_profile, profile_slug};

/// The newest message of the third demo account: markup that must never run.
pub const XSS_BAIT: &str = "<img src=x onerror=\"window.__xss=1\"> see you at 5?";

/// Newest activity in the demo data: the documented example's `lastActivityAt`.
pub const ANCHOR_MS: i64 = 1_771_950_346_603;
const DAY_MS: i64 = 86_400_000;
/// Picture URLs that still work expire here (2030-01-01), expired ones at 2025-01-01.
const PICTURE_VALID_UNTIL_S: i64 = 1_893_456_000;
const PICTURE_EXPIRED_AT_S: i64 = 1_735_689_600;

#[derive(Debug, Clone)]
pub struct Person {
    pub profile_id: String,
    pub first_name: String,
    pub last_name: String,
    pub headline: Option<String>,
    /// Vanity profile URL (what a user pastes; LinkupAPI lookups accept it).
    pub vanity_url: String,
    pub picture: Option<String>,
    pub distance: Option<String>,
    pub member_id: u64,
}

impl Person {
    pub fn name(&self) -> String {
        if self.last_name.is_empty() {
            self.first_name.clone()
        } else {
            format!("{} {}", self.first_name, self.last_name)
        }
    }

    /// Profile URL by id, the form ConnectSafely lists.
    pub fn id_url(&self) -> String {
        format!("https://www.linkedin.com/in/{}", self.profile_id)
    }

    pub fn fsd_urn(&self) -> String {
        format!("urn:li:fsd_profile:{}", self.profile_id)
    }

    pub fn participant_urn(&self) -> String {
        format!("urn:li:msg_messagingParticipant:{}", self.fsd_urn())
    }
}

#[derive(Debug, Clone)]
pub struct Message {
    pub urn: String,
    pub backend_urn: String,
    pub text: String,
    pub timestamp: i64,
    /// `None`: the account owner; `Some(i)`: participant `i`.
    pub sender: Option<usize>,
    pub kind: &'static str,
    pub has_attachment: bool,
    /// What it carries (empty when `has_attachment` is false).
    pub files: Vec<crate::media::MediaFile>,
}

#[derive(Debug, Clone)]
pub struct Conversation {
    pub thread_id: String,
    pub owner_profile_id: String,
    pub participants: Vec<Person>,
    /// Newest first, strictly decreasing timestamps.
    pub messages: Vec<Message>,
    pub unread_count: u32,
    pub created_at: i64,
    pub last_read_at: i64,
    pub state: Option<String>,
    /// Overrides for the documented LinkupAPI example.
    pub last_seen_at: Option<i64>,
    pub last_seen_message: Option<bool>,
}

impl Conversation {
    pub fn urn(&self) -> String {
        format!(
            "urn:li:msg_conversation:(urn:li:fsd_profile:{},{})",
            self.owner_profile_id, self.thread_id
        )
    }

    pub fn last_activity_at(&self) -> i64 {
        self.messages
            .first()
            .map_or(self.created_at, |m| m.timestamp)
    }

    pub fn is_read(&self) -> bool {
        self.unread_count == 0
    }

    /// Up to `count` messages strictly older than `before` and strictly newer than `after`,
    /// newest first, and whether more (older) ones match.
    pub fn messages_between(
        &self,
        before: Option<i64>,
        after: Option<i64>,
        count: usize,
    ) -> (Vec<&Message>, bool) {
        let mut matching = self.messages.iter().filter(|m| {
            before.is_none_or(|b| m.timestamp < b) && after.is_none_or(|a| m.timestamp > a)
        });
        let page: Vec<&Message> = matching.by_ref().take(count).collect();
        let has_more = matching.next().is_some();
        (page, has_more)
    }
}

#[derive(Debug, Clone)]
pub struct Account {
    pub account_id: String,
    pub owner: Person,
    /// Newest activity first.
    pub conversations: Vec<Conversation>,
}

/// The LinkupAPI v2 id of no active account: v2 answers `ACCOUNT_INACTIVE` for it.
pub const INACTIVE_V2_ACCOUNT: &str = "lk_acc_inactive";

impl Account {
    /// The account's LinkupAPI v2 `account_id`.
    pub fn v2_id(&self) -> String {
        format!("lk_acc_{}", self.account_id)
    }

    /// A conversation of this account by its thread id, in any form the providers use: the
    /// bare `2-...` id, `urn:li:messagingThread:<id>` or this account's
    /// `urn:li:msg_conversation:(urn:li:fsd_profile:<owner>,<id>)`.
    pub fn find_thread(&self, id: &str) -> Option<&Conversation> {
        self.find_thread_index(id).map(|i| &self.conversations[i])
    }

    /// The index in `conversations` of [`Account::find_thread`]'s conversation.
    pub fn find_thread_index(&self, id: &str) -> Option<usize> {
        let thread_id = if let Some(rest) = id.strip_prefix("urn:li:messagingThread:") {
            rest
        } else if let Some(rest) = id.strip_prefix("urn:li:msg_conversation:(") {
            let (owner, thread) = rest.strip_suffix(')')?.split_once(',')?;
            if owner != self.owner.fsd_urn() {
                return None;
            }
            thread
        } else {
            id
        };
        self.conversations
            .iter()
            .position(|c| c.thread_id == thread_id)
    }

    pub fn sort(&mut self) {
        self.conversations.sort_by(|a, b| {
            b.last_activity_at()
                .cmp(&a.last_activity_at())
                .then_with(|| a.thread_id.cmp(&b.thread_id))
        });
    }
}
