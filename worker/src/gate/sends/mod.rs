//! Writes to the account's LinkedIn: sends, at most one per idempotency key, and read state.
//!
//! A send is recorded under its key (scoped to the client) before the upstream call and
//! settled after it, in the `sends` table (`store/sends.rs`): the same key and request again answer the stored
//! outcome with no upstream call; the same key with another request is 422; concurrent
//! requests with one key share one call (an in-memory future, registered before anything is
//! awaited). When the call's outcome is unknown (no answer, an unreadable one, a provider
//! 5xx), the key stays `unknown`: a retry first looks for the message in the thread upstream
//! and only sends when it is not there. A provider's refusal (4xx) releases the key.

mod attempt;
mod opened;
mod requests;
mod thread_check;
mod writer;

use attempt::Attempt;
use writer::Writer;

use crate::gate::protocol::GateFile;
use futures_util::future::{LocalBoxFuture, Shared};
use linkedin_inbox::{Draft, Error, Message, ServedError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use worker::Response;

/// How much earlier than the send began a message found in its thread may be dated (clock skew
/// between the proxy and the provider).
const SKEW_MS: i64 = 2 * 60_000;
/// Messages read from the thread when an earlier send's outcome is unknown.
const CHECK_COUNT: u32 = 20;

/// What reading the thread says about an earlier try whose outcome is unknown.
enum Check {
    /// The account's message with this text, sent since the try began.
    Found(Message),
    /// The thread, read back past the try, does not have it.
    Absent,
    /// The thread cannot be read now (why, in the proxy's words): a retry may read it.
    Unsure(&'static str),
    /// The thread was read and cannot tell: more messages came since the try began than one
    /// check reads, none of them this one. A later check could tell no more.
    Unverifiable,
    /// The conversation to look in is not stored: a first message whose answer was lost, its
    /// conversation not (yet) in the synced list.
    Unfound,
}

/// When a send whose outcome is unknown, begun at `began_at` (epoch ms), has settled: its
/// timeout, and the time the provider may still be finishing it after that.
fn settled_at(config: &crate::rules::settings::Config, began_at: i64) -> i64 {
    began_at
        .saturating_add(i64::try_from(config.upstream_timeout_ms).unwrap_or(0))
        .saturating_add(i64::try_from(config.send_settle_secs.saturating_mul(1000)).unwrap_or(0))
}

/// A send that failed, and whether it certainly did not reach LinkedIn.
struct Failure {
    error: Error,
    /// Nothing was sent: the request could not be built, or the provider answered a refusal.
    refused: bool,
}

/// The answer to a send, shared by every request with its key.
#[derive(Clone)]
pub(super) struct Outcome {
    status: u16,
    body: String,
    retry_after_secs: Option<u64>,
    credits: u64,
}

pub(super) type SendFuture = Shared<LocalBoxFuture<'static, Outcome>>;

impl Outcome {
    fn error(served: ServedError) -> Self {
        Self {
            status: served.status,
            body: served.body(),
            retry_after_secs: served.retry_after_secs,
            credits: 0,
        }
    }

    fn respond(self, replayed: bool) -> worker::Result<Response> {
        let mut response = Response::ok(self.body)?.with_status(self.status);
        let headers = response.headers_mut();
        headers.set("Content-Type", "application/json")?;
        headers.set("Cache-Control", "no-store")?;
        headers.set("X-Credits-Spent", &self.credits.to_string())?;
        if let Some(secs) = self.retry_after_secs {
            headers.set("Retry-After", &secs.to_string())?;
        }
        if replayed {
            headers.set("Idempotency-Replayed", "true")?;
        }
        Ok(response)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer<'a> {
    message: &'a Message,
    conversation_id: &'a str,
}

/// The key as stored: the client's key, scoped to the client (two clients of one account may
/// pick the same key).
fn scoped_key(client: &str, key: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(client.as_bytes());
    hasher.update([0]);
    hasher.update(key.as_bytes());
    hex::encode(hasher.finalize())
}

/// What makes two sends the same request: where to, the text as sent, and each file (its
/// name, type and bytes).
fn request_digest(draft: &Draft, files: &[GateFile]) -> String {
    let conversation = draft
        .conversation_id
        .as_deref()
        .map(|id| linkedin_inbox::thread_id(id).unwrap_or(id).to_owned());
    let canonical = serde_json::json!({
        "conversation": conversation,
        "profileUrl": draft.profile_url.as_deref().map(str::trim),
        "text": draft.text.trim(),
    });
    let mut canonical = canonical;
    if !files.is_empty() {
        let digests: Vec<String> = files
            .iter()
            .map(|f| {
                let mut hasher = Sha256::new();
                for part in [&f.name, &f.media_type, &f.data] {
                    hasher.update(part.as_bytes());
                    hasher.update([0]);
                }
                hex::encode(hasher.finalize())
            })
            .collect();
        canonical["files"] = digests.into();
    }
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Whether the provider's HTTP answer refuses the send: a 4xx but 408, 409 and 425 (which a
/// provider may send while the message still goes out). A 2xx or 3xx that cannot be read, or
/// a 5xx, is an unknown outcome.
fn refusal_status(status: u16) -> bool {
    (400..500).contains(&status) && !matches!(status, 408 | 409 | 425)
}

fn storage_error(error: worker::Error) -> Error {
    worker::console_error!("send store failed: {error}");
    Error::Unavailable {
        message: "the account's store failed".into(),
    }
}
