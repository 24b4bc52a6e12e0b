//! What crosses from the edge to an account's object (`edge/account_object.rs` calls,
//! `object_requests.rs` serves): the headers every call carries and the JSON bodies of the
//! calls that take one. Both sides use these types, so they cannot disagree.

use linkedin_inbox::Draft;
use serde::{Deserialize, Serialize};

use crate::rules::page_plan::PageRequest;
use crate::rules::triage::ViewFilter;
use crate::store::index_feed::FeedMarks;

/// The header that names the calling client on every request the Worker sends its gate.
pub const CLIENT_HEADER: &str = "X-Gate-Client";
/// The token tag of the ticket a push socket was opened with: the object accepts the socket
/// only under that tag, and tags it with it (a token rotated meanwhile closes it).
pub const TOKEN_TAG_HEADER: &str = "X-Gate-Token-Tag";
/// The header that names the account (its registry id) the request is for.
pub const ACCOUNT_HEADER: &str = "X-Gate-Account";

/// What the Worker sends the gate for one page.
#[derive(Serialize, Deserialize)]
pub struct GateRequest {
    pub client: String,
    pub page: PageRequest,
    /// The triage view of a list of conversations (`?view=&label=&waiting=&quietDays=`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<ViewFilter>,
}

/// What the Worker sends the gate for a send.
#[derive(Serialize, Deserialize)]
pub struct GateSend {
    /// The client's `Idempotency-Key`.
    pub key: String,
    pub draft: Draft,
    /// The files of a multipart send, checked at the edge (name, type, size).
    #[serde(default)]
    pub files: Vec<GateFile>,
}

/// A file sent with a message, as the edge read it from a multipart body.
#[derive(Clone, Serialize, Deserialize)]
pub struct GateFile {
    pub name: String,
    pub media_type: String,
    /// The bytes, base64.
    pub data: String,
}

/// What the Worker sends the gate to change a conversation's read state.
#[derive(Serialize, Deserialize)]
pub struct GateMark {
    pub conversation_id: String,
    pub read: bool,
}

/// What an index asks of the account.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncAsk {
    /// The marks the index holds (`None`: it has nothing of the account).
    pub marks: Option<FeedMarks>,
    /// Sync the head first when it is older than `HEAD_TTL_SECS`.
    pub head: bool,
    /// Sync one older page first when the store does not hold the whole list.
    pub tail: bool,
}
