//! Property tests: arbitrary bytes and arbitrary JSON into every parser and the cursor
#![cfg(not(target_arch = "wasm32"))]
//! decoder never panic (10,000 cases each), and cursors round-trip exactly.

use linkedin_inbox::{
    ApiKey, ConnectSafely, ConversationQuery, Cursor, HttpResponse, Linkup, LoginToken,
    MessageQuery, Provider,
};
use proptest::prelude::*;
use serde_json::Value;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("success".to_owned()),
            Just("conversations".to_owned()),
            Just("conversationUrn".to_owned()),
            Just("participants".to_owned()),
            Just("latestMessage".to_owned()),
            Just("status".to_owned()),
            Just("data".to_owned()),
            Just("messages".to_owned()),
            Just("timestamp".to_owned()),
            Just("entity_urn".to_owned()),
            Just("pagination".to_owned()),
            Just("next_cursor".to_owned()),
            Just("has_next_page".to_owned()),
            Just("nextCursor".to_owned()),
            Just("conversationId".to_owned()),
            Just("lastActivityAt".to_owned()),
            Just("sentAt".to_owned()),
            Just("messageUrn".to_owned()),
            Just("hasMore".to_owned()),
            Just("cursor".to_owned()),
            Just("accounts".to_owned()),
            Just("conversation_id".to_owned()),
            Just("participant".to_owned()),
            Just("last_message".to_owned()),
            Just("time".to_owned()),
            Just("sender".to_owned()),
            Just("unread".to_owned()),
            Just("success".to_owned()),
            Just("metadata".to_owned()),
            Just("credits_consumed".to_owned()),
            Just("error".to_owned()),
            ".{0,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys, inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Every parser of every endpoint and version over one response.
fn parse_both(status: u16, body: String) {
    let cs = ConnectSafely::new(ApiKey::new("k")).unwrap();
    let lk = Linkup::new(ApiKey::new("k"), LoginToken::new("t")).unwrap();
    let v2 = Linkup::v2(ApiKey::new("k"), "acc", "https://api.linkupapi.com").unwrap();
    let response = HttpResponse::new(status, body);
    let filtered = ConversationQuery {
        unread: Some(true),
        ..Default::default()
    };
    let _ = cs.parse_list_conversations(&ConversationQuery::default(), &response);
    let _ = cs.parse_conversations(&filtered, &response);
    let _ = lk.parse_inbox(&filtered, &response);
    let _ = v2.parse_inbox(&ConversationQuery::default(), &response);
    let thread = MessageQuery {
        conversation_id: Some("2-a".into()),
        ..Default::default()
    };
    let _ = cs.parse_thread_messages(&thread, &response);
    let _ = v2.parse_list_messages(&thread, &response);
    let _ = lk.parse_list_messages(
        &MessageQuery {
            conversation_id: Some("2-a".into()),
            ..Default::default()
        },
        &response,
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), status in 100u16..600) {
        let body = String::from_utf8_lossy(&bytes).into_owned();
        parse_both(status, body.clone());
        let _ = Cursor::decode(&body);
    }

    #[test]
    fn arbitrary_json_never_panics(value in any_json(), status in prop_oneof![Just(200u16), 100u16..600]) {
        parse_both(status, value.to_string());
        parse_both(status, serde_json::json!({"success": true, "status": "success", "data": value.clone(), "conversations": [value]}).to_string());
    }

    #[test]
    fn cursors_round_trip_and_garbage_never_panics(upstream in "[ -~]{1,64}", fingerprint in "[0-9a-f]{16}", garbage in ".{0,80}") {
        let cursor = Cursor { provider: Provider::Linkup, fingerprint, upstream, skip: 0 };
        prop_assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        let _ = Cursor::decode(&garbage);
    }

    #[test]
    fn arbitrary_query_input_never_panics(id in ".{0,40}", url in ".{0,40}", keywords in ".{0,40}", count in any::<u32>(), cursor in ".{0,40}") {
        let lk = Linkup::new(ApiKey::new("k"), LoginToken::new("t")).unwrap();
        let _ = lk.build_list_messages(&MessageQuery { conversation_id: Some(id), count: Some(count), cursor: Some(cursor.clone()), ..Default::default() });
        let _ = lk.build_list_messages(&MessageQuery { profile_url: Some(url), ..Default::default() });
        let cs = ConnectSafely::new(ApiKey::new("k")).unwrap();
        let _ = cs.build_list_conversations(&ConversationQuery { keywords: Some(keywords), count: Some(count), cursor: Some(cursor), ..Default::default() });
    }

    #[test]
    fn iso_times_agree_with_the_time_crate(
        seconds in -62_135_596_800i64..253_402_300_799,
        nanos in 0u32..1_000_000_000,
        offset_minutes in -1439i32..1440,
        digits in 0usize..10,
    ) {
        use time::format_description::well_known::Rfc3339;
        let offset = time::UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap();
        let instant = time::OffsetDateTime::from_unix_timestamp(seconds).unwrap()
            .replace_nanosecond(nanos).unwrap()
            .to_offset(offset);
        let full = instant.format(&Rfc3339).unwrap();
        // The fraction cut to `digits` digits (none when 0).
        let text = match full.find('.') {
            Some(dot) => {
                let end = dot + 1 + full[dot + 1..].bytes().take_while(u8::is_ascii_digit).count();
                let kept = if digits == 0 { String::new() } else { format!(".{}", &full[dot + 1..end].chars().chain(std::iter::repeat('0')).take(digits).collect::<String>()) };
                format!("{}{}{}", &full[..dot], kept, &full[end..])
            }
            None => full.clone(),
        };
        let expected = time::OffsetDateTime::parse(&text, &Rfc3339).unwrap();
        let expected_ms = (expected.unix_timestamp_nanos() / 1_000_000) as i64
            - i64::from((expected.unix_timestamp_nanos() % 1_000_000 < 0) as u8);
        prop_assert_eq!(linkedin_inbox::parse_iso8601(&text), Some(expected_ms), "{}", text);
    }

    #[test]
    fn arbitrary_time_text_never_panics(text in ".{0,40}", bytes in "[0-9TZ:.+ -]{0,32}") {
        let _ = linkedin_inbox::parse_time(&text);
        let _ = linkedin_inbox::parse_time(&bytes);
    }

    #[test]
    fn the_exchange_never_panics(
        statuses in prop::collection::vec(prop_oneof![Just(200u16), Just(307u16), Just(302u16), 100u16..600], 1..6),
        location in ".{0,40}",
        value in any_json(),
    ) {
        let cs = ConnectSafely::new(ApiKey::new("k")).unwrap();
        let backend = linkedin_inbox::Backend::Direct {
            connectsafely: Some(cs),
            linkup: None,
            account_id: None,
            routes: linkedin_inbox::Routes::default(),
        };
        let query = ConversationQuery { unread: Some(true), count: Some(3), ..Default::default() };
        let (mut exchange, _) = linkedin_inbox::Exchange::start(backend, linkedin_inbox::Operation::ListConversations(query)).unwrap();
        for status in statuses {
            let response = HttpResponse::new(status, value.to_string()).with_header("location", location.clone());
            match exchange.receive(&response) {
                Ok(linkedin_inbox::Step::Done(_)) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
}
