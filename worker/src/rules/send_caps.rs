//! The daily caps on an account's sends, as a pure decision over the day's counts: the
//! operator's cap on every send (`SEND_DAILY_LIMIT`, 0: none, the default) and ConnectSafely's
//! own cap on **new conversations** ("150 NEW conversations per day per LinkedIn account
//! (resets at midnight UTC)… Replying inside an existing conversation is unlimited":
//! `NEW_CONVERSATION_DAILY_LIMIT`, 150; LinkupAPI documents no such cap). The ledger
//! (`store/ledger.rs` `try_spend_sends`) reads the counts, asks here and writes.

use linkedin_inbox::{Error, Provider};

use crate::rules::admission::budget_exhausted;
use crate::rules::settings::Config;

/// What a send does to LinkedIn, as far as the caps go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendKind {
    /// Into a conversation that exists: the one named, or the stored one with the member.
    Reply,
    /// To a member the store has no conversation with: it may open one.
    NewConversation,
}

impl SendKind {
    /// A send naming a conversation is a reply; to a profile, a reply when the store holds a
    /// conversation with that member (the provider writes into it), else a new conversation.
    pub fn of(names_conversation: bool, member_conversation_stored: bool) -> Self {
        match names_conversation || member_conversation_stored {
            true => Self::Reply,
            false => Self::NewConversation,
        }
    }
}

/// The operator's caps on sends, per account and UTC day (0: no cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendCaps {
    /// Every send (`SEND_DAILY_LIMIT`).
    pub sends: u64,
    /// New conversations through ConnectSafely (`NEW_CONVERSATION_DAILY_LIMIT`).
    pub new_conversations: u64,
}

/// What the day's counts hold before this send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendsToday {
    pub sends: u64,
    pub new_conversations: u64,
}

/// What an admitted send adds to the day's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendSpend {
    /// It counts as one of the day's new conversations (given back with the send if nothing
    /// was sent).
    pub new_conversation: bool,
}

impl SendCaps {
    pub fn of(config: &Config) -> Self {
        Self {
            sends: config.send_daily_limit,
            new_conversations: config.new_conversation_daily_limit,
        }
    }

    /// Whether a send of `kind` through `writer` may go at `now_ms`: what it adds to the
    /// day's counts, or `BUDGET_EXHAUSTED` with the wait to the UTC midnight reset.
    pub fn admit(
        &self,
        kind: SendKind,
        writer: Provider,
        today: SendsToday,
        now_ms: u64,
    ) -> Result<SendSpend, Error> {
        let over = |limit: u64, spent: u64| limit > 0 && spent >= limit;
        if over(self.sends, today.sends) {
            return Err(budget_exhausted(now_ms));
        }
        let new_conversation =
            kind == SendKind::NewConversation && writer == Provider::ConnectSafely;
        if new_conversation && over(self.new_conversations, today.new_conversations) {
            return Err(budget_exhausted(now_ms));
        }
        Ok(SendSpend { new_conversation })
    }
}

#[cfg(test)]
mod tests;
