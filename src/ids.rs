//! LinkedIn conversation ids in every form providers send: the bare thread id (`2-...`),
//! `urn:li:msg_conversation:(urn:li:fsd_profile:<owner>,<thread id>)` and
//! `urn:li:messagingThread:<thread id>`. The thread id is the one key they all share, so it is
//! a conversation's `id` in the model whichever provider listed it.
//!
//! Message ids likewise: `urn:li:msg_message:(urn:li:fsd_profile:<owner>,<message id>)`,
//! `urn:li:messagingMessage:<message id>` and the bare `2-...` all carry one LinkedIn message
//! id ([`message_id`]), the key that says two forms are one message.

use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

/// Whether `text` is a bare LinkedIn thread id (`<digit>-<base64ish>`).
pub fn is_thread_id(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() > 2
        && b[0].is_ascii_digit()
        && b[1] == b'-'
        && b[2..]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'_' | b'-'))
}

/// The thread id inside any conversation id form, when it has one.
pub fn thread_id(id: &str) -> Option<&str> {
    let id = id.trim();
    if is_thread_id(id) {
        return Some(id);
    }
    if !id.starts_with("urn:li:") {
        return None;
    }
    // The last `,`- or `:`-separated part, without the closing parenthesis of a tuple URN
    // (found bytewise: both separators are ASCII, so the cut is a char boundary).
    let start = id.bytes().rposition(|b| b == b',' || b == b':')? + 1;
    let tail = id[start..].trim_end_matches(')');
    is_thread_id(tail).then_some(tail)
}

/// The model id of a conversation: its thread id, or the id as sent when it has none.
pub(crate) fn conversation_key(id: &str) -> String {
    thread_id(id).unwrap_or(id).to_owned()
}

/// Whether `text` is a LinkedIn profile id (`ACoAA…`, the id of `urn:li:fsd_profile:<id>`).
pub(crate) fn is_profile_id(text: &str) -> bool {
    text.len() > 10
        && text.starts_with("ACoA")
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
}

/// A conversation's URN in the form every documented ConnectSafely example uses: a
/// `urn:li:msg_conversation:(<owner profile URN>,<thread id>)` URN as it is, or built from the
/// thread id when the owner's profile URN is known; else, last resort, a bare thread id's
/// `urn:li:messagingThread:<thread id>` (no provider page shows that form accepted). Text
/// holding no thread id is returned as it is.
pub(crate) fn conversation_urn(id: &str, owner_profile_urn: Option<&str>) -> String {
    let id = id.trim();
    match (thread_id(id), owner_profile_urn) {
        _ if id.starts_with("urn:li:msg_conversation:") => id.to_owned(),
        (Some(thread), Some(owner)) => format!("urn:li:msg_conversation:({owner},{thread})"),
        (Some(thread), None) if is_thread_id(id) => format!("urn:li:messagingThread:{thread}"),
        _ => id.to_owned(),
    }
}

/// The LinkedIn message id inside any message id form: the `<message id>` of
/// `urn:li:msg_message:(<owner>,<message id>)` and of `urn:li:messagingMessage:<message id>`, a
/// bare id as it is; any other text, trimmed, is its own id. Two ids name one message exactly
/// when their `message_id`s are equal.
pub fn message_id(id: &str) -> &str {
    let id = id.trim();
    if let Some(tuple) = id.strip_prefix("urn:li:msg_message:(") {
        let inner = tuple.strip_suffix(')').unwrap_or(tuple);
        return inner.rsplit(',').next().unwrap_or(inner).trim();
    }
    match id.strip_prefix("urn:li:messagingMessage:") {
        Some(bare) if !bare.is_empty() => bare,
        _ => id,
    }
}

