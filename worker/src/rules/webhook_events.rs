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
    #[serde(default)]
    attachments: Option<Vec<serde_json::Value>>,
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

/// Whether a head sync a webhook asked for may spend the list provider's budget, `spent` of
/// `limit` today (0: no limit): it keeps a third of the day's budget for the account's own
/// requests, so a chatty provider cannot starve them.
pub fn pushed_sync_allowed(spent: u64, limit: u64) -> bool {
    limit == 0 || spent.saturating_mul(3) < limit.saturating_mul(2)
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
        },
        sender_id: sender_id.map(|(id, _)| id),
        sender_picture: https(sender.profile_picture),
        has_attachment: data.attachments.is_some_and(|a| !a.is_empty()),
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
        }
    }
}

#[derive(Deserialize)]
struct LinkupEvent {
    #[serde(default)]
    event_id: Option<String>,
    /// A type name (`"message_received"`), or the documented object
    /// `{account_id, account_name, event: {type, …}, timestamp}`: either means the inbox changed.
    #[serde(default)]
    #[allow(dead_code)]
    event: Option<serde_json::Value>,
}

/// Reads a signed LinkupAPI event: its id, or `Err` naming what is wrong. Every event type
/// means "the inbox changed": one head sync. An event without `event_id` (the documented
/// example has one; custom-mode posts are not shown) is known by a digest of its signed body,
/// so the provider's retry of it is still one event.
pub fn linkup_event(body: &[u8]) -> Result<String, &'static str> {
    let event: LinkupEvent = serde_json::from_slice(body).map_err(|_| "not a LinkupAPI event")?;
    let Some(id) = event.event_id else {
        use sha2::Digest;
        return Ok(format!("body:{}", hex::encode(Sha256::digest(body))));
    };
    let id = id.trim();
    if id.is_empty() || id.len() > 256 {
        return Err("event_id is missing or too long");
    }
    Ok(id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn sign(secret: &str, parts: &[&[u8]]) -> String {
        let mut mac = mac(secret);
        for part in parts {
            mac.update(part);
        }
        hex(&mac.finalize().into_bytes())
    }

    #[test]
    fn connectsafely_signatures_verify_over_the_raw_bytes() {
        let body = br#"{"event":"message.received"}"#;
        let good = format!("sha256={}", sign("s3cret", &[body]));
        assert!(connectsafely_signed("s3cret", body, Some(&good)));
        assert!(!connectsafely_signed("other", body, Some(&good)));
        assert!(!connectsafely_signed(
            "s3cret",
            b"{ \"event\":\"message.received\"}",
            Some(&good)
        ));
        assert!(!connectsafely_signed("s3cret", body, None));
        assert!(
            !connectsafely_signed("s3cret", body, Some(&good[7..])),
            "no scheme"
        );
        assert!(!connectsafely_signed("s3cret", body, Some("sha256=zz")));
        assert!(!connectsafely_signed(
            "s3cret",
            body,
            Some(&good[..good.len() - 2])
        ));
    }

    #[test]
    fn linkup_signatures_bind_the_timestamp_and_refuse_skew() {
        let body = br#"{"event_id":"evt_1"}"#;
        let now = 1_800_000_000;
        let signed =
            |ts: u64| format!("v1={}", sign("k", &[ts.to_string().as_bytes(), b".", body]));
        let ts = now.to_string();
        assert!(linkup_signed("k", body, Some(&ts), Some(&signed(now)), now));
        assert!(linkup_signed(
            "k",
            body,
            Some(&(now - 300).to_string()),
            Some(&signed(now - 300)),
            now
        ));
        assert!(
            !linkup_signed(
                "k",
                body,
                Some(&(now - 301).to_string()),
                Some(&signed(now - 301)),
                now
            ),
            "stale"
        );
        assert!(
            !linkup_signed(
                "k",
                body,
                Some(&(now + 301).to_string()),
                Some(&signed(now + 301)),
                now
            ),
            "future"
        );
        assert!(
            !linkup_signed(
                "k",
                body,
                Some(&(now + 1).to_string()),
                Some(&signed(now)),
                now
            ),
            "another timestamp"
        );
        assert!(!linkup_signed("k", body, None, Some(&signed(now)), now));
        assert!(!linkup_signed(
            "k",
            body,
            Some("-1"),
            Some(&signed(now)),
            now
        ));
        assert!(!linkup_signed(
            "x",
            body,
            Some(&ts),
            Some(&signed(now)),
            now
        ));
    }

    #[test]
    fn pushed_syncs_keep_a_third_of_the_budget() {
        assert!(pushed_sync_allowed(0, 150));
        assert!(pushed_sync_allowed(99, 150));
        assert!(!pushed_sync_allowed(100, 150));
        assert!(!pushed_sync_allowed(u64::MAX, 150));
        assert!(pushed_sync_allowed(10_000, 0), "no limit");
    }

    #[test]
    fn signatures_are_strict_hex() {
        let body = b"{}";
        let mut mac = mac("s");
        mac.update(body);
        let good = hex::encode(mac.finalize().into_bytes());
        assert!(connectsafely_signed(
            "s",
            body,
            Some(&format!("sha256={good}"))
        ));
        let signed_pair = format!("sha256=+{}", &good[1..]);
        assert!(!connectsafely_signed("s", body, Some(&signed_pair)));
        assert!(!connectsafely_signed(
            "s",
            body,
            Some(&format!("sha256={}", &good[..62]))
        ));
        assert!(!connectsafely_signed(
            "s",
            body,
            Some(&format!("sha256={good}00"))
        ));
    }

    #[test]
    fn a_connectsafely_message_is_read_as_untrusted_input() {
        let body = br#"{"event":"message.received","object":"event","data":{"id":"evt","message_urn":"urn:li:msg_message:1","account_id":"acc","provider":"LINKEDIN","sender":{"id":"ACoAAB","name":"Sam <b>","profile_url":"https://www.linkedin.com/in/sam/","profile_picture":"javascript:alert(1)"},"body":"Hi","timestamp":"2026-11-24T10:00:00Z","conversation_id":"urn:li:messagingThread:2-abc=","attachments":[{}]}}"#;
        let ConnectSafelyPush::Message(pushed) = connectsafely_event(body).unwrap() else {
            panic!("a message")
        };
        assert_eq!(pushed.message.conversation_id, "2-abc=");
        assert_eq!(pushed.message.sent_at, 1_795_514_400_000);
        assert_eq!(pushed.sender_picture, None, "only https pictures");
        assert!(pushed.has_attachment);
        assert!(pushed.sent_by_owner(Some("urn:li:fsd_profile:ACoAAB")));
        assert!(!pushed.sent_by_owner(Some("urn:li:fsd_profile:ACoAAX")));
        assert!(!pushed.sent_by_owner(None));
        let seed = pushed.new_conversation(false);
        assert_eq!(seed.participants[0].name, "Sam <b>");
        assert_eq!(
            connectsafely_event(br#"{"event":"message.read","data":null}"#).unwrap(),
            ConnectSafelyPush::Ignored
        );
        assert_eq!(
            connectsafely_event(
                br#"{"event":"connection.accepted","data":{"profile":{"id":"x"}}}"#
            )
            .unwrap(),
            ConnectSafelyPush::Ignored,
            "another event's data is not a message's"
        );
        for bad in [
            &br#"{"event":"message.received","data":{"message_urn":"u","timestamp":"x","conversation_id":"urn:li:messagingThread:2-a"}}"#[..],
            br#"{"event":"message.received","data":{"message_urn":"u","timestamp":1,"conversation_id":"nothing"}}"#,
            br#"{"event":"message.received","data":{"message_urn":"","timestamp":1,"conversation_id":"2-a"}}"#,
            b"[]",
        ] {
            assert!(connectsafely_event(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    /// ConnectSafely documents `sender.id` as a URN (connectsafely.ai/docs/webhooks/events,
    /// `../shared/provider-contracts.md` C6) and `profile_url` as possibly null; a bare id is
    /// read too. Either way the URN is not prefixed twice and the profile id is bare.
    #[test]
    fn a_connectsafely_sender_is_a_urn_or_a_bare_id() {
        let event = |id: &str| {
            format!(
                r#"{{"event":"message.received","object":"event","data":{{"id":"urn:li:messagingMessage:2-X","message_urn":"urn:li:messagingMessage:2-X","account_id":"65fa","provider":"LINKEDIN","sender":{{"id":"{id}","name":"Jane","profile_url":null,"profile_picture":null}},"body":"Hi","timestamp":"2026-11-24T10:00:00Z","conversation_id":"urn:li:messagingThread:2-abc","attachments":[]}}}}"#
            )
        };
        for id in ["urn:li:fsd_profile:ACoAAJane", "ACoAAJane"] {
            let ConnectSafelyPush::Message(pushed) =
                connectsafely_event(event(id).as_bytes()).unwrap_or_else(|e| panic!("{id}: {e}"))
            else {
                panic!("a message")
            };
            assert_eq!(pushed.sender_id.as_deref(), Some("ACoAAJane"), "{id}");
            assert_eq!(
                pushed.message.sender.urn.as_deref(),
                Some("urn:li:fsd_profile:ACoAAJane"),
                "{id}"
            );
            assert_eq!(pushed.message.sender.profile_url, None);
            assert!(pushed.sent_by_owner(Some("urn:li:fsd_profile:ACoAAJane")));
            assert!(!pushed.sent_by_owner(Some("urn:li:fsd_profile:ACoAAJ")));
            let seed = pushed.new_conversation(false);
            assert_eq!(seed.participants[0].profile_id, "ACoAAJane");
        }
    }

    #[test]
    fn a_linkup_event_is_its_id() {
        assert_eq!(
            linkup_event(br#"{"event_id":"evt_9","event":"message_received"}"#).unwrap(),
            "evt_9"
        );
        assert!(linkup_event(br#"{"event_id":""}"#).is_err());
        assert!(linkup_event(b"\"nope\"").is_err());
    }

    /// The v2 event in the shape docs.linkupapi.com/api-reference/v2/webhooks/events documents
    /// (its keys and nesting as `../shared/provider-contracts.md` C8 lists them; our values):
    /// `event` is an object holding the event's type. A string `event` is read too.
    #[test]
    fn a_linkup_event_of_the_documented_shape_is_read() {
        let documented = br#"{"event_id":"evt_123","event":{"account_id":"acc_1","account_name":"John Doe","event":{"type":"message","sender_name":"Jane Smith","message_text":"Hello!","sender_profile":"https://www.linkedin.com/in/jane-smith"},"timestamp":"2025-01-15T10:30:00Z"},"created_at":"2025-01-15T10:30:01Z"}"#;
        assert_eq!(linkup_event(documented).unwrap(), "evt_123");
        for kind in ["accepted_invitation", "disconnection"] {
            let body =
                format!(r#"{{"event_id":"e-{kind}","event":{{"event":{{"type":"{kind}"}}}}}}"#);
            assert_eq!(linkup_event(body.as_bytes()).unwrap(), format!("e-{kind}"));
        }
        // No event_id: one id per body, the same for the provider's retry of it.
        let anonymous = br#"{"event":{"event":{"type":"message"}}}"#;
        let id = linkup_event(anonymous).unwrap();
        assert!(id.starts_with("body:") && id.len() == 5 + 64, "{id}");
        assert_eq!(linkup_event(anonymous).unwrap(), id);
        assert_ne!(linkup_event(br#"{"event":{}}"#).unwrap(), id);
    }
}
