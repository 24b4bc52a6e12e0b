//! Attachments against the providers' documentation (`shared/provider-contracts.md` §6): the
//! documented shapes that carry `attachments` parse, and the media requests are the documented
//! ones: ConnectSafely `POST /conversations/download-media {accountId, url}`, `POST
//! /conversations/upload-attachment?accountId&filename` (raw body) and `attachments[{file:
//! {assetUrn, byteSize, mediaType, name}}]` on send; LinkupAPI v1/v2 `media_link` or
//! `media_file` on send, 2 credits instead of 1.
#![cfg(not(target_arch = "wasm32"))]

mod documented_fixture;

use documented_fixture::documented;
use linkedin_inbox::{
    send_credit_cost, ApiKey, ConnectSafely, Draft, DraftFile, ErrorCode, HttpResponse, Linkup,
    LoginToken, MessageQuery, Method,
};
use pretty_assertions::assert_eq;
use serde_json::{json, Value};

const BASE: &str = "http://127.0.0.1:9";
const PROFILE: &str = "https://www.linkedin.com/in/john-doe-123/";
const THREAD: &str = "2-NzkzMDFlNzAtZjU2OS00MjIwLWE2ZDctYzZkMWE1ZDljZDAyXzEwMA==";
const MEDIA: &str = "https://www.linkedin.com/dms/prv/image/v2/D4E/messaging-image/0/1?m=AQ";

fn cs() -> ConnectSafely {
    ConnectSafely::with_base_url(ApiKey::new("cs-key"), &format!("{BASE}/linkedin")).unwrap()
}

fn body(request: &linkedin_inbox::HttpRequest) -> Value {
    serde_json::from_str(request.body.as_deref().unwrap()).unwrap()
}

fn pdf(asset_urn: Option<&str>) -> DraftFile {
    DraftFile {
        name: "cv.pdf".into(),
        media_type: "application/pdf".into(),
        byte_size: 2048,
        asset_urn: asset_urn.map(Into::into),
        ..DraftFile::default()
    }
}

#[test]
fn the_documented_thread_and_webhook_examples_parse_with_their_attachments() {
    let thread = documented("connectsafely_conversation_messages_200.json");
    let mut with_items = thread.clone();
    with_items["messages"][0]["attachments"] =
        json!([documented("unipile_webhook_attachments.json")]);
    with_items["messages"][0]["text"] = json!("");
    let query = MessageQuery {
        conversation_id: Some(THREAD.into()),
        ..Default::default()
    };
    for (example, count) in [(thread, 0), (with_items, 1)] {
        let response = HttpResponse::new(200, example.to_string());
        let page = cs().parse_thread_messages(&query, &response).unwrap();
        assert_eq!(page.items[0].attachments.len(), count);
    }
    let response = HttpResponse::new(200, {
        let mut v = documented("connectsafely_conversation_messages_200.json");
        v["messages"][0]["attachments"] = documented("unipile_webhook_attachments.json");
        v["messages"][0]["text"] = json!("");
        v.to_string()
    });
    let page = cs().parse_thread_messages(&query, &response).unwrap();
    let message = &page.items[0];
    assert_eq!(message.attachments[0].width, Some(150));
    assert_eq!(
        message.kind,
        linkedin_inbox::MessageKind::Text,
        "a message with only a file is not a system message"
    );
    let webhook = documented("connectsafely_webhook_message_received.json");
    assert!(linkedin_inbox::parse_attachments(webhook["data"].get("attachments")).is_empty());
}

#[test]
fn download_media_is_the_documented_post_for_documented_hosts_only() {
    let request = cs()
        .build_download_media(MEDIA, Some("65fa0000000000000000c0"))
        .unwrap();
    assert_eq!(request.method, Method::Post);
    assert_eq!(
        request.url,
        format!("{BASE}/linkedin/conversations/download-media")
    );
    assert_eq!(request.header("authorization"), Some("Bearer cs-key"));
    assert_eq!(
        body(&request),
        json!({"accountId": "65fa0000000000000000c0", "url": MEDIA})
    );
    let err = cs()
        .build_download_media("https://evil.example/x", None)
        .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (ErrorCode::InvalidInput, Some("ref"))
    );
}

