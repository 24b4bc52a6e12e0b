use crate::store::list_query::PageEnd;
use crate::store::tests::{conversation, listed, memory_store, message, page, thread_page};
use crate::store::{Filters, Position, Store};

type Memory = Store<rusqlite::Connection>;

fn inbox() -> Memory {
    let store = memory_store();
    store
        .upsert_conversations(&page(vec![
            conversation("2-e", 50, true, "Léa Dupré", "Préwork done"),
            conversation("2-d", 40, false, "Priya Shah", "offer letter"),
            conversation("2-c", 30, true, "Jürgen Groß", "Straße meeting"),
            conversation("2-b", 30, false, "Alex Kim", "lunch?"),
            conversation("2-a", 10, false, "Ana Lima", "old news"),
        ]))
        .unwrap();
    store
}

fn keywords(words: &str) -> Filters<'_> {
    Filters {
        unread: None,
        keywords: Some(words),
        person: None,
        view: None,
        now_ms: 0,
    }
}

#[test]
fn the_list_is_ordered_by_last_activity_then_thread_id() {
    let store = inbox();
    assert_eq!(
        listed(&store, &Filters::default()),
        ["2-e", "2-d", "2-b", "2-c", "2-a"]
    );
}

#[test]
fn the_unread_filter_keeps_unread_or_read_conversations() {
    let store = inbox();
    let unread = Filters {
        unread: Some(true),
        keywords: None,
        person: None,
        view: None,
        now_ms: 0,
    };
    let read = Filters {
        unread: Some(false),
        keywords: None,
        person: None,
        view: None,
        now_ms: 0,
    };
    assert_eq!(listed(&store, &unread), ["2-e", "2-c"]);
    assert_eq!(listed(&store, &read), ["2-d", "2-b", "2-a"]);
    assert_eq!(store.count(&unread).unwrap(), 2);
    assert_eq!(store.unread_total().unwrap(), Some(2));
}

#[test]
fn keywords_match_word_prefixes_whatever_their_case_and_accents() {
    let store = inbox();
    assert_eq!(listed(&store, &keywords("prew")), ["2-e"]);
    assert_eq!(listed(&store, &keywords("PRÉWORK")), ["2-e"]);
    assert_eq!(listed(&store, &keywords("dupre")), ["2-e"]);
    assert_eq!(listed(&store, &keywords("jurgen")), ["2-c"]);
    assert_eq!(
        listed(&store, &keywords("engineer")).len(),
        5,
        "headlines are searched"
    );
    // Every word is required; a word inside another is not a prefix.
    assert_eq!(listed(&store, &keywords("lea shah")), Vec::<String>::new());
    assert_eq!(listed(&store, &keywords("ffer")), Vec::<String>::new());
}

#[test]
fn keywords_and_unread_combine() {
    let store = inbox();
    let filters = Filters {
        unread: Some(true),
        keywords: Some("engineer"),
        person: None,
        view: None,
        now_ms: 0,
    };
    assert_eq!(listed(&store, &filters), ["2-e", "2-c"]);
    assert_eq!(store.count(&filters).unwrap(), 2);
}

#[test]
fn keywords_find_a_conversation_by_its_indexed_messages() {
    let store = inbox();
    assert_eq!(listed(&store, &keywords("budget")), Vec::<String>::new());
    store
        .index_messages(&thread_page(
            "2-a",
            vec![
                message("m2", "2-a", 9, "the budget for Q3"),
                message("m1", "2-a", 8, ""),
            ],
        ))
        .unwrap();
    assert_eq!(listed(&store, &keywords("budg")), ["2-a"]);
}

#[test]
fn keywords_without_a_word_match_nothing_and_syntax_is_inert() {
    let store = inbox();
    assert_eq!(store.count(&keywords("!!! ()")).unwrap(), 0);
    assert_eq!(
        store.joined_json(&keywords("?"), None, 10, "acct").unwrap(),
        ""
    );
    assert_eq!(
        store.page_end(&keywords("*"), None, 10).unwrap(),
        PageEnd {
            matched: 0,
            last: None
        }
    );
    assert_eq!(
        listed(&store, &keywords("lunch OR offer")),
        Vec::<String>::new()
    );
    assert_eq!(listed(&store, &keywords("\"lunch")), ["2-b"]);
}

#[test]
fn pages_walk_the_list_from_position_to_position_without_gaps_or_repeats() {
    let store = inbox();
    let everything = Filters::default();
    let mut after: Option<Position> = None;
    let mut seen = Vec::new();
    loop {
        let end = store.page_end(&everything, after.as_ref(), 2).unwrap();
        let joined = store
            .joined_json(&everything, after.as_ref(), 2, "acct")
            .unwrap();
        let items: Vec<serde_json::Value> = serde_json::from_str(&format!("[{joined}]")).unwrap();
        seen.extend(items.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        let last = end.last.expect("a page's last row");
        assert_eq!(items.last().unwrap()["id"], last.thread_id.as_str());
        if end.matched <= 2 {
            break;
        }
        assert_eq!(end.matched, 3, "counted up to the page's size + 1");
        after = Some(last);
    }
    assert_eq!(seen, ["2-e", "2-d", "2-b", "2-c", "2-a"]);
}

#[test]
fn a_position_between_equal_activity_times_uses_the_thread_id() {
    let store = inbox();
    let after_b = Position {
        last_activity_at: 30,
        thread_id: "2-b".into(),
    };
    let end = store
        .page_end(&Filters::default(), Some(&after_b), 10)
        .unwrap();
    assert_eq!(
        end,
        PageEnd {
            matched: 2,
            last: Some(Position {
                last_activity_at: 10,
                thread_id: "2-a".into()
            })
        }
    );
    let joined = store
        .joined_json(&Filters::default(), Some(&after_b), 1, "acct")
        .unwrap();
    assert!(joined.contains("\"id\":\"2-c\"") && !joined.contains("2-a"));
}

#[test]
fn positions_encode_and_decode() {
    let position = Position {
        last_activity_at: 1_700_000_000_000,
        thread_id: "2-abc:def".into(),
    };
    let text = position.encode(42);
    assert_eq!(text, "42|1700000000000:2-abc:def");
    assert_eq!(Position::decode(&text), Some(position));
    assert_eq!(Position::decode("no-bar"), None);
    assert_eq!(Position::decode("1|x:2-a"), None);
}

#[test]
fn joined_json_puts_the_account_first_and_refuses_an_unsafe_one() {
    let store = inbox();
    let joined = store
        .joined_json(&Filters::default(), None, 1, "work.main_1")
        .unwrap();
    assert!(joined.starts_with("{\"account\":\"work.main_1\",\"id\":\"2-e\""));
    let parsed: linkedin_inbox::Conversation = serde_json::from_str(&joined).unwrap();
    assert_eq!(parsed.account.as_deref(), Some("work.main_1"));
    assert!(store
        .joined_json(&Filters::default(), None, 1, "a\",\"x")
        .is_err());
}

#[test]
fn the_unread_total_is_unknown_before_the_store_holds_anything() {
    let store = memory_store();
    assert_eq!(store.unread_total().unwrap(), None);
    store.record_head(&page(vec![]), 1_000, 1).unwrap();
    assert_eq!(store.unread_total().unwrap(), Some(0));
}
