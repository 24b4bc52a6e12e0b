use rusqlite::Connection;

use super::{LabelOutcome, TriageOutcome, TRIAGE_VERSION};
use crate::rules::triage::{parse_change, ViewFilter};
use crate::rules::webhook_events::PushedMessage;
use crate::store::tests::{conversation, listed, memory_store, memory_store_at, message, page};
use crate::store::{Filters, Store};

const NOW: i64 = 1_800_000_000_000;

fn triage(store: &Store<Connection>, thread: &str, body: &str, client: &str) -> TriageOutcome {
    let change = parse_change(body, NOW).unwrap();
    store
        .set_triage(thread, &change, client, NOW, false)
        .unwrap()
}

fn three() -> Store<Connection> {
    let store = memory_store();
    store
        .upsert_conversations(&page(vec![
            conversation("2-a", 30, true, "Alex", "hi"),
            conversation("2-b", 20, false, "Priya", "hello"),
            conversation("2-c", 10, false, "Sam", "hey"),
        ]))
        .unwrap();
    store
}

fn view(query: &[(&str, &str)]) -> ViewFilter {
    ViewFilter::parse(query.iter().copied()).unwrap()
}

fn in_view(store: &Store<Connection>, query: &[(&str, &str)]) -> Vec<String> {
    let filter = view(query);
    listed(
        store,
        &Filters {
            view: Some(&filter),
            now_ms: NOW,
            ..Filters::default()
        },
    )
}

