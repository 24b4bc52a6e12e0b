//! Every send request as the providers document it (method, path, body fields): LinkupAPI v1
//! `send-message` and v2 `send` (C2), ConnectSafely `POST /conversations/send` (C4). The
//! answers are in `documented.rs` and `documented_connectsafely.rs`.
#![cfg(not(target_arch = "wasm32"))]

mod documented_fixture;

use documented_fixture::documented;
use linkedin_inbox::{ApiKey, ConnectSafely, Country, Draft, ErrorCode, Linkup, LoginToken};
use pretty_assertions::assert_eq;
use serde_json::{json, Value};

const BASE: &str = "http://127.0.0.1:9";
const PROFILE: &str = "https://www.linkedin.com/in/john-doe-123/";
/// The conversation of LinkupAPI's v1 `/messages/conversation` example.
const V1_URN: &str = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAADxnv0oB_dN-NfpvEBlsVPU_W1omM-Xu24o,2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==)";
/// The conversation of ConnectSafely's mark-seen example, bare and as its URN.
const CS_THREAD: &str = "2-NzkzMDFlNzAtZjU2OS00MjIwLWE2ZDctYzZkMWE1ZDljZDAyXzEwMA==";

fn lk_v1() -> Linkup {
    Linkup::with_base_url(ApiKey::new("lk-key"), LoginToken::new("li-at"), BASE).unwrap()
}

fn lk_v2() -> Linkup {
    Linkup::v2(ApiKey::new("lk-key"), "lk_acc_1", BASE).unwrap()
}

fn cs() -> ConnectSafely {
    ConnectSafely::with_base_url(ApiKey::new("cs-key"), &format!("{BASE}/linkedin")).unwrap()
}

fn urn_of_mark_seen() -> String {
    documented("connectsafely_mark_seen_200.json")["conversationUrn"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The body fields of a sent JSON request.
fn body_keys(request: &linkedin_inbox::HttpRequest) -> Vec<String> {
    let body: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    body.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn c2_every_linkup_send_is_the_documented_request() {
    // docs.linkupapi.com api-reference/linkup/Messages/send: `POST /v1/messages/send-message`
    // {linkedin_url (required; URL or profile id), message_text, country?, media_link?,
    // media_file?, login_token}; no `conversation_id`.
    let v1_fields = documented_body_fields("linkup v1 send");
    let to_profile = Draft {
        profile_url: Some(PROFILE.into()),
        text: "Hi".into(),
        ..Default::default()
    };
    let reply = Draft {
        conversation_id: Some(V1_URN.into()),
        ..to_profile.clone()
    };
    let with_country = Linkup::with_base_url(ApiKey::new("lk-key"), LoginToken::new("li-at"), BASE)
        .unwrap()
        .with_country(Country::FR);
    for client in [lk_v1(), with_country] {
        for draft in [&to_profile, &reply] {
            let request = client.build_send(draft).unwrap();
            assert_eq!(
                (request.method.as_str(), request.url.as_str()),
                ("POST", "http://127.0.0.1:9/v1/messages/send-message")
            );
            let keys = body_keys(&request);
            assert!(keys.iter().all(|k| v1_fields.contains(k)), "{keys:?}");
            assert!(keys.contains(&"linkedin_url".to_owned()), "{keys:?}");
        }
    }
    // docs.linkupapi.com api-reference/v2/messages/send: `POST /v2/messages` {account_id,
    // action: "send", params{profile_url, message_text, media_*?}}.
    for draft in [&to_profile, &reply] {
        let request = lk_v2().build_send(draft).unwrap();
        assert_eq!(
            (request.method.as_str(), request.url.as_str()),
            ("POST", "http://127.0.0.1:9/v2/messages")
        );
        assert_eq!(body_keys(&request), ["account_id", "action", "params"]);
        let body: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body["params"],
            json!({"profile_url": PROFILE, "message_text": "Hi"})
        );
    }
    // A reply without the other member has no documented form.
    let bare_reply = Draft {
        profile_url: None,
        ..reply
    };
    for client in [lk_v1(), lk_v2()] {
        let error = client.build_send(&bare_reply).unwrap_err();
        assert_eq!(
            (error.code(), error.field()),
            (ErrorCode::InvalidInput, Some("profileUrl"))
        );
    }
}

#[test]
fn c4_every_send_is_the_documented_request() {
    // connectsafely.ai docs `post-conversations-send-conversations-send-message`: `POST
    // /conversations/send` {accountId?, recipientProfileId | recipientProfileUrn,
    // conversationUrn?, message, subject?, attachments?, messagingChannel?}.
    let fields_documented = documented_body_fields("connectsafely send");
    let to = |profile: &str| Draft {
        profile_url: Some(profile.into()),
        text: "Hello".into(),
        ..Default::default()
    };
    let reply = |member: Option<&str>| Draft {
        conversation_id: Some(CS_THREAD.into()),
        profile_url: member.map(str::to_owned),
        text: "Hello".into(),
        ..Draft::default()
    };
    let owner = urn_of_mark_seen()
        .split_once('(')
        .and_then(|(_, tuple)| tuple.split_once(','))
        .map(|(owner, _)| owner.to_owned())
        .unwrap();
    let with_owner = cs().with_owner_profile_urn(&owner).unwrap();
    let cases = [
        (
            cs(),
            to(PROFILE),
            json!({"recipientProfileId": "john-doe-123"}),
        ),
        (
            cs(),
            to("https://www.linkedin.com/in/ACoAABcdefgh/"),
            json!({"recipientProfileUrn": "urn:li:fsd_profile:ACoAABcdefgh"}),
        ),
        // The last resort: no owner, a bare thread id.
        (
            cs(),
            reply(None),
            json!({"conversationUrn": format!("urn:li:messagingThread:{CS_THREAD}")}),
        ),
        // The owner known: the form of every documented example (mark-seen's, verbatim).
        (
            with_owner.clone(),
            reply(None),
            json!({"conversationUrn": urn_of_mark_seen()}),
        ),
        (
            with_owner,
            reply(Some(PROFILE)),
            json!({"recipientProfileId": "john-doe-123", "conversationUrn": urn_of_mark_seen()}),
        ),
    ];
    for (client, draft, expected) in cases {
        let request = client
            .build_send(&draft, Some("65fa0123456789abcdef01c0"))
            .unwrap();
        assert_eq!(
            (request.method.as_str(), request.url.as_str()),
            ("POST", "http://127.0.0.1:9/linkedin/conversations/send")
        );
        let body: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        let fields = body.as_object().unwrap();
        assert!(
            fields.keys().all(|k| fields_documented.contains(k)),
            "{body}"
        );
        assert_eq!(
            (&body["accountId"], &body["message"]),
            (&json!("65fa0123456789abcdef01c0"), &json!("Hello"))
        );
        for (key, value) in expected.as_object().unwrap() {
            assert_eq!(&body[key], value, "{key} in {body}");
        }
        let named = [
            "recipientProfileId",
            "recipientProfileUrn",
            "conversationUrn",
        ];
        let sent = named.iter().filter(|k| fields.contains_key(**k)).count();
        assert_eq!(sent, expected.as_object().unwrap().len(), "{body}");
    }
}

/// The documented body fields of the request `name` (`requests.json`).
pub fn documented_body_fields(name: &str) -> Vec<String> {
    let all = documented("requests.json");
    let entry = all["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no documented request {name}"));
    entry["body"]["documented"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}