/// The thread id a message id names, when it names one. LinkedIn message ids are
/// `2-<base64 of "<time and sequence>&<thread part>">`, and the thread id is
/// `2-<base64 of "<thread part>">`: LinkupAPI's documented examples show both for one
/// conversation (v1 `/messages/conversation` and v1 `send-message`). Message ids without `&`
/// (ConnectSafely's seed example) name no thread.
pub(crate) fn thread_of_message(id: &str) -> Option<String> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let id = message_id(id);
    let (version, encoded) = id.split_once('-').filter(|_| is_thread_id(id))?;
    let decoded = LENIENT.decode(encoded).ok()?;
    let at = decoded.iter().position(|&b| b == b'&')?;
    let thread_part = &decoded[at + 1..];
    (!thread_part.is_empty()).then(|| format!("{version}-{}", LENIENT.encode(thread_part)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_form_yields_the_same_message_id() {
        for form in [
            "urn:li:msg_message:(urn:li:fsd_profile:ACoAA_x-1,2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=)",
            "urn:li:messagingMessage:2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=",
            "2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=",
            " 2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA= ",
        ] {
            assert_eq!(
                message_id(form),
                "2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=",
                "{form}"
            );
        }
        assert_eq!(message_id("urn:li:messagingMessage:abc123"), "abc123");
        assert_eq!(
            message_id("urn:li:messagingMessage:"),
            "urn:li:messagingMessage:"
        );
        assert_eq!(message_id("msg-1"), "msg-1");
    }

    #[test]
    fn a_message_id_names_its_thread_when_it_carries_one() {
        let message = "urn:li:msg_message:(urn:li:fsd_profile:ACoAADxnv0oB_dN-NfpvEBlsVPU_W1omM-Xu24o,2-MTc0NTI3MDAyNTA5MWIzODI1OS0xMDAmOTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==)";
        assert_eq!(
            thread_of_message(message).as_deref(),
            Some("2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==")
        );
        for none in [
            "urn:li:messagingMessage:2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=",
            "urn:li:msg_message:(urn:li:fsd_profile:ACoAA...,2-MTc3NzE0...)",
            "urn:li:messagingMessage:abc123",
            "",
        ] {
            assert_eq!(thread_of_message(none), None, "{none}");
        }
    }

    #[test]
    fn a_conversation_urn_is_the_msg_conversation_form_whenever_the_owner_is_known() {
        let owner = "urn:li:fsd_profile:ACoAA_x-1";
        let full = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAA_x-1,2-OTFjZmE1ZDQ=)";
        for id in [
            "2-OTFjZmE1ZDQ=",
            "urn:li:messagingThread:2-OTFjZmE1ZDQ=",
            full,
        ] {
            assert_eq!(conversation_urn(id, Some(owner)), full, "{id}");
        }
        assert_eq!(conversation_urn(full, None), full);
        assert_eq!(
            conversation_urn(" 2-OTFjZmE1ZDQ= ", None),
            "urn:li:messagingThread:2-OTFjZmE1ZDQ="
        );
        assert_eq!(
            conversation_urn("urn:li:messagingThread:2-OTFjZmE1ZDQ=", None),
            "urn:li:messagingThread:2-OTFjZmE1ZDQ="
        );
        assert_eq!(
            conversation_urn("urn:li:salesNav_thread:1", Some(owner)),
            "urn:li:salesNav_thread:1"
        );
    }

    #[test]
    fn every_form_yields_the_same_thread_id() {
        for form in [
            "2-OTFjZmE1ZDQ=",
            "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAA_x-1,2-OTFjZmE1ZDQ=)",
            "urn:li:messagingThread:2-OTFjZmE1ZDQ=",
            " 2-OTFjZmE1ZDQ= ",
        ] {
            assert_eq!(thread_id(form), Some("2-OTFjZmE1ZDQ="), "{form}");
        }
        for none in ["", "2-", "x-abc", "urn:li:member:12345", "https://x/2-abc"] {
            assert_eq!(thread_id(none), None, "{none}");
        }
        assert_eq!(conversation_key("urn:li:member:1"), "urn:li:member:1");
    }
}
