use serde_json::json;

use super::*;

/// Unipile's documented `message_received` example (developer.unipile.com/docs/new-messages-webhook),
/// whose shape ConnectSafely's webhook says it follows: one object, numbers as strings.
const UNIPILE_EXAMPLE: &str =
    include_str!("../tests/fixtures/documented/unipile_webhook_attachments.json");

#[test]
fn the_unipile_documented_item_parses_as_an_image_with_its_dimensions() {
    let value: Value = serde_json::from_str(UNIPILE_EXAMPLE).unwrap();
    let parsed = parse_attachments(Some(&value));
    assert_eq!(parsed.len(), 1);
    let a = &parsed[0];
    assert_eq!(a.kind, AttachmentKind::Image);
    assert_eq!(a.media_type.as_deref(), Some("image/jpeg"));
    assert_eq!((a.width, a.height), (Some(150), Some(150)));
    assert_eq!(a.size, None, "a size object is dimensions, not bytes");
    assert!(a.provider_ref.as_deref().unwrap().starts_with("att://"));
    // The same item inside an array (the ConnectSafely webhook's `attachments[]`).
    assert_eq!(parse_attachments(Some(&json!([value]))), parsed);
}

#[test]
fn the_send_side_file_shape_and_unipile_file_names_both_parse() {
    let items = json!([
        {"file": {"assetUrn": "urn:li:digitalmediaAsset:C4E", "byteSize": 2048,
                  "mediaType": "application/pdf", "name": "cv.pdf"}},
        {"type": "file", "file_name": "deck.pptx", "file_size": "4096",
         "mimetype": "application/vnd.ms-powerpoint",
         "url": "https://www.linkedin.com/dms/prv/vid/v2/D4E/messaging-attachmentFile/0/1?m=AQ"},
        {"type": "voice_message", "url": "https://media.licdn.com/dms/prv/audio/a"},
        {"type": "linkedin_post"},
        "not an item",
    ]);
    let parsed = parse_attachments(Some(&items));
    let kinds: Vec<_> = parsed.iter().map(|a| a.kind).collect();
    use AttachmentKind::*;
    assert_eq!(kinds, [File, File, Audio, File], "unknown kinds are files");
    assert_eq!(parsed[0].name.as_deref(), Some("cv.pdf"));
    assert_eq!(parsed[0].size, Some(2048));
    assert_eq!(
        parsed[0].provider_ref.as_deref(),
        Some("urn:li:digitalmediaAsset:C4E")
    );
    assert_eq!(parsed[1].name.as_deref(), Some("deck.pptx"));
    assert_eq!(parsed[1].size, Some(4096));
    assert!(parse_attachments(None).is_empty());
    assert!(parse_attachments(Some(&Value::Null)).is_empty());
}

#[test]
fn a_kind_without_type_comes_from_the_media_type() {
    let items = json!([{"mediaType": "video/mp4"}, {"mimeType": "image/png", "width": 3}]);
    let parsed = parse_attachments(Some(&items));
    assert_eq!(parsed[0].kind, AttachmentKind::Video);
    assert_eq!(
        (parsed[1].kind, parsed[1].width),
        (AttachmentKind::Image, Some(3))
    );
}

#[test]
fn only_the_documented_media_hosts_are_media_urls() {
    for good in [
        "https://media.licdn.com/dms/image/v2/C4E/x.png?e=1&t=2",
        "https://www.linkedin.com/dms/prv/image/v2/D4E/messaging-image/0/1?m=AQ",
        "https://linkedin.com/dms/prv/x",
    ] {
        assert!(is_media_url(good), "{good}");
    }
    for bad in [
        "http://media.licdn.com/x",
        "https://media.licdn.com.evil.example/x",
        "https://evil.example/media.licdn.com/x",
        "https://user@media.licdn.com/x",
        "https://media.licdn.com:8443/x",
        "https://www.linkedin.com/in/someone/",
        "https://evillinkedin.com/dms/prv/x",
        "https://www.linkedin.com\\@evil.example/dms/prv/x",
        "att://iWfwCtGXSr288YQm5Mb",
        "",
    ] {
        assert!(!is_media_url(bad), "{bad}");
    }
}

#[test]
fn the_model_serializes_ref_and_omits_what_is_absent() {
    let mut a = parse_attachments(Some(&json!([{"type": "img", "url": "u"}]))).remove(0);
    let shown = serde_json::to_value(&a).unwrap();
    assert_eq!(shown["kind"], "image");
    assert_eq!(shown["providerRef"], "u");
    assert!(shown.get("ref").is_none());
    a.provider_ref = None;
    a.sealed_ref = Some("sealed".into());
    let shown = serde_json::to_value(&a).unwrap();
    assert_eq!(shown["ref"], "sealed");
    assert!(shown.get("providerRef").is_none());
}
