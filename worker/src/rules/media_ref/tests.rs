use linkedin_inbox::{Attachment, AttachmentKind, Message, MessageKind, Sender};

use super::*;

const SECRET: &str = "a-cursor-secret-of-at-least-32-bytes!";
const MEDIA: &str = "https://www.linkedin.com/dms/prv/image/v2/D4E/messaging-image/0/1?m=AQ";

fn message(refs: &[&str]) -> Message {
    Message {
        id: "urn:li:messagingMessage:2-X".into(),
        conversation_id: "2-abc".into(),
        text: String::new(),
        sent_at: 1,
        kind: MessageKind::Text,
        raw_kind: "TEXT".into(),
        sender: Sender {
            name: "Jane".into(),
            first_name: None,
            last_name: None,
            profile_url: None,
            urn: None,
        },
        attachments: refs
            .iter()
            .map(|r| Attachment {
                kind: AttachmentKind::Image,
                name: Some("photo.png".into()),
                media_type: Some("image/png".into()),
                size: Some(67),
                width: None,
                height: None,
                provider_ref: Some((*r).into()),
                sealed_ref: None,
            })
            .collect(),
    }
}

#[test]
fn a_sealed_ref_opens_to_its_claim_until_it_expires_and_hides_the_url() {
    let key = MediaKey::derive(SECRET);
    let mut messages = [message(&[MEDIA, "att://not-a-media-url"])];
    key.seal_messages(&mut messages, "digest-a", 1_000);
    let [ref0, ref1] = [0, 1].map(|i| messages[0].attachments[i].clone());
    assert_eq!((ref0.provider_ref, ref1.provider_ref), (None, None));
    assert_eq!(
        ref1.sealed_ref, None,
        "no ref for what is not a documented media URL"
    );
    let sealed = ref0.sealed_ref.unwrap();
    assert!(!sealed.contains("linkedin") && !sealed.contains("digest"));
    let json = serde_json::to_string(&messages[0]).unwrap();
    assert!(
        !json.contains("dms/prv") && !json.contains("providerRef"),
        "{json}"
    );
    let claim = key.open(&sealed, 1_001).unwrap();
    assert_eq!(claim.digest, "digest-a");
    assert_eq!(
        (claim.message.as_str(), claim.index),
        ("urn:li:messagingMessage:2-X", 0)
    );
    assert_eq!(claim.url, MEDIA);
    let expiry = 1_000 + MEDIA_REF_TTL_MS;
    assert_eq!(key.open(&sealed, expiry), Err(Refused::Expired));
}

#[test]
fn forged_altered_or_foreign_refs_do_not_open() {
    let key = MediaKey::derive(SECRET);
    let mut messages = [message(&[MEDIA])];
    key.seal_messages(&mut messages, "d", 0);
    let sealed = messages[0].attachments[0].sealed_ref.clone().unwrap();
    let mut flipped = sealed.clone().into_bytes();
    let last = flipped.len() - 3;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    let other = MediaKey::derive("another-secret-that-is-32-bytes-long");
    let mut foreign = [message(&[MEDIA])];
    other.seal_messages(&mut foreign, "d", 0);
    for presented in [
        String::from_utf8(flipped).unwrap(),
        foreign[0].attachments[0].sealed_ref.clone().unwrap(),
        sealed.replacen("m1.", "m2.", 1),
        MEDIA.to_owned(),
        "m1.".into(),
        format!("m1.{}", "A".repeat(MAX_REF_LEN)),
    ] {
        assert_eq!(
            key.open(&presented, 1),
            Err(Refused::NotSealed),
            "{presented}"
        );
    }
    assert_eq!(format!("{key:?}"), "MediaKey([redacted])");
}

