//! The proxy client's requests, account scoping and error bodies.

use super::*;

fn proxy() -> Proxy {
    Proxy::new("https://inbox.example.dev/", ClientToken::new("client-tok")).unwrap()
}

#[test]
fn builds_the_three_routes() {
    let q = ConversationQuery {
        count: Some(5),
        keywords: Some("R&D".into()),
        unread: Some(true),
        ..Default::default()
    };
    let r = proxy().build_list_conversations(&q).unwrap();
    assert_eq!(
        r.url,
        "https://inbox.example.dev/v1/conversations?count=5&keywords=R%26D&unread=true"
    );
    assert_eq!(r.header("authorization"), Some("Bearer client-tok"));
    let by_id = MessageQuery {
        conversation_id: Some("urn:li:msg_conversation:(urn:li:fsd_profile:A,2-x==)".into()),
        ..Default::default()
    };
    assert_eq!(
        proxy().build_list_messages(&by_id).unwrap().url,
        "https://inbox.example.dev/v1/conversations/urn%3Ali%3Amsg_conversation%3A%28urn%3Ali%3Afsd_profile%3AA%2C2-x%3D%3D%29/messages"
    );
    let by_url = MessageQuery {
        profile_url: Some("https://linkedin.com/in/x".into()),
        count: Some(3),
        ..Default::default()
    };
    assert_eq!(
        proxy().build_list_messages(&by_url).unwrap().url,
        "https://inbox.example.dev/v1/messages?profileUrl=https%3A%2F%2Flinkedin.com%2Fin%2Fx&count=3"
    );
}

#[test]
fn every_request_of_an_account_names_it() {
    let alex = proxy().for_account(Some("alex.m_2")).unwrap();
    assert_eq!(alex.account(), Some("alex.m_2"));
    let list = ConversationQuery {
        count: Some(5),
        cursor: Some("c1".into()),
        ..Default::default()
    };
    assert_eq!(
        alex.build_list_conversations(&list).unwrap().url,
        "https://inbox.example.dev/v1/conversations?count=5&cursor=c1&account=alex.m_2"
    );
    let thread = MessageQuery {
        conversation_id: Some("2-abc".into()),
        ..Default::default()
    };
    assert_eq!(
        alex.build_list_messages(&thread).unwrap().url,
        "https://inbox.example.dev/v1/conversations/2-abc/messages?account=alex.m_2"
    );
    let draft = Draft {
        conversation_id: Some("2-abc".into()),
        profile_url: None,
        text: "hi".into(),
        attachments: Vec::new(),
    };
    let send = alex.build_send(&draft, "key-1").unwrap();
    assert_eq!(
        send.url,
        "https://inbox.example.dev/v1/conversations/2-abc/messages?account=alex.m_2"
    );
    assert_eq!(send.header("idempotency-key"), Some("key-1"));
    assert_eq!(
        alex.build_mark("2-abc", false).unwrap().url,
        "https://inbox.example.dev/v1/conversations/2-abc/unread?account=alex.m_2"
    );
    let all = proxy().for_account(Some(ALL_ACCOUNTS)).unwrap();
    assert!(all
        .build_list_conversations(&ConversationQuery::default())
        .unwrap()
        .url
        .ends_with("/v1/conversations?account=all"));
    // None names no account again; the token and base stay.
    let none = alex.for_account(None).unwrap();
    assert_eq!(none.account(), None);
    let mark = none.build_mark("2-abc", true).unwrap();
    assert_eq!(
        mark.url,
        "https://inbox.example.dev/v1/conversations/2-abc/read"
    );
    assert_eq!(mark.header("authorization"), Some("Bearer client-tok"));
}

#[test]
fn account_ids_are_checked_before_any_request() {
    for bad in ["", "a b", "a&b=c", "é", "a/b", &"x".repeat(65)] {
        let err = proxy().for_account(Some(bad)).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::InvalidInput, Some("account")),
            "{bad:?}"
        );
    }
    assert!(proxy().for_account(Some(&"x".repeat(64))).is_ok());
}

#[test]
fn error_bodies_keep_code_field_and_retry_after() {
    let bad = HttpResponse::new(
        400,
        r#"{"error":{"code":"INVALID_INPUT","message":"bad count","field":"count"}}"#,
    );
    let err = proxy().parse_list_conversations(&bad).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (ErrorCode::InvalidInput, Some("count"))
    );
    // A client of several accounts must name one for some routes.
    let unnamed = HttpResponse::new(
        400,
        r#"{"error":{"code":"INVALID_INPUT","message":"is required","field":"account"}}"#,
    );
    let err = proxy().parse_list_messages(&unnamed).unwrap_err();
    assert_eq!(err.field(), Some("account"));
    let limited = HttpResponse::new(
        429,
        r#"{"error":{"code":"BUDGET_EXHAUSTED","message":"spent"}}"#,
    )
    .with_header("Retry-After", "60");
    let err = proxy().parse_list_messages(&limited).unwrap_err();
    assert_eq!(
        (err.code(), err.retry_after_secs()),
        (ErrorCode::BudgetExhausted, Some(60))
    );
    let origin = HttpResponse::new(
        403,
        r#"{"error":{"code":"ORIGIN_NOT_ALLOWED","message":"no"}}"#,
    );
    assert_eq!(
        proxy()
            .parse_list_conversations(&origin)
            .unwrap_err()
            .code(),
        ErrorCode::OriginNotAllowed
    );
    let unknown = HttpResponse::new(403, r#"{"error":{"code":"SOMETHING_NEW","message":"no"}}"#);
    assert_eq!(
        proxy()
            .parse_list_conversations(&unknown)
            .unwrap_err()
            .code(),
        ErrorCode::Unauthorized
    );
}

#[test]
fn a_triage_view_goes_with_every_page_of_a_list() {
    let view = ListView {
        view: Some("inbox".into()),
        label: Some("warm lead".into()),
        waiting: Some("them".into()),
        quiet_days: Some(7),
    };
    let q = ConversationQuery {
        count: Some(5),
        cursor: Some("c1".into()),
        ..Default::default()
    };
    let scoped = proxy().with_view(view).for_account(Some("alex")).unwrap();
    assert_eq!(
        scoped.build_list_conversations(&q).unwrap().url,
        "https://inbox.example.dev/v1/conversations?count=5&view=inbox&label=warm%20lead&waiting=them&quietDays=7&cursor=c1&account=alex"
    );
    assert_eq!(
        proxy().build_list_conversations(&q).unwrap().url,
        "https://inbox.example.dev/v1/conversations?count=5&cursor=c1"
    );
}
