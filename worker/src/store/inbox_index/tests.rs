//! The index fed from account stores answers what the stores answer, merged: every test
//! compares a merged walk with the sorted union of the stores' own lists.

use super::{FeedAnswer, InboxIndex};
use crate::rules::merged_walk::IndexPosition;
use crate::store::tests::{conversation, memory_store, message, page, thread_page};
use crate::store::{Filters, Store};

type MemoryStore = Store<rusqlite::Connection>;
type MemoryIndex = InboxIndex<rusqlite::Connection>;

fn memory_index() -> MemoryIndex {
    InboxIndex::open(rusqlite::Connection::open_in_memory().unwrap()).unwrap()
}

/// Feeds the index everything `store` changed since the lane's marks.
fn catch_up(index: &MemoryIndex, account: &str, store: &MemoryStore) {
    for _ in 0..100 {
        let marks = index.lane(account).unwrap().and_then(|l| l.marks);
        let feed = store.index_feed(marks.as_ref(), 3, 0).unwrap();
        let answer: FeedAnswer<'_> = serde_json::from_str(&feed.json).unwrap();
        assert!(index.apply(account, &answer).unwrap());
        if !answer.more {
            return;
        }
    }
    panic!("the feed did not end");
}

fn stores() -> Vec<(&'static str, MemoryStore)> {
    let alex = memory_store();
    alex.upsert_conversations(&page(vec![
        conversation(
            "2-a1",
            50,
            true,
            "Élodie Martin",
            "about the quarterly plan",
        ),
        conversation("2-a2", 30, false, "Priya Iyer", "thanks"),
        conversation("2-same", 30, false, "Ana Ruiz", "same time"),
    ]))
    .unwrap();
    alex.index_messages(&thread_page(
        "2-a2",
        vec![message("m1", "2-a2", 29, "budget review")],
    ))
    .unwrap();
    let priya = memory_store();
    priya
        .upsert_conversations(&page(vec![
            conversation("2-p1", 40, true, "Diego Garcia", "budget numbers"),
            conversation("2-same", 30, true, "Ana Ruiz", "same time too"),
        ]))
        .unwrap();
    let empty = memory_store();
    vec![("alex", alex), ("priya", priya), ("titouan", empty)]
}

/// The stores' lists merged: activity, then account order, then thread id.
fn union(stores: &[(&str, MemoryStore)], filters: &Filters<'_>) -> Vec<(String, String)> {
    let all: Vec<(&str, &MemoryStore)> = stores.iter().map(|(a, s)| (*a, s)).collect();
    union_of(&all, filters)
}

fn union_of(stores: &[(&str, &MemoryStore)], filters: &Filters<'_>) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for (rank, (account, store)) in stores.iter().enumerate() {
        let joined = store.joined_json(filters, None, 1000, account).unwrap();
        let items: Vec<serde_json::Value> = serde_json::from_str(&format!("[{joined}]")).unwrap();
        for item in items {
            let at = item["lastActivityAt"].as_i64().unwrap();
            all.push((
                at,
                rank,
                item["id"].as_str().unwrap().to_owned(),
                account.to_string(),
            ));
        }
    }
    all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    all.into_iter()
        .map(|(_, _, id, account)| (account, id))
        .collect()
}

/// A merged walk, `count` at a time.
fn walk(index: &MemoryIndex, filters: &Filters<'_>, count: u32) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    let mut after: Option<IndexPosition> = None;
    for _ in 0..100 {
        let page = index.page(filters, after.as_ref(), None, count).unwrap();
        let items: Vec<serde_json::Value> =
            serde_json::from_str(&format!("[{}]", page.json)).unwrap();
        seen.extend(items.iter().map(|i| {
            (
                i["account"].as_str().unwrap().to_owned(),
                i["id"].as_str().unwrap().to_owned(),
            )
        }));
        if page.matched <= count {
            return seen;
        }
        after = page.last;
    }
    panic!("the walk did not end");
}

fn fed(stores: &[(&str, MemoryStore)]) -> MemoryIndex {
    let index = memory_index();
    let accounts: Vec<&str> = stores.iter().map(|(a, _)| *a).collect();
    index.set_accounts(&accounts).unwrap();
    for (account, store) in stores {
        catch_up(&index, account, store);
    }
    index
}

const NONE: Filters<'static> = Filters {
    unread: None,
    keywords: None,
    person: None,
    view: None,
    now_ms: 0,
};

#[test]
fn a_merged_walk_is_the_union_of_the_stores_in_order() {
    let stores = stores();
    let index = fed(&stores);
    for filters in [
        NONE,
        Filters {
            unread: Some(true),
            keywords: None,
            person: None,
            view: None,
            now_ms: 0,
        },
        Filters {
            unread: Some(false),
            keywords: None,
            person: None,
            view: None,
            now_ms: 0,
        },
        Filters {
            unread: None,
            keywords: Some("budget"),
            person: None,
            view: None,
            now_ms: 0,
        },
        Filters {
            unread: None,
            keywords: Some("elodie"),
            person: None,
            view: None,
            now_ms: 0,
        },
        Filters {
            unread: Some(true),
            keywords: Some("same"),
            person: None,
            view: None,
            now_ms: 0,
        },
        Filters {
            unread: None,
            keywords: Some("!!"),
            person: None,
            view: None,
            now_ms: 0,
        },
    ] {
        let expected = union(&stores, &filters);
        for count in [1, 2, 10] {
            assert_eq!(
                walk(&index, &filters, count),
                expected,
                "{filters:?} by {count}"
            );
        }
        assert_eq!(index.count(&filters).unwrap(), expected.len() as u64);
    }
    // The message text found a conversation whose own text does not hold the word.
    assert!(union(
        &stores,
        &Filters {
            unread: None,
            keywords: Some("budget"),
            person: None,
            view: None,
            now_ms: 0,
        }
    )
    .contains(&("alex".to_owned(), "2-a2".to_owned())));
    assert_eq!(
        index
            .count(&Filters {
                unread: Some(true),
                keywords: None,
                person: None,
                view: None,
                now_ms: 0,
            })
            .unwrap(),
        3
    );
}

