use super::*;
use linkedin_inbox::ErrorCode;

fn plain(cursor: &str) -> Result<String, Error> {
    Ok(cursor.to_owned())
}

fn url(query: &str) -> Url {
    Url::parse(&format!("https://proxy.example/v1/x{query}")).unwrap()
}

#[test]
fn sends_need_a_key_and_a_checked_body() {
    assert_eq!(
        idempotency_key(None).unwrap_err().field(),
        Some("Idempotency-Key")
    );
    assert_eq!(
        idempotency_key(Some("")).unwrap_err().field(),
        Some("Idempotency-Key")
    );
    assert_eq!(
        idempotency_key(Some("a b")).unwrap_err().field(),
        Some("Idempotency-Key")
    );
    assert!(idempotency_key(Some(&"k".repeat(256))).is_err());
    assert_eq!(idempotency_key(Some("9f1c-42")).unwrap(), "9f1c-42");
    let draft = reply_draft("2-abc", r#"{"text": " hi <b>there</b> "}"#).unwrap();
    assert_eq!(
        (draft.conversation_id.as_deref(), draft.text.as_str()),
        (Some("2-abc"), " hi <b>there</b> ")
    );
    for (body, field) in [
        ("", "body"),
        ("{}", "body"),
        (r#"{"text": "hi", "extra": 1}"#, "body"),
        (r#"{"text": "   "}"#, "text"),
        (r#"{"text": "a\u0000b"}"#, "text"),
    ] {
        assert_eq!(
            reply_draft("2-abc", body).unwrap_err().field(),
            Some(field),
            "{body}"
        );
    }
    assert_eq!(
        reply_draft("nope", r#"{"text": "hi"}"#)
            .unwrap_err()
            .field(),
        Some("conversationId")
    );
    let new = new_draft(r#"{"profileUrl": "https://www.linkedin.com/in/ana/", "text": "Hello"}"#)
        .unwrap();
    assert_eq!(
        new.profile_url.as_deref(),
        Some("https://www.linkedin.com/in/ana/")
    );
    assert_eq!(
        new_draft(r#"{"profileUrl": "https://evil.example/in/ana", "text": "x"}"#)
            .unwrap_err()
            .field(),
        Some("profileUrl")
    );
    assert_eq!(
        new_draft(r#"{"text": "x"}"#).unwrap_err().field(),
        Some("body")
    );
}

#[test]
fn an_empty_profile_url_names_profile_url() {
    for body in [
        r#"{"profileUrl": "", "text": "x"}"#,
        r#"{"profileUrl": "   ", "text": "x"}"#,
    ] {
        assert_eq!(
            new_draft(body).unwrap_err().field(),
            Some("profileUrl"),
            "{body}"
        );
    }
}

#[test]
fn numbers_are_digits_only_and_keywords_within_their_length_as_sent() {
    for bad in [
        "?count=%2B5",
        "?count=+5",
        "?count=%205",
        "?count=5%20",
        "?count=",
        "?count=5.0",
        "?count=0x5",
    ] {
        let error = conversations(&url(bad), None, &plain).unwrap_err();
        assert_eq!(
            (error.code(), error.field()),
            (ErrorCode::InvalidInput, Some("count")),
            "{bad}"
        );
    }
    assert_eq!(
        conversations(&url("?count=05"), None, &plain)
            .unwrap()
            .count,
        Some(5)
    );
    let long = format!(
        "?keywords={}{}",
        "a".repeat(linkedin_inbox::MAX_KEYWORDS_LEN),
        "%20%20"
    );
    let error = conversations(&url(&long), None, &plain).unwrap_err();
    assert_eq!(error.field(), Some("keywords"));
    let exact = format!("?keywords={}", "a".repeat(linkedin_inbox::MAX_KEYWORDS_LEN));
    assert!(conversations(&url(&exact), None, &plain).is_ok());
    let control = conversations(&url("?keywords=a%07b"), None, &plain).unwrap_err();
    assert_eq!(control.field(), Some("keywords"));
}

#[test]
fn conversation_filters_are_read_for_the_clients_account() {
    let q = conversations(
        &url("?count=5&unread=true&keywords=R%26D"),
        Some("acct-1"),
        &plain,
    )
    .unwrap();
    assert_eq!(
        (
            q.account_id.as_deref(),
            q.count,
            q.unread,
            q.keywords.as_deref()
        ),
        (Some("acct-1"), Some(5), Some(true), Some("R&D"))
    );
}

#[test]
fn bad_parameters_name_their_field() {
    let cases = [
        ("?unread=yes", "unread"),
        ("?count=ten", "count"),
        ("?count=0", "count"),
        ("?acount=1", "query"),
    ];
    for (query, field) in cases {
        let err = conversations(&url(query), Some("acct"), &plain).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::InvalidInput, Some(field)),
            "{query}"
        );
    }
    let err = messages_by_profile(&url(""), &plain).unwrap_err();
    assert_eq!(err.field(), Some("profileUrl"));
}

#[test]
fn path_ids_are_percent_decoded_and_bounded() {
    let q = messages_by_id(
        &url("?count=3"),
        "urn%3Ali%3Amsg_conversation%3A2-abc",
        &plain,
    )
    .unwrap();
    assert_eq!(
        q.conversation_id.as_deref(),
        Some("urn:li:msg_conversation:2-abc")
    );
    let long = "a".repeat(3 * linkedin_inbox::MAX_ID_LEN + 1);
    assert_eq!(
        messages_by_id(&url(""), &long, &plain).unwrap_err().field(),
        Some("conversationId")
    );
    assert_eq!(
        messages_by_id(&url(""), "%FF", &plain).unwrap_err().field(),
        Some("conversationId")
    );
}

#[test]
fn cursors_are_opened_before_the_core_checks_them() {
    let refuse = |_: &str| -> Result<String, Error> {
        Err(Error::InvalidCursor {
            reason: "forged".into(),
        })
    };
    let err = conversations(&url("?cursor=abc"), Some("acct"), &refuse).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidCursor);
    let err = messages_by_profile(
        &url("?profileUrl=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fx&cursor=abc"),
        &refuse,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidCursor);
    // No cursor: nothing to open.
    assert!(conversations(&url("?count=3"), Some("acct"), &refuse).is_ok());
}

#[test]
fn a_reply_names_no_profile_url_or_a_real_one() {
    for body in [
        r#"{"text": "hi", "profileUrl": ""}"#,
        r#"{"text": "hi", "profileUrl": "  "}"#,
        r#"{"text": "hi", "profileUrl": null}"#,
    ] {
        assert_eq!(
            reply_draft("2-abc", body).unwrap_err().field(),
            Some("profileUrl"),
            "{body}"
        );
    }
    assert_eq!(
        reply_draft("2-abc", r#"{"text": "hi"}"#)
            .unwrap()
            .profile_url,
        None
    );
}

#[test]
fn text_and_keywords_follow_the_documented_rules_as_sent() {
    let long = format!(r#"{{"text": "a{}"}}"#, " ".repeat(8000));
    for body in [
        r#"{"text": "hi\r"}"#,
        r#"{"text": "hi\r\n"}"#,
        r#"{"text": "\u0085hi"}"#,
        long.as_str(),
    ] {
        assert_eq!(
            reply_draft("2-abc", body).unwrap_err().field(),
            Some("text"),
            "{body}"
        );
    }
    assert!(reply_draft("2-abc", r#"{"text": "line\nbreak\ttab"}"#).is_ok());
    for keywords in ["abc%09", "abc%0A", "%C2%85abc"] {
        let refused = conversations(
            &url(&format!("/v1/conversations?keywords={keywords}")),
            None,
            &plain,
        )
        .unwrap_err();
        assert_eq!(refused.field(), Some("keywords"), "{keywords}");
    }
}

#[test]
fn a_person_is_a_member_id_or_a_profile_urn_ending_in_one() {
    assert_eq!(person(&url("?count=5")), Ok(None));
    let id = "ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio";
    assert_eq!(person(&url(&format!("?person={id}"))), Ok(Some(id.into())));
    let urn = format!("urn:li:fsd_profile:{id}");
    assert_eq!(person(&url(&format!("?person={urn}"))), Ok(Some(id.into())));
    let error = person(&url("?person=in%2Fjohn-doe")).unwrap_err();
    assert_eq!(
        (error.code(), error.field()),
        (ErrorCode::InvalidInput, Some("person"))
    );
}

#[test]
fn an_account_is_a_registry_name_or_all() {
    assert_eq!(account(&url("")), Ok(None));
    assert_eq!(
        account(&url("?account=alex.m_2-b")),
        Ok(Some("alex.m_2-b".into()))
    );
    assert_eq!(account(&url("?account=all")), Ok(Some("all".into())));
    for bad in ["a%2Fb", "", "a%20b"] {
        let error = account(&url(&format!("?account={bad}"))).unwrap_err();
        assert_eq!(error.field(), Some("account"), "{bad}");
    }
}
