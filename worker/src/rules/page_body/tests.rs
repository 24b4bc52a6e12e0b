use linkedin_inbox::{Conversation, ConversationPage};
use serde_json::json;

use super::{page_with_items, with_first_field, with_raw_array};

fn conversation(id: &str) -> String {
    json!({
        "id": id,
        "provider": "connectsafely",
        "threadId": id,
        "participants": [{"profileId": "P", "name": "Ana \"A\" Lima"}],
        "unreadCount": 1,
        "isRead": false,
        "lastActivityAt": 10,
    })
    .to_string()
}

fn page() -> ConversationPage {
    ConversationPage {
        items: Vec::new(),
        next_cursor: Some("next".into()),
        total: Some(7),
        account_id: None,
        owner_profile_urn: Some("urn:li:fsd_profile:OWNER".into()),
        filters_applied: true,
        credit_cost: 3,
    }
}

fn parsed(body: &str) -> ConversationPage {
    serde_json::from_str(body).expect("the body is a ConversationPage")
}

#[test]
fn no_items_give_the_page_with_an_empty_list() {
    let body = page_with_items(page(), "");
    assert_eq!(parsed(&body), page());
    assert_eq!(body, serde_json::to_string(&page()).unwrap());
}

#[test]
fn one_item_is_spliced_in_as_it_is() {
    let item = conversation("2-a");
    let body = page_with_items(page(), &item);
    assert!(body.starts_with(&format!("{{\"items\":[{item}],")));
    let read = parsed(&body);
    let expected: Conversation = serde_json::from_str(&item).unwrap();
    assert_eq!(read.items, [expected]);
    assert_eq!(
        (read.next_cursor.as_deref(), read.total),
        (Some("next"), Some(7))
    );
}

#[test]
fn many_items_keep_their_order_and_the_page_its_fields() {
    let items: Vec<String> = ["2-a", "2-b", "2-c"].map(conversation).to_vec();
    let body = page_with_items(page(), &items.join(","));
    let read = parsed(&body);
    let ids: Vec<&str> = read.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["2-a", "2-b", "2-c"]);
    assert_eq!(
        ConversationPage {
            items: Vec::new(),
            ..read
        },
        page()
    );
}

#[test]
fn the_page_own_items_are_dropped() {
    let with_own = ConversationPage {
        items: vec![serde_json::from_str(&conversation("2-own")).unwrap()],
        ..page()
    };
    let read = parsed(&page_with_items(with_own, &conversation("2-a")));
    assert_eq!(read.items.len(), 1);
    assert_eq!(read.items[0].id, "2-a");
}

#[test]
fn an_array_of_json_texts_is_one_more_field() {
    let items = [conversation("a"), conversation("b")].join(",");
    let body = with_raw_array(
        &json!({"more": false, "unreadTotal": null}),
        "conversations",
        &items,
    );
    let read: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(read["more"], json!(false));
    assert_eq!(read["unreadTotal"], json!(null));
    assert_eq!(read["conversations"][1]["id"], json!("b"));
    assert_eq!(
        read["conversations"][0]["participants"][0]["name"],
        json!("Ana \"A\" Lima")
    );
    // An empty head, and no items.
    assert_eq!(
        with_raw_array(&json!({}), "conversations", ""),
        r#"{"conversations":[]}"#
    );
    assert_eq!(with_raw_array(&json!(null), "c", "1"), r#"{"c":[1]}"#);
}

#[test]
fn a_field_goes_in_front_of_an_objects_own() {
    let item = conversation("a");
    let body = with_first_field(&item, "account", &json!("acc\"1"));
    assert!(body.starts_with(r#"{"account":"acc\"1","#), "{body}");
    let read: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(read["id"], json!("a"));
    assert_eq!(
        with_first_field("{}", "token", &json!("t")),
        r#"{"token":"t"}"#
    );
    assert_eq!(
        with_first_field(" { } ", "token", &json!(1)),
        r#"{"token":1}"#
    );
}
