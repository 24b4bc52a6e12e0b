use linkedin_inbox::{Conversation, ConversationPage};
use serde_json::json;

use super::page_with_items;

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
