//! The seed docs' example objects, present verbatim in the demo data so contract tests can
//! compare the sandbox's answers with the documentation byte for byte.

use crate::data::{message_urns, Conversation, Message, Person};
use crate::rng::Rng;

pub const CS_OWNER_ID: &str = "ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio";
pub const CS_THREAD_ID: &str = "2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==";
pub const LINKUP_THREAD_ID: &str = "2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==";
pub const LINKUP_PROFILE_URL: &str = "https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/";

/// ConnectSafely's example: John Doe, "Hello, how are you?".
pub fn connectsafely_conversation() -> Conversation {
    let john = Person {
        profile_id: "ACoAADSoo60BM6hxemTbnN2aA_Z1-WlNFRhRYhU".into(),
        first_name: "John".into(),
        last_name: "Doe".into(),
        headline: Some("Software Engineer at Tech Company".into()),
        vanity_url: "https://www.linkedin.com/in/john-doe-883467181/".into(),
        picture: Some("https://media.licdn.com/dms/image/...".into()),
        distance: Some("DISTANCE_1".into()),
        member_id: 883_467_181,
    };
    let created_at = 1_771_317_337_868;
    let latest = Message {
        urn: format!("urn:li:msg_message:(urn:li:fsd_profile:{CS_OWNER_ID},2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=)"),
        backend_urn: "urn:li:messagingMessage:2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=".into(),
        text: "Hello, how are you?".into(),
        timestamp: 1_771_950_346_603,
        sender: Some(0),
        kind: "TEXT",
        has_attachment: false,
            files: Vec::new(),
    };
    let earlier = [
        (
            None,
            "Hi John, thanks for connecting! I saw your talk on WebAssembly at the edge.",
        ),
        (Some(0), "Thanks! Glad you liked it."),
        (
            None,
            "We're building something similar, would love to compare notes sometime.",
        ),
        (Some(0), "Sure, happy to. Next week works."),
        (None, "Great, I'll send an invite 🙂"),
        (Some(0), ""),
        (Some(0), "Just accepted, see you Thursday."),
        (None, "See you then!"),
        (
            None,
            "Thanks again for the chat — here are the links I mentioned.",
        ),
        (Some(0), "Much appreciated."),
        (None, "Let me know if your team wants a demo."),
    ];
    let mut rng = Rng::new(7);
    let step = (latest.timestamp - created_at) / (earlier.len() as i64 + 1);
    let mut messages = vec![latest];
    for (i, (sender, text)) in earlier.iter().enumerate().rev() {
        let timestamp = created_at + step * (i as i64 + 1);
        let (urn, backend_urn) = message_urns(CS_OWNER_ID, timestamp, &mut rng);
        let kind = if text.is_empty() { "SYSTEM" } else { "TEXT" };
        messages.push(Message {
            urn,
            backend_urn,
            text: (*text).into(),
            timestamp,
            sender: *sender,
            kind,
            has_attachment: false,
            files: Vec::new(),
        });
    }
    Conversation {
        thread_id: CS_THREAD_ID.into(),
        owner_profile_id: CS_OWNER_ID.into(),
        participants: vec![john],
        messages,
        unread_count: 0,
        created_at,
        last_read_at: 1_771_950_726_332,
        state: None,
        last_seen_at: None,
        last_seen_message: None,
    }
}

/// LinkupAPI's example: Alés Préw and Titouan Prioux, 32 messages from the other member.
pub fn linkup_conversation(owner: &Person) -> Conversation {
    let ales = Person {
        profile_id: "ACoAAFAlesPrewDemo0000000000000000000".into(),
        first_name: "Alés".into(),
        last_name: "Préw".into(),
        headline: Some("Growth Marketing at Contoso".into()),
        vanity_url: LINKUP_PROFILE_URL.into(),
        picture: None,
        distance: Some("DISTANCE_1".into()),
        member_id: 262_324,
    };
    let documented = [
        ("😃", 1_745_270_025_236, None, "TEXT", "2-MTc0NTI3MDAyNTA5MWIzODI1OS0xMDAmOTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw=="),
        ("hello", 1_745_267_779_513, Some(0), "TEXT", "2-MTc0NTI2Nzc3OTM2MmI3NTkxNS0xMDAmOTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw=="),
        ("", 1_745_266_498_889, Some(0), "SYSTEM", "2-MTc0NTI2NjQ5ODY1OWI3NDYxOC0xMDAmOTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw=="),
    ];
    let mut messages: Vec<Message> = documented
        .iter()
        .map(|(text, timestamp, sender, kind, id)| Message {
            urn: format!(
                "urn:li:msg_message:(urn:li:fsd_profile:{},{id})",
                owner.profile_id
            ),
            backend_urn: format!("urn:li:messagingMessage:{id}"),
            text: (*text).into(),
            timestamp: *timestamp,
            sender: *sender,
            kind,
            has_attachment: false,
            files: Vec::new(),
        })
        .collect();
    let mut rng = Rng::new(11);
    let mut timestamp = 1_745_266_498_889;
    for i in 0..60 {
        timestamp -= rng.range(60_000, 2 * 86_400_000) as i64;
        let (urn, backend_urn) = message_urns(&owner.profile_id, timestamp, &mut rng);
        let sender = (i % 2 == 0).then_some(0);
        let text = *rng.pick(crate::data::phrases::MESSAGES);
        messages.push(Message {
            urn,
            backend_urn,
            text: text.into(),
            timestamp,
            sender,
            kind: "TEXT",
            has_attachment: false,
            files: Vec::new(),
        });
    }
    Conversation {
        thread_id: LINKUP_THREAD_ID.into(),
        owner_profile_id: owner.profile_id.clone(),
        participants: vec![ales],
        created_at: timestamp - 3_600_000,
        messages,
        unread_count: 0,
        last_read_at: 1_749_403_535_456,
        state: None,
        last_seen_at: Some(1_749_403_535_456),
        last_seen_message: Some(true),
    }
}
