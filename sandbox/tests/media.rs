//! The sandbox's attachments through the core's documented requests: thread messages carry
//! `attachments[]` (a PNG or a PDF, deterministic), `POST /conversations/download-media` serves
//! their bytes for documented media URLs of the account only, `upload-attachment` takes a raw
//! file that a send then carries, LinkupAPI sends with media cost 2 credits, and faults reach
//! the media routes.

mod common;

use std::io::Read;

use common::{agent, send, Sandbox, CS_KEY, DOC_ACCOUNT, PRIYA_ACCOUNT, V2_TITOUAN_ACCOUNT};
use linkedin_inbox::{
    ApiKey, Attachment, AttachmentKind, ConnectSafely, ConversationQuery, Draft, HttpRequest,
    MessageQuery,
};
use serde_json::json;

fn cs(sandbox: &Sandbox) -> ConnectSafely {
    ConnectSafely::with_base_url(ApiKey::new(CS_KEY), &sandbox.cs_base()).unwrap()
}

/// Sends `request` (with `body` as its raw body when given): status, content type, bytes.
fn send_raw(request: &HttpRequest, body: Option<&[u8]>) -> (u16, String, Vec<u8>) {
    let mut call = agent().request(request.method.as_str(), &request.url);
    for (name, value) in &request.headers {
        call = call.set(name, value);
    }
    let result = match (body, &request.body) {
        (Some(bytes), _) => call.send_bytes(bytes),
        (None, Some(text)) => call.send_string(text),
        (None, None) => call.call(),
    };
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let (status, media_type) = (response.status(), response.content_type().to_owned());
    let mut bytes = Vec::new();
    response.into_reader().read_to_end(&mut bytes).unwrap();
    (status, media_type, bytes)
}

/// The attachments of `account`'s first `threads` threads, with the thread each is in.
fn attachments_of(sandbox: &Sandbox, account: &str, threads: u32) -> Vec<(String, Attachment)> {
    let cs = cs(sandbox);
    let query = ConversationQuery {
        account_id: Some(account.into()),
        count: Some(threads),
        ..Default::default()
    };
    let page = cs
        .parse_conversations(&query, &send(&cs.build_conversations(&query).unwrap()))
        .unwrap();
    let mut found = Vec::new();
    for conversation in page.items {
        let query = MessageQuery {
            conversation_id: Some(conversation.id.clone()),
            ..Default::default()
        };
        let request = cs.build_thread_messages(&query, Some(account)).unwrap();
        let messages = cs.parse_thread_messages(&query, &send(&request)).unwrap();
        for message in messages.items {
            found.extend(
                message
                    .attachments
                    .into_iter()
                    .map(|a| (conversation.id.clone(), a)),
            );
        }
    }
    found
}

#[test]
fn threads_carry_pictures_and_pdfs_whose_bytes_download_for_their_account_only() {
    let sandbox = Sandbox::start();
    let found = attachments_of(&sandbox, PRIYA_ACCOUNT, 20);
    let image = found.iter().find(|(_, a)| a.kind == AttachmentKind::Image);
    let pdf = found
        .iter()
        .find(|(_, a)| a.media_type.as_deref() == Some("application/pdf"));
    let (Some((_, image)), Some((_, pdf))) = (image, pdf) else {
        panic!("a picture and a PDF among {} attachments", found.len())
    };
    assert_eq!((image.width, image.height), (Some(1), Some(1)));
    for (attachment, magic) in [(image, &b"\x89PNG"[..]), (pdf, &b"%PDF"[..])] {
        let url = attachment.provider_ref.as_deref().unwrap();
        assert!(linkedin_inbox::is_media_url(url), "{url}");
        let request = cs(&sandbox)
            .build_download_media(url, Some(PRIYA_ACCOUNT))
            .unwrap();
        let (status, media_type, bytes) = send_raw(&request, None);
        assert_eq!(status, 200);
        assert_eq!(Some(media_type.as_str()), attachment.media_type.as_deref());
        assert!(bytes.starts_with(magic));
        assert_eq!(Some(bytes.len() as u64), attachment.size);
        // Deterministic: the same bytes again.
        assert_eq!(send_raw(&request, None).2, bytes);
        // Another account of the same key does not own it.
        let other = cs(&sandbox)
            .build_download_media(url, Some(DOC_ACCOUNT))
            .unwrap();
        assert_eq!(send_raw(&other, None).0, 404);
    }
    let (status, _) = sandbox.cs_post(
        "/conversations/download-media",
        &json!({"accountId": PRIYA_ACCOUNT, "url": "https://evil.example/dms/prv/x"}),
        Some(CS_KEY),
    );
    assert_eq!(status, 400, "only documented media hosts");
    sandbox
        .fault(json!({"mode": "status", "status": 500, "route": "cs.download-media", "count": 1}));
    let url = image.provider_ref.as_deref().unwrap();
    let request = cs(&sandbox)
        .build_download_media(url, Some(PRIYA_ACCOUNT))
        .unwrap();
    assert_eq!(send_raw(&request, None).0, 500);
    assert_eq!(sandbox.stats()["callsByEndpoint"]["cs.download-media"], 8);
}

