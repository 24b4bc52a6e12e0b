//! Provider webhooks in. The signature is checked over the raw bytes, in constant time, before
//! anything is parsed: ConnectSafely signs the body (`X-Webhook-Signature: sha256=<hex>`, no
//! timestamp: replays are de-duplicated on `message_urn`); LinkupAPI signs
//! `"{timestamp}.{body}"` (`X-Linkup-Timestamp`, `X-Linkup-Signature: v1=<hex>`), refused
//! beyond five minutes of skew. Then the event is read as untrusted input. Pure: tested natively.

use hmac::{Hmac, Mac};
use linkedin_inbox::{Conversation, Message, MessageKind, Participant, Provider, Sender};
use serde::Deserialize;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The most a LinkupAPI timestamp may differ from now.
pub const MAX_SKEW_SECS: u64 = 300;
/// The longest message text kept from an event (the longest a send may be, in bytes of UTF-8).
const MAX_TEXT_BYTES: usize = 4 * linkedin_inbox::MAX_MESSAGE_LEN;

fn decode_hex(text: &str) -> Option<[u8; 32]> {
    let mut tag = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut tag).ok()?;
    Some(tag)
}

fn mac(secret: &str) -> HmacSha256 {
    HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length")
}

/// Whether `header` is ConnectSafely's signature of `body` with `secret`.
pub fn connectsafely_signed(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(tag) = header
        .and_then(|h| h.trim().strip_prefix("sha256="))
        .and_then(decode_hex)
    else {
        return false;
    };
    let mut mac = mac(secret);
    mac.update(body);
    mac.verify_slice(&tag).is_ok()
}

/// Whether `signature` is LinkupAPI's signature of `timestamp.body` with `secret`, and the
/// timestamp (unix seconds) within [`MAX_SKEW_SECS`] of `now_secs`.
pub fn linkup_signed(
    secret: &str,
    body: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    now_secs: u64,
) -> bool {
    let Some(timestamp) = timestamp
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 12 && t.bytes().all(|b| b.is_ascii_digit()))
    else {
        return false;
    };
    let Ok(at) = timestamp.parse::<u64>() else {
        return false;
    };
    if at.abs_diff(now_secs) > MAX_SKEW_SECS {
        return false;
    }
    let Some(tag) = signature
        .and_then(|h| h.trim().strip_prefix("v1="))
        .and_then(decode_hex)
    else {
        return false;
    };
    let mut mac = mac(secret);
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&tag).is_ok()
}

#[derive(Deserialize)]
struct ConnectSafelyEvent {
    event: String,
    /// Read only for `message.received` (other events carry other data).
    #[serde(default)]
    data: Option<Box<serde_json::value::RawValue>>,
}

#[derive(Deserialize)]
struct ConnectSafelyData {
    message_urn: String,
    #[serde(default)]
    account_id: Option<String>,
    #[serde(default)]
    sender: Option<ConnectSafelySender>,
    #[serde(default)]
    body: Option<String>,
    timestamp: serde_json::Value,
    conversation_id: String,
    /// An array of items, or one item (Unipile's documented example, whose shape the
    /// webhook follows); read by [`linkedin_inbox::parse_attachments`].
    #[serde(default)]
    attachments: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ConnectSafelySender {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    profile_url: Option<String>,
    #[serde(default)]
    profile_picture: Option<String>,
}

/// A message ConnectSafely pushed, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedMessage {
    /// ConnectSafely's account id, when the event named one.
    pub account_id: Option<String>,
    pub message: Message,
    /// The sender's profile id (`ACoAA…`), when given.
    pub sender_id: Option<String>,
    pub sender_picture: Option<String>,
    pub has_attachment: bool,
    /// The event's conversation URN (`urn:li:messagingThread:…`).
    pub conversation_urn: String,
}

/// What a signed ConnectSafely event asks.
#[derive(Debug, PartialEq, Eq)]
pub enum ConnectSafelyPush {
    Message(Box<PushedMessage>),
    /// Another event type: acknowledged, nothing to do.
    Ignored,
}

/// Reads a signed ConnectSafely event; `Err` names what is wrong with it.
pub fn connectsafely_event(body: &[u8]) -> Result<ConnectSafelyPush, &'static str> {
    let event: ConnectSafelyEvent =
        serde_json::from_slice(body).map_err(|_| "not a ConnectSafely event")?;
    if event.event != "message.received" {
        return Ok(ConnectSafelyPush::Ignored);
    }
    let data: ConnectSafelyData = event.data.ok_or("the event has no data").and_then(|raw| {
        serde_json::from_str(raw.get()).map_err(|_| "the message event's data is not readable")
    })?;
    if data.message_urn.trim().is_empty() || data.message_urn.len() > linkedin_inbox::MAX_ID_LEN {
        return Err("message_urn is missing or too long");
    }
    let thread = linkedin_inbox::thread_id(&data.conversation_id)
        .filter(|t| linkedin_inbox::is_thread_id(t))
        .ok_or("conversation_id names no LinkedIn thread")?
        .to_owned();
    let sent_at = match &data.timestamp {
        serde_json::Value::String(text) => linkedin_inbox::parse_time(text),
        serde_json::Value::Number(n) => n.as_i64(),
        _ => None,
    }
    .ok_or("timestamp is not a time")?;
    let text = data.body.unwrap_or_default();
    if text.len() > MAX_TEXT_BYTES {
        return Err("body is too long");
    }
    let sender = data.sender.unwrap_or(ConnectSafelySender {
        id: None,
        name: None,
        profile_url: None,
        profile_picture: None,
    });
    let attachments = linkedin_inbox::parse_attachments(data.attachments.as_ref());
    let https = |url: Option<String>| url.filter(|u| u.starts_with("https://") && u.len() <= 2048);
    let sender_id = sender
        .id
        .as_deref()
        .filter(|id| !id.is_empty() && id.len() <= 128)
        .map(profile_id_and_urn);
    Ok(ConnectSafelyPush::Message(Box::new(PushedMessage {
        account_id: data.account_id,
        message: Message {
            id: data.message_urn,
            conversation_id: thread,
            text,
            sent_at,
            kind: MessageKind::Text,
            raw_kind: "TEXT".into(),
            sender: Sender {
                name: sender.name.unwrap_or_default().chars().take(200).collect(),
                first_name: None,
                last_name: None,
                profile_url: https(sender.profile_url),
                urn: sender_id.as_ref().map(|(_, urn)| urn.clone()),
            },
            attachments: attachments.clone(),
        },
        sender_id: sender_id.map(|(id, _)| id),
        sender_picture: https(sender.profile_picture),
        has_attachment: !attachments.is_empty(),
        conversation_urn: data.conversation_id,
    })))
}