#[test]
fn a_change_is_one_number_of_the_feed_and_the_same_change_again_is_none() {
    let store = three();
    let before = store.latest_seq().unwrap();
    let TriageOutcome::Set(state) = triage(&store, "2-b", r#"{"archived":true}"#, "popup") else {
        panic!("set")
    };
    assert!(state.archived);
    assert_eq!(state.updated_by.as_deref(), Some("popup"));
    assert_eq!(store.latest_seq().unwrap(), before + 1);
    for _ in 0..3 {
        assert!(
            matches!(triage(&store, "2-b", r#"{"archived":true}"#, "npm"), TriageOutcome::Set(s) if s.updated_by.as_deref() == Some("popup"))
        );
    }
    assert_eq!(
        store.latest_seq().unwrap(),
        before + 1,
        "no-op writes take no number"
    );
    let (items, last, _) = store.changes_since(before, 10, "acct").unwrap();
    assert_eq!(last, before + 1);
    assert!(
        items.starts_with(r#"{"account":"acct","triage":{"archived":true,"#),
        "{items}"
    );
    assert_eq!(
        triage(&store, "2-zz", r#"{"starred":true}"#, "npm"),
        TriageOutcome::Unknown
    );
}

#[test]
fn untriaged_items_keep_their_bytes_and_cleared_triage_disappears() {
    let store = three();
    let plain = store
        .joined_json(&Filters::default(), None, 10, "acct")
        .unwrap();
    assert!(!plain.contains("triage"));
    triage(&store, "2-a", r#"{"note":"ask about the offer"}"#, "npm");
    let shown = store
        .joined_json(&Filters::default(), None, 10, "acct")
        .unwrap();
    assert!(shown.contains(r#""note":"ask about the offer""#));
    triage(&store, "2-a", r#"{"note":null}"#, "npm");
    assert_eq!(
        store
            .joined_json(&Filters::default(), None, 10, "acct")
            .unwrap(),
        plain
    );
}

#[test]
fn refused_changes_change_nothing() {
    let store = three();
    let before = store.latest_seq().unwrap();
    let refused = triage(
        &store,
        "2-a",
        r#"{"starred":true,"labels":{"remove":["nope"]}}"#,
        "npm",
    );
    assert!(matches!(refused, TriageOutcome::Refused(e) if e.field() == Some("labels")));
    assert_eq!(store.latest_seq().unwrap(), before);
    assert!(store.triage_state("2-a").unwrap().unwrap().is_empty());
}

#[test]
fn views_select_by_triage_and_whose_turn_it_is() {
    let store = three();
    triage(
        &store,
        "2-a",
        r#"{"archived":true,"labels":{"add":["hot"]}}"#,
        "npm",
    );
    triage(
        &store,
        "2-b",
        &format!(r#"{{"snoozedUntil":{}}}"#, NOW + 60_000),
        "npm",
    );
    triage(
        &store,
        "2-c",
        r#"{"starred":true,"labels":{"add":["hot"]}}"#,
        "npm",
    );
    assert_eq!(in_view(&store, &[("view", "inbox")]), ["2-c"]);
    assert_eq!(in_view(&store, &[("view", "archived")]), ["2-a"]);
    assert_eq!(in_view(&store, &[("view", "snoozed")]), ["2-b"]);
    assert_eq!(in_view(&store, &[("view", "starred")]), ["2-c"]);
    assert_eq!(in_view(&store, &[("label", "hot")]), ["2-a", "2-c"]);
    assert_eq!(in_view(&store, &[("waiting", "me")]), ["2-a", "2-b", "2-c"]);
    assert!(in_view(&store, &[("waiting", "them")]).is_empty());
    // The account wrote last in 2-c, long ago: waiting on them.
    let sent = message("m-mine", "2-c", 40, "any news?");
    store.record_sent(&sent, None).unwrap();
    assert_eq!(in_view(&store, &[("waiting", "them")]), ["2-c"]);
    assert_eq!(in_view(&store, &[("waiting", "me")]), ["2-a", "2-b"]);
    assert_eq!(listed(&store, &Filters::default()).len(), 3, "no view: all");
}

#[test]
fn labels_are_renamed_and_deleted_on_every_conversation() {
    let store = three();
    triage(&store, "2-a", r#"{"labels":{"add":["hot","vip"]}}"#, "npm");
    triage(&store, "2-b", r#"{"labels":{"add":["hot"]}}"#, "npm");
    assert_eq!(store.labels().unwrap(), ["hot", "vip"]);
    let before = store.latest_seq().unwrap();
    assert_eq!(
        store.rename_label("hot", "warm", "npm", NOW).unwrap(),
        LabelOutcome::Done(2)
    );
    assert_eq!(store.latest_seq().unwrap(), before + 2);
    assert_eq!(in_view(&store, &[("label", "warm")]), ["2-a", "2-b"]);
    assert!(matches!(
        store.rename_label("warm", "vip", "npm", NOW).unwrap(),
        LabelOutcome::Refused(_)
    ));
    assert_eq!(
        store.rename_label("cold", "x", "npm", NOW).unwrap(),
        LabelOutcome::Unknown
    );
    assert_eq!(
        store.delete_label("warm", "npm", NOW).unwrap(),
        LabelOutcome::Done(2)
    );
    assert_eq!(store.labels().unwrap(), ["vip"]);
    assert_eq!(store.triage_state("2-a").unwrap().unwrap().labels, ["vip"]);
    assert!(store.triage_state("2-b").unwrap().unwrap().is_empty());
}

#[test]
fn a_snooze_wakes_at_its_time_unread_as_one_change() {
    let store = three();
    triage(
        &store,
        "2-b",
        &format!(r#"{{"snoozedUntil":{}}}"#, NOW + 60_000),
        "npm",
    );
    assert_eq!(store.next_snooze_at().unwrap(), Some(NOW + 60_000));
    assert_eq!(store.wake_due_snoozes(NOW + 59_999).unwrap(), 0);
    let before = store.latest_seq().unwrap();
    assert_eq!(store.wake_due_snoozes(NOW + 60_000).unwrap(), 1);
    assert_eq!(store.latest_seq().unwrap(), before + 1);
    assert_eq!(store.next_snooze_at().unwrap(), None);
    let woken = store.conversation("2-b").unwrap().unwrap();
    assert!(woken.is_unread());
    assert_eq!(in_view(&store, &[("view", "inbox")]), ["2-a", "2-b", "2-c"]);
}

#[test]
fn a_new_incoming_message_unarchives_and_wakes_early() {
    let store = three();
    triage(&store, "2-a", r#"{"archived":true,"starred":true}"#, "npm");
    triage(
        &store,
        "2-b",
        &format!(r#"{{"snoozedUntil":{}}}"#, NOW + 60_000),
        "npm",
    );
    // A webhook's message in 2-a; a sync's newer copy of 2-b.
    let pushed = PushedMessage {
        account_id: None,
        message: message("m-new", "2-a", 50, "still there?"),
        sender_id: Some("ACoA-2-a".to_owned()),
        sender_picture: None,
        has_attachment: false,
        conversation_urn: "urn:li:messagingThread:2-a".to_owned(),
    };
    let before = store.latest_seq().unwrap();
    assert!(store.record_pushed(&pushed).unwrap());
    store
        .upsert_conversations(&page(vec![conversation("2-b", 60, true, "Priya", "ping")]))
        .unwrap();
    assert_eq!(store.latest_seq().unwrap(), before + 2, "one change each");
    let a = store.triage_state("2-a").unwrap().unwrap();
    assert!(!a.archived && a.starred);
    assert!(store.triage_state("2-b").unwrap().unwrap().is_empty());
    // The same copy again (no newer message) wakes nothing.
    triage(&store, "2-b", r#"{"archived":true}"#, "npm");
    store
        .upsert_conversations(&page(vec![conversation("2-b", 60, true, "Priya", "ping")]))
        .unwrap();
    assert!(store.triage_state("2-b").unwrap().unwrap().archived);
}

#[test]
fn a_version_9_store_upgrades_with_its_conversations_kept() {
    let old = memory_store_at(TRIAGE_VERSION - 1);
    old.upsert_conversations(&page(vec![conversation("2-a", 30, true, "Alex", "hi")]))
        .unwrap();
    let plain = old
        .joined_json(&Filters::default(), None, 10, "acct")
        .unwrap();
    let store = Store::open(old.sql, TRIAGE_VERSION).unwrap();
    assert_eq!(
        store
            .joined_json(&Filters::default(), None, 10, "acct")
            .unwrap(),
        plain
    );
    assert!(matches!(
        triage(&store, "2-a", r#"{"archived":true}"#, "npm"),
        TriageOutcome::Set(_)
    ));
    assert_eq!(in_view(&store, &[("view", "archived")]), ["2-a"]);
}

#[test]
fn a_changed_star_waits_for_its_mirror_once_and_settles_on_linkedin_or_failed() {
    let store = three();
    let change = parse_change(r#"{"starred": true}"#, NOW).unwrap();
    let mirrored = |change| store.set_triage("2-a", change, "desk", NOW, true).unwrap();
    let TriageOutcome::Mirror(pending, true) = mirrored(&change) else {
        panic!("a new star is to be mirrored")
    };
    let mirror = pending.star_mirror.clone().unwrap();
    assert_eq!((mirror.state.as_str(), mirror.starred), ("pending", true));
    assert_eq!(pending.starred_on.as_deref(), Some("local"));
    // The same request again (concurrent or not) finds it set: nothing more to mirror.
    assert_eq!(mirrored(&change), TriageOutcome::Set(pending.clone()));
    assert_eq!(
        store.pending_star_mirrors().unwrap(),
        ["2-a"],
        "found after a restart"
    );
    // A settle for another star than the pending one changes nothing.
    let other = store.settle_star_mirror("2-a", false, Ok(())).unwrap();
    assert_eq!(other, Some(pending.clone()));
    let done = store
        .settle_star_mirror("2-a", true, Ok(()))
        .unwrap()
        .unwrap();
    assert_eq!(
        (done.starred, done.starred_on.as_deref(), done.star_mirror),
        (true, Some("linkedin"), None)
    );
    assert_eq!(
        done.updated_by.as_deref(),
        Some("desk"),
        "no one's new change"
    );
    assert!(store.pending_star_mirrors().unwrap().is_empty());
    // Unstarred, the mirror fails: unstarred here, the reason kept.
    let unstar = parse_change(r#"{"starred": false}"#, NOW).unwrap();
    assert!(matches!(mirrored(&unstar), TriageOutcome::Mirror(_, false)));
    let refused = linkedin_inbox::Error::RateLimited {
        retry_after_secs: Some(30),
    };
    let failed = store
        .settle_star_mirror("2-a", false, Err(&refused))
        .unwrap()
        .unwrap();
    let mirror = failed.star_mirror.unwrap();
    assert_eq!((failed.starred, failed.starred_on), (false, None));
    assert_eq!((mirror.state.as_str(), mirror.starred), ("failed", false));
    assert_eq!(mirror.error.unwrap().code, "RATE_LIMITED");
    // Without mirroring (a LinkupAPI account), a star is local at once.
    let TriageOutcome::Set(local) = triage(&store, "2-b", r#"{"starred": true}"#, "desk") else {
        panic!("set")
    };
    assert_eq!(
        (local.starred_on.as_deref(), local.star_mirror),
        (Some("local"), None)
    );
}
