//! LinkedIn conversation ids in every form providers send: the bare thread id (`2-...`),
//! `urn:li:msg_conversation:(urn:li:fsd_profile:<owner>,<thread id>)` and
//! `urn:li:messagingThread:<thread id>`. The thread id is the one key they all share, so it is
//! a conversation's `id` in the model whichever provider listed it.

/// Whether `text` is a bare LinkedIn thread id (`<digit>-<base64ish>`).
pub fn is_thread_id(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() > 2
        && b[0].is_ascii_digit()
        && b[1] == b'-'
        && b[2..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || b"+/=_-".contains(c))
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
    // The last `,`- or `:`-separated part, without the closing parenthesis of a tuple URN.
    let tail = id
        .rsplit([',', ':'])
        .next()
        .map(|t| t.trim_end_matches(')'))?;
    is_thread_id(tail).then_some(tail)
}

/// The model id of a conversation: its thread id, or the id as sent when it has none.
pub(crate) fn conversation_key(id: &str) -> String {
    thread_id(id).unwrap_or(id).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

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
