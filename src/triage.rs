//! A conversation's triage, as the Worker proxy keeps it in its account's store and its items
//! carry it (`triage`, docs/triage.md): archived, snoozed until a time, starred (and whether
//! the star reached LinkedIn), labels of the account, a private note, and who changed it last. The rules of its changes are the
//! proxy's (`worker/src/rules/triage.rs`).

use serde::{Deserialize, Serialize};

/// One conversation's triage (absent from an item when nothing is set).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct Triage {
    /// Out of the inbox until a new incoming message (or an unarchive).
    pub archived: bool,
    /// Epoch ms the conversation comes back to the inbox (unread) at; a new incoming message
    /// wakes it earlier.
    pub snoozed_until: Option<i64>,
    /// Starred.
    pub starred: bool,
    /// Where the star lives, when starred: `linkedin` (ConnectSafely's star took it: LinkedIn
    /// shows it too) or `local` (the proxy's store only: a LinkupAPI account, mirroring off,
    /// or the mirror pending or failed, see `star_mirror`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub starred_on: Option<String>,
    /// The star's mirroring on LinkedIn while it is under way or after it failed; absent
    /// when it succeeded or there was none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub star_mirror: Option<StarMirror>,
    /// Labels of the account on the conversation.
    pub labels: Vec<String>,
    /// A private note (plain text).
    pub note: Option<String>,
    /// The client that made the last change (`snooze`: a snooze woke; `incoming`: a new
    /// message did).
    pub updated_by: Option<String>,
    /// When, epoch ms.
    pub updated_at: Option<i64>,
}

/// A star or unstar asked of LinkedIn (through ConnectSafely) that has not succeeded (yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StarMirror {
    /// `pending` (the call is under way) or `failed` (LinkedIn keeps its former star; the
    /// star asked for holds in the proxy only).
    pub state: String,
    /// The star asked of LinkedIn: `true` star, `false` unstar.
    pub starred: bool,
    /// Why it failed (`failed` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub error: Option<StarMirrorError>,
}

/// The refusal of a star mirror, in the proxy's error words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StarMirrorError {
    /// An error code of the API (`RATE_LIMITED`, `UPSTREAM_ERROR`, `NOT_FOUND`, ...).
    pub code: String,
    /// What happened, in the proxy's words (no upstream text, no secret).
    pub message: String,
}

impl Triage {
    /// Whether nothing is set (the item then carries no `triage`).
    pub fn is_empty(&self) -> bool {
        !self.archived
            && self.snoozed_until.is_none()
            && !self.starred
            && self.labels.is_empty()
            && self.note.is_none()
            && self.star_mirror.is_none()
    }

    /// Whether `other` sets the same, whoever made either and when: what makes two writes one.
    pub fn same_as(&self, other: &Self) -> bool {
        let settings = |t: &Self| {
            (
                t.archived,
                t.snoozed_until,
                t.starred,
                t.labels.clone(),
                t.note.clone(),
            )
        };
        settings(self) == settings(other)
    }

    /// Back in the inbox: neither archived nor snoozed (a new incoming message, a snooze due).
    pub fn woken(&self) -> Self {
        Self {
            archived: false,
            snoozed_until: None,
            ..self.clone()
        }
    }
}