/// A sender's profile id and URN from the event's `sender.id`: ConnectSafely documents the URN
/// (`urn:li:fsd_profile:ACoAA…`); a bare id (`ACoAA…`) is read too.
fn profile_id_and_urn(id: &str) -> (String, String) {
    match id.strip_prefix("urn:li:") {
        Some(rest) => {
            let bare = rest.rsplit(':').next().unwrap_or(rest);
            (bare.to_owned(), id.to_owned())
        }
        None => (id.to_owned(), format!("urn:li:fsd_profile:{id}")),
    }
}

impl PushedMessage {
    /// Whether the account's owner (`owner`: the store's owner profile URN) sent it.
    pub fn sent_by_owner(&self, owner: Option<&str>) -> bool {
        match (owner, &self.sender_id) {
            (Some(owner), Some(id)) => owner == id || owner.ends_with(&format!(":{id}")),
            _ => false,
        }
    }

    /// The conversation to create when the store does not hold it yet.
    pub fn new_conversation(&self, from_owner: bool) -> Conversation {
        let thread = self.message.conversation_id.clone();
        let sender = &self.message.sender;
        let participants = match (from_owner, &self.sender_id) {
            (false, Some(id)) => vec![Participant {
                profile_id: id.clone(),
                name: sender.name.clone(),
                headline: None,
                profile_url: sender.profile_url.clone(),
                picture_url: self.sender_picture.clone(),
                picture_expires_at: None,
                distance: None,
                raw_distance: None,
                member_badge_type: None,
                participant_urn: sender.urn.clone(),
                backend_urn: None,
                host_identity_urn: None,
            }],
            _ => Vec::new(),
        };
        Conversation {
            id: thread.clone(),
            urn: None,
            provider: Provider::ConnectSafely,
            thread_id: thread.clone(),
            backend_urn: Some(self.conversation_urn.clone())
                .filter(|u| u.starts_with("urn:li:messagingThread:")),
            url: Some(format!(
                "https://www.linkedin.com/messaging/thread/{thread}/"
            )),
            participants,
            unread_count: 0,
            is_read: true,
            last_activity_at: None,
            created_at: None,
            last_read_at: None,
            state: None,
            latest_message: None,
            account: None,
            triage: None,
        }
    }
}

#[derive(Deserialize)]
struct LinkupEvent {
    #[serde(default)]
    event_id: Option<String>,
    /// A type name (`"message_received"`), or the documented object
    /// `{account_id, account_name, event: {type, …}, timestamp}`.
    #[serde(default)]
    event: Option<serde_json::Value>,
}

/// What a LinkupAPI event says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkupEventKind {
    /// `message_received` (`message` in the documented example): the inbox changed.
    MessageReceived,
    /// `accepted_invitation`: a new connection, whose conversation may be new in the inbox.
    AcceptedInvitation,
    /// `disconnection`: LinkupAPI lost the LinkedIn session of the account.
    Disconnection,
    /// A type not documented: read as "the inbox may have changed".
    Other,
}

impl LinkupEventKind {
    fn of(event: Option<&serde_json::Value>) -> Self {
        let kind = match event {
            Some(serde_json::Value::String(kind)) => Some(kind.as_str()),
            Some(object) => object
                .pointer("/event/type")
                .or_else(|| object.get("type"))
                .and_then(serde_json::Value::as_str),
            None => None,
        };
        match kind {
            Some("message_received" | "message") => Self::MessageReceived,
            Some("accepted_invitation") => Self::AcceptedInvitation,
            Some("disconnection") => Self::Disconnection,
            _ => Self::Other,
        }
    }
}

/// A signed LinkupAPI event, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkupPush {
    /// Its id, once per event (de-duplication).
    pub id: String,
    pub kind: LinkupEventKind,
}

/// Reads a signed LinkupAPI event, or `Err` naming what is wrong. An event without `event_id`
/// (the documented example has one; custom-mode posts are not shown) is known by a digest of
/// its signed body, so the provider's retry of it is still one event.
pub fn linkup_event(body: &[u8]) -> Result<LinkupPush, &'static str> {
    let event: LinkupEvent = serde_json::from_slice(body).map_err(|_| "not a LinkupAPI event")?;
    let kind = LinkupEventKind::of(event.event.as_ref());
    let Some(id) = event.event_id else {
        use sha2::Digest;
        let id = format!("body:{}", hex::encode(Sha256::digest(body)));
        return Ok(LinkupPush { id, kind });
    };
    let id = id.trim();
    if id.is_empty() || id.len() > 256 {
        return Err("event_id is missing or too long");
    }
    Ok(LinkupPush {
        id: id.to_owned(),
        kind,
    })
}

#[cfg(test)]
mod tests;
