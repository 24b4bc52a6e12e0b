use super::*;

const NOW: i64 = 1_800_000_000_000;

fn refused_field(body: &str) -> &'static str {
    parse_change(body, NOW).unwrap_err().field().unwrap()
}

#[test]
fn each_change_is_read_from_the_body() {
    let change = parse_change(
        r#"{"archived":true,"starred":false,"note":"call back","labels":{"add":[" hot "],"remove":["cold"]}}"#,
        NOW,
    )
    .unwrap();
    assert_eq!(change.archived, Some(true));
    assert_eq!(change.starred, Some(false));
    assert_eq!(change.note, Some(Some("call back".into())));
    assert_eq!(change.add_labels, vec!["hot".to_owned()]);
    assert_eq!(change.remove_labels, vec!["cold".to_owned()]);
    assert_eq!(change.snoozed_until, None);
}

#[test]
fn a_snooze_is_a_time_or_milliseconds_or_null() {
    let iso = parse_change(r#"{"snoozedUntil":"2027-01-16T08:00:00Z"}"#, NOW).unwrap();
    // 2027-01-16T08:00:00Z, counted by hand: 20_834 days after 1970-01-01, and 8 hours.
    assert_eq!(
        iso.snoozed_until,
        Some(Some(20_834 * 86_400_000 + 8 * 3_600_000))
    );
    let ms = parse_change(&format!(r#"{{"snoozedUntil":{}}}"#, NOW + 60_000), NOW).unwrap();
    assert_eq!(ms.snoozed_until, Some(Some(NOW + 60_000)));
    let cleared = parse_change(r#"{"snoozedUntil":null}"#, NOW).unwrap();
    assert_eq!(cleared.snoozed_until, Some(None));
}

#[test]
fn bad_input_is_refused_naming_its_field() {
    assert_eq!(refused_field(r#"{"archive":true}"#), "body");
    assert_eq!(refused_field(r#"{}"#), "body");
    assert_eq!(refused_field(r#"[1]"#), "body");
    assert_eq!(refused_field(r#"{"archived":"yes"}"#), "archived");
    assert_eq!(refused_field(r#"{"starred":1}"#), "starred");
    assert_eq!(
        refused_field(&format!(r#"{{"snoozedUntil":{}}}"#, NOW - 1)),
        "snoozedUntil"
    );
    assert_eq!(
        refused_field(&format!(
            r#"{{"snoozedUntil":{}}}"#,
            NOW + MAX_SNOOZE_MS + 1
        )),
        "snoozedUntil"
    );
    assert_eq!(
        refused_field(r#"{"snoozedUntil":"tomorrow"}"#),
        "snoozedUntil"
    );
    let long = "é".repeat(MAX_NOTE_CHARS + 1);
    assert_eq!(refused_field(&format!(r#"{{"note":"{long}"}}"#)), "note");
    let at_cap = "é".repeat(MAX_NOTE_CHARS);
    assert!(parse_change(&format!(r#"{{"note":"{at_cap}"}}"#), NOW).is_ok());
    assert_eq!(refused_field(r#"{"labels":{"add":[""]}}"#), "labels");
    assert_eq!(refused_field(r#"{"labels":{"rename":["a"]}}"#), "labels");
    assert_eq!(refused_field(r#"{"labels":["a"]}"#), "labels");
}

#[test]
fn applying_a_change_creates_labels_and_refuses_unknown_ones() {
    let known = vec!["cold".to_owned()];
    let change = parse_change(r#"{"starred":true,"labels":{"add":["hot","cold"]}}"#, NOW).unwrap();
    let (state, created) = apply(&TriageState::default(), &change, &known).unwrap();
    assert_eq!(created, vec!["hot".to_owned()]);
    assert_eq!(state.labels, vec!["hot".to_owned(), "cold".to_owned()]);
    assert_eq!(state.starred_on.as_deref(), Some("local"));
    let remove = parse_change(r#"{"labels":{"remove":["warm"]}}"#, NOW).unwrap();
    assert_eq!(
        apply(&state, &remove, &known).unwrap_err().field(),
        Some("labels")
    );
    let full: Vec<String> = (0..MAX_LABELS).map(|i| format!("l{i}")).collect();
    let one_more = parse_change(r#"{"labels":{"add":["new"]}}"#, NOW).unwrap();
    assert!(apply(&state, &one_more, &full).is_err());
    let existing = parse_change(r#"{"labels":{"add":["l3"]}}"#, NOW).unwrap();
    assert!(apply(&state, &existing, &full).is_ok());
}

#[test]
fn the_same_settings_are_the_same_state_whoever_made_them() {
    let change = parse_change(r#"{"archived":true}"#, NOW).unwrap();
    let (first, _) = apply(&TriageState::default(), &change, &[]).unwrap();
    let stamped = TriageState {
        updated_by: Some("popup".into()),
        updated_at: Some(NOW),
        ..first.clone()
    };
    let (again, _) = apply(&stamped, &change, &[]).unwrap();
    assert!(again.same_as(&stamped));
    assert!(!first.is_empty());
    assert!(first.woken().is_empty());
}

#[test]
fn views_are_read_and_bound_to_cursors() {
    let filter =
        ViewFilter::parse([("view", "archived"), ("label", "hot"), ("count", "5")]).unwrap();
    assert_eq!(filter.view, Some(View::Archived));
    assert_eq!(filter.label.as_deref(), Some("hot"));
    assert_ne!(filter.fingerprint(), ViewFilter::default().fingerprint());
    assert_eq!(ViewFilter::default().fingerprint(), "");
    let them = ViewFilter::parse([("waiting", "them"), ("quietDays", "7")]).unwrap();
    assert_eq!(them.quiet_before(NOW), NOW - 7 * 86_400_000);
    assert_eq!(
        ViewFilter::parse([("waiting", "them")])
            .unwrap()
            .quiet_before(NOW),
        NOW - 3 * 86_400_000
    );
    assert_eq!(
        ViewFilter::parse([("view", "spam")]).unwrap_err().field(),
        Some("view")
    );
    assert_eq!(
        ViewFilter::parse([("waiting", "us")]).unwrap_err().field(),
        Some("waiting")
    );
    assert_eq!(
        ViewFilter::parse([("quietDays", "2")]).unwrap_err().field(),
        Some("quietDays")
    );
    assert_eq!(
        ViewFilter::parse([("waiting", "them"), ("quietDays", "-1")])
            .unwrap_err()
            .field(),
        Some("quietDays")
    );
}

#[test]
fn a_cursor_position_is_bound_to_its_view() {
    let archived = ViewFilter::parse([("view", "archived")])
        .unwrap()
        .fingerprint();
    let inbox = ViewFilter::parse([("view", "inbox")])
        .unwrap()
        .fingerprint();
    let position = format!("{archived}0|10:2-a");
    assert!(view_bound(&position, &archived));
    assert!(!view_bound(&position, &inbox));
    assert!(!view_bound(&position, ""));
    assert!(view_bound("12|10:2-a", ""));
    assert!(!view_bound("12|10:2-a", &archived));
}

#[test]
fn only_views_of_triaged_conversations_are_answered_by_the_store_alone() {
    let stored = |q: &[(&str, &str)]| ViewFilter::parse(q.iter().copied()).unwrap().stored_only();
    assert!(stored(&[("view", "archived")]) && stored(&[("view", "starred")]));
    assert!(stored(&[("view", "snoozed")]) && stored(&[("label", "hot")]));
    assert!(!stored(&[("view", "inbox")]) && !stored(&[("waiting", "me")]) && !stored(&[]));
}

#[test]
fn a_note_is_plain_text_and_a_label_list_is_bounded_before_any_work() {
    assert!(parse_change(r#"{"note":"line one\nline\ttwo"}"#, NOW).is_ok());
    assert_eq!(refused_field(r#"{"note":"a\u0000b"}"#), "note");
    assert_eq!(refused_field(r#"{"note":"evil\u202Etxt.exe"}"#), "note");
    let names: Vec<String> = (0..=MAX_LABELS).map(|i| format!("\"l{i}\"")).collect();
    let body = format!(r#"{{"labels":{{"add":[{}]}}}}"#, names.join(","));
    assert_eq!(refused_field(&body), "labels");
    let at_cap = format!(
        r#"{{"labels":{{"remove":[{}]}}}}"#,
        names[..MAX_LABELS].join(",")
    );
    assert!(parse_change(&at_cap, NOW).is_ok());
}