#[test]
fn downloads_pass_allowed_types_inline_for_pictures_only() {
    let header = |h: &[(&str, String)], name: &str| {
        h.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let picture = download_headers(Some("image/png"), None, Some("photo.png"));
    assert_eq!(header(&picture, "Content-Type"), "image/png");
    assert_eq!(header(&picture, "Content-Disposition"), "inline");
    assert_eq!(header(&picture, "X-Content-Type-Options"), "nosniff");
    assert!(header(&picture, "Cache-Control").starts_with("private"));
    let pdf = download_headers(Some("application/pdf; charset=x"), None, Some("c\"v é.pdf"));
    assert_eq!(header(&pdf, "Content-Type"), "application/pdf");
    assert_eq!(
        header(&pdf, "Content-Disposition"),
        "attachment; filename=\"c_v _.pdf\"; filename*=UTF-8''c%22v%20%C3%A9.pdf"
    );
    // Path separators and control characters never reach a saved name; its length is bytes.
    let odd = download_headers(Some("application/pdf"), None, Some("..\\../x/\u{1}cv%.pdf"));
    assert_eq!(
        header(&odd, "Content-Disposition"),
        "attachment; filename=\"cv_.pdf\"; filename*=UTF-8''cv%25.pdf"
    );
    let long = download_headers(Some("application/pdf"), None, Some(&"é".repeat(200)));
    let disposition = header(&long, "Content-Disposition");
    assert!(
        disposition.contains(&"%C3%A9".repeat(127)) && !disposition.contains(&"%C3%A9".repeat(128))
    );
    let nameless = download_headers(Some("application/pdf"), None, Some("a/"));
    assert_eq!(header(&nameless, "Content-Disposition"), "attachment");
    for (upstream, listed) in [
        (Some("text/html"), None),
        (Some("image/svg+xml"), None),
        (None, None),
    ] {
        let h = download_headers(upstream, listed, None);
        assert_eq!(header(&h, "Content-Type"), "application/octet-stream");
        assert_eq!(header(&h, "Content-Disposition"), "attachment");
    }
    let listed = download_headers(Some("application/octet-stream"), Some("image/jpeg"), None);
    assert_eq!(header(&listed, "Content-Type"), "image/jpeg");
}

#[test]
fn the_configured_key_is_cursor_secrets_under_the_media_label() {
    let config = crate::rules::settings::tests::config();
    let claim = MediaClaim {
        digest: "d".into(),
        message: "m".into(),
        index: 0,
        url: MEDIA.into(),
        media_type: Some("image/png".into()),
        name: None,
        expires_ms: 2_000,
    };
    let sealed = config.media_key.seal(&claim);
    assert_eq!(config.media_key.open(&sealed, 1_000), Ok(claim));
    // Another secret does not open it.
    assert!(MediaKey::derive(SECRET).open(&sealed, 1_000).is_err());
}

#[test]
fn a_download_answer_is_the_file_json_a_refusal_or_the_cdn_s() {
    use super::{media_answer, MediaAnswer};
    assert_eq!(
        media_answer(0, 200, Some("application/pdf")),
        MediaAnswer::File
    );
    assert_eq!(media_answer(2, 200, None), MediaAnswer::File);
    // ConnectSafely's 2xx in JSON is read for the file (json_media), never served as it.
    for json in [
        "application/json",
        "Application/JSON; charset=utf-8",
        "application/problem+json",
    ] {
        assert_eq!(media_answer(0, 200, Some(json)), MediaAnswer::Json);
    }
    // ConnectSafely's 429 is the provider's (it pauses the account); the CDN's after a redirect is not.
    assert_eq!(
        media_answer(0, 429, None),
        MediaAnswer::Refusal { status: 429 }
    );
    assert_eq!(
        media_answer(0, 403, None),
        MediaAnswer::Refusal { status: 403 }
    );
    assert_eq!(media_answer(1, 429, None), MediaAnswer::CdnBusy);
    // After a redirect, any other answer is the media location's refusal, not ConnectSafely's
    // (an expired signed URL's 403 says nothing of the proxy's credentials).
    for (status, content_type) in [
        (403, Some("text/html")),
        (401, None),
        (404, None),
        (500, None),
    ] {
        assert_eq!(
            media_answer(1, status, content_type),
            MediaAnswer::CdnRefused { status }
        );
    }
    assert_eq!(
        media_answer(2, 200, Some("application/json")),
        MediaAnswer::CdnRefused { status: 200 }
    );
}

#[test]
fn a_json_answer_holds_the_file_in_base64_or_a_location() {
    use super::{json_media, JsonMedia};
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
    let encoded = STANDARD.encode(&pdf);
    let bytes = |media_type: Option<&str>| JsonMedia::Bytes {
        bytes: pdf.clone(),
        media_type: media_type.map(str::to_owned),
    };
    let cases = [
        (
            format!(r#"{{"success":true,"data":"{encoded}"}}"#),
            bytes(None),
        ),
        (
            format!(r#"{{"data":{{"base64":"{encoded}","mimeType":"application/pdf"}}}}"#),
            bytes(Some("application/pdf")),
        ),
        (
            format!(r#"{{"data":"data:application/pdf;base64,{encoded}"}}"#),
            bytes(Some("application/pdf")),
        ),
        (
            r#"{"url":"https://media.licdn.com/dms/image/x?e=1"}"#.to_owned(),
            JsonMedia::Url("https://media.licdn.com/dms/image/x?e=1".into()),
        ),
        (
            r#"{"success":true,"data":{"downloadUrl":"https://evil.example/x"}}"#.to_owned(),
            JsonMedia::Url("https://evil.example/x".into()),
        ),
        (
            format!(r#"{{"success":false,"data":"{encoded}"}}"#),
            JsonMedia::Refused,
        ),
        (r#"{"success":true}"#.to_owned(), JsonMedia::Refused),
        (r#"{"data":"not base64!"}"#.to_owned(), JsonMedia::Refused),
        ("not json".to_owned(), JsonMedia::Refused),
    ];
    for (body, expected) in cases {
        assert_eq!(json_media(&body, 1_000), expected, "{body}");
    }
    // The decoded file counts against the cap.
    assert_eq!(
        json_media(&format!(r#"{{"data":"{encoded}"}}"#), pdf.len() as u64 - 1),
        JsonMedia::TooLarge
    );
    let long = "A".repeat(4_000);
    assert_eq!(
        json_media(&format!(r#"{{"data":"{long}"}}"#), 1_000),
        JsonMedia::TooLarge
    );
}