#[test]
fn upload_attachment_is_the_documented_raw_post_and_its_answer_names_the_asset() {
    let request = cs()
        .build_upload_attachment("cv 1.pdf", "application/pdf", 2048, Some("acc1"))
        .unwrap();
    assert_eq!(request.method, Method::Post);
    assert_eq!(
        request.url,
        format!(
            "{BASE}/linkedin/conversations/upload-attachment?accountId=acc1&filename=cv%201.pdf"
        )
    );
    assert_eq!(request.header("content-type"), Some("application/pdf"));
    assert_eq!(
        request.body, None,
        "the transport sends the file as the raw body"
    );
    // The answer's field names are not documented: top level and under `data` both read.
    for answer in [
        json!({"success": true, "assetUrn": "urn:li:digitalmediaAsset:A"}),
        json!({"success": true, "data": {"assetUrn": "urn:li:digitalmediaAsset:A"}}),
    ] {
        let response = HttpResponse::new(200, answer.to_string());
        let file = cs()
            .parse_upload_attachment("cv.pdf", "application/pdf", 2048, &response)
            .unwrap();
        assert_eq!(file, pdf(Some("urn:li:digitalmediaAsset:A")));
    }
    for (name, media_type, size) in [
        ("x.exe", "application/x-msdownload", 10),
        ("big.pdf", "application/pdf", 25 * 1024 * 1024 + 1),
        ("", "application/pdf", 10),
    ] {
        let err = cs()
            .build_upload_attachment(name, media_type, size, None)
            .unwrap_err();
        assert_eq!(err.field(), Some("attachments"), "{name}");
    }
}

#[test]
fn a_connectsafely_send_names_its_uploaded_files_as_documented() {
    let draft = Draft {
        conversation_id: Some(THREAD.into()),
        text: "My CV".into(),
        attachments: vec![pdf(Some("urn:li:digitalmediaAsset:A"))],
        ..Draft::default()
    };
    let request = cs().build_send(&draft, None).unwrap();
    assert_eq!(
        body(&request)["attachments"],
        json!([{"file": {"assetUrn": "urn:li:digitalmediaAsset:A", "byteSize": 2048,
                         "mediaType": "application/pdf", "name": "cv.pdf"}}])
    );
    let not_uploaded = Draft {
        attachments: vec![pdf(None)],
        ..draft.clone()
    };
    let err = cs().build_send(&not_uploaded, None).unwrap_err();
    assert_eq!(err.field(), Some("attachments"));
    // An answer that does not list the files sent shows the draft's, as the thread will.
    let answer = json!({"success": true, "sentMessage": {"messageUrn": "urn:li:msg_message:x", "text": "My CV", "sentAt": 1}});
    let sent = cs()
        .parse_send(&draft, &HttpResponse::new(200, answer.to_string()))
        .unwrap();
    let shown: Vec<_> = sent
        .message
        .attachments
        .iter()
        .map(|a| (a.name.as_deref(), a.size))
        .collect();
    assert_eq!(shown, [(Some("cv.pdf"), Some(2048))]);
}

#[test]
fn linkup_sends_carry_media_link_or_media_file_and_cost_two_credits() {
    let v1 = Linkup::with_base_url(ApiKey::new("k"), LoginToken::new("t"), BASE).unwrap();
    let v2 = Linkup::v2(ApiKey::new("k"), "lk_acc_1", BASE).unwrap();
    let with = |file: DraftFile| Draft {
        profile_url: Some(PROFILE.into()),
        text: "Hi".into(),
        attachments: vec![file],
        ..Draft::default()
    };
    let link = with(DraftFile {
        link: Some("https://example.com/cv.pdf".into()),
        ..pdf(None)
    });
    let bytes = with(DraftFile {
        data: Some("JVBERi0=".into()),
        ..pdf(None)
    });
    let v1_link = body(&v1.build_send(&link).unwrap());
    assert_eq!(v1_link["media_link"], "https://example.com/cv.pdf");
    assert!(v1_link.get("media_file").is_none());
    let v2_file = body(&v2.build_send(&bytes).unwrap());
    assert_eq!(
        v2_file["params"]["media_file"],
        json!({"data": "JVBERi0=", "filename": "cv.pdf"})
    );
    assert_eq!(
        (send_credit_cost(&link), send_credit_cost(&with(pdf(None)))),
        (2, 2)
    );
    let plain = Draft {
        attachments: Vec::new(),
        ..link.clone()
    };
    assert_eq!(send_credit_cost(&plain), 1);
    assert!(body(&v1.build_send(&plain).unwrap())
        .get("media_link")
        .is_none());
    // A v1 answer carries no credit count: a send with media is counted 2.
    let answer = documented("linkup_v1_send_message_200.json").to_string();
    let sent = v1
        .parse_send(&link, &HttpResponse::new(200, answer))
        .unwrap();
    assert_eq!(sent.credit_cost, 2);
    assert_eq!(sent.message.attachments[0].name.as_deref(), Some("cv.pdf"));
    let err = v1.build_send(&with(pdf(None))).unwrap_err();
    assert_eq!(err.field(), Some("attachments"));
}

#[test]
fn a_download_refusal_never_repeats_the_signed_media_url_or_the_key() {
    let echoed = format!(r#"{{"error":"failed to fetch {MEDIA} with cs-key"}}"#);
    let error = cs().download_media_refusal(&linkedin_inbox::HttpResponse::new(502, echoed), MEDIA);
    let said = error.to_string();
    assert!(!said.contains(MEDIA) && !said.contains("cs-key"), "{said}");
    assert!(!said.contains(MEDIA.split('?').next().unwrap()), "{said}");
    assert!(said.contains("[redacted]"), "{said}");
}