#[test]
fn an_uploaded_file_is_sent_shown_in_its_thread_and_downloaded_back() {
    let sandbox = Sandbox::start();
    let cs = cs(&sandbox);
    let bytes = b"%PDF-1.4\nmy cv\n%%EOF\n".to_vec();
    let size = bytes.len() as u64;
    let request = cs
        .build_upload_attachment("cv.pdf", "application/pdf", size, Some(PRIYA_ACCOUNT))
        .unwrap();
    let (status, _, answer) = send_raw(&request, Some(&bytes));
    assert_eq!(status, 200);
    let answer = linkedin_inbox::HttpResponse::new(200, String::from_utf8(answer).unwrap());
    let file = cs
        .parse_upload_attachment("cv.pdf", "application/pdf", size, &answer)
        .unwrap();
    let (_, page) = sandbox.cs_get(
        &format!("/conversations?accountId={PRIYA_ACCOUNT}&count=1"),
        Some(CS_KEY),
    );
    let thread = page["conversations"][0]["conversationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let draft = Draft {
        conversation_id: Some(thread.clone()),
        text: "My CV".into(),
        attachments: vec![file],
        ..Draft::default()
    };
    let sent = cs
        .parse_send(
            &draft,
            &send(&cs.build_send(&draft, Some(PRIYA_ACCOUNT)).unwrap()),
        )
        .unwrap();
    assert_eq!(sent.message.text, "My CV");
    let query = MessageQuery {
        conversation_id: Some(thread),
        count: Some(1),
        ..Default::default()
    };
    let newest = cs
        .parse_thread_messages(
            &query,
            &send(
                &cs.build_thread_messages(&query, Some(PRIYA_ACCOUNT))
                    .unwrap(),
            ),
        )
        .unwrap()
        .items
        .remove(0);
    let shown = &newest.attachments[0];
    assert_eq!(
        (shown.name.as_deref(), shown.size),
        (Some("cv.pdf"), Some(size))
    );
    let url = shown.provider_ref.as_deref().unwrap();
    let download = cs.build_download_media(url, Some(PRIYA_ACCOUNT)).unwrap();
    assert_eq!(send_raw(&download, None).2, bytes);
    // A send naming an asset nobody uploaded is refused.
    let (status, _) = sandbox.cs_post(
        "/conversations/send",
        &json!({"accountId": PRIYA_ACCOUNT, "conversationUrn": query.conversation_id, "message": "x",
                "attachments": [{"file": {"assetUrn": "urn:li:digitalmediaAsset:nope"}}]}),
        Some(CS_KEY),
    );
    assert_eq!(status, 400);
}

#[test]
fn a_linkup_send_with_media_costs_two_credits_and_carries_the_file() {
    let sandbox = Sandbox::start();
    let profile = "https://www.linkedin.com/in/jane-doe-42/";
    let (status, plain) = sandbox.v2(
        V2_TITOUAN_ACCOUNT,
        "send",
        json!({"profile_url": profile, "message_text": "Hi"}),
    );
    assert_eq!(
        (status, &plain["metadata"]["credits_consumed"]),
        (200, &json!(1))
    );
    let (status, with_file) = sandbox.v2(
        V2_TITOUAN_ACCOUNT,
        "send",
        json!({"profile_url": profile, "message_text": "CV",
               "media_file": {"data": "JVBERi0xLjQK", "filename": "cv.pdf"}}),
    );
    assert_eq!(
        (status, &with_file["metadata"]["credits_consumed"]),
        (200, &json!(2))
    );
    let (status, _) = sandbox.v2(
        V2_TITOUAN_ACCOUNT,
        "send",
        json!({"profile_url": profile, "message_text": "CV", "media_file": {"data": "%%%"}}),
    );
    assert_eq!(status, 400);
}