#[test]
fn changes_wipes_prunes_and_unlinks_reach_the_index() {
    let stores = stores();
    let index = fed(&stores);
    let (_, alex) = &stores[0];
    let (_, priya) = &stores[1];
    alex.record_read("2-a1", true).unwrap();
    alex.upsert_conversations(&page(vec![conversation(
        "2-a3",
        60,
        true,
        "New Person",
        "hi",
    )]))
    .unwrap();
    priya.record_wipe().unwrap();
    priya.wipe_inbox().unwrap();
    for (account, store) in &stores {
        catch_up(&index, account, store);
    }
    assert_eq!(walk(&index, &NONE, 2), union(&stores, &NONE));
    assert_eq!(
        index
            .count(&Filters {
                unread: Some(true),
                keywords: None,
                person: None,
                view: None,
                now_ms: 0,
            })
            .unwrap(),
        1
    );
    alex.prune_inbox(0, 2).unwrap();
    catch_up(&index, "alex", alex);
    assert_eq!(walk(&index, &NONE, 2), union(&stores, &NONE));
    // Unlinked: its rows and texts go; the order of the others follows the client's.
    let removed = index.set_accounts(&["titouan", "alex"]).unwrap();
    assert_eq!(removed, vec!["priya".to_owned()]);
    let kept = [("titouan", &stores[2].1), ("alex", &stores[0].1)];
    assert_eq!(walk(&index, &NONE, 1), union_of(&kept, &NONE));
    assert_eq!(
        index
            .count(&Filters {
                unread: None,
                keywords: Some("numbers"),
                person: None,
                view: None,
                now_ms: 0,
            })
            .unwrap(),
        0
    );
}

#[test]
fn a_person_in_two_accounts_is_found_in_both_as_the_stores_find_them() {
    let stores = stores();
    let index = fed(&stores);
    // The fixtures' member of `2-same` (ACoA-2-same) talked to alex and to priya.
    let person = Filters {
        unread: None,
        keywords: None,
        person: Some("ACoA-2-same"),
        view: None,
        now_ms: 0,
    };
    let expected = union(&stores, &person);
    assert_eq!(
        expected,
        [
            ("alex".to_owned(), "2-same".to_owned()),
            ("priya".to_owned(), "2-same".to_owned())
        ]
    );
    assert_eq!(walk(&index, &person, 1), expected);
    let nobody = Filters {
        person: Some("ACoA-nobody"),
        ..person
    };
    assert!(walk(&index, &nobody, 5).is_empty());
    // Unlinked, the member's conversations of that account go too.
    index.set_accounts(&["alex"]).unwrap();
    assert_eq!(
        walk(&index, &person, 5),
        [("alex".to_owned(), "2-same".to_owned())]
    );
}

#[test]
fn a_cleared_index_rebuilds_to_the_same_answers() {
    let stores = stores();
    let index = fed(&stores);
    let before = walk(&index, &NONE, 2);
    assert_eq!(index.lane_counts().unwrap(), (3, 0));
    // Nothing of the fixtures says a list is whole, nor synced a head.
    assert_eq!(
        index.lanes_where(super::Lanes::Incomplete).unwrap().len(),
        3
    );
    assert_eq!(index.oldest_head().unwrap(), None);
    index.clear().unwrap();
    assert_eq!(index.lane_counts().unwrap(), (3, 3));
    assert_eq!(index.lanes_where(super::Lanes::Unready).unwrap().len(), 3);
    // The lanes stay, holding nothing: a page in flight sees them not whole, never empty.
    assert_eq!(index.lanes().unwrap().len(), 3);
    assert!(index
        .lanes()
        .unwrap()
        .iter()
        .all(|l| l.marks.is_none() && !l.synced));
    assert_eq!(index.count(&NONE).unwrap(), 0);
    for (account, store) in &stores {
        catch_up(&index, account, store);
    }
    assert_eq!(walk(&index, &NONE, 2), before);
}

#[test]
fn a_bound_stops_a_page_at_an_account_whose_list_goes_on() {
    let stores = stores();
    let index = fed(&stores);
    // Priya's oldest stored conversation bounds what may be shown.
    let bound = index.lane_end("priya").unwrap().unwrap();
    assert_eq!(bound.thread_id, "2-same");
    let page = index.page(&NONE, None, Some(&bound), 10).unwrap();
    let items: Vec<serde_json::Value> = serde_json::from_str(&format!("[{}]", page.json)).unwrap();
    let ids: Vec<_> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    // 2-a1 (50), 2-p1 (40), then at 30: alex's 2-a2 and 2-same rank before priya's 2-same.
    assert_eq!(ids, ["2-a1", "2-p1", "2-a2", "2-same", "2-same"]);
    assert!(IndexPosition {
        at: 50,
        rank: 9,
        thread_id: "z".into()
    }
    .before(&bound));
    assert!(!bound.before(&bound));
    assert!(index.lane_end("titouan").unwrap().is_none());
    // A feed for an account the client does not list writes nothing.
    let feed = stores[0].1.index_feed(None, 10, 0).unwrap();
    let answer: FeedAnswer<'_> = serde_json::from_str(&feed.json).unwrap();
    assert!(!index.apply("stranger", &answer).unwrap());
}

mod feeds;
mod summaries;
